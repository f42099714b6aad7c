"""Three-way merge of the files Aegis generates, node by node, never with conflict markers.

`merge3(path, base, mine, theirs)` merges the owner's version (`mine`) and the new version
(`theirs`) of a file whose common ancestor is `base`. Python modules are merged by
statements (and inside classes, `if` blocks, imports and registration lists), TOML by tables,
keys and array items, YAML by mapping keys and sequence items; any other file line by line.
A node both sides changed differently is a `NodeConflict`; the text then takes the side of
`prefer` (the owner's when None: callers stop before writing when there are conflicts).
"""

from __future__ import annotations

from collections.abc import Callable

from aegis.merge.core import Context, Merged, NodeConflict, Prefer

__all__ = ["Merged", "NodeConflict", "merge3", "merge_nodes"]

WHOLE_FILE = "the whole file"


def merge3(path: str, base: str, mine: str, theirs: str, prefer: Prefer = None) -> Merged:
    """The merge of `mine` and `theirs`, two descendants of `base`, as the file `path`."""
    if mine in (theirs, base):
        return Merged(theirs, ())
    if theirs == base:
        return Merged(mine, ())
    context = Context(prefer)
    try:
        text = merge_nodes(path, base, mine, theirs, context)
        merge_nodes(path, text, text, text, Context(None))  # the result must be a valid file
    except Exception:
        # A version this format's parser does not take (or a layout its cutter does not
        # follow): the file is one node.
        context = Context(prefer)
        keep = context.conflict(WHOLE_FILE, mine, theirs)
        return Merged(mine if keep else theirs, tuple(context.conflicts))
    return Merged(text, tuple(context.conflicts))


def merge_nodes(path: str, base: str, mine: str, theirs: str, context: Context) -> str:
    """The node-level merge itself, without the shortcuts of `merge3`: raises when a version
    does not parse."""
    return _merger(path)(base, mine, theirs, context)


def _merger(path: str) -> Callable[[str, str, str, Context], str]:
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith((".py", ".pyi")):
        from aegis.merge.python import merge_python

        return merge_python
    if name.endswith(".toml"):
        return _tree_merger("toml")
    if name.endswith((".yml", ".yaml")):
        return _tree_merger("yaml")
    from aegis.merge.text import merge_text

    return merge_text


def _tree_merger(kind: str) -> Callable[[str, str, str, Context], str]:
    from aegis.merge import toml, yaml
    from aegis.merge.chunks import merge_trees

    parse = toml.parse if kind == "toml" else yaml.parse

    def merge(base: str, mine: str, theirs: str, context: Context) -> str:
        return merge_trees(parse(base), parse(mine), parse(theirs), context)

    return merge
