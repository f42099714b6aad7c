"""How an owner changes a generated project: the edits that every add and remove must keep.

`make_owner_edits(project)` changes, in files packs also edit, what an owner typically
changes: a new router registered with a comment, a comment above a registration list, an
extra setting, a pinned dependency with a comment, a comment and an extra service in the
compose file, a variable in `.env.example`, a paragraph in the README. It returns the
`(file, text)` pairs that must survive.
"""

from __future__ import annotations

from pathlib import Path

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


def make_owner_edits(project: Path) -> list[tuple[str, str]]:
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
