"""Edits of docker-compose.yml with ruamel.yaml (round trip).

`load` and `dump` are configured so that an unchanged compose file round-trips byte
for byte. The edits add and remove entries of mappings (services, volumes,
`depends_on`, `environment`) and move the blank lines and comments that ruamel attaches
to neighbouring nodes, so that a new entry is separated like its siblings and removing
it gives back the original bytes.

Where ruamel keeps the lines between two entries P and N of a mapping: the text after
the last scalar of P (its "trailing" comment token, after the end of that line), then
the comment tokens attached before the key N (its "leading" lines).
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from aegis.edit.base import AnchorNotFound, EditError, Placement, insertion_index
from aegis.edit.identity import item_identity


def _update_key_value(self: CommentedMap, key: Any) -> None:
    """A key of a mapping that others merge (`<<: *it`) changed: refresh their merged view.

    ruamel.yaml 0.19 still reads merge entries as `(position, mapping)` pairs here and fails
    with `KeyError: 1` on the current form (the mapping itself); this is its method, fixed.
    """
    if key in self._ok:
        return
    for merged in self.merge:
        if key in merged:
            ordereddict.__setitem__(self, key, merged[key])
            return
    if ordereddict.__contains__(self, key):
        ordereddict.__delitem__(self, key)


CommentedMap.update_key_value = _update_key_value  # type: ignore[method-assign]

_YAML = YAML()
_YAML.preserve_quotes = True
_YAML.indent(mapping=2, sequence=4, offset=2)
_YAML.width = 4096

_Line = tuple[int, str]  # (column, text) of one line; text "" for a blank line
_BLANK: list[_Line] = [(0, "")]


def load(text: str) -> Any:
    """Parse a compose file for round-trip editing."""
    return _YAML.load(text)


def dump(data: Any) -> str:
    """Print a document loaded with `load`."""
    out = io.StringIO()
    _YAML.dump(data, out)
    return out.getvalue()


# -- the lines around entries ----------------------------------------------------------


def _own_keys(mapping: CommentedMap) -> list[Any]:
    """The keys written in `mapping` itself (not those a `<<:` merge brings)."""
    return [key for key, _ in mapping.non_merged_items()]


def _leaf(container: Any, key: Any) -> tuple[Any, Any, int]:
    """Where ruamel keeps the comment after entry `key`: (holder, key, slot)."""
    value = container[key]
    nested = isinstance(value, CommentedMap | CommentedSeq)
    if nested and len(value) and not value.fa.flow_style():
        if isinstance(value, CommentedMap) and not _own_keys(value):
            return container, key, 2
        last = _own_keys(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _leaf(value, last)
    return container, key, 0 if isinstance(container, CommentedSeq) else 2


def _token(holder: Any, key: Any, slot: int) -> Any:
    return holder.ca.items.get(key, [None] * 4)[slot]


def _set_token(holder: Any, key: Any, slot: int, token: Any) -> None:
    items = holder.ca.items.setdefault(key, [None] * 4)
    items[slot] = token
    if all(item is None for item in items):
        del holder.ca.items[key]


def _trailing_rest(container: Any, key: Any) -> str:
    """The lines after entry `key` (after the end of its last line)."""
    token = _token(*_leaf(container, key))
    if token is None:
        return ""
    value = token.value
    return value[value.index("\n") + 1 :] if "\n" in value else ""


def _set_trailing_rest(container: Any, key: Any, rest: str) -> None:
    holder, leaf_key, slot = _leaf(container, key)
    token = _token(holder, leaf_key, slot)
    if token is None:
        head, mark = "\n", CommentMark(0)
    else:
        value = token.value
        head = value[: value.index("\n") + 1] if "\n" in value else value
        mark = token.start_mark
    if head == "\n" and not rest:
        _set_token(holder, leaf_key, slot, None)
    else:
        _set_token(holder, leaf_key, slot, CommentToken(head + rest, mark))


def _text_lines(text: str) -> list[_Line]:
    lines = []
    for raw in text.splitlines():
        stripped = raw.lstrip(" ")
        lines.append((len(raw) - len(stripped), stripped))
    return lines


def _lines_text(lines: list[_Line]) -> str:
    return "".join(" " * column + text + "\n" for column, text in lines)


def _leading(container: Any, key: Any) -> list[_Line]:
    """The blank and comment lines ruamel attaches before key `key`."""
    tokens = _token(container, key, 1) or []
    lines = []
    for token in tokens:
        first, *more = token.value.split("\n")[:-1] or [token.value]
        lines.append((token.start_mark.column if first else 0, first))
        lines += _text_lines("\n".join(more))
    return lines


def _set_leading(container: Any, key: Any, lines: list[_Line]) -> None:
    tokens = [CommentToken(text + "\n", CommentMark(column)) for column, text in lines]
    _set_token(container, key, 1, tokens or None)


def _separator(container: CommentedMap, blank_by_default: bool) -> list[_Line]:
    """One blank line if the first two entries are separated by one, else none."""
    keys = _own_keys(container)
    if len(keys) < 2:
        return list(_BLANK) if blank_by_default else []
    gap = _text_lines(_trailing_rest(container, keys[0])) + _leading(container, keys[1])
    return list(_BLANK) if any(not text for _, text in gap) else []


def _insert_entry(
    container: CommentedMap, pos: int, key: str, value: Any, separator: list[_Line]
) -> None:
    """Insert `key: value` at `pos`, separated from its neighbours by `separator`."""
    keys = _own_keys(container)
    if pos == len(keys) and keys:
        # The lines after the last entry (before the next top-level key) follow the new
        # one.
        previous = keys[-1]
        rest = _trailing_rest(container, previous)
        _set_trailing_rest(container, previous, "")
        container.insert(pos, key, value)
        _set_leading(container, key, separator)
        _set_trailing_rest(container, key, rest)
        return
    if pos == len(keys):
        container.insert(pos, key, value)
        return
    following = keys[pos]
    gap = _leading(container, following)
    if pos > 0:
        gap = _text_lines(_trailing_rest(container, keys[pos - 1])) + gap
    # Comment lines right above the next entry stay with it.
    split = len(gap)
    while split > 0 and gap[split - 1][1]:
        split -= 1
    head, tail = gap[:split], gap[split:]
    container.insert(pos, key, value)
    if pos > 0:
        _set_trailing_rest(container, keys[pos - 1], _lines_text(head))
        _set_leading(container, key, [])
    else:
        _set_leading(container, key, head)
    _set_leading(container, following, separator + tail)


def _remove_entry(container: CommentedMap, key: str, separator: list[_Line]) -> None:
    """Remove entry `key`: the exact inverse of `_insert_entry`."""
    keys = _own_keys(container)
    pos = keys.index(key)
    leading = _leading(container, key)
    rest = _trailing_rest(container, key)
    del container[key]
    container.ca.items.pop(key, None)
    if pos + 1 < len(keys):
        following = keys[pos + 1]
        after = _leading(container, following)
        if after[: len(separator)] == separator:
            after = after[len(separator) :]
        _set_leading(container, following, leading + after)
    elif pos > 0:
        _set_trailing_rest(container, keys[pos - 1], rest)


# -- compose anchors -------------------------------------------------------------------


def _to_node(value: Any) -> Any:
    """Plain dicts and lists as ruamel block-style nodes.

    Strings such as port mappings ("6379:6379") are double-quoted, as compose files
    write them (YAML 1.1 readers would take "22:22" for a base-60 number).
    """
    if isinstance(value, dict):
        return CommentedMap((key, _to_node(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return CommentedSeq(_to_node(item) for item in value)
    if isinstance(value, str) and value[:1].isdigit() and ":" in value:
        return DoubleQuotedScalarString(value)
    return value


def _top_mapping(data: Any, key: str) -> CommentedMap:
    value = data.get(key) if isinstance(data, CommentedMap) else None
    if not isinstance(value, CommentedMap):
        raise AnchorNotFound(f"the top-level `{key}:` mapping")
    return value


def _service(data: Any, service: str) -> CommentedMap:
    """The mapping of `service`, or of the top-level extension block `x-...` so named."""
    if service.startswith("x-"):
        return _top_mapping(data, service)
    services = _top_mapping(data, "services")
    value = services.get(service)
    if not isinstance(value, CommentedMap):
        raise AnchorNotFound(f"the service `{service}` under `services:`")
    return value


def _add(
    container: CommentedMap,
    name: str,
    value: Any,
    placement: Placement,
    blank_by_default: bool,
) -> None:
    keys = _own_keys(container)
    if name in keys:
        return
    separator = _separator(container, blank_by_default)
    pos = insertion_index([str(key) for key in keys], placement, len(keys))
    _insert_entry(container, pos, name, value, separator)


def add_service(
    data: Any,
    name: str,
    definition: dict[str, Any],
    placement: Placement,
    inherits: str | None = None,
) -> Any:
    """Add service `name` (a plain dict definition) under `services:`.

    With `inherits`, the service starts with `<<: *<inherits>`, merging the top-level
    extension block `x-<inherits>` (which must carry that anchor).
    """
    services = _top_mapping(data, "services")
    node = _to_node(definition)
    if inherits is not None:
        node = _inheriting(data, inherits, node)
    _add(services, name, node, placement, blank_by_default=True)
    return data


def _inheriting(data: Any, name: str, own: CommentedMap) -> CommentedMap:
    """`own` preceded by `<<: *name`, the merge of the block `x-<name>: &<name>`."""
    from ruamel.yaml.mergevalue import MergeValue

    shared = _top_mapping(data, f"x-{name}")
    if shared.anchor.value != name:
        raise AnchorNotFound(f"the anchor `&{name}` on the top-level `x-{name}:` block")
    merge = MergeValue()
    merge.append(shared)
    merge.merge_pos = 0
    node = CommentedMap()
    node.add_yaml_merge(merge)
    for key, value in own.items():
        node[key] = value
    return node


def remove_service(data: Any, name: str) -> Any:
    """Remove service `name` (no-op when absent)."""
    services = _top_mapping(data, "services")
    if name in services:
        _remove_entry(services, name, _separator(services, blank_by_default=True))
    return data


def add_volume(
    data: Any, name: str, definition: dict[str, Any] | None, placement: Placement
) -> Any:
    """Add the named volume `name` under the top-level `volumes:` (`name:` when no
    definition)."""
    volumes = _top_mapping(data, "volumes")
    _add(volumes, name, _to_node(definition), placement, blank_by_default=False)
    return data


def remove_volume(data: Any, name: str) -> Any:
    """Remove the named volume `name` (no-op when absent)."""
    volumes = _top_mapping(data, "volumes")
    if name in volumes:
        _remove_entry(volumes, name, _separator(volumes, blank_by_default=False))
    return data


_CREATED_FIELDS = ("environment", "depends_on")


def _created_field_rank(key: str) -> tuple[int, ...] | None:
    return (_CREATED_FIELDS.index(key),) if key in _CREATED_FIELDS else None


def _add_to_submapping(
    data: Any, service: str, field: str, name: str, value: Any, placement: Placement
) -> Any:
    """Add `name: value` to the mapping `field` of `service` (created when missing)."""
    definition = _service(data, service)
    if field not in _own_keys(definition):
        # Fields created by edits keep one order whichever edit came first.
        order = Placement((_CREATED_FIELDS.index(field),), _created_field_rank)
        keys = [str(key) for key in _own_keys(definition)]
        pos = insertion_index(keys, order, len(keys))
        _insert_entry(definition, pos, field, CommentedMap({name: value}), [])
        return data
    mapping = definition[field]
    if not isinstance(mapping, CommentedMap):
        raise EditError(f"`{field}` of the service `{service}` is a list; write it as a mapping")
    _add(mapping, name, value, placement, blank_by_default=False)
    return data


def _remove_from_submapping(data: Any, service: str, field: str, name: str) -> Any:
    """Remove `name` from the mapping `field` of `service`; drop `field` when empty."""
    definition = _service(data, service)
    mapping = definition.get(field)
    if not isinstance(mapping, CommentedMap) or name not in mapping:
        return data
    if len(mapping) == 1:
        _remove_entry(definition, field, [])
    else:
        _remove_entry(mapping, name, _separator(mapping, blank_by_default=False))
    return data


def add_depends_on(
    data: Any, service: str, dependency: str, condition: str, placement: Placement
) -> Any:
    """`service` depends on `dependency` with `condition` (mapping form)."""
    value = CommentedMap({"condition": condition})
    return _add_to_submapping(data, service, "depends_on", dependency, value, placement)


def remove_depends_on(data: Any, service: str, dependency: str) -> Any:
    """Remove `dependency` from `depends_on` of `service` (dropped when empty)."""
    return _remove_from_submapping(data, service, "depends_on", dependency)


def add_environment(
    data: Any, service: str, variable: str, value: str, placement: Placement
) -> Any:
    """Set `variable: value` in the `environment:` mapping of `service` (an existing
    variable of that name is left as it is)."""
    return _add_to_submapping(data, service, "environment", variable, value, placement)


def remove_environment(data: Any, service: str, variable: str) -> Any:
    """Remove `variable` from the environment of `service` (dropped when empty)."""
    return _remove_from_submapping(data, service, "environment", variable)


# -- any YAML document: entries of a mapping, items of a sequence ----------------------


def _at(data: Any, at: tuple[str, ...], kind: type) -> Any:
    """The node at the key path `at` from the document's root, which must be a `kind`."""
    node = data
    for depth, key in enumerate(at):
        if not isinstance(node, CommentedMap) or key not in node:
            raise AnchorNotFound(f"`{'.'.join(at[: depth + 1])}`")
        node = node[key]
    if not isinstance(node, kind):
        what = "mapping" if kind is CommentedMap else "list"
        raise AnchorNotFound(f"the {what} `{'.'.join(at) or '(document)'}`")
    return node


