"""Helpers shared by the engine, property and generated-project tests."""

from __future__ import annotations

import ast
import itertools
import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from aegis import engine
from aegis.catalog import Catalog

CATALOG = Catalog.load()
SELECTABLE = [pack.name for pack in CATALOG.selectable]


def closure(names: Iterable[str]) -> frozenset[str]:
    """`names` and everything they require."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(CATALOG[name].requires)
    return frozenset(found)


def allowed_sets() -> list[frozenset[str]]:
    """Every set of components a project can have: closed under `requires`, no conflicts."""
    sets = set()
    for size in range(len(SELECTABLE) + 1):
        for combination in itertools.combinations(SELECTABLE, size):
            chosen = frozenset(combination)
            if closure(chosen) != chosen:
                continue
            if any(other in chosen for name in chosen for other in CATALOG[name].conflicts):
                continue
            sets.add(chosen)
    return sorted(sets, key=lambda s: (len(s), CATALOG.sort(s)))


def option_variants(components: Iterable[str]) -> list[dict[str, str]]:
    """Every combination of option values of the given components."""
    choices = [
        [(pack.option_key(option), value) for value in option.choices]
        for name in CATALOG.sort(components)
        for pack in [CATALOG[name]]
        for option in pack.options
    ]
    return [dict(combo) for combo in itertools.product(*choices)]


def label(components: Iterable[str], options: dict[str, str] | None = None) -> str:
    names = CATALOG.sort(components) or ["core"]
    extra = [f"{k}={v}" for k, v in sorted((options or {}).items())]
    return "+".join(names) + (f"[{','.join(extra)}]" if extra else "")


def init(
    parent: Path,
    components: Sequence[str] = (),
    options: dict[str, str] | None = None,
    name: str = "demo-svc",
) -> Path:
    target = parent / name
    engine.init(CATALOG, name, target, list(components), dict(options or {})).changes.apply()
    return target


def add(project: Path, names: Sequence[str], options: dict[str, str] | None = None) -> bool:
    """Apply `aegis add`; True when it changed something."""
    changes = engine.add(CATALOG, project, list(names), dict(options or {})).changes
    changes.apply()
    return bool(changes)


def remove(project: Path, names: Sequence[str], **flags: bool) -> bool:
    changes = engine.remove(CATALOG, project, list(names), **flags).changes
    changes.apply()
    return bool(changes)


SECRETS_FILE = ".env"
ASSIGNMENT = re.compile(rb"^([ \t]*(?:export[ \t]+)?[A-Za-z_]\w*[ \t]*=)[^\r\n]*", re.M)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (caches excluded), by relative path.

    `.env` is git-ignored and holds secrets Aegis generates at random (see `EnvSecret`):
    it is compared line by line with every value blanked (`KEY=`), so the byte-for-byte
    invariants hold for it on its keys, comments and layout, and say nothing of values.
    """
    return {
        path.relative_to(root).as_posix(): _comparable(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not {"__pycache__", ".pytest_cache", ".ruff_cache", ".git"}
        & set(path.relative_to(root).parts)
    }


def _comparable(path: Path) -> bytes:
    content = path.read_bytes()
    if path.name != SECRETS_FILE:
        return content
    return ASSIGNMENT.sub(rb"\1", content)


def copy_secrets(source: Path, target: Path) -> None:
    """Give `target` the `.env` of `source`: its generated values differ on every run."""
    if (source / SECRETS_FILE).is_file():
        shutil.copyfile(source / SECRETS_FILE, target / SECRETS_FILE)


def assigned(project: Path, path: str, name: str) -> str:
    """The source of the value bound to module-level `name`."""
    for node in ast.parse((project / path).read_text()).body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and node.value is not None
        ):
            return ast.unparse(node.value)
    raise AssertionError(f"no annotated assignment {name} in {path}")


def tree_difference(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    """Readable list of paths that differ, for assertion messages."""
    paths = sorted(set(left) | set(right))
    return [p for p in paths if left.get(p) != right.get(p)]


USER_ROUTE = '''"""Notes: the user's own API."""

from fastapi import APIRouter

router = APIRouter(prefix="/notes", tags=["notes"])


@router.get("")
async def list_notes() -> list[str]:
    """Every note."""
    return ["first"]
'''

USER_TEST = '''"""The user's own test."""

from fastapi.testclient import TestClient


def test_notes(client: TestClient) -> None:
    assert client.get("/notes").json() == ["first"]
'''


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def make_user_edits(project: Path) -> list[tuple[str, str]]:
    """Change a generated project the way its owner would, in files packs also edit.

    Returns (file, text) pairs that must survive any add or remove.
    """
    (project / "app/components/backend/api/notes.py").write_text(USER_ROUTE)
    (project / "tests/test_notes.py").write_text(USER_TEST)
    routing = project / "app/components/backend/api/routing.py"
    _replace(
        routing,
        "from app.components.backend.api.health import router as health_router\n",
        "from app.components.backend.api.health import router as health_router\n"
        "from app.components.backend.api.notes import router as notes_router\n",
    )
    _replace(routing, "    health_router,\n", "    health_router,\n    notes_router,  # mine\n")
    checks = project / "app/core/checks.py"
    _replace(
        checks,
        "HEALTH_CHECKS: list[HealthCheck] = [\n",
        "# The order here is the order of the dashboard cards.\n"
        "HEALTH_CHECKS: list[HealthCheck] = [\n",
    )
    config = project / "app/core/config.py"
    _replace(
        config,
        "    dashboard_refresh_seconds: float = 5.0\n",
        "    dashboard_refresh_seconds: float = 5.0\n\n"
        "    # Feature flags\n    beta_features: bool = False\n",
    )
    pyproject = project / "pyproject.toml"
    _replace(
        pyproject,
        "dependencies = [\n",
        'dependencies = [\n    # pinned by us, see ADR-7\n    "httpx>=0.28",\n',
    )
    compose = project / "docker-compose.yml"
    _replace(compose, "services:\n", "# local stack\nservices:\n")
    _replace(
        compose,
        "\nnetworks:\n",
        '\n  mailpit:\n    image: axllent/mailpit\n    ports:\n      - "8025:8025"\n\nnetworks:\n',
    )
    (project / ".env.example").write_text(
        (project / ".env.example").read_text() + "\nBETA_FEATURES=false\n"
    )
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("\n", "\n\nOur team's notes come first.\n", 1))
    return [
        ("app/components/backend/api/routing.py", "notes_router,  # mine"),
        ("app/core/checks.py", "# The order here is the order of the dashboard cards."),
        ("app/core/config.py", "beta_features: bool = False"),
        ("pyproject.toml", '# pinned by us, see ADR-7\n    "httpx>=0.28",'),
        ("docker-compose.yml", "# local stack"),
        ("docker-compose.yml", "image: axllent/mailpit"),
        (".env.example", "BETA_FEATURES=false"),
        ("README.md", "Our team's notes come first."),
    ]
