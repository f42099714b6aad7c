"""Whether the database is at the head of the migration scripts, told without Alembic.

Importing Alembic costs the web server's start-up more than everything else the
database needs. On almost every start there is nothing to migrate: reading the
version table, and the `revision` / `down_revision` lines of the scripts, says so.
Anything this cannot read for certain answers "not current", and Alembic decides.
"""

import ast
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

VERSIONS_DIR = Path(__file__).resolve().parent.parent / "migrations" / "versions"
VERSION_TABLE = "alembic_version"


def _assigned(module: ast.Module) -> dict[str, object]:
    """The literal values assigned to plain names at the module's top level."""
    values: dict[str, object] = {}
    for node in module.body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(value)
                except (ValueError, TypeError):
                    values[target.id] = value
    return values


def _down_revisions(value: object) -> set[str] | None:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return set(value)
    return None


def script_heads(directory: Path = VERSIONS_DIR) -> frozenset[str] | None:
    """The revisions no script names as its `down_revision` (Alembic's heads), or
    None when a script does not state them as literals."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith(("__init__", ".#")):
            continue
        assigned = _assigned(ast.parse(path.read_bytes(), str(path)))
        revision = assigned.get("revision")
        down = _down_revisions(assigned.get("down_revision"))
        if not isinstance(revision, str) or down is None:
            return None
        revisions.add(revision)
        downs |= down
    return frozenset(revisions - downs)


def database_revisions(engine: Engine) -> frozenset[str] | None:
    """The revisions recorded in the database, or None without a version table."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            return frozenset(str(row[0]) for row in rows)
    except SQLAlchemyError:
        return None


def schema_is_current(engine: Engine, directory: Path = VERSIONS_DIR) -> bool:
    """Whether the database records exactly the heads of the scripts in `directory`."""
    heads = script_heads(directory)
    return heads is not None and database_revisions(engine) == heads
