"""`aegis pack new`: the package it writes, and the names and folders it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aegis.cli import app

runner = CliRunner()


def aegis(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_it_writes_an_installable_pack_package(tmp_path: Path) -> None:
    code, output = aegis("pack", "new", "audit_log", "-o", tmp_path, "--summary", "Audit log")
    assert code == 0, output
    root = tmp_path / "aegis-audit-log"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        "README.md",
        "pyproject.toml",
        "src/aegis_audit_log/__init__.py",
        "src/aegis_audit_log/files/app/services/audit_log.py",
        "src/aegis_audit_log/files/tests/test_audit_log.py",
        "src/aegis_audit_log/pack.py",
        "tests/test_contract.py",
    ]
    pyproject = (root / "pyproject.toml").read_text()
    assert (
        '[project.entry-points."aegis.packs"]\naudit_log = "aegis_audit_log.pack:PACK"' in pyproject
    )
    compile((root / "src/aegis_audit_log/pack.py").read_text(), "pack.py", "exec")
    assert (
        "class TestAuditLogContract(PackContract):" in (root / "tests/test_contract.py").read_text()
    )


@pytest.mark.parametrize("name", ["Audit", "audit-log", "9lives", "class", "x_", ""])
def test_names_that_cannot_name_a_pack_are_refused(tmp_path: Path, name: str) -> None:
    code, output = aegis("pack", "new", name, "-o", tmp_path)
    assert code == 2
    assert "cannot name a pack" in output
    assert list(tmp_path.iterdir()) == []


def test_a_builtin_name_and_an_existing_folder_are_refused(tmp_path: Path) -> None:
    code, output = aegis("pack", "new", "redis", "-o", tmp_path)
    assert code == 2 and "A pack called `redis` exists already (built in)." in output
    (tmp_path / "aegis-taken").mkdir()
    (tmp_path / "aegis-taken" / "notes.txt").write_text("mine\n")
    code, output = aegis("pack", "new", "taken", "-o", tmp_path)
    assert code == 2 and "already exists" in output
    assert (tmp_path / "aegis-taken" / "notes.txt").read_text() == "mine\n"
