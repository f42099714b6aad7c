"""The ledger: what Aegis applied, recorded in the project, so that `remove` tells the owner's
changes from Aegis's own whatever the installed Aegis would render today.

A fixture pack in two versions ("v1", "v2") stands for an Aegis upgrade: v2 changes the file
it owns and every kind of edit it makes.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from aegis import engine
from aegis.catalog import Catalog
from aegis.edits import (
    COMPOSE,
    ComposeDependsOn,
    ComposeEnvironment,
    ComposeService,
    ComposeVolume,
    Dependency,
    Edit,
    Import,
    ListItem,
    Script,
    Statement,
    TextBlock,
    YamlEntry,
    YamlListItem,
    edit_from_data,
)
from aegis.errors import ModifiedFiles, PlanError
from aegis.fingerprints import fingerprint
from aegis.ledger import LEDGER, Ledger, loads
from aegis.migrations import Migration, MoveFile, RenameModule, RenameSetting
from aegis.pack import Origin, Pack
from aegis.sdk import Setting, anchors
from aegis.transaction import pending
from tests.aegis_helpers import (
    CATALOG,
    allowed_sets,
    init,
    option_variants,
    remove,
    snapshot,
    tree_difference,
)

LARGEST = max(allowed_sets(), key=len)

PROBE_MODULE = {
    1: 'def check_probe() -> str:\n    """The probe."""\n    return "ok"\n',
    2: 'def check_probe() -> str:\n    """The probe, version 2."""\n    return "fine"\n',
}


def probe_edits(version: int) -> list[Edit]:
    """Every kind of edit; version 2 changes each of them."""
    return [
        Dependency(f"probe-lib>={version}.0"),
        Script("probe", f"app.core.probe:main{version}"),
        Statement("app/core/config.py", "Settings", f"probe_level: int = {version}"),
        Import("app/core/checks.py", "app.core.probe", "check_probe"),
        ListItem("app/core/checks.py", "HEALTH_CHECKS", "check_probe"),
        TextBlock(".env.example", f"# Probe\nPROBE_LEVEL={version}"),
        ComposeService("probe", {"image": f"probe:{version}", "networks": ["backend"]}),
        ComposeVolume("probe-data", {"labels": {"version": str(version)}}),
        ComposeEnvironment("x-app", "PROBE_URL", f"http://probe:900{version}"),
        ComposeDependsOn("probe", "web", "service_started" if version == 1 else "service_healthy"),
        YamlEntry(COMPOSE, ("x-app",), "x-probe", f"level {version}"),
        YamlListItem(COMPOSE, ("x-app", "networks"), f"probe-net-{version}"),
        # a setting version 2 renames (its migration renames it in the project first)
        *anchors.settings(
            Setting(PROBE_SETTING[version], version, "Seconds the probe waits."),
            key="probe-settings",
        ),
        ComposeEnvironment("x-app", PROBE_SETTING[version].upper(), str(version)),
    ]


PROBE_SETTING = {1: "probe_timeout", 2: "probe_deadline"}
# the file version 2 moves (same content): its migration moves it, and renames the module
PROBE_CONSTANTS = {1: "probe_steady.py", 2: "probe_constants.py"}
PROBE_MIGRATION = Migration(
    "rename-probe-parts",
    "2.0",
    "probe_steady.py is now probe_constants.py, probe_timeout is now probe_deadline",
    steps=(
        MoveFile("app/core/probe_steady.py", "app/core/probe_constants.py"),
        RenameModule("app.core.probe_steady", "app.core.probe_constants"),
        RenameSetting("probe_timeout", "probe_deadline"),
    ),
)


def probe_catalog(root: Path, version: int) -> Catalog:
    """The catalogue with the probe pack of `version` (its files under `root`)."""
    files = root / f"v{version}" / "files" / "app" / "core"
    files.mkdir(parents=True, exist_ok=True)
    (files / "probe.py").write_text(PROBE_MODULE[version])
    (files / PROBE_CONSTANTS[version]).write_text('"""The same in every version."""\n\nLEVEL = 1\n')
    probe = Pack(
        name="probe",
        kind="component",
        summary="a probe",
        edits=lambda options: probe_edits(version),
        migrations=(PROBE_MIGRATION,) if version == 2 else (),
        root=root / f"v{version}",
        origin=Origin("aegis-probe", f"{version}.0"),
    )
    return Catalog([*CATALOG, probe])


def ledger_of(project: Path) -> dict[str, object]:
    return tomllib.loads((project / LEDGER).read_text())


# -- what the ledger holds ------------------------------------------------------------------


def test_the_ledger_records_each_pack_its_edits_and_files(tmp_path):
    catalog = probe_catalog(tmp_path / "packs", 1)
    project = init(tmp_path, ["redis"])
    engine.add(catalog, project, ["probe"], {}).changes.apply()
    packs = ledger_of(project)["packs"]
    assert list(packs) == [name for name in ["core", *catalog.position] if name in packs]
    assert set(packs) == {"core", "redis", "probe"}
    probe = packs["probe"]
    assert [edit_from_data(data) for data in probe["edits"]] == probe_edits(1)
    assert probe["files"]["app/core/probe.py"] == fingerprint("app/core/probe.py", PROBE_MODULE[1])
    assert set(packs["core"]["files"]) >= {"pyproject.toml", "app/core/config.py"}


def test_every_edit_of_every_pack_survives_the_ledger(tmp_path):
    """Over the catalogue and every option combination: written to the ledger and read back,
    each edit is the one the pack declared (same fields, same order of keys)."""
    for components in allowed_sets():
        for options in option_variants(components):
            everything = CATALOG.default_options(p.name for p in CATALOG) | options
            ledger = Ledger()
            for name in components:
                ledger.record(name, "0", CATALOG[name].edits_for(everything), {})
            again = loads(ledger.dumps(CATALOG.position))
            for name in components:
                declared = CATALOG[name].edits_for(everything)
                read = again.packs[name].recorded_edits()
                assert read == declared
                assert [e.to_data() for e in read] == [e.to_data() for e in declared]


def test_the_ledger_does_not_count_as_an_interrupted_command(tmp_path):
    from aegis.confined import ProjectFiles

    project = init(tmp_path)
    assert (project / LEDGER).is_file()
    assert not pending(ProjectFiles(project))


def test_a_damaged_ledger_is_one_readable_error(tmp_path):
    project = init(tmp_path, ["redis"])
    (project / LEDGER).write_text("[packs.redis\n")
    with pytest.raises(PlanError, match=r"\.aegis/ledger\.toml .* is damaged"):
        remove(project, ["redis"])
    (project / LEDGER).write_text('[[packs.redis.edits]]\nedit = "Nonsense"\n')
    with pytest.raises(PlanError, match="is damaged"):
        remove(project, ["redis"])


# -- fingerprints ------------------------------------------------------------------------------


def reformat(project: Path) -> None:
    """`ruff format` in another style: shorter lines, single quotes."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--no-cache",
            "--line-length",
            "60",
            "--config",
            "format.quote-style='single'",
            ".",
        ],
        cwd=project,
        check=True,
        capture_output=True,
    )


