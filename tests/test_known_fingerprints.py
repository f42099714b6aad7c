"""Fingerprints known ahead of time (`aegis/known_fingerprints.txt`): every file Aegis ships
as it is has one, and so has each template that does not use the project's name, rendered
with every choice of options; each is the one computed, and any change to the text or to the
code that computes fingerprints makes the entry miss instead of answering wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aegis import fingerprints
from aegis.fingerprints import computed, fingerprint, known_key
from aegis.render import project_context, render_folder, verbatim_files
from aegis.resources import template_folders
from tests.aegis_helpers import CATALOG

SHIPPED = [
    (path, text)
    for source in template_folders(CATALOG)
    for path, text in verbatim_files(source).items()
]

# Each template rendered for two names, with every choice of options.
RENDERED = [
    (path, (text, render_folder(source, project_context("another-project", options))[path]))
    for options in CATALOG.option_variants()
    for source in template_folders(CATALOG)
    for path, text in render_folder(source, project_context("demo", options)).items()
    if path not in verbatim_files(source)
]


@pytest.fixture
def fresh_algorithm() -> Iterator[None]:
    """The digest of the fingerprint code worked out again, before and after the test."""
    fingerprints._algorithm.cache_clear()
    fingerprints.fingerprint.cache_clear()
    yield
    fingerprints._algorithm.cache_clear()
    fingerprints.fingerprint.cache_clear()


def test_every_file_shipped_as_it_is_has_a_known_fingerprint() -> None:
    assert len(SHIPPED) > 150
    missing = [path for path, text in SHIPPED if known_key(path, text) not in fingerprints._known()]
    assert not missing, f"run scripts/fingerprint-table.py; not in the table: {missing}"


def test_each_known_fingerprint_is_the_computed_one() -> None:
    kinds = set()
    for path, text in SHIPPED:
        assert fingerprints._known()[known_key(path, text)] == computed(path, text), path
        assert fingerprint(path, text) == computed(path, text), path
        kinds.add(computed(path, text).split(":")[0])
    assert {"py", "yaml", "text"} <= kinds


def test_each_template_that_does_not_use_the_name_is_known_once_rendered() -> None:
    alike = [(path, one) for path, (one, other) in RENDERED if one == other]
    assert {"conftest.py", ".gitignore"} <= {path for path, _ in alike}
    for path, text in alike:
        assert known_key(path, text) in fingerprints._known(), "run scripts/fingerprint-table.py"
        assert fingerprints._known()[known_key(path, text)] == computed(path, text), path
    named = [path for path, (one, other) in RENDERED if one != other]
    assert "README.md" in named
    for path, (one, other) in RENDERED:
        if one != other:
            assert known_key(path, one) not in fingerprints._known(), path


def test_a_changed_text_is_computed(fresh_algorithm: None) -> None:
    path, text = next((path, text) for path, text in SHIPPED if path.endswith(".py") and text)
    changed = text + "\nCHANGED = 1\n"
    assert known_key(path, changed) not in fingerprints._known()
    assert fingerprint(path, changed) == computed(path, changed) != fingerprint(path, text)
    # a change of formatting only still finds the entry: line ends do not count
    assert fingerprint(path, text.replace("\n", "\r\n")) == fingerprint(path, text)


def test_a_change_to_the_fingerprint_code_makes_every_entry_miss(
    tmp_path: Path, fresh_algorithm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = [tmp_path / path.name for path in fingerprints._CODE]
    for original, copy in zip(fingerprints._CODE, code, strict=True):
        copy.write_bytes(original.read_bytes())
    monkeypatch.setattr(fingerprints, "_CODE", tuple(code))
    assert all(known_key(path, text) in fingerprints._known() for path, text in SHIPPED[:20])
    code[1].write_text(code[1].read_text() + "# a change\n")
    fingerprints._algorithm.cache_clear()
    assert not any(known_key(path, text) in fingerprints._known() for path, text in SHIPPED)
