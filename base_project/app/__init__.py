"""Application package: backend, dashboard, CLI and their shared core."""
