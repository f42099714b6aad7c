"""Write aegis/dependency_names.txt: every distribution a generated project installs.

The names come from the environment the generated-project tests build (the union of every
combination's dependencies, resolved with uv), so transitive dependencies such as `pydantic`
are included. `tests/test_generated_projects.py::test_dependency_names_cover_the_environment`
fails when the file is out of date. Run: .venv/bin/python scripts/dependency-names.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aegis.catalog import Catalog  # noqa: E402
from aegis.testing.cases import covering_cases  # noqa: E402
from aegis.testing.generated import ensure_environment  # noqa: E402
from aegis.testing.workbench import Workbench  # noqa: E402

TARGET = ROOT / "aegis" / "dependency_names.txt"


def installed(python: Path) -> list[str]:
    listing = subprocess.run(
        [sys.executable, "-m", "uv", "pip", "list", "--python", str(python), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return sorted({re.sub(r"[-_.]+", "-", d["name"]).lower() for d in json.loads(listing.stdout)})


def main() -> None:
    catalog = Catalog.load(installed=False)
    scratch = Path(tempfile.mkdtemp())
    python = ensure_environment(Workbench(catalog), covering_cases(catalog), scratch)
    names = installed(python)
    header = (
        "# Distributions a generated project installs (every combination, transitive).\n"
        "# A project may not take one of these names. Written by scripts/dependency-names.py.\n"
    )
    TARGET.write_text(header + "".join(f"{name}\n" for name in names))
    print(f"{len(names)} names written to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
