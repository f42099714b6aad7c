"""One module per process kind."""
