"""The auth service: passwords, tokens, sessions, users, e-mail and rate limits."""
