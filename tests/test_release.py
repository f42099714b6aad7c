"""Release discipline: a change of what Aegis generates needs the digest of the current
version rewritten (`scripts/release_digest.py`), and a released version's never changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aegis import __version__
from aegis.testing.cases import invariant_cases
from aegis.testing.digests import Release, differences, generated_digests, load, save
from tests.aegis_helpers import CATALOG

ROOT = Path(__file__).resolve().parent.parent
DIGESTS = ROOT / "releases" / "generated-digests.toml"
SCRIPT = ROOT / "scripts" / "release_digest.py"


def test_generated_output_is_the_one_recorded_for_this_version():
    recorded = load(DIGESTS).get(__version__)
    assert recorded is not None, (
        f"No digest of what Aegis {__version__} generates: run "
        ".venv/bin/python scripts/release_digest.py"
    )
    changed = differences(recorded.digests, generated_digests(CATALOG))
    assert not changed, (
        f"What Aegis {__version__} generates changed for {', '.join(changed[:8])}"
        f"{' ...' if len(changed) > 8 else ''}. If {__version__} is released, bump the version "
        "first; then run .venv/bin/python scripts/release_digest.py (see docs/update.md)."
    )


def test_the_digest_sees_a_one_byte_change(tmp_path, monkeypatch):
    from aegis import render

    cases = invariant_cases(CATALOG)[:3]
    before = generated_digests(CATALOG, cases)
    original = render.render_folder

    def one_more_byte(*args, **kwargs):
        files = original(*args, **kwargs)
        return {path: text + ("\n" if path == "README.md" else "") for path, text in files.items()}

    monkeypatch.setattr("aegis.engine.render_folder", one_more_byte)
    after = generated_digests(CATALOG, cases)
    assert set(differences(before, after)) == set(before)


def test_the_script_never_rewrites_a_released_version(tmp_path):
    digests = tmp_path / "releases" / "generated-digests.toml"
    save(digests, {__version__: Release(True, {"core": "not what it generates"})})
    script = tmp_path / "scripts" / "release_digest.py"
    script.parent.mkdir()
    script.write_text(SCRIPT.read_text())
    result = subprocess.run([sys.executable, script], capture_output=True, text=True)
    assert result.returncode == 1
    assert "is released and now generates other output. Bump the version" in result.stderr
    assert load(digests)[__version__].digests == {"core": "not what it generates"}
