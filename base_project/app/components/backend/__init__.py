"""FastAPI backend: app factory, lifespan hooks and API routers."""
