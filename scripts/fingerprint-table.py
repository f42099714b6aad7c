"""Write aegis/known_fingerprints.txt: the ledger fingerprint of every file Aegis ships as it
is (the core's and each built-in pack's templates that are not Jinja), and of each Jinja
template that does not use the project's name, rendered with every choice of options.

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
from aegis.render import project_context, render_folder, verbatim_files  # noqa: E402
from aegis.resources import template_folders  # noqa: E402

HEADER = (
    "# The ledger fingerprint of each file Aegis ships as it is (and of each template that\n"
    "# does not use the project's name, rendered), by a digest of its text and of the code\n"
    "# that fingerprints it. Written by scripts/fingerprint-table.py.\n"
)


def shipped_verbatim() -> list[tuple[str, str]]:
    """Each file the core and the built-in packs copy as it is: (path, text)."""
    return [
        (path, text)
        for source in template_folders(Catalog.load(installed=False))
        for path, text in verbatim_files(source).items()
    ]


def rendered_without_name() -> list[tuple[str, str]]:
    """Each Jinja template whose text is the same whatever the project's name, rendered with
    every combination of options: (path, text)."""
    catalog = Catalog.load(installed=False)
    found = []
    for options in catalog.option_variants():
        for source in template_folders(catalog):
            one, other = (render_folder(source, project_context(n, options)) for n in NAMES)
            verbatim = verbatim_files(source)
            found += [(p, t) for p, t in one.items() if p not in verbatim and other[p] == t]
    return found


# Two project names that share no part: a template renders both alike only if it uses none.
NAMES = ("alpha", "Beta_two.x")


def main() -> None:
    shipped = shipped_verbatim() + rendered_without_name()
    entries = {known_key(path, text): computed(path, text) for path, text in shipped}
    lines = [f"{key} {mark}\n" for key, mark in sorted(entries.items())]
    KNOWN.write_text(HEADER + "".join(lines), encoding="utf-8")
    print(f"{KNOWN.relative_to(ROOT)}: {len(lines)} fingerprints")


if __name__ == "__main__":
    main()
