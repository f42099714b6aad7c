"""The core-anchors layer: each helper's edits on a fresh core project, and back.

Every helper is applied to a project made by `aegis init`, checked where the core says its
anchor is, and reverted to the same bytes; the settings helper is checked to write the field
and its documented `.env.example` line from one declaration, over the whole catalogue.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from aegis import anchors
from aegis.anchors import Setting
from aegis.catalog import Catalog
from aegis.pack import Pack
from tests.aegis_helpers import CATALOG, add, allowed_sets, init, label, remove, snapshot

HELPERS = {
    "health_check": (anchors.health_check("app.core.probe", "check_probe"), "HEALTH_CHECKS"),
    "readiness_check": (
        anchors.readiness_check("app.core.probe", "check_probe_ready"),
        "READINESS_CHECKS",
    ),
    "bootstrap_hook": (anchors.bootstrap_hook("app.core.probe", "init_probe"), "BOOTSTRAP_HOOKS"),
    "startup_hook": (anchors.startup_hook("app.core.probe", "start_probe"), "STARTUP_HOOKS"),
    "shutdown_hook": (anchors.shutdown_hook("app.core.probe", "stop_probe"), "SHUTDOWN_HOOKS"),
    "router": (anchors.router("app.components.backend.api.probe"), "ROUTERS"),
    "cli_group": (anchors.cli_group("app.cli.probe", "probe_app"), "COMMAND_GROUPS"),
    "operator_check": (
        anchors.operator_check("app.core.probe", "probe_operator"),
        "OPERATOR_CHECKS",
    ),
}


def probe_catalog(declared: object) -> Catalog:
    probe = Pack(
        name="probe",
        kind="component",
        summary="probe",
        edits=lambda options: [declared],  # type: ignore[list-item]
    )
    return Catalog([*CATALOG, probe])


def module_list(path: Path, name: str) -> list[str]:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            assert isinstance(node.value, ast.List)
            return [ast.unparse(element) for element in node.value.elts]
    raise AssertionError(f"no list {name} in {path}")


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_registration_helpers_add_to_the_core_lists_and_back(tmp_path: Path, helper: str) -> None:
    (imported, item), list_name = HELPERS[helper]
    project = init(tmp_path)
    before = snapshot(project)
    catalog = probe_catalog((imported, item))
    add(project, ["probe"], catalog=catalog)
    assert item.item in module_list(project / item.path, list_name)
    source = (project / item.path).read_text()
    alias = f" as {imported.alias}" if imported.alias else ""
    assert f"from {imported.module} import {imported.name}{alias}\n" in source
    remove(project, ["probe"], catalog=catalog)
    assert snapshot(project) == before


def test_router_alias_follows_the_module() -> None:
    imported, item = anchors.router("app.components.backend.api.items")
    assert (imported.name, imported.alias, item.item) == ("router", "items_router", "items_router")


def test_one_setting_declaration_gives_the_field_and_the_documented_line(tmp_path: Path) -> None:
    project = init(tmp_path)
    before = snapshot(project)
    declared = anchors.settings(
        Setting("probe_url", "https://example.invalid/a", "Where the probe reports to."),
        Setting("probe_retries", 3, "How often it tries."),
        Setting("probe_enabled", True, "Whether it runs."),
        Setting("probe_token", "", "Token of the probe service.", secret=True),
        title="Probe",
    )
    catalog = probe_catalog(declared)
    add(project, ["probe"], catalog=catalog)
    config = (project / "app/core/config.py").read_text()
    assert (
        "\n    # Probe\n    # Where the probe reports to.\n"
        '    probe_url: str = "https://example.invalid/a"\n'
        "    # How often it tries.\n    probe_retries: int = 3\n"
        "    # Whether it runs.\n    probe_enabled: bool = True\n"
        '    # Token of the probe service.\n    probe_token: str = ""\n'
    ) in config
    env = (project / ".env.example").read_text()
    assert (
        "# aegis:begin probe\n# Probe\n# Where the probe reports to.\n"
        "PROBE_URL=https://example.invalid/a\n# How often it tries.\nPROBE_RETRIES=3\n"
        "# Whether it runs.\nPROBE_ENABLED=true\n# Token of the probe service.\nPROBE_TOKEN=\n"
        "# aegis:end probe\n"
    ) in env
    remove(project, ["probe"], catalog=catalog)
    assert snapshot(project) == before


def test_long_documentation_is_wrapped_within_the_line_length() -> None:
    doc = "A sentence long enough to need wrapping in both places it is written to. " * 3
    field, block = anchors.settings(Setting("wordy", 1, doc))
    assert all(len(line) <= 84 for line in field.code.splitlines())  # + 4 of indentation
    assert all(len(line) <= 88 for line in block.body.splitlines())


def test_app_services_share_one_environment(tmp_path: Path) -> None:
    """A variable declared once reaches every app service of the compose file."""
    from ruamel.yaml import YAML

    everything = CATALOG.sort(max(allowed_sets(), key=len))
    project = init(tmp_path, everything)
    compose = YAML(typ="safe").load((project / "docker-compose.yml").read_text())
    apps = {name: s for name, s in compose["services"].items() if s.get("build")}
    assert {"web", "scheduler", "worker-system", "worker-default"} <= set(apps)
    environments = [service["environment"] for service in apps.values()]
    assert all(env == environments[0] for env in environments)
    assert "REDIS_URL" in environments[0]


@pytest.mark.parametrize("components", allowed_sets(), ids=label)
def test_every_app_process_gets_the_shared_environment(
    tmp_path: Path, components: frozenset[str]
) -> None:
    """Over every allowed set: each app service of the compose file (web, dev, scheduler,
    every worker) inherits `x-app` and sets no environment of its own, so a variable a
    pack declares once (REDIS_URL, DATABASE_URL) reaches every process kind."""
    from ruamel.yaml import YAML

    project = init(tmp_path, CATALOG.sort(components))
    compose = YAML(typ="safe").load((project / "docker-compose.yml").read_text())
    shared = compose["x-app"].get("environment", {})
    apps = {name: s for name, s in compose["services"].items() if s.get("build")}
    assert {"web", "dev"} <= set(apps)
    for name, service in apps.items():
        assert service.get("environment", {}) == shared, name
    if "redis" in components:
        assert "REDIS_URL" in shared


def test_a_new_project_has_a_generated_operations_token(tmp_path: Path) -> None:
    """`OPS_TOKEN` gets a random value in the git-ignored `.env`, different per project;
    the committed `.env.example` documents it without a value."""
    first, second = init(tmp_path / "one"), init(tmp_path / "two")
    tokens = []
    for project in (first, second):
        lines = (project / ".env").read_text().splitlines()
        values = [line.partition("=")[2] for line in lines if line.startswith("OPS_TOKEN=")]
        assert len(values) == 1 and len(values[0]) >= 32
        tokens.append(values[0])
        assert ".env" in (project / ".gitignore").read_text().splitlines()
        assert "OPS_TOKEN=\n" in (project / ".env.example").read_text()
    assert tokens[0] != tokens[1]


def test_every_setting_of_every_pack_is_documented_in_env_example(tmp_path: Path) -> None:
    """Over every allowed set: each `Settings` field is an `.env.example` variable."""
    core = init(tmp_path / "core")
    core_fields = settings_fields(core)
    for number, components in enumerate(allowed_sets()):
        project = init(tmp_path / str(number), CATALOG.sort(components))
        fields = settings_fields(project) - core_fields
        documented = set(
            re.findall(r"^([A-Z][A-Z0-9_]*)=", (project / ".env.example").read_text(), re.M)
        )
        assert {field.upper() for field in fields} <= documented, components


def settings_fields(project: Path) -> set[str]:
    tree = ast.parse((project / "app/core/config.py").read_text())
    settings = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings")
    return {
        n.target.id
        for n in settings.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    }
