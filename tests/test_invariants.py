"""The invariants of ARCHITECTURE.md over every allowed set of components and options.

Aegis's own catalogue is checked by the same contract suite third-party packs pass
(`aegis.testing.PackContract`), with `pack = None`: every allowed set, every option
combination, several add orders. Nothing here names a pack: a new one is covered as soon as
it exists.
"""

from aegis.testing import PackContract


class TestCatalogue(PackContract):
    """Every invariant, over the whole catalogue."""