def test_formatting_keeps_every_fingerprint_and_edits_change_them(tmp_path):
    project = init(tmp_path, sorted(LARGEST))
    before = snapshot(project)
    reformat(project)
    after = snapshot(project)
    assert tree_difference(before, after), "the other style changed nothing"
    for path in [p for p in before if p.endswith(".py")]:
        old, new = before[path].decode(), after[path].decode()
        assert fingerprint(path, old) == fingerprint(path, new), path
        for changed in (
            old + "\nVALUE = 1\n",
            old + "\n# a note\n",
            old.replace("def ", "def x", 1),
        ):
            if changed != old:
                assert fingerprint(path, changed) != fingerprint(path, old), path


def test_line_endings_and_byte_order_marks_do_not_count():
    text = 'x = "a"\n# note\n'
    assert fingerprint("a.py", "\ufeff" + text.replace("\n", "\r\n")) == fingerprint("a.py", text)
    assert fingerprint("a.md", "# A\r\n") == fingerprint("a.md", "# A\n")
    assert fingerprint("a.yaml", "a:   1  # x\n") != fingerprint("a.yaml", "a: 2  # x\n")
    assert fingerprint("a.toml", "a = 1\n") == fingerprint("a.toml", "a   =   1\n")


def test_a_reformatted_project_loses_every_pack_without_force(tmp_path):
    project = init(tmp_path, sorted(LARGEST))
    reformat(project)
    remove(project, CATALOG.sort(LARGEST))
    assert set(ledger_of(project)["packs"]) == {"core"}


