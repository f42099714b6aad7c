"""Edits as data: what a pack's `edits()` returns.

Each edit names a semantic anchor in one shared file. The engine parses each file once, gives
every edit a `Placement` (its rank and the ranks of the other packs' elements on the same
anchor), and calls `apply` or, to take a pack out, `revert`. The primitives behind them live in
`aegis.edit.*` and are imported only when an edit runs.

The edit types are closed: a pack (built in or third-party) changes a project only through
these, so everything it does is previewable and invertible. Each is plain data
(`to_data` / `edit_from_data`), so what was applied can be recorded and replayed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aegis.edit import identity as ids
from aegis.edit.base import Placement
from aegis.plain import Plain

PYPROJECT = "pyproject.toml"
COMPOSE = "docker-compose.yml"

EDIT_TYPES: dict[str, type[Edit]] = {}
"""Every edit type, by class name."""


class Edit:
    """Base of all edits: `path` is the project-relative file it changes."""

    path: str
    document: ClassVar[str]
    _fields: ClassVar[tuple[str, ...]]  # those of each edit type (`aegis.plain`)
    # True for edits of a file that may be missing: the engine then starts from an empty
    # file, and deletes the file when the edits leave it empty.
    creates_file: ClassVar[bool] = False
    # True for an edit whose value is made anew on every run (a secret): applying it again
    # never gives the same bytes, so whether the owner changed it cannot be told.
    fresh_value: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__ == __name__:
            EDIT_TYPES[cls.__name__] = cls

    def to_data(self) -> dict[str, Any]:
        """The edit as plain data (JSON- and TOML-friendly)."""
        fields = {name: getattr(self, name) for name in self._fields}
        return {"edit": type(self).__name__, **fields}

    def anchor(self) -> tuple[str, ...]:
        """The place it edits; edits with the same anchor are ordered among themselves."""
        raise NotImplementedError

    def identity(self, pack: str) -> str:
        """What it inserts, as found again in a file (stable under reformatting)."""
        raise NotImplementedError

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        raise NotImplementedError

    def revert(self, doc: Any, pack: str) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


class Import(Plain, Edit):
    """`from module import name [as alias]` at its sorted place."""

    path: str
    module: str
    name: str
    alias: str | None = None
    document: ClassVar[str] = "python"

    def anchor(self) -> tuple[str, ...]:
        return ("import", self.path)

    def identity(self, pack: str) -> str:
        return f"{self.module}:{self.name}:{self.alias or ''}"

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import python

        return python.add_import(doc, self.module, self.name, self.alias)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import python

        return python.remove_import(doc, self.module, self.name, self.alias)

    def describe(self) -> str:
        return f"import {self.name} from {self.module}"


class ListItem(Plain, Edit):
    """One element of a module-level list such as `HEALTH_CHECKS`."""

    path: str
    list_name: str
    item: str
    document: ClassVar[str] = "python"

    def anchor(self) -> tuple[str, ...]:
        return ("list", self.path, self.list_name)

    def identity(self, pack: str) -> str:
        return ids.expression_identity(self.item)

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import python

        return python.add_list_item(doc, self.list_name, self.item, placement)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import python

        return python.remove_list_item(doc, self.list_name, self.item)

    def describe(self) -> str:
        return f"`{self.item}` in the list `{self.list_name}`"


class Statement(Plain, Edit):
    """One statement in a scope: `""` (module), `"Class"`, `"function"`, `"Class.method"`."""

    path: str
    scope: str
    code: str
    after: str | None = None
    document: ClassVar[str] = "python"

    def anchor(self) -> tuple[str, ...]:
        return ("statement", self.path, self.scope)

    def identity(self, pack: str) -> str:
        return ids.statement_identity(self.code)

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import python

        return python.add_statement(doc, self.scope, self.code, placement, self.after)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import python

        return python.remove_statement(doc, self.scope, self.code)

    def describe(self) -> str:
        where = f"`{self.scope}`" if self.scope else "the module"
        return f"a statement in {where}"


class ReplaceValue(Plain, Edit):
    """The value of a module-level assignment goes from `old` to `new`."""

    path: str
    target: str
    old: str
    new: str
    document: ClassVar[str] = "python"

    def anchor(self) -> tuple[str, ...]:
        return ("value", self.path, self.target)

    def identity(self, pack: str) -> str:
        return self.target

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import python

        return python.replace_value(doc, self.target, self.old, self.new)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import python

        return python.replace_value(doc, self.target, self.new, self.old)

    def describe(self) -> str:
        return f"the value of `{self.target}`"


class Dependency(Plain, Edit):
    """A requirement in `[project].dependencies` (or an optional-dependencies extra)."""

    requirement: str
    extra: str | None = None
    path: str = PYPROJECT
    document: ClassVar[str] = "toml"

    def anchor(self) -> tuple[str, ...]:
        return ("dependency", self.path, self.extra or "")

    def identity(self, pack: str) -> str:
        return ids.dependency_identity(self.requirement)

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import toml

        return toml.add_dependency(doc, self.requirement, placement, self.extra)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import toml

        return toml.remove_dependency(doc, self.requirement, self.extra)

    def describe(self) -> str:
        return f"the dependency `{self.requirement}`"


class Script(Plain, Edit):
    """A console script in `[project.scripts]`."""

    name: str
    target: str
    path: str = PYPROJECT
    document: ClassVar[str] = "toml"

    def anchor(self) -> tuple[str, ...]:
        return ("script", self.path)

    def identity(self, pack: str) -> str:
        return self.name

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import toml

        return toml.add_script(doc, self.name, self.target, placement)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import toml

        return toml.remove_script(doc, self.name)

    def describe(self) -> str:
        return f"the script `{self.name}`"


class ComposeService(Plain, Edit):
    """A service under `services:` in docker-compose.yml.

    `inherits` names a top-level extension block (`x-<name>: &<name>`) the service merges
    with `<<: *<name>`: its keys are the shared part of every service that inherits it.
    """

    name: str
    definition: dict[str, Any]
    inherits: str | None = None
    path: str = COMPOSE
    document: ClassVar[str] = "yaml"

    def __hash__(self) -> int:
        return hash((self.path, self.name))

    def anchor(self) -> tuple[str, ...]:
        return ("service", self.path)

    def identity(self, pack: str) -> str:
        return self.name

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.add_service(doc, self.name, self.definition, placement, self.inherits)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.remove_service(doc, self.name)

    def describe(self) -> str:
        return f"the compose service `{self.name}`"


class ComposeVolume(Plain, Edit):
    """A named volume under the top-level `volumes:`."""

    name: str
    definition: dict[str, Any] | None = None
    path: str = COMPOSE
    document: ClassVar[str] = "yaml"

    def __hash__(self) -> int:
        return hash((self.path, self.name))

    def anchor(self) -> tuple[str, ...]:
        return ("volume", self.path)

    def identity(self, pack: str) -> str:
        return self.name

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.add_volume(doc, self.name, self.definition, placement)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.remove_volume(doc, self.name)

    def describe(self) -> str:
        return f"the compose volume `{self.name}`"


class ComposeDependsOn(Plain, Edit):
    """`service` (or an extension block such as `x-app`) depends on `dependency`, with a
    start condition."""

    service: str
    dependency: str
    condition: str = "service_healthy"
    path: str = COMPOSE
    document: ClassVar[str] = "yaml"

    def anchor(self) -> tuple[str, ...]:
        return ("depends_on", self.path, self.service)

    def identity(self, pack: str) -> str:
        return self.dependency

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.add_depends_on(doc, self.service, self.dependency, self.condition, placement)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.remove_depends_on(doc, self.service, self.dependency)

    def describe(self) -> str:
        return f"`{self.service}` depending on `{self.dependency}`"


class TextBlock(Plain, Edit):
    """A managed block in a text file (.env.example, Makefile, README.md); with `region`,
    one in the middle of the file, at the region's marker line (the README's layout)."""

    path: str
    body: str
    key: str | None = None
    style: str = "hash"
    region: str = ""
    document: ClassVar[str] = "text"

    def anchor(self) -> tuple[str, ...]:
        return ("block", self.path, *([self.region] if self.region else []))

    def identity(self, pack: str) -> str:
        key = self.key or pack
        return f"{self.region}:{key}" if self.region else key

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import text

        return text.add_block(
            doc, self.identity(pack), self.body, placement, self.style, self.region
        )

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import text

        return text.remove_block(doc, self.identity(pack), self.style)

    def describe(self) -> str:
        return f"the managed block `{self.key}`" if self.key else "its managed block"


class ComposeEnvironment(Plain, Edit):
    """One variable in a service's `environment:` mapping (e.g. a URL inside compose).

    `service` may also name a top-level extension block (`x-app`), shared by every service
    that inherits it."""

    service: str
    variable: str
    value: str
    path: str = COMPOSE
    document: ClassVar[str] = "yaml"

    def anchor(self) -> tuple[str, ...]:
        return ("environment", self.path, self.service)

    def identity(self, pack: str) -> str:
        return self.variable

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.add_environment(doc, self.service, self.variable, self.value, placement)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.remove_environment(doc, self.service, self.variable)

    def describe(self) -> str:
        return f"`{self.variable}` in the environment of `{self.service}`"


class EnvSecret(Plain, Edit):
    """`KEY=<random>` in the project's git-ignored `.env`, generated when `KEY` is not set.

    `nbytes` random bytes, URL-safe base64. A value already there (the owner's, or one made
    earlier) is never replaced. Reverting removes the line Aegis wrote (found by its marker
    comment, whatever its value now is) and `.env` itself once nothing else is in it.
    """

    key: str
    nbytes: int = 32
    path: str = ".env"
    document: ClassVar[str] = "text"
    creates_file: ClassVar[bool] = True
    fresh_value: ClassVar[bool] = True

    def anchor(self) -> tuple[str, ...]:
        return ("secret", self.path)

    def identity(self, pack: str) -> str:
        return self.key

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import text

        return text.add_secret(doc, self.key, text.random_token(self.nbytes))

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import text

        return text.remove_secret(doc, self.key)

    def describe(self) -> str:
        return f"the generated secret `{self.key}`"


class YamlEntry(Plain, Edit):
    """`key: value` in the mapping at the key path `at` of any YAML file (`()`: the root),
    e.g. a service container of a CI workflow: `("jobs", "test", "services")`."""

    path: str
    at: tuple[str, ...]
    key: str
    value: Any
    document: ClassVar[str] = "yaml"

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", tuple(self.at))  # from data, a list

    def __hash__(self) -> int:
        return hash((self.path, self.at, self.key))

    def anchor(self) -> tuple[str, ...]:
        return ("yaml-entry", self.path, *self.at)

    def identity(self, pack: str) -> str:
        return self.key

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.add_entry(doc, self.at, self.key, self.value, placement)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.remove_entry(doc, self.at, self.key)

    def describe(self) -> str:
        return f"`{self.key}` in `{'.'.join(self.at) or '(document)'}`"


class YamlListItem(Plain, Edit):
    """One item of the list at the key path `at` of any YAML file, e.g. a resource of a
    `kustomization.yaml`: `YamlListItem(path, ("resources",), "worker.yaml")`."""

    path: str
    at: tuple[str, ...]
    item: Any
    document: ClassVar[str] = "yaml"

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", tuple(self.at))  # from data, a list

    def __hash__(self) -> int:
        return hash((self.path, self.at, ids.item_identity(self.item)))

    def anchor(self) -> tuple[str, ...]:
        return ("yaml-list", self.path, *self.at)

    def identity(self, pack: str) -> str:
        return ids.item_identity(self.item)

    def apply(self, doc: Any, placement: Placement, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.add_item(doc, self.at, self.item, placement)

    def revert(self, doc: Any, pack: str) -> Any:
        from aegis.edit import yaml

        return yaml.remove_item(doc, self.at, self.item)

    def describe(self) -> str:
        return f"the item {self.item!r} of `{'.'.join(self.at)}`"


def register(
    path: str, list_name: str, module: str, name: str, alias: str | None = None
) -> tuple[Import, ListItem]:
    """Import `name` from `module` and add it to the list `list_name` (the usual pair)."""
    return Import(path, module, name, alias), ListItem(path, list_name, alias or name)


def edit_from_data(data: dict[str, Any]) -> Edit:
    """The edit that `Edit.to_data` described."""
    fields = dict(data)
    kind = EDIT_TYPES[fields.pop("edit")]
    return kind(**fields)