def add_entry(data: Any, at: tuple[str, ...], key: str, value: Any, placement: Placement) -> Any:
    """Add `key: value` to the mapping at `at` (kept as it is if `key` is there)."""
    mapping = _at(data, at, CommentedMap)
    _add(mapping, key, _to_node(value), placement, blank_by_default=False)
    return data


def remove_entry(data: Any, at: tuple[str, ...], key: str) -> Any:
    """Remove `key` from the mapping at `at` (no-op when absent)."""
    mapping = _at(data, at, CommentedMap)
    if key in _own_keys(mapping):
        _remove_entry(mapping, key, _separator(mapping, blank_by_default=False))
    return data


def add_item(data: Any, at: tuple[str, ...], item: Any, placement: Placement) -> Any:
    """Add `item` to the sequence at `at`, at its canonical place (no-op if it is there)."""
    sequence = _at(data, at, CommentedSeq)
    identities = [item_identity(existing) for existing in sequence]
    if item_identity(item) in identities:
        return data
    pos = insertion_index(identities, placement, len(identities))
    if pos == len(sequence) and len(sequence):
        # The lines after the last item (before the next key) stay after the list.
        rest = _trailing_rest(sequence, len(sequence) - 1)
        _set_trailing_rest(sequence, len(sequence) - 1, "")
        sequence.insert(pos, _to_node(item))
        _set_trailing_rest(sequence, pos, rest)
    else:
        sequence.insert(pos, _to_node(item))
    return data


def remove_item(data: Any, at: tuple[str, ...], item: Any) -> Any:
    """Remove `item` from the sequence at `at` (no-op when absent): the inverse of
    `add_item`."""
    sequence = _at(data, at, CommentedSeq)
    identities = [item_identity(existing) for existing in sequence]
    if item_identity(item) not in identities:
        return data
    pos = identities.index(item_identity(item))
    last = pos == len(sequence) - 1
    rest = _trailing_rest(sequence, pos) if last else ""
    del sequence[pos]
    if last and len(sequence):
        _set_trailing_rest(sequence, len(sequence) - 1, rest)
    return data