# -- remove after an upgrade ---------------------------------------------------------------


def test_remove_after_an_upgrade_needs_no_force_for_untouched_work(tmp_path):
    v1 = probe_catalog(tmp_path / "packs", 1)
    v2 = probe_catalog(tmp_path / "packs", 2)
    reference = init(tmp_path / "reference", ["redis"])
    project = init(tmp_path / "project", ["redis"])
    engine.add(v1, project, ["probe"], {}).changes.apply()
    engine.remove(v2, project, ["probe"]).changes.apply()
    after, expected = snapshot(project), snapshot(reference)
    assert after == expected, tree_difference(after, expected)


def test_a_project_made_before_the_ledger_still_removes(tmp_path):
    """No ledger (Aegis 0.1.0): the installed pack's edits and files are compared instead."""
    reference = init(tmp_path / "reference", ["database"])
    project = init(tmp_path / "project", ["database", "redis"])
    (project / LEDGER).unlink()
    (reference / LEDGER).unlink()
    remove(project, ["redis"])
    (project / LEDGER).unlink()  # the command starts a ledger of what it knows
    assert snapshot(project) == snapshot(reference)


# -- the owner's changes are never deleted silently ---------------------------------------

OWNER_CHANGES = {
    "owned file": ("app/core/probe.py", '"ok"', '"mine"', "app/core/probe.py"),
    "Dependency": ("pyproject.toml", '"probe-lib>=1.0"', '"probe-lib>=1.5"', "probe-lib>=1.0"),
    "Script": ("pyproject.toml", '"app.core.probe:main1"', '"app.core.probe:mine"', "script"),
    "Statement": (
        "app/core/config.py",
        "probe_level: int = 1",
        "probe_level: int = 7",
        "`Settings` in app/core/config.py",
    ),
    "TextBlock": (".env.example", "PROBE_LEVEL=1", "PROBE_LEVEL=7", "block in .env.example"),
    "ComposeService": (COMPOSE, "image: probe:1", "image: probe:7", "`probe`"),
    "ComposeVolume": (COMPOSE, "version: '1'", "version: '7'", "probe-data"),
    "ComposeEnvironment": (COMPOSE, "http://probe:9001", "http://probe:7777", "PROBE_URL"),
    "ComposeDependsOn": (
        COMPOSE,
        "condition: service_started",
        "condition: service_completed_successfully",
        "probe",
    ),
    "YamlEntry": (COMPOSE, "x-probe: level 1", "x-probe: level 7", "x-probe"),
}


@pytest.mark.parametrize("kind", list(OWNER_CHANGES))
def test_an_element_the_owner_changed_stops_remove_until_forced(tmp_path, kind):
    path, old, new, named = OWNER_CHANGES[kind]
    catalog = probe_catalog(tmp_path / "packs", 1)
    project = init(tmp_path, ["redis"])
    engine.add(catalog, project, ["probe"], {}).changes.apply()
    text = (project / path).read_text()
    assert text.count(old) == 1, f"{old!r} in {path}"
    (project / path).write_text(text.replace(old, new))
    changed = snapshot(project)
    with pytest.raises(ModifiedFiles, match=f"probe: these were changed .*{named}"):
        engine.remove(catalog, project, ["probe"])
    assert snapshot(project) == changed
    engine.remove(catalog, project, ["probe"], force=True).changes.apply()
    assert "probe" not in ledger_of(project)["packs"]


def test_an_element_the_owner_deleted_does_not_stop_remove(tmp_path):
    catalog = probe_catalog(tmp_path / "packs", 1)
    project = init(tmp_path, ["redis"])
    engine.add(catalog, project, ["probe"], {}).changes.apply()
    config = project / "app/core/config.py"
    config.write_text(config.read_text().replace("probe_level: int = 1", ""))
    (project / "app/core/probe.py").unlink()
    engine.remove(catalog, project, ["probe"]).changes.apply()
    assert "probe" not in (project / COMPOSE).read_text()
