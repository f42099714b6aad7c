"""The PNG reader and palette writer behind the dashboard screenshot in the docs."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.png import (
    MAX_COLOURS,
    SIGNATURE,
    Image,
    _chunk,
    _distance,
    chunks,
    quantise,
    read_png,
    write_palette_png,
)


def paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    distances = [abs(estimate - left), abs(estimate - up), abs(estimate - corner)]
    return (left, up, corner)[distances.index(min(distances))]


def filtered(line: bytes, previous: bytes, kind: int, step: int) -> bytes:
    """`line` under PNG filter `kind`, as an encoder writes it (the spec's formulas)."""

    def left(i: int) -> int:
        return line[i - step] if i >= step else 0

    def corner(i: int) -> int:
        return previous[i - step] if i >= step else 0

    predictions = {
        0: lambda i: 0,
        1: left,
        2: lambda i: previous[i],
        3: lambda i: (left(i) + previous[i]) // 2,
        4: lambda i: paeth(left(i), previous[i], corner(i)),
    }
    return bytes((line[i] - predictions[kind](i)) & 0xFF for i in range(len(line)))


def encode(width: int, height: int, samples: bytes, alpha: bool) -> bytes:
    """An RGB or RGBA PNG whose rows use every filter in turn."""
    step = 4 if alpha else 3
    stride = width * step
    rows, previous = [], bytes(stride)
    for row in range(height):
        line = samples[row * stride : (row + 1) * stride]
        kind = row % 5
        rows.append(bytes([kind]) + filtered(line, previous, kind, step))
        previous = line
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + _chunk(b"IEND", b"")
    )


sizes = st.tuples(st.integers(1, 9), st.integers(1, 9))


@st.composite
def rgba_images(draw: st.DrawFn) -> tuple[int, int, bytes]:
    """Samples from a few values, so that the filters' predictors often tie."""
    width, height = draw(sizes)
    count = width * height * 4
    values = st.integers(0, 3) | st.sampled_from([128, 255])
    return width, height, bytes(draw(st.lists(values, min_size=count, max_size=count)))


def without_alpha(rgba: bytes) -> bytes:
    return bytes(b for i, b in enumerate(rgba) if i % 4 != 3)


# Paeth's rule for a tie between the pixel above and the one above-left.
PAETH_TIE = (2, 5, bytes(8 * 3) + bytes([2] * 4 + [0] * 4) + bytes([3] * 4 + [9] * 4))


@settings(max_examples=100, deadline=None)
@given(rgba_images(), st.booleans())
@example(image=PAETH_TIE, alpha=True)
def test_every_filter_reads_back(image: tuple[int, int, bytes], alpha: bool) -> None:
    width, height, rgba = image
    samples = rgba if alpha else without_alpha(rgba)
    decoded = read_png(encode(width, height, samples, alpha))
    assert decoded == Image(width, height, without_alpha(rgba))


def images(colours: int) -> st.SearchStrategy[Image]:
    """Images drawing their pixels from `colours` random colours."""
    colour = st.binary(min_size=3, max_size=3)
    return sizes.flatmap(
        lambda s: st.lists(colour, min_size=1, max_size=colours, unique=True).flatmap(
            lambda palette: st.lists(
                st.sampled_from(palette), min_size=s[0] * s[1], max_size=s[0] * s[1]
            ).map(lambda pixels: Image(s[0], s[1], b"".join(pixels)))
        )
    )


@settings(max_examples=60, deadline=None)
@given(images(MAX_COLOURS))
def test_up_to_256_colours_survive_exactly(image: Image) -> None:
    assert read_png(write_palette_png(image)) == image


@settings(max_examples=10, deadline=None)
@given(
    st.lists(st.binary(min_size=3, max_size=3), min_size=MAX_COLOURS + 1, max_size=400, unique=True)
)
def test_more_colours_take_the_nearest_of_the_most_frequent(colours: list[bytes]) -> None:
    pixels = colours + [colours[0]] * 5  # one colour clearly the most frequent
    image = Image(len(pixels), 1, b"".join(pixels))
    palette, indices = quantise(image)
    assert len(palette) == MAX_COLOURS
    assert palette[0] == colours[0]
    for colour, index in zip(pixels, indices, strict=True):
        best = min(_distance(colour, entry) for entry in palette)
        assert _distance(colour, palette[index]) == best
    decoded = read_png(write_palette_png(image))
    assert decoded.pixels == b"".join(palette[index] for index in indices)


@settings(max_examples=40, deadline=None)
@given(images(40), st.sampled_from([1, 2, 3, 4, 5, 16, 17, 40]))
def test_a_smaller_palette_packs_each_pixel_in_fewer_bits(image: Image, size: int) -> None:
    palette, indices = quantise(image, size)
    png = write_palette_png(image, size)
    header = dict(chunks(png))[b"IHDR"]
    depth = header[8]
    assert depth == next(bits for bits in (1, 2, 4, 8) if len(palette) <= 1 << bits)
    assert len(palette) <= size
    decoded = read_png(png)
    assert decoded.pixels == b"".join(palette[index] for index in indices)


def test_shades_of_one_colour_leave_room_for_a_distinct_one() -> None:
    whites = [bytes([255 - n, 255 - n, 255]) for n in range(6)]
    grey = bytes([115, 119, 127])
    pixels = [shade for shade in whites for _ in range(10)] + [grey] * 3
    palette, _ = quantise(Image(len(pixels), 1, b"".join(pixels)), 4)
    assert grey in palette
    assert palette[0] == whites[0]


def test_a_damaged_chunk_is_refused() -> None:
    png = bytearray(write_palette_png(Image(2, 1, b"\x00\x00\x00\xff\xff\xff")))
    png[len(SIGNATURE) + 10] ^= 0xFF  # a byte of IHDR's payload
    with pytest.raises(ValueError, match="checksum"):
        chunks(bytes(png))
    with pytest.raises(ValueError, match="not a PNG"):
        read_png(b"GIF89a")
