"""Write aegis/known_fingerprints.txt: the ledger fingerprint of every file Aegis ships as it
is (the core's and each built-in pack's templates that are not Jinja).

`aegis.fingerprints` looks them up instead of parsing the files again on every command.
`tests/test_known_fingerprints.py` fails when the table is out of date (a file or the
fingerprint code changed): an entry that is out of date only misses, it never answers wrong.
Run: .venv/bin/python scripts/fingerprint-table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aegis.catalog import Catalog  # noqa: E402
from aegis.fingerprints import KNOWN, computed, known_key  # noqa: E402
from aegis.render import verbatim_files  # noqa: E402
from aegis.resources import base_project_dir  # noqa: E402

HEADER = (
    "# The ledger fingerprint of each file Aegis ships as it is, by a digest of its text and\n"
    "# of the code that fingerprints it. Written by scripts/fingerprint-table.py.\n"
)


def shipped_verbatim() -> list[tuple[str, str]]:
    """Each file the core and the built-in packs copy as it is: (path, text)."""
    sources = [base_project_dir(), *(pack.files_dir for pack in Catalog.load(installed=False))]
    return [
        (path, text)
        for source in sources
        if source.is_dir()
        for path, text in verbatim_files(source).items()
    ]


def main() -> None:
    entries = {known_key(path, text): computed(path, text) for path, text in shipped_verbatim()}
    lines = [f"{key} {mark}\n" for key, mark in sorted(entries.items())]
    KNOWN.write_text(HEADER + "".join(lines), encoding="utf-8")
    print(f"{KNOWN.relative_to(ROOT)}: {len(lines)} fingerprints")


if __name__ == "__main__":
    main()
