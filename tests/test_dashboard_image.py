"""The dashboard screenshot of the generated README: a small text file whose embedded
PNGs decode, shown by a link that resolves in the generated projects."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from PIL import Image

from tests.aegis_helpers import CATALOG, allowed_sets, init

ROOT = Path(__file__).resolve().parent.parent
IMAGE = ROOT / "base_project" / "docs" / "dashboard.svg"
BUDGET = 80 * 1024
SVG = "{http://www.w3.org/2000/svg}"
DATA_URI = re.compile(r"data:image/png;base64,(?P<data>[A-Za-z0-9+/=\s]+)")
# Markdown links and images: [text](target) and ![text](target).
LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def test_the_image_is_small_text_whose_pngs_decode_at_their_drawn_size() -> None:
    text = IMAGE.read_text(encoding="utf-8")
    assert len(text.encode()) < BUDGET
    assert text.endswith("</svg>\n")
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.findtext(f"{SVG}title")
    width, height = int(root.attrib["width"]), int(root.attrib["height"])
    images = root.findall(f"{SVG}image")
    assert len(images) == 2  # a desktop and a phone
    for image in images:
        match = DATA_URI.fullmatch(image.attrib["href"])
        assert match, image.attrib["href"][:60]
        data = base64.b64decode(re.sub(r"\s", "", match["data"]), validate=True)
        with Image.open(io.BytesIO(data)) as png:
            assert png.format == "PNG"
            png.load()  # decodes every pixel: a damaged image raises here
            assert png.size == (int(image.attrib["width"]), int(image.attrib["height"]))
            colours = png.convert("RGB").getcolors(maxcolors=1 << 16) or []
        assert int(image.attrib["x"]) + png.width <= width
        assert int(image.attrib["y"]) + png.height <= height
        assert len(colours) > 2


def heading_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings: lower case, punctuation dropped."""
    headings = re.findall(r"^#+ (.+)$", markdown, re.M)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


EVERYTHING = CATALOG.sort(max(allowed_sets(), key=len))


@pytest.mark.parametrize("components", [[], EVERYTHING], ids=["core", "everything"])
def test_every_link_of_the_generated_readme_resolves(tmp_path: Path, components: list[str]) -> None:
    project = init(tmp_path, components)
    readme = (project / "README.md").read_text(encoding="utf-8")
    targets = [match["target"] for match in LINK.finditer(readme)]
    assert "docs/dashboard.svg" in targets
    assert (project / "docs" / "dashboard.svg").read_bytes() == IMAGE.read_bytes()
    anchors = heading_anchors(readme)
    for target in targets:
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        if path:
            assert (project / path).is_file(), f"README links to a missing {path}"
        elif anchor:
            assert anchor in anchors, f"README links to a missing heading #{anchor}"
