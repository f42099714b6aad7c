"""Just enough PNG for screenshots in documentation: read an 8-bit RGB or RGBA image,
reduce it to a palette of at most 256 colours, write it as a palette PNG.

A screenshot of a user interface is mostly a few flat colours plus the anti-aliasing
between them: its most frequent colours, with every other pixel mapped to the nearest
of them, look the same at a fraction of the size.
"""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # colour type: bytes per pixel (RGB, RGBA) at bit depth 8
MAX_COLOURS = 256
SHADE = 64  # squared RGB distance under which two colours are shades of one


@dataclass(frozen=True)
class Image:
    """An opaque image: `pixels` holds 3 bytes (R, G, B) per pixel, row by row."""

    width: int
    height: int
    pixels: bytes


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, payload) chunks of a PNG, their checksums verified."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    found, offset = [], len(SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        payload = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        if zlib.crc32(kind + payload) != crc:
            raise ValueError(f"bad checksum in chunk {kind!r}")
        found.append((kind, payload))
        offset += 12 + length
    return found


def _paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    to_left, to_up, to_corner = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
    if to_left <= to_up and to_left <= to_corner:
        return left
    return up if to_up <= to_corner else corner


def unfilter(raw: bytes, height: int, stride: int, step: int) -> bytes:
    """The scanlines of `raw` without their filter bytes, each filter undone."""
    out = bytearray()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(step, stride):
                line[i] = (line[i] + line[i - step]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - step] if i >= step else 0
                line[i] = (line[i] + (left + previous[i]) // 2) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - step] if i >= step else 0
                corner = previous[i - step] if i >= step else 0
                line[i] = (line[i] + _paeth(left, previous[i], corner)) & 0xFF
        elif kind != 0:
            raise ValueError(f"unknown PNG filter {kind}")
        out += line
        previous = line
    return bytes(out)


def _unpack(rows: bytes, width: int, height: int, depth: int) -> bytes:
    """One byte per pixel from rows of `depth`-bit palette indices."""
    if depth == 8:
        return rows
    stride, per_byte, mask = (width * depth + 7) // 8, 8 // depth, (1 << depth) - 1
    out = bytearray()
    for row in range(height):
        line = rows[row * stride : (row + 1) * stride]
        indices = ((byte >> (8 - depth * (n + 1))) & mask for byte in line for n in range(per_byte))
        out += bytes(indices)[:width]
    return bytes(out)


def read_png(data: bytes) -> Image:
    """The pixels of an 8-bit, non-interlaced RGB or RGBA PNG (alpha dropped: a
    screenshot is opaque) or of a palette PNG (as this module writes them)."""
    parts = chunks(data)
    header = next(payload for kind, payload in parts if kind == b"IHDR")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    palette_depths = (1, 2, 4, 8) if colour == 3 else ()
    if interlace or colour not in (*CHANNELS, 3) or depth not in (8, *palette_depths):
        raise ValueError("only 8-bit RGB or RGBA, or palette PNGs, not interlaced")
    step = CHANNELS.get(colour, 1)
    stride = (width * step * depth + 7) // 8
    raw = zlib.decompress(b"".join(payload for kind, payload in parts if kind == b"IDAT"))
    rows = unfilter(raw, height, stride, max(1, step * depth // 8))
    if colour == 3:
        palette = next(payload for kind, payload in parts if kind == b"PLTE")
        indices = _unpack(rows, width, height, depth)
        pixels = b"".join(palette[3 * index : 3 * index + 3] for index in indices)
    elif step == 4:
        pixels = bytes(b for i in range(0, len(rows), 4) for b in rows[i : i + 3])
    else:
        pixels = rows
    return Image(width, height, pixels)


def _distance(a: bytes, b: bytes) -> int:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2


def quantise(image: Image, size: int = MAX_COLOURS) -> tuple[list[bytes], bytes]:
    """A palette of at most `size` colours and each pixel's index in it.

    An image with no more colours keeps them all. Otherwise the palette takes the most
    frequent colours, first skipping shades of a colour already taken (the many tints
    of anti-aliasing would crowd out a rarer but distinct colour, such as grey text),
    then, if room is left, the most frequent of those shades; a colour outside the
    palette takes the nearest one.
    """
    if not 1 <= size <= MAX_COLOURS:
        raise ValueError(f"a palette has 1 to {MAX_COLOURS} colours, not {size}")
    colours = [image.pixels[i : i + 3] for i in range(0, len(image.pixels), 3)]
    ranked = [colour for colour, _ in Counter(colours).most_common()]
    palette: list[bytes] = []
    for colour in ranked if len(ranked) > size else ():
        if len(palette) < size and all(_distance(colour, p) > SHADE for p in palette):
            palette.append(colour)
    palette += [c for c in ranked if c not in palette][: size - len(palette)]
    index = {colour: number for number, colour in enumerate(palette)}
    for colour in set(colours) - index.keys():
        nearest = min(range(len(palette)), key=lambda n: _distance(colour, palette[n]))
        index[colour] = nearest
    return palette, bytes(index[colour] for colour in colours)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _pack(indices: bytes, depth: int) -> bytes:
    """Palette indices `depth` bits each, the first in the high bits of a byte."""
    if depth == 8:
        return indices
    per_byte = 8 // depth
    packed = bytearray()
    for start in range(0, len(indices), per_byte):
        byte = 0
        for n, index in enumerate(indices[start : start + per_byte]):
            byte |= index << (8 - depth * (n + 1))
        packed.append(byte)
    return bytes(packed)


def write_palette_png(image: Image, colours: int = MAX_COLOURS) -> bytes:
    """The image as a palette PNG of at most `colours` colours, each pixel in as few
    bits as the palette allows, compressed as much as zlib can."""
    palette, indices = quantise(image, colours)
    depth = next(bits for bits in (1, 2, 4, 8) if len(palette) <= 1 << bits)
    rows = b"".join(
        b"\x00" + _pack(indices[row * image.width : (row + 1) * image.width], depth)
        for row in range(image.height)
    )
    header = struct.pack(">IIBBBBB", image.width, image.height, depth, 3, 0, 0, 0)
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"PLTE", b"".join(palette))
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
