"""Task functions, one module per queue; each is a thin wrapper over `app.services`."""
