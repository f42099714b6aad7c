"""Edits of the compose file with ruamel.yaml (round trip).

`load` and `dump` are configured so that an unchanged compose file round-trips byte
for byte. The edits add and remove entries of mappings (services, volumes,
`depends_on`, `environment`) and move the blank lines and comments that ruamel attaches
to neighbouring nodes, so that a new entry is separated like its siblings and removing
it gives back the original bytes.

Where ruamel keeps the lines between two entries P and N of a mapping: the text after
the last scalar of P (its "trailing" comment token, after the end of that line), then
the comment tokens attached before the key N (its "leading" lines).

Files as people write them: a service that inherits its settings with `<<: *anchor` is
edited in its own mapping, never in the shared block (an inherited `environment` becomes
the service's own mapping that merges the shared one); `depends_on` and `environment` in
their short list forms are edited as lists.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.error import CommentMark
from ruamel.yaml.mergevalue import MergeValue, merge_attrib
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
    """Parse a compose file for round-trip editing (anchors no alias uses are kept too)."""
    data = _YAML.load(text)
    for node in _nodes(data):
        if node.anchor.value is not None:
            node.anchor.always_dump = True
    return data


def _nodes(data: Any) -> list[Any]:
    """Every mapping and sequence of the document, each once."""
    found: dict[int, Any] = {}
    pending = [data]
    while pending:
        node = pending.pop()
        if not isinstance(node, CommentedMap | CommentedSeq) or id(node) in found:
            continue
        found[id(node)] = node
        if isinstance(node, CommentedMap):
            pending.extend(value for _, value in node.non_merged_items())
            pending.extend(getattr(node, merge_attrib, []))
        else:
            pending.extend(node)
    return list(found.values())


def dump(data: Any) -> str:
    """Print a document loaded with `load`."""
    out = io.StringIO()
    _YAML.dump(data, out)
    return out.getvalue()


# -- the lines around entries ----------------------------------------------------------


def _keys(mapping: CommentedMap) -> list[Any]:
    """The keys written in the mapping itself (not those a `<<` merge brings)."""
    return [key for key, _ in mapping.non_merged_items()]


def _leaf(container: Any, key: Any) -> tuple[Any, Any, int]:
    """Where ruamel keeps the comment after entry `key`: (holder, key, slot)."""
    value = container[key]
    nested = isinstance(value, CommentedMap | CommentedSeq)
    own = _keys(value) if isinstance(value, CommentedMap) else value
    if nested and len(own) and not value.fa.flow_style():
        last = own[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _leaf(value, last)
    return container, key, 0 if isinstance(container, CommentedSeq) else 2


def _insert(container: CommentedMap, pos: int, key: Any, value: Any) -> None:
    """`container.insert` at `pos` among its own keys (ruamel counts a `<<` entry too)."""
    merge = getattr(container, merge_attrib, None)
    merge_pos = getattr(merge, "merge_pos", None)
    shift = 1 if merge_pos is not None and merge_pos >= 0 and merge_pos <= pos else 0
    container.insert(pos + shift, key, value)


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
    keys = _keys(container)
    if len(keys) < 2:
        return list(_BLANK) if blank_by_default else []
    gap = _text_lines(_trailing_rest(container, keys[0])) + _leading(container, keys[1])
    return list(_BLANK) if any(not text for _, text in gap) else []


def _insert_entry(
    container: CommentedMap, pos: int, key: str, value: Any, separator: list[_Line]
) -> None:
    """Insert `key: value` at `pos`, separated from its neighbours by `separator`."""
    keys = _keys(container)
    if pos == len(keys) and keys:
        # The lines after the last entry (before the next top-level key) follow the new
        # one.
        previous = keys[-1]
        rest = _trailing_rest(container, previous)
        _set_trailing_rest(container, previous, "")
        _insert(container, pos, key, value)
        _set_leading(container, key, separator)
        _set_trailing_rest(container, key, rest)
        return
    if pos == len(keys):
        _insert(container, pos, key, value)
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
    _insert(container, pos, key, value)
    if pos > 0:
        _set_trailing_rest(container, keys[pos - 1], _lines_text(head))
        _set_leading(container, key, [])
    else:
        _set_leading(container, key, head)
    _set_leading(container, following, separator + tail)


def _remove_entry(container: CommentedMap, key: str, separator: list[_Line]) -> None:
    """Remove entry `key`: the exact inverse of `_insert_entry`."""
    keys = _keys(container)
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
    if _uses(data, value) > 1:
        raise EditError(
            f"the service `{service}` is an alias of a block other entries share (`*"
            f"{value.anchor.value}`), so a change to it would change them all; give "
            f"`{service}` its own mapping (`<<: *{value.anchor.value}`, then its own keys)"
        )
    return value


def _uses(data: Any, node: Any) -> int:
    """How many places of the document hold `node` (an alias is one more), merges aside."""
    count = 0
    for parent in _nodes(data):
        values = (
            (v for _, v in parent.non_merged_items())
            if isinstance(parent, CommentedMap)
            else parent
        )
        count += sum(1 for value in values if value is node)
    return count


def _add(
    container: CommentedMap,
    name: str,
    value: Any,
    placement: Placement,
    blank_by_default: bool,
) -> None:
    if name in container:
        return
    keys = _keys(container)
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


def _add_to_field(
    data: Any,
    service: str,
    field: str,
    entry: tuple[str, Any, str],
    placement: Placement,
) -> Any:
    """Add to the `field` of `service` the entry `(name, value, list item)`: `name: value`
    when the field is a mapping, `list item` when it is written as a list.

    The field is created when the service has none; when it comes from a shared block (a
    `<<` merge, or an alias), the service gets its own mapping that merges the shared one.
    """
    name, value, item = entry
    definition = _service(data, service)
    current = definition.get(field)
    own = field in _keys(definition)
    if own and not (isinstance(current, CommentedMap | CommentedSeq) and _uses(data, current) > 1):
        if isinstance(current, CommentedMap):
            _add(current, name, value, placement, blank_by_default=False)
        elif isinstance(current, CommentedSeq):
            _add_item(current, item, placement, field)
        else:
            raise EditError(f"`{field}` of the service `{service}` is neither a mapping nor a list")
        return data
    if current is None:
        mapping = CommentedMap({name: value})
    elif isinstance(current, CommentedMap):
        if name in current:
            return data  # inherited already
        mapping = _merging(data, current, field)
        mapping[name] = value
    else:
        raise EditError(
            f"the service `{service}` takes `{field}` as a list from a shared block; a "
            "change to it would change every service that shares it. Give "
            f"`{service}` its own `{field}`"
        )
    if own:
        definition[field] = mapping  # was an alias of the shared mapping
        return data
    # Fields created by edits keep one order whichever edit came first.
    order = Placement((_CREATED_FIELDS.index(field),), _created_field_rank)
    keys = [str(key) for key in _keys(definition)]
    _insert_entry(definition, insertion_index(keys, order, len(keys)), field, mapping, [])
    return data


def _merging(data: Any, shared: CommentedMap, field: str) -> CommentedMap:
    """A new mapping that merges `shared` (which gets an anchor if it has none)."""
    if shared.anchor.value is None:
        owner = next(
            (
                node
                for node in _nodes(data)
                if isinstance(node, CommentedMap)
                and any(value is shared for _, value in node.non_merged_items())
            ),
            None,
        )
        prefix = owner.anchor.value if owner is not None and owner.anchor.value else "shared"
        shared.yaml_set_anchor(f"{prefix}-{field}".replace("_", "-"), always_dump=True)
    merge = MergeValue()
    merge.merge_pos = 0
    merge.append(shared)
    mapping = CommentedMap()
    mapping.add_yaml_merge(merge)
    return mapping


def _remove_from_field(data: Any, service: str, field: str, name: str, item: str) -> Any:
    """Remove what `_add_to_field` added (nothing when it is not the service's own)."""
    definition = _service(data, service)
    if field not in _keys(definition):
        return data
    current = definition[field]
    if isinstance(current, CommentedSeq):
        _remove_item(definition, field, current, item)
        return data
    if not isinstance(current, CommentedMap) or name not in _keys(current):
        return data
    merged = getattr(current, merge_attrib, None)
    if len(_keys(current)) > 1:
        _remove_entry(current, name, _separator(current, blank_by_default=False))
    elif not merged:
        _remove_entry(definition, field, [])
    else:
        shared = merged[0]
        inherited = any(
            isinstance(source, CommentedMap) and source.get(field) is shared
            for source in getattr(definition, merge_attrib, [])
        )
        if inherited:
            _remove_entry(definition, field, [])
        else:
            definition[field] = shared  # back to the alias it was
        _drop_anchor(data, shared, field)
    return data


def _drop_anchor(data: Any, shared: CommentedMap, field: str) -> None:
    """Remove the anchor `_merging` gave `shared`, once nothing uses it any more."""
    name = shared.anchor.value or ""
    if not name.endswith(f"-{field}".replace("_", "-")):
        return
    for node in _nodes(data):
        if isinstance(node, CommentedMap) and any(
            m is shared for m in getattr(node, merge_attrib, [])
        ):
            return
    if _uses(data, shared) <= 1:
        shared.yaml_set_anchor(None)


def _identity(field: str, item: Any) -> str:
    """What a list item of `field` names: the service, or the variable (`NAME=value`)."""
    text = str(item)
    return text.split("=", 1)[0] if field == "environment" else text


def _add_item(sequence: CommentedSeq, item: str, placement: Placement, field: str) -> None:
    identities = [_identity(field, existing) for existing in sequence]
    if _identity(field, item) in identities:
        return
    pos = insertion_index(identities, placement, len(sequence))
    if pos == len(sequence) and pos > 0:
        rest = _trailing_rest(sequence, pos - 1)  # what followed the list now follows the item
        _set_trailing_rest(sequence, pos - 1, "")
        sequence.insert(pos, item)
        _set_trailing_rest(sequence, pos, rest)
        return
    if pos == 0:
        sequence.insert(pos, item)
        return
    gap = _text_lines(_trailing_rest(sequence, pos - 1))
    split = len(gap)
    while split > 0 and gap[split - 1][1]:  # comment lines right above the next item
        split -= 1
    sequence.insert(pos, item)
    _set_trailing_rest(sequence, pos - 1, _lines_text(gap[:split]))
    _set_trailing_rest(sequence, pos, _lines_text(gap[split:]))


def _remove_item(definition: CommentedMap, field: str, sequence: CommentedSeq, item: str) -> None:
    identities = [_identity(field, existing) for existing in sequence]
    wanted = _identity(field, item)
    if wanted not in identities:
        return
    if len(sequence) == 1:
        _remove_entry(definition, field, [])
        return
    pos = identities.index(wanted)
    rest = _trailing_rest(sequence, pos)
    del sequence[pos]
    if pos > 0:
        _set_trailing_rest(sequence, pos - 1, _trailing_rest(sequence, pos - 1) + rest)


def add_depends_on(
    data: Any, service: str, dependency: str, condition: str, placement: Placement
) -> Any:
    """`service` depends on `dependency` with `condition` (in the short list form, when
    the service writes `depends_on` as a list, without a condition)."""
    value = CommentedMap({"condition": condition})
    return _add_to_field(data, service, "depends_on", (dependency, value, dependency), placement)


def remove_depends_on(data: Any, service: str, dependency: str) -> Any:
    """Remove `dependency` from `depends_on` of `service` (dropped when empty)."""
    return _remove_from_field(data, service, "depends_on", dependency, dependency)


def add_environment(
    data: Any, service: str, variable: str, value: str, placement: Placement
) -> Any:
    """Set `variable: value` in the `environment:` of `service` (`VARIABLE=value` in the
    list form); a variable of that name, its own or inherited, is left as it is."""
    entry = (variable, value, f"{variable}={value}")
    return _add_to_field(data, service, "environment", entry, placement)


def remove_environment(data: Any, service: str, variable: str) -> Any:
    """Remove `variable` from the environment of `service` (dropped when empty)."""
    return _remove_from_field(data, service, "environment", variable, variable)


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
    if key in _keys(mapping):
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
