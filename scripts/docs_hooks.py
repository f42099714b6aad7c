"""MkDocs hooks: the reference pages written from Aegis itself, so they never drift.

- `reference/commands.md`: every command's `--help`, examples included, as the CLI prints it;
- `reference/<pack>.md`: one page per component and service of the catalogue (built in and
  installed): what it adds, its options, files, settings, dependencies, processes, how it
  runs in development and in compose, and what it does with other packs.

A new pack gets its page and its place in the navigation without an edit here.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section

from aegis.catalog import Catalog
from aegis.edits import ComposeService, Dependency, EnvSecret, Script, TextBlock
from aegis.pack import Pack

REFERENCE = "reference"
SECTION = "Components and services"
HAND_WRITTEN = ("components", "services")  # docs/<kind>s/<pack>.md: the page in depth


def on_files(files: Files, config: MkDocsConfig) -> Files:
    catalog = Catalog.load()
    files.append(File.generated(config, f"{REFERENCE}/commands.md", content=commands_page()))
    for pack in catalog.selectable:
        page = pack_page(catalog, pack, files)
        uri = f"{REFERENCE}/{pack.name}.md"  # placed in the navigation by on_nav
        files.append(File.generated(config, uri, content=page, inclusion=InclusionLevel.NOT_IN_NAV))
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """The pack pages, in catalogue order, as one section of the navigation."""
    catalog = Catalog.load()
    pages: list[StructureItem] = []
    for pack in catalog.selectable:
        file = files.get_file_from_path(f"{REFERENCE}/{pack.name}.md")
        if file is not None and file.page is not None:
            pages.append(file.page)
    section = Section(SECTION, pages)
    for page in pages:
        page.parent = section
    nav.items.append(section)
    nav.pages.extend(pages)
    return nav


# -- commands ---------------------------------------------------------------------------


def commands_page() -> str:
    import typer
    from typer.testing import CliRunner

    from aegis.cli import app

    runner = CliRunner()
    parts = [
        "# Command reference\n",
        "Each command's `--help`, as `aegis` prints it (this page is generated from it). "
        "What the commands do and guarantee, with sample output: [The command line](../cli.md).\n",
    ]
    for words in _command_paths(typer.main.get_command(app)):
        result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "96"})
        title = " ".join(("aegis", *words))
        parts.append(f"## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [path]
    found = [path]
    for name, sub in subcommands.items():
        found.extend(_command_paths(sub, (*path, name)))
    return found


# -- packs ------------------------------------------------------------------------------


def pack_page(catalog: Catalog, pack: Pack, files: Files) -> str:
    options = catalog.default_options(catalog.closure(pack.name))
    edits = pack.edits_for(options)
    lines = [f"# `{pack.name}`\n", f"{pack.summary}.\n", _facts(catalog, pack)]
    in_depth = next(
        (
            f"../{kind}/{pack.name}.md"
            for kind in HAND_WRITTEN
            if files.get_file_from_path(f"{kind}/{pack.name}.md")
        ),
        None,
    )
    if in_depth:
        lines.append(f"In depth: [{pack.name}]({in_depth}).\n")
    lines.append(_add_it(pack))
    if pack.options:
        lines.append("## Options\n")
        lines.append("| option | values | default | what |\n|---|---|---|---|")
        for option in pack.options:
            flag = f"--{pack.option_key(option).replace('_', '-')}"
            values = ", ".join(f"`{c}`" for c in option.choices)
            lines.append(f"| `{flag}` | {values} | `{option.default}` | {option.help} |")
        lines.append(_variants(catalog, pack, options))
    owned = catalog.owned_paths(pack, options)
    if owned:
        lines.append("## Files it owns\n")
        lines.append(
            "Created when it is added, deleted when it is removed (unless you changed them):\n"
        )
        lines.extend(f"- `{path}`" for path in owned)
        lines.append("")
    lines.append(_settings(edits))
    lines.append(_dependencies(edits))
    lines.append(_processes(edits))
    lines.append(_readme(edits))
    lines.append(_integrations(catalog, pack))
    return "\n".join(line for line in lines if line is not None)


def _facts(catalog: Catalog, pack: Pack) -> str:
    requires = ", ".join(f"[`{name}`]({name}.md)" for name in pack.requires) or "nothing"
    required_by = [p.name for p in catalog.selectable if pack.name in p.requires]
    by = ", ".join(f"[`{name}`]({name}.md)" for name in required_by) or "none"
    return (
        f"| | |\n|---|---|\n| kind | {pack.kind} |\n| requires | {requires} |\n"
        f"| required by | {by} |\n| source | {pack.origin} |\n"
    )


def _add_it(pack: Pack) -> str:
    flag = "-s" if pack.kind == "service" else "-c"
    commands = [
        (f"aegis init my-service {flag} {pack.name}", "a new project with it"),
        (f"aegis add {pack.name}", "into an existing project"),
        (f"aegis diff add {pack.name}", "what adding it would change"),
        (f"aegis remove {pack.name}", "the exact inverse of add"),
    ]
    width = max(len(command) for command, _ in commands) + 2
    lines = "".join(f"{command.ljust(width)}# {what}\n" for command, what in commands)
    return f"```bash\n{lines}```\n"


def _variants(catalog: Catalog, pack: Pack, defaults: dict[str, str]) -> str:
    """What each non-default option value adds to what the defaults give."""
    text = ""
    base_edits = pack.edits_for(defaults)
    base_files = set(catalog.owned_paths(pack, defaults))
    for option in pack.options:
        key = pack.option_key(option)
        for value in option.choices:
            if value == option.default:
                continue
            options = {**defaults, key: value}
            edits = [e for e in pack.edits_for(options) if e not in base_edits]
            files = [f for f in catalog.owned_paths(pack, options) if f not in base_files]
            found = [f"- file `{f}`" for f in files]
            found += [f"- dependency `{e.requirement}`" for e in edits if isinstance(e, Dependency)]
            found += [
                f"- compose service `{e.name}`" for e in edits if isinstance(e, ComposeService)
            ]
            if found:
                flag = f"--{key.replace('_', '-')} {value}"
                text += f"\nWith `{flag}`, also:\n\n" + "\n".join(found) + "\n"
    return text


def _settings(edits: list[Any]) -> str:
    blocks = [e.body for e in edits if isinstance(e, TextBlock) and e.path == ".env.example"]
    secrets = [e.key for e in edits if isinstance(e, EnvSecret)]
    if not blocks and not secrets:
        return ""
    text = "## Settings\n\nIn `.env.example` (each one a field of `app/core/config.py`):\n"
    if blocks:
        text += "\n```bash\n" + "\n".join(b.strip("\n") for b in blocks) + "\n```\n"
    if secrets:
        keys = ", ".join(f"`{k}`" for k in secrets)
        text += f"\nGenerated at random into the git-ignored `.env` when it is added: {keys}.\n"
    return text


def _dependencies(edits: list[Any]) -> str:
    found = [e for e in edits if isinstance(e, Dependency)]
    if not found:
        return ""
    rows = "\n".join(
        f"- `{e.requirement}`" + (f" (extra `{e.extra}`)" if e.extra else "") for e in found
    )
    return f"## Dependencies\n\nAdded to `pyproject.toml`:\n\n{rows}\n"


def _processes(edits: list[Any]) -> str:
    services = [e for e in edits if isinstance(e, ComposeService)]
    scripts = [e for e in edits if isinstance(e, Script)]
    makefile = [e.body for e in edits if isinstance(e, TextBlock) and e.path == "Makefile"]
    if not (services or scripts or makefile):
        return ""
    text = "## Processes and commands\n"
    if services:
        text += "\nServices in `docker-compose.yml` (production runs each one on its own):\n\n"
        for service in services:
            command = service.definition.get("command") or service.definition.get("image", "")
            shown = " ".join(command) if isinstance(command, list) else str(command)
            text += f"- `{service.name}`" + (f": `{shown}`" if shown else "") + "\n"
    if scripts:
        text += "\nConsole scripts: " + ", ".join(f"`{s.name}`" for s in scripts) + ".\n"
    targets = [
        (m.group(1), m.group(2))
        for body in makefile
        for m in re.finditer(r"^([\w-]+):.*?## (.*)$", body, re.M)
    ]
    if targets:
        text += "\nMake targets:\n\n" + "".join(f"- `make {t}`: {d}\n" for t, d in targets)
    return text


def _readme(edits: list[Any]) -> str:
    """The section the pack writes into the project's README: how to use and run it."""
    blocks = [e.body for e in edits if isinstance(e, TextBlock) and e.path == "README.md"]
    if not blocks:
        return ""
    body = "\n".join(blocks)
    body = re.sub(r"^### (.*)$", "", body, count=1, flags=re.M).strip()
    body = re.sub(r"^(#+) ", r"\1## ", body, flags=re.M)  # under this page's heading
    # Links between the project's own files mean nothing here: name the file instead.
    body = re.sub(r"\[([^\]]+)\]\((?!https?:)([^)]+)\)", r"\1 (`\2`)", body)
    return f"## In the project (its README section)\n\n{body}\n"


def _integrations(catalog: Catalog, pack: Pack) -> str:
    joined = [p for p in catalog.integrations if pack.name in p.integrates]
    if not joined:
        return ""
    text = "## With other packs\n\nApplied by themselves when both packs are present:\n\n"
    for integration in joined:
        others = [f"[`{n}`]({n}.md)" for n in integration.integrates if n != pack.name]
        text += f"- with {' and '.join(others)}: {integration.summary}\n"
    return text
