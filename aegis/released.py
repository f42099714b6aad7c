"""What each released Aegis version generated, shipped as data: one compressed,
content-addressed archive per version under `releases/` (`<version>.json.xz`). For each
combination of packs and options that version allowed, the archive maps each generated path to
a blob; the project name in those blobs is a placeholder that `generated` replaces with a real
project's forms of its name, and `.env` values are blank (they are random secrets).

`aegis update` takes from here the text an earlier version generated: the common base of a
three-way merge (and, for a project made before the ledger, the only record of it there is).
"""

from __future__ import annotations

import json
import lzma
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from aegis.render import project_context
from aegis.resources import releases_dir

PLACEHOLDER = "Zqxv_Aegis.Placeholder"  # a name whose forms appear in no template
SECRETS_FILE = ".env"
SUFFIX = ".json.xz"
STATE_DIR = ".aegis/"
_ASSIGNMENT = re.compile(r"^([ \t]*(?:export[ \t]+)?[A-Za-z_]\w*[ \t]*=)[^\r\n]*", re.M)


def combination(components: Iterable[str], options: Mapping[str, str]) -> str:
    """The key of a set of packs and its option values in an archive."""
    names = sorted(components) or ["core"]
    extra = [f"{key}={value}" for key, value in sorted(options.items())]
    return "+".join(names) + (f"[{','.join(extra)}]" if extra else "")


def blank_secrets(text: str) -> str:
    """`.env` as archived: every value blank."""
    return _ASSIGNMENT.sub(r"\1", text)


def name_forms(name: str) -> list[tuple[str, str]]:
    """The forms of `name` that templates use, most specific first: (key, form)."""
    context = project_context(name, {})
    return [(key, str(context[key])) for key in ("project_title", "project_name", "project_slug")]


def with_name(text: str, name: str) -> str:
    """`text` rendered with the placeholder, as rendered with `name`."""
    for (_, placeholder), (_, real) in zip(name_forms(PLACEHOLDER), name_forms(name), strict=True):
        text = text.replace(placeholder, real)
    return text


def archive_path(folder: Path, version: str) -> Path:
    return folder / f"{version}{SUFFIX}"


def write_archive(path: Path, version: str, generated: Mapping[str, Mapping[str, str]]) -> int:
    """Write `version`'s archive from {combination: {path: text rendered with the
    placeholder}}; return its size in bytes."""
    import hashlib

    blobs: dict[str, str] = {}
    combinations: dict[str, dict[str, str]] = {}
    for key in sorted(generated):
        files = combinations[key] = {}
        for file, text in sorted(generated[key].items()):
            if file.startswith(STATE_DIR):
                continue  # the ledger: update writes it anew
            if file.rsplit("/", 1)[-1] == SECRETS_FILE:
                text = blank_secrets(text)
            blob = hashlib.sha256(text.encode()).hexdigest()[:16]
            blobs[blob] = text
            files[file] = blob
    data = {"version": version, "placeholder": PLACEHOLDER, "blobs": blobs}
    data["combinations"] = combinations
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME))
    return path.stat().st_size


@cache
def _load(path: Path) -> dict[str, dict[str, str]]:
    data = json.loads(lzma.decompress(path.read_bytes()))
    if data.get("placeholder") != PLACEHOLDER:
        raise ValueError(f"{path.name} was rendered with another placeholder name")
    blobs: dict[str, str] = data["blobs"]
    return {
        key: {file: blobs[blob] for file, blob in files.items()}
        for key, files in data["combinations"].items()
    }


def generated(
    version: str,
    components: Iterable[str],
    options: Mapping[str, str],
    name: str,
    folder: Path | None = None,
) -> dict[str, str] | None:
    """What Aegis `version` generated for a project `name` with these packs and options
    (`.env` values blank); None when that version or that combination is not shipped."""
    path = archive_path(folder or releases_dir(), version)
    if not path.is_file():
        return None
    files = _load(path).get(combination(components, options))
    if files is None:
        return None
    return {file: with_name(text, name) for file, text in files.items()}
