"""Plain value classes: what `dataclass` gives, without compiling methods for every class.

`dataclass` writes the source of `__init__`, `__eq__`, `__hash__`, `__repr__` and, when frozen,
`__setattr__` and `__delattr__` for each class and compiles it, on every command: some 3.5 M
instructions per class at import. A subclass of `Plain` declares its fields the same way
(annotations, defaults, `field(default_factory=..., compare=False)`) and shares methods written
once, which behave as `dataclass`'s (`tests/test_plain.py` compares them):

- `__init__` takes the fields by position or name, fills defaults, then calls `__post_init__`
  if the class has one;
- instances are immutable unless the class says `frozen=False`;
- `__eq__` compares instances of the same class by their compared fields, `__hash__` hashes
  them (a mutable class has none, unless it writes its own), `__repr__` shows every field.

`fields`, `replace` and `asdict` stand for their `dataclasses` namesakes.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import Any, ClassVar, TypeVar, dataclass_transform

_MISSING: Any = object()

T = TypeVar("T", bound="Plain")


class FrozenError(FrozenInstanceError):
    """An assignment to a field of an immutable instance: what a frozen dataclass raises, so
    code written for one catches it."""


class _Field:
    __slots__ = ("default", "factory", "compare")

    def __init__(self, default: Any, factory: Callable[[], Any] | None, compare: bool) -> None:
        self.default, self.factory, self.compare = default, factory, compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
) -> Any:
    """A field's default made anew for each instance, or a field left out of comparisons."""
    return _Field(default, default_factory, compare)


def _is_class_var(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Plain:
    """Base of the value classes; `class C(Plain, frozen=False)` for a mutable one."""

    __slots__ = ()
    _specs: ClassVar[dict[str, _Field]] = {}
    _fields: ClassVar[tuple[str, ...]] = ()
    _compared: ClassVar[tuple[str, ...]] = ()
    _frozen: ClassVar[bool] = True
    _post_init: ClassVar[Callable[[Any], None] | None] = None

    def __init_subclass__(cls, *, frozen: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if frozen != cls._frozen and cls._fields:
            raise TypeError(f"{cls.__qualname__}: frozen and mutable fields mixed")
        specs = dict(cls._specs)
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if _is_class_var(annotation):
                continue
            spec = cls.__dict__.get(name, _MISSING)
            if not isinstance(spec, _Field):
                spec = _Field(spec, None, True)
            elif spec.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
            specs[name] = spec
        defaulted = False
        for name, spec in specs.items():
            required = spec.default is _MISSING and spec.factory is None
            if required and defaulted:
                raise TypeError(f"{cls.__qualname__}: {name!r} without a default follows a default")
            defaulted = not required
        cls._specs = specs
        cls._fields = tuple(specs)
        cls._compared = tuple(name for name, spec in specs.items() if spec.compare)
        cls._post_init = getattr(cls, "__post_init__", None)
        if not frozen:
            cls._frozen = False
            cls.__setattr__ = object.__setattr__  # type: ignore[method-assign,assignment]
            cls.__delattr__ = object.__delattr__  # type: ignore[method-assign]
            if "__hash__" not in cls.__dict__:
                cls.__hash__ = None  # type: ignore[method-assign,assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = self.__class__
        names = cls._fields
        if len(args) > len(names):
            raise TypeError(
                f"{cls.__qualname__}() takes {len(names)} positional arguments but "
                f"{len(args)} were given"
            )
        values = dict(zip(names, args, strict=False))
        specs = cls._specs
        for name in kwargs:
            if name not in specs:
                raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"{cls.__qualname__}() got multiple values for argument {name!r}")
        values.update(kwargs)
        if len(values) < len(names):
            for name in names:
                if name not in values:
                    spec = specs[name]
                    if spec.factory is not None:
                        values[name] = spec.factory()
                    elif spec.default is not _MISSING:
                        values[name] = spec.default
                    else:
                        raise TypeError(f"{cls.__qualname__}() missing argument: {name!r}")
        object.__setattr__(self, "__dict__", values)
        if cls._post_init is not None:
            cls._post_init(self)

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._compared])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            assert isinstance(other, Plain)
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({values})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"cannot delete field {name!r}")


def fields(value: Plain | type[Plain]) -> tuple[str, ...]:
    """The names of the fields, in order."""
    return value._fields


def replace(instance: T, /, **changes: Any) -> T:
    """A copy of `instance` with some fields changed (any name: `instance` is positional)."""
    return type(instance)(**{name: getattr(instance, name) for name in instance._fields} | changes)


def asdict(value: Plain) -> dict[str, Any]:
    """The fields as a dict; nested instances, lists, tuples, sets and dicts are copied as
    `dataclasses.asdict` copies them (other values are taken as they are: immutable)."""
    return {name: _copied(getattr(value, name)) for name in value._fields}


def _copied(value: Any) -> Any:
    if isinstance(value, Plain):
        return asdict(value)
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(_copied(item) for item in value)
    if isinstance(value, dict):
        return type(value)((_copied(key), _copied(item)) for key, item in value.items())
    return value
