"""The invariant suite as a contract: what every pack, built in or third-party, passes.

- `PackContract`: a pytest test class; subclass it with `pack = "<name>"` (see
  `aegis.testing.contract`).
- `Workbench`, `snapshot`, `tree_difference`: generate and compare projects in tests.
- `Case`, `allowed_sets`, `invariant_cases`, `covering_cases`, `generated_cases`: the
  projects checked.
- `make_owner_edits`: an owner's typical changes, which add and remove must keep.
- `compose_problems`: static consistency of a generated compose file.

Importing this package needs pytest only for `PackContract`.
"""

from aegis.testing.cases import (
    Case,
    allowed_sets,
    covering_cases,
    generated_cases,
    invariant_cases,
)
from aegis.testing.compose import compose_problems
from aegis.testing.owner import make_owner_edits
from aegis.testing.workbench import Workbench, snapshot, tree_difference

__all__ = [
    "Case",
    "PackContract",
    "Workbench",
    "allowed_sets",
    "compose_problems",
    "covering_cases",
    "generated_cases",
    "invariant_cases",
    "make_owner_edits",
    "snapshot",
    "tree_difference",
]


def __getattr__(name: str) -> object:
    if name == "PackContract":
        from aegis.testing.contract import PackContract

        return PackContract
    raise AttributeError(name)
