"""The journal's text: the contents are spliced in after the layout, and the text is the
one `json.dumps` gives for the whole journal."""

from __future__ import annotations

import base64
import json

import pytest

from aegis.plain import asdict
from aegis.transaction import _PLACEHOLDER, Entry, Journal


def whole(journal: Journal) -> bytes:
    """The journal's text as `json.dumps` of all of it gives it."""
    data = asdict(journal)
    del data["kept"]  # which before links this process made: not recorded
    data["format"] = 1
    for entry in data["entries"]:
        for side in ("before", "after"):
            if entry[side] is not None:
                entry[side] = base64.b64encode(entry[side]).decode("ascii")
    return json.dumps(data, indent=1).encode()


ENTRIES = [
    Entry("app/main.py", b"print('before')\n", 0o644, b"print('after')\n", 0o644),
    Entry("new.txt", None, None, b"\x00\xff binary \n" * 1000, 0o600),
    Entry("gone.md", "caf\u00e9 \u2603\n".encode(), 0o755, None, None),
    Entry("empty", b"", 0o644, b"", 0o644),
    Entry('odd "name"\\ \u00e9', b"x", 0o644, b"y", 0o644),
]


@pytest.mark.parametrize(
    "entries",
    [
        [],
        ENTRIES,
        ENTRIES[1:3],
        # a path that holds a placeholder's text: the whole is dumped as it is
        [Entry(f"{_PLACEHOLDER}0", b"a", 0o644, b"b", 0o644), *ENTRIES],
        [Entry(f'a"{_PLACEHOLDER}1', b"a", 0o644, None, None), *ENTRIES],
    ],
)
def test_the_text_is_json_dumps_of_the_whole(entries):
    journal = Journal("0123abcd", "aegis add worker", 42, list(entries), ["a", "a/b"], ["/x"])
    text = journal.dump()
    assert text == whole(journal)
    loaded = Journal.load(text)
    assert loaded == journal
