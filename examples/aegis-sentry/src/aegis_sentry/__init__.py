"""The Aegis pack `sentry`: error reporting in every process of a generated service."""
