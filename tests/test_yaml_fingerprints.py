"""YAML fingerprints read by libyaml agree with ruamel.yaml's own parser.

`aegis.fingerprints` loads YAML with libyaml (`ruamel.yaml.clib`) where it gives the same
documents as the pure YAML 1.2 parser, which fingerprints were first recorded with: a
difference would make a generated file look edited by its owner, or an edited one look
untouched. Checked on every YAML file the catalogue writes and on generated texts (data
dumped in every style, then cut and spliced with YAML's own punctuation)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from aegis.fingerprints import _load_yaml
from tests.aegis_helpers import SELECTABLE, init


def pure(text: str) -> list[object] | str:
    try:
        return list(YAML(typ="safe", pure=True).load_all(text))
    except YAMLError:
        return "refused"


def loaded(text: str) -> list[object] | str:
    try:
        return _load_yaml(text)
    except YAMLError:
        return "refused"


def test_libyaml_is_installed() -> None:
    """Without it both sides of every comparison below are the pure parser."""
    from ruamel.yaml.main import CParser

    assert CParser is not None


@pytest.fixture(scope="module")
def catalogue_yaml(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    project = init(tmp_path_factory.mktemp("every"), SELECTABLE)
    texts = {
        str(path.relative_to(project)): path.read_text()
        for path in project.rglob("*")
        if path.suffix in (".yml", ".yaml") and path.is_file()
    }
    assert len(texts) > 10
    return texts


def test_every_yaml_file_the_catalogue_writes_loads_alike(catalogue_yaml: dict[str, str]) -> None:
    for path, text in catalogue_yaml.items():
        assert loaded(text) == pure(text) != "refused", path


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        ["on", "yes", "No", "0o17", "017", "0x1F", "1_000", ".inf", "~", "12:30:00", "2001-12-14"]
    ),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
PUNCTUATION = st.sampled_from(list(" :-#'\"[]{},&*!|>?\n\t.%~0a"))


def dumped(data: object, flow: bool | None, start: bool) -> str:
    from io import StringIO

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    yaml.explicit_start = start
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(DATA, min_size=1, max_size=3),
    flow=st.sampled_from([None, True, False]),
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.text(PUNCTUATION, max_size=3)), max_size=3),
    comment=st.booleans(),
)
def test_generated_texts_load_alike(
    data: list[object], flow: bool | None, cuts: list[tuple[int, str]], comment: bool
) -> None:
    text = "".join(dumped(document, flow, start=len(data) > 1) for document in data)
    if comment:
        text = "# a comment\n" + text.replace("\n", "  # trailing\n", 1)
    for position, inserted in cuts:
        at = position % (len(text) + 1)
        text = text[:at] + inserted + text[at:]
    assert loaded(text) == pure(text)


@pytest.mark.parametrize(
    "text",
    [
        "%YAML 1.1\n---\na: yes\nb: 017\n",  # 1.1's rules in libyaml
        "a:\tb\n",  # a tab libyaml accepts and the 1.2 parser refuses
        "a: b: c\n",
        "a: 1\na: 2\n",
        "a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n",
        "--- 1\n--- 2\n...\n",
        "",
    ],
)
def test_texts_where_the_parsers_could_differ(text: str) -> None:
    assert loaded(text) == pure(text)


def test_the_catalogue_yaml_is_fingerprinted_by_libyaml(
    catalogue_yaml: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path is the one taken: no catalogue file has a `%` or a tab."""
    from ruamel.yaml import main

    pure_loads = []
    original = main.YAML.__init__

    def counting(self: main.YAML, *args: object, **kwargs: object) -> None:
        pure_loads.append(kwargs.get("pure"))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(main.YAML, "__init__", counting)
    for text in catalogue_yaml.values():
        _load_yaml(text)
    assert pure_loads and not any(pure_loads), [
        path for path, text in catalogue_yaml.items() if "%" in text or "\t" in text
    ]
