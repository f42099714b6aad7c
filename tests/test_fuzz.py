"""Never a traceback: a project whose manifest or edited files are damaged in any way gives
one message and a documented exit code, and is left exactly as it was (contents, modes and
kinds of every entry); when the command can run anyway, `remove` then takes back exactly
what `add` did.

Hypothesis damages a generated project: wrong TOML types and unknown names in
`[tool.aegis]`, random bytes, a byte order mark, CRLF line ends, tabs, truncation, a PEP 263
encoding, permission bits, a folder or nothing where a file should be. The examples are
derandomized and the example database is off, so every run tries the same cases.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aegis.cli import app
from aegis.errors import USER_ERROR
from tests.aegis_helpers import CATALOG, SELECTABLE, closure, init
from tests.test_confinement import everything

EXAMPLES = 200
runner = CliRunner()

# Every file an edit of any pack targets (with every option), and the manifest's file.
TARGETS = sorted(
    {"pyproject.toml"}
    | {
        edit.path
        for pack in CATALOG
        for choice in [{}, *({pack.option_key(o): c} for o in pack.options for c in o.choices)]
        for edit in pack.edits_for(CATALOG.default_options(p.name for p in CATALOG) | choice)
    }
)

toml_values = st.recursive(
    st.one_of(
        st.integers(-5, 5),
        st.booleans(),
        st.text(max_size=8),
        st.sampled_from([*SELECTABLE, "nope", "", "Redis", "scheduler_database"]),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner),
    max_leaves=4,
)


@dataclass(frozen=True)
class Damage:
    kind: str
    path: str
    detail: object = None

    def apply(self, project: Path) -> None:
        target = project / self.path
        if not target.is_file():
            return
        data = target.read_bytes()
        if self.kind == "manifest":
            target.write_text(_damage_manifest(data.decode(), *self.detail))  # type: ignore[misc]
        elif self.kind == "bytes":
            offset, noise = self.detail  # type: ignore[misc]
            at = int(offset * len(data))
            target.write_bytes(data[:at] + noise + data[at:])
        elif self.kind == "truncate":
            target.write_bytes(data[: int(self.detail * len(data))])  # type: ignore[operator]
        elif self.kind == "bom":
            target.write_bytes(b"\xef\xbb\xbf" + data)
        elif self.kind == "crlf":
            target.write_bytes(data.replace(b"\n", b"\r\n"))
        elif self.kind == "tabs":
            target.write_bytes(data.replace(b"    ", b"\t"))
        elif self.kind == "encoding":
            target.write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + data)
        elif self.kind == "mode":
            target.chmod(self.detail)  # type: ignore[arg-type]
        elif self.kind == "folder":
            target.unlink()
            target.mkdir()
        elif self.kind == "missing":
            target.unlink()


def _literal(value: object) -> str:
    """`value` as a TOML literal (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{key} = {_literal(item)}" for key, item in value.items()) + "}"


def _damage_manifest(text: str, key: str, value: object, option: str) -> str:
    head, _, table = text.partition("[tool.aegis]\n")
    if key == "table":
        return f"{head}[tool]\naegis = {_literal(value)}\n"
    if key == "options":
        header = "[tool.aegis.options]\n"
        return f"{head}[tool.aegis]\n" + table.replace(
            header, f"{header}{option} = {_literal(value)}\n"
        )
    lines = [line for line in table.splitlines() if not line.startswith(f"{key} =")]
    return f"{head}[tool.aegis]\n{key} = {_literal(value)}\n" + "\n".join(lines) + "\n"


OPTION_KEYS = [pack.option_key(o) for pack in CATALOG for o in pack.options] + ["colour"]


def damages() -> st.SearchStrategy[Damage]:
    path = st.sampled_from(TARGETS)
    manifest_key = st.sampled_from(["components", "version", "options", "table"])
    return st.one_of(
        st.builds(
            Damage,
            st.just("manifest"),
            st.just("pyproject.toml"),
            st.tuples(manifest_key, toml_values, st.sampled_from(OPTION_KEYS)),
        ),
        st.builds(
            Damage,
            st.just("bytes"),
            path,
            st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=4)),
        ),
        st.builds(Damage, st.just("truncate"), path, st.floats(0, 1)),
        st.builds(
            Damage, st.sampled_from(["bom", "crlf", "tabs", "encoding", "folder", "missing"]), path
        ),
        st.builds(Damage, st.just("mode"), path, st.sampled_from([0o444, 0o000, 0o755, 0o600])),
    )


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    scratch = tmp_path_factory.mktemp("reference")
    everything_ = CATALOG.sort(closure(SELECTABLE))
    return {"core": init(scratch / "core"), "full": init(scratch / "full", everything_)}


def aegis(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=st.sampled_from(["add", "remove"]),
    component=st.sampled_from(SELECTABLE),
    damage=st.lists(damages(), min_size=1, max_size=3),
)
def test_a_damaged_project_gives_a_message_and_stays_as_it_was(
    projects, command, component, damage
):
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "demo-svc"
        shutil.copytree(projects["core" if command == "add" else "full"], project)
        for one in damage:
            one.apply(project)
        before = everything(project)
        code, output = aegis(command, component, "--path", project)
        event(f"{command}: exit {code}")
        for one in damage:
            event(f"damage: {one.kind}")
        assert "Traceback" not in output, output
        assert "Internal error" not in output, output
        assert code in (0, USER_ERROR), output
        if code != 0:
            assert output.count("Error: ") == 1, output
            assert everything(project) == before, output
        elif command == "add" and "Added" in output:
            added = output.rsplit("Added ", 1)[1].strip().rstrip(".").split(", ")
            selectable = [name for name in added if name in SELECTABLE]
            code, again = aegis("remove", *selectable, "--path", project)
            assert code == 0, again
            after = everything(project)
            if any(one.kind == "manifest" for one in damage):
                # `[tool.aegis]` is written back in its canonical form (with the version of
                # this Aegis): the rest of pyproject.toml and every other file come back.
                assert _without_manifest(after) == _without_manifest(before), again
            else:
                assert after == before, again


def _without_manifest(tree: dict[str, tuple[str, bytes, int]]) -> dict[str, object]:
    kind, data, mode = tree["pyproject.toml"]
    pyproject = tomllib.loads(data.decode())
    pyproject.get("tool", {}).pop("aegis", None)
    return {**tree, "pyproject.toml": (kind, pyproject, mode)}
