"""Aegis's invariants for `sentry`, against the core and every other installed pack."""

from aegis.testing import PackContract


class TestSentryContract(PackContract):
    pack = "sentry"
