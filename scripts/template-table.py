"""Write aegis/compiled_templates.json: the Python source Jinja compiles each template Aegis
ships to (the core's and each built-in pack's `.jinja` files).

`aegis.render` looks them up instead of compiling the templates again on every command.
`tests/test_compiled_templates.py` fails when the table is out of date (a template, the
environment's settings or Jinja changed): an entry that is out of date only misses, it never
answers wrong. Run: .venv/bin/python scripts/template-table.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aegis.catalog import Catalog  # noqa: E402
from aegis.render import COMPILED, compiled_entries  # noqa: E402
from aegis.resources import template_folders  # noqa: E402

ABOUT = (
    "The Python source Jinja compiles each template Aegis ships to, by a digest of its name, "
    "its text and what compiles it. Written by scripts/template-table.py."
)


def main() -> None:
    entries = {
        key: compiled
        for source in template_folders(Catalog.load(installed=False))
        for key, compiled in compiled_entries(source).items()
    }
    table = {"about": ABOUT, "templates": dict(sorted(entries.items()))}
    COMPILED.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(f"{COMPILED.relative_to(ROOT)}: {len(entries)} templates")


if __name__ == "__main__":
    main()
