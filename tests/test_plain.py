"""`aegis.plain` classes behave as `dataclass` would make them: construction, equality,
hashing, repr, immutability, `replace`, `fields` and `asdict`."""

from __future__ import annotations

import dataclasses
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aegis.plain import FrozenError, Plain, asdict, field, fields, replace
from tests.aegis_helpers import CATALOG


class Frozen(Plain):
    name: str
    items: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict, compare=False)
    note: str | None = field(default=None, compare=False)


@dataclasses.dataclass(frozen=True)
class FrozenReference:
    name: str
    items: tuple[str, ...] = ()
    extra: dict[str, int] = dataclasses.field(default_factory=dict, compare=False)
    note: str | None = dataclasses.field(default=None, compare=False)


class Mutable(Plain, frozen=False):
    name: str
    seen: list[int] = field(default_factory=list)
    nested: list[Frozen] = field(default_factory=list)


@dataclasses.dataclass
class MutableReference:
    name: str
    seen: list[int] = dataclasses.field(default_factory=list)
    nested: list[Any] = dataclasses.field(default_factory=list)


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a",), {}),
    (("a", ("x", "y")), {}),
    (("a",), {"items": ("x",), "note": "n"}),
    ((), {"name": "b", "extra": {"k": 1}}),
    (("a", ("x",), {"k": 2}, "other"), {}),
]


def _pairs() -> list[tuple[Any, Any]]:
    pairs = [(Frozen(*args, **kwargs), FrozenReference(*args, **kwargs)) for args, kwargs in CALLS]
    pairs += [(Mutable("m"), MutableReference("m"))]
    pairs += [(Mutable("m", [1]), MutableReference("m", [1]))]
    return pairs


def test_repr_equality_and_hash_are_those_of_dataclass() -> None:
    pairs = _pairs()
    for ours, reference in pairs:
        assert repr(ours) == repr(reference).replace("Reference(", "(")
        if isinstance(ours, Frozen):
            assert hash(ours) == hash(reference)
        else:
            assert type(ours).__hash__ is None and type(reference).__hash__ is None
        assert ours != reference and ours != object()
    for first, first_reference in pairs:
        for second, second_reference in pairs:
            if type(first) is type(second):
                assert (first == second) == (first_reference == second_reference)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), (("a", (), {}, None, 5), {}), (("a",), {"name": "b"}), (("a",), {"other": 1})],
)
def test_wrong_arguments_are_refused_as_by_dataclass(args: Any, kwargs: Any) -> None:
    with pytest.raises(TypeError):
        FrozenReference(*args, **kwargs)
    with pytest.raises(TypeError):
        Frozen(*args, **kwargs)


def test_frozen_unless_said_otherwise() -> None:
    frozen = Frozen("a")
    with pytest.raises(FrozenError):
        frozen.name = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen.name = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del frozen.name  # type: ignore[misc]
    mutable = Mutable("a")
    mutable.name = "b"
    assert mutable == Mutable("b")
    assert Mutable("a").seen is not Mutable("a").seen


def test_post_init_runs_after_the_fields_are_set() -> None:
    class Normalised(Plain):
        values: tuple[int, ...]

        def __post_init__(self) -> None:
            object.__setattr__(self, "values", tuple(self.values))

    assert Normalised([1, 2]) == Normalised((1, 2))  # type: ignore[arg-type]


def test_a_field_without_a_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError):

        class Wrong(Plain):
            first: int = 0
            second: int


def test_frozen_and_mutable_fields_do_not_mix() -> None:
    with pytest.raises(TypeError):

        class Thawed(Frozen, frozen=False):  # type: ignore[misc]
            more: int = 0

    with pytest.raises(TypeError):

        class Hardened(Mutable):  # type: ignore[misc]
            more: int = 0


def test_fields_replace_and_asdict() -> None:
    value = Frozen("a", ("x",), {"k": 1})
    assert fields(value) == fields(Frozen) == ("name", "items", "extra", "note")
    changed = replace(value, items=("y",))

    class Named(Plain):
        instance: int  # the name of `replace`'s own parameter

    assert replace(Named(1), instance=2) == Named(2)
    assert changed == Frozen("a", ("y",)) and changed.extra == {"k": 1}
    reference = FrozenReference("a", ("x",), {"k": 1})
    assert asdict(value) == dataclasses.asdict(reference)
    mutable = Mutable("m", [1], [value])
    mutable_reference = MutableReference("m", [1], [reference])
    assert asdict(mutable) == dataclasses.asdict(mutable_reference)
    assert asdict(mutable)["seen"] is not mutable.seen


def test_the_catalogue_packs_compare_and_print_as_dataclasses() -> None:
    """Packs, their options and migrations: a reference dataclass with the same fields gives
    the same repr, equality and hash."""
    values: list[Plain] = []
    for pack in CATALOG:
        values += [pack, pack.origin, *pack.options, *pack.migrations]
        values += [step for migration in pack.migrations for step in migration.steps]
    references: dict[type[Plain], Any] = {}
    for value in values:
        kind = type(value)
        if kind not in references:
            specs = [
                (name, Any, dataclasses.field(compare=spec.compare))
                for name, spec in kind._specs.items()
            ]
            references[kind] = dataclasses.make_dataclass(kind.__qualname__, specs, frozen=True)
        reference = references[kind](*(getattr(value, name) for name in fields(value)))
        assert repr(value) == repr(reference)
        assert hash(value) == hash(reference)
        assert value == replace(value) and value is not replace(value)


def test_init_and_add_load_no_module_that_declares_a_dataclass(tmp_path: Path) -> None:
    """Each `dataclass` compiles its methods at import, on every command: the modules that
    `init` and `add` load declare none (their value classes are `Plain`)."""
    code = (
        "import sys; from aegis import cli\n"
        "for args in (['init', 'p', '-o', sys.argv[1], '-c', 'worker', '-s', 'auth'],"
        " ['add', 'kubernetes', '-p', sys.argv[1] + '/p']):\n"
        "    try: cli.app(args)\n"
        "    except SystemExit as exit: assert not exit.code, exit.code\n"
        "print(' '.join(name for name in sys.modules if name.startswith('aegis')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    loaded = out.stdout.splitlines()[-1].split()
    assert "aegis.edits" in loaded and "aegis.engine" in loaded
    declaring = [
        f"{name}.{value.__qualname__}"
        for name in loaded
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, type)
        and value.__module__ == name
        and "__dataclass_fields__" in value.__dict__
    ]
    assert declaring == []
