"""Write what released Aegis versions generated, from git history: one archive per version,
releases/<version>.json.xz (every combination of packs and options that version allowed,
rendered by that commit's own generator; see aegis/released.py).

.venv/bin/python scripts/release_archive.py bef105e a36689e   # the commits of 0.1.0 and 0.2.0

`scripts/release_digest.py --release` writes the current version's archive itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aegis.released import PLACEHOLDER, archive_path, write_archive
from aegis.testing.history import generate

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commits", nargs="+", help="the commit each version was released from")
    for commit in parser.parse_args().commits:
        version, generated = generate(commit, PLACEHOLDER, ROOT)
        path = archive_path(ROOT / "releases", version)
        size = write_archive(path, version, generated)
        print(f"Aegis {version} ({commit}): {len(generated)} combinations, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
