"""Write base_project/docs/dashboard.svg: the real dashboard, on a desktop and a phone.

Generates the project with every component (SQLite), runs it as the browser test does
(web server, scheduler and workers, in the shared generated-project environment, on
the Redis of `REDIS_URL`), opens the dashboard in headless Chromium, and keeps two
screenshots: the desktop with the first cards' details open, and the top of the page
on a phone. Each is reduced to a palette PNG of 16 colours and embedded as a data URI,
so that the file stays text (the ledger and `aegis diff` handle text) and small.

Run: .venv/bin/python scripts/dashboard-screenshot.py
"""

from __future__ import annotations

import base64
import io
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from aegis.testing import covering_cases  # noqa: E402
from aegis.testing.generated import (  # noqa: E402
    ensure_environment,
    machine_services,
    other_processes,
    serve,
    settled_checks,
)
from aegis.testing.workbench import Workbench  # noqa: E402
from tests.aegis_helpers import CATALOG, allowed_sets, init  # noqa: E402
from tests.browser import DESKTOP, Viewport, visit_dashboard  # noqa: E402

TARGET = ROOT / "base_project" / "docs" / "dashboard.svg"
# A phone at one device pixel per CSS pixel: in a README it is shown small anyway.
PHONE = Viewport("phone", 390, 844, mobile=True)
SHOTS = ((DESKTOP, "details"), (PHONE, "top"))
GAP = 24
# Sixteen colours (four bits a pixel) keep the text crisp at half the size of 256.
COLOURS = 16
FRAME = "#d0d7de"
TITLE = "The dashboard of a project with every component, on a desktop and on a phone"


def capture(scratch: Path) -> list[Image.Image]:
    """The screenshots of `SHOTS`, from the dashboard of the everything-project."""
    everything = CATALOG.sort(max(allowed_sets(), key=len))
    cases = covering_cases(CATALOG)
    case = next(
        c
        for c in cases
        if c.ordered == everything and c.options.get("database_engine", "sqlite") == "sqlite"
    )
    python = ensure_environment(Workbench(CATALOG), cases, scratch / "requirements")
    project = init(scratch, case.ordered, case.options)
    images = []
    with (
        machine_services(case.options) as env,
        serve(project, python, env) as base_url,
        other_processes(project, python, env),
    ):
        checks = settled_checks(base_url)
        for viewport, moment in SHOTS:
            out = scratch / viewport.name
            out.mkdir()
            visit_dashboard(base_url, checks, viewport, out)
            path = out / f"{viewport.name}-{moment}.png"
            with Image.open(path) as shot:
                images.append(shot.convert("RGB"))
    return images


def data_uri(png: bytes) -> str:
    """A base64 data URI, wrapped: browsers ignore the white space in it."""
    encoded = base64.b64encode(png).decode("ascii")
    return "data:image/png;base64,\n" + "\n".join(textwrap.wrap(encoded, 100))


def palette_png(image: Image.Image) -> bytes:
    """`image` reduced to `COLOURS` colours, without dithering (it blurs text)."""
    reduced = image.quantize(COLOURS, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    reduced.save(out, format="PNG", optimize=True)
    return out.getvalue()


def svg(images: list[Image.Image]) -> str:
    """The images side by side, top-aligned, each in a thin frame."""
    width = sum(image.width for image in images) + GAP * (len(images) - 1)
    height = max(image.height for image in images)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f"<title>{TITLE}</title>",
    ]
    x = 0
    for image in images:
        size = f'x="{x}" y="0" width="{image.width}" height="{image.height}"'
        parts.append(f'<image {size} href="{data_uri(palette_png(image))}"/>')
        parts.append(f'<rect {size} fill="none" stroke="{FRAME}"/>')
        x += image.width + GAP
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="aegis-screenshot-") as scratch:
        images = capture(Path(scratch))
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(svg(images), encoding="utf-8")
    sizes = ", ".join(f"{image.width}x{image.height}" for image in images)
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size // 1024} KB; {sizes})")


if __name__ == "__main__":
    main()
