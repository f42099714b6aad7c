"""Idempotent, invertible edits of parsed documents (Python, TOML, YAML, text)."""
