"""Merges with nothing to merge: each side's text comes back byte for byte, in every format."""

from __future__ import annotations

import pytest

from aegis.merge import Merged, merge3

FILES = {
    "app/main.py": "# the app\nimport os\n\nROUTERS = [a, b]\n\n\ndef f() -> int:\n    return 1\n",
    "pyproject.toml": '[project]\nname = "x"  # the name\ndependencies = [\n    "a>=1",\n]\n',
    "docker-compose.yml": "x-app: &app\n  image: a\nservices:\n  web:\n    <<: *app\n",
    "Makefile": "test:\n\tpytest\n",
}


@pytest.mark.parametrize("path", FILES)
def test_nothing_changed(path: str) -> None:
    text = FILES[path]
    assert merge3(path, text, text, text) == Merged(text, ())


@pytest.mark.parametrize("path", FILES)
@pytest.mark.parametrize("prefer", ["mine", "theirs", None])
def test_one_side_changed_or_both_the_same_way(path: str, prefer: str | None) -> None:
    base = FILES[path]
    changed = base.replace("a", "c", 1) + "\n"
    assert changed != base
    for mine, theirs in [(base, changed), (changed, base), (changed, changed)]:
        result = merge3(path, base, mine, theirs, prefer=prefer)  # type: ignore[arg-type]
        assert result == Merged(changed, ())
