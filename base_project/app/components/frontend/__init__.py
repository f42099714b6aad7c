"""Flet dashboard served by the backend."""
