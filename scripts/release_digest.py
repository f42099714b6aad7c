"""Record what this Aegis version generates: rewrites its table in
releases/generated-digests.toml (one digest per allowed set of packs and option combination).

.venv/bin/python scripts/release_digest.py            # the current version, unless released
.venv/bin/python scripts/release_digest.py --release  # ... and mark it released (frozen),
                                                      # and write releases/<version>.json.xz

Run it after any change to what Aegis generates, once the version is bumped if the current
one is released (see docs/update.md, "Releasing").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aegis import __version__
from aegis.catalog import Catalog
from aegis.testing.digests import Release, differences, generated_digests, load, save

ROOT = Path(__file__).resolve().parent.parent
DIGESTS = ROOT / "releases" / "generated-digests.toml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="mark this version released")
    released = parser.parse_args().release
    releases = load(DIGESTS)
    known = releases.get(__version__)
    current = generated_digests(Catalog.load())
    if known is not None and known.released:
        if differences(known.digests, current):
            print(
                f"Aegis {__version__} is released and now generates other output. Bump the "
                "version in aegis/__init__.py, then run this again.",
                file=sys.stderr,
            )
            return 1
        print(f"Aegis {__version__} is released and generates what it recorded.")
        return 0
    releases[__version__] = Release(released, current)
    save(DIGESTS, releases)
    if released:
        archive()
    changed = len(differences(known.digests, current)) if known else len(current)
    print(f"Recorded {len(current)} combinations for Aegis {__version__} ({changed} changed).")
    return 0


def archive() -> None:
    """What this version generates, shipped for the updates of its projects (see
    aegis/released.py)."""
    from aegis.released import PLACEHOLDER, archive_path, write_archive
    from aegis.testing.history import run

    version, generated = run(ROOT, PLACEHOLDER)
    size = write_archive(archive_path(DIGESTS.parent, version), version, generated)
    print(f"Wrote what Aegis {version} generates: {len(generated)} combinations, {size} bytes.")


if __name__ == "__main__":
    sys.exit(main())
