"""The contract suite is not a formality: run on deliberately broken packs, it fails them, and
on a sound pack written the same way, it passes."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

HEADER = """
from pathlib import Path
from itertools import count

from aegis.sdk import Migration, Pack, RenameSetting, Setting, Statement, anchors
from aegis.testing import PackContract

HERE = Path(__file__).parent
"""

PACKS = {
    "sound": """
PROBE = Pack(
    name="probe",
    kind="component",
    summary="a sound pack",
    edits=lambda options: [anchors.settings(Setting("probe_level", 3, "How loud."))],
    migrations=(
        Migration("louder", "1.0", "probe_volume is now probe_level",
                  steps=(RenameSetting("probe_volume", "probe_level"),)),
    ),
)
""",
    # Its migration changes a project already in the new shape (it is not idempotent).
    "migration_not_idempotent": """
def shout(files):
    files.write("README.md", files.read("README.md") + "LOUD\\n")

PROBE = Pack(
    name="probe",
    kind="component",
    summary="a migration that appends every time",
    edits=lambda options: [anchors.settings(Setting("probe_level", 3, "How loud."))],
    migrations=(Migration("shout", "1.0", "appends", function=shout),),
)
""",
    # Its field already exists in the core: adding changes nothing, removing deletes the
    # core's own field.
    "not_invertible": """
PROBE = Pack(
    name="probe",
    kind="component",
    summary="shadows a core setting",
    edits=lambda options: [Statement("app/core/config.py", "Settings", "debug: bool = False")],
)
""",
    # Its edits depend on when they are asked for, not only on the options.
    "not_deterministic": """
CALLS = count()
PROBE = Pack(
    name="probe",
    kind="component",
    summary="edits that change between calls",
    edits=lambda options: [
        Statement("app/core/config.py", "Settings", f"probe_calls: int = {next(CALLS)}")
    ],
)
""",
    # It owns a file of the core: it would overwrite what it does not own.
    "owns_a_core_file": """
(HERE / "probe/files/app/core").mkdir(parents=True, exist_ok=True)
(HERE / "probe/files/app/core/checks.py").write_text("HEALTH_CHECKS = []\\n")
PROBE = Pack(name="probe", kind="component", summary="takes over checks.py", root=HERE / "probe")
""",
}

CONTRACT = """
class TestProbeContract(PackContract):
    pack = "probe"
    extra_packs = (PROBE,)
"""


def run_contract(pytester: pytest.Pytester, pack: str) -> pytest.RunResult:
    pytester.makepyfile(test_probe=HEADER + PACKS[pack] + CONTRACT)
    return pytester.runpytest("-m", "not generated", "-p", "no:cacheprovider", "-q")


def test_a_sound_pack_passes(pytester: pytest.Pytester) -> None:
    result = run_contract(pytester, "sound")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) > 20
    assert "failed" not in outcomes and "error" not in outcomes


@pytest.mark.parametrize(
    ("pack", "caught_by"),
    [
        ("not_invertible", "test_remove_is_the_exact_inverse_of_add"),
        ("not_deterministic", "test_init_with_packs_equals_init_then_add"),
        ("migration_not_idempotent", "test_a_new_project_is_born_migrated"),
    ],
)
def test_a_broken_pack_fails_the_contract(
    pytester: pytest.Pytester, pack: str, caught_by: str
) -> None:
    result = run_contract(pytester, pack)
    assert result.parseoutcomes().get("failed", 0) > 0
    assert any(caught_by in line and "FAILED" in line for line in result.outlines)


def test_a_pack_owning_a_core_file_is_refused_before_any_test(pytester: pytest.Pytester) -> None:
    result = run_contract(pytester, "owns_a_core_file")
    assert result.parseoutcomes().get("errors", 0) == 1
    result.stdout.fnmatch_lines(
        ["*Pack `probe` has a file app/core/checks.py, a file of the core*"]
    )
