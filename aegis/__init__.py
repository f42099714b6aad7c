"""Aegis: generate Python services and grow them with component transforms."""

__version__ = "0.7.0"
