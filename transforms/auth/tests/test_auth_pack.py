"""What only the auth service knows: the generated secret, the migration chain, the order
of its registrations, the Redis integration."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from aegis import engine
from tests.aegis_helpers import CATALOG, add, assigned, init, remove, snapshot

SECRET_LINE = re.compile(r"^SECRET_KEY=([A-Za-z0-9_-]+)$", re.M)
REVISION = re.compile(r'^revision: str = "([^"]+)"$', re.M)
DOWN_REVISION = re.compile(r'^down_revision: str \| None = "([^"]+)"$', re.M)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init(tmp_path_factory.mktemp("auth"), ["auth"])


def secret_of(project: Path) -> str:
    (value,) = SECRET_LINE.findall((project / ".env").read_text())
    return value


def test_it_brings_the_database_and_registers_after_it(project: Path) -> None:
    pyproject = (project / "pyproject.toml").read_text()
    assert 'components = ["database", "auth"]' in pyproject
    checks = assigned(project, "app/core/checks.py", "HEALTH_CHECKS")
    assert checks.index("check_database") < checks.index("check_auth")
    hooks = assigned(project, "app/components/backend/lifecycle.py", "STARTUP_HOOKS")
    assert hooks.index("init_database") < hooks.index("prepare_auth")
    models = (project / "app/models/__init__.py").read_text()
    assert '__all__ = ["Item", "metadata", "OneTimeToken", "RefreshToken", "User"]' in models


def test_the_secret_is_random_and_never_in_a_committed_file(project: Path, tmp_path: Path) -> None:
    secret = secret_of(project)
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64
    assert secret != secret_of(init(tmp_path, ["auth"]))
    assert ".env\n" in (project / ".gitignore").read_text()
    assert ".env\n" in (project / ".dockerignore").read_text()
    committed = [
        path
        for path in project.rglob("*")
        if path.is_file() and path.name != ".env" and secret in path.read_text()
    ]
    assert committed == []
    assert "\nSECRET_KEY=\n" in (project / ".env.example").read_text()


def test_git_ignores_the_secret(project: Path, tmp_path: Path) -> None:
    copy = init(tmp_path, ["auth"])
    subprocess.run(["git", "init", "-q", str(copy)], check=True)
    listed = subprocess.run(
        ["git", "-C", str(copy), "ls-files", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert ".env" not in listed and ".env.example" in listed


def test_the_migration_chains_after_the_databases(project: Path) -> None:
    versions = project / "app/migrations/versions"
    database = REVISION.findall((versions / "0001_initial.py").read_text())
    auth = (versions / "auth_0001_users.py").read_text()
    assert DOWN_REVISION.findall(auth) == database


def test_an_existing_secret_is_kept_and_the_owners_env_survives(tmp_path: Path) -> None:
    project = init(tmp_path)
    owner = "# mine\nDEBUG=true\nSECRET_KEY=the-owners-own-long-and-random-key-0123456789\n"
    (project / ".env").write_text(owner)
    add(project, ["auth"])
    assert (project / ".env").read_text() == owner
    remove(project, ["auth"])
    assert (project / ".env").read_text() == owner


def test_a_secret_is_appended_to_the_owners_env_and_taken_out_again(tmp_path: Path) -> None:
    project = init(tmp_path)
    (project / ".env").write_text("DEBUG=true\n")
    add(project, ["auth"])
    text = (project / ".env").read_text()
    assert text.startswith("DEBUG=true\n\n# aegis:secret SECRET_KEY")
    assert secret_of(project)
    remove(project, ["auth"])
    assert (project / ".env").read_text() == "DEBUG=true\n"


def test_removing_auth_takes_its_secret_out_of_the_env(tmp_path: Path) -> None:
    project = init(tmp_path, ["database"])
    before = snapshot(project)
    add(project, ["auth"])
    assert secret_of(project)
    remove(project, ["auth"])
    assert not SECRET_LINE.search((project / ".env").read_text())
    assert snapshot(project) == before


def test_adding_again_keeps_the_same_secret(project: Path) -> None:
    secret = secret_of(project)
    assert not engine.add(CATALOG, project, ["auth"], {}).changes
    assert secret_of(project) == secret


def test_the_preview_shows_the_new_secret(tmp_path: Path) -> None:
    project = init(tmp_path, ["database"])
    env = (project / ".env").read_bytes()
    patch = engine.add(CATALOG, project, ["auth"], {}, per_pack=True).changes.diff()
    assert "diff --git a/.env b/.env\n" in patch
    assert re.search(r"^\+SECRET_KEY=", patch, re.M)
    assert (project / ".env").read_bytes() == env


def test_with_redis_the_limits_are_counted_in_redis(tmp_path: Path) -> None:
    first = init(tmp_path / "a", ["auth"])
    add(first, ["redis"])
    second = init(tmp_path / "b", ["redis"])
    add(second, ["auth"])
    for project in (first, second):
        limits = assigned(project, "app/services/auth/limits.py", "RATE_LIMITER_FACTORY")
        assert limits == "redis_rate_limiter"
        assert (project / "app/services/auth/redis_rate_limit.py").is_file()
    remove(first, ["redis"])
    assert assigned(first, "app/services/auth/limits.py", "RATE_LIMITER_FACTORY") == (
        "memory_rate_limiter"
    )
    assert not (first / "app/services/auth/redis_rate_limit.py").exists()
