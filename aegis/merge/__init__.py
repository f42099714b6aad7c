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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aegis.merge.core import Context, Merged, NodeConflict, Prefer, merge_choice

if TYPE_CHECKING:
    from aegis.merge.chunks import Chunk

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
        _format(path).check(text)
    except Exception:
        # A version this format's parser does not take (or a layout its cutter does not
        # follow, or a merge that would not load): the file is one node.
        context = Context(prefer)
        keep = context.conflict(WHOLE_FILE, mine, theirs)
        return Merged(mine if keep else theirs, tuple(context.conflicts))
    return Merged(text, tuple(context.conflicts))


def merge_nodes(path: str, base: str, mine: str, theirs: str, context: Context) -> str:
    """The node-level merge itself, without the shortcuts of `merge3`: raises when a version
    does not parse."""
    return _format(path).merge(base, mine, theirs, context)


@dataclass(frozen=True)
class _Format:
    merge: Callable[[str, str, str, Context], str]
    check: Callable[[str], object]  # raises if the text is not a valid file


def _format(path: str) -> _Format:
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith((".py", ".pyi")):
        import ast

        from aegis.merge.python import merge_python

        return _Format(merge_python, ast.parse)
    if name.endswith(".toml"):
        from aegis.merge import toml

        return _Format(_tree_merger(toml.parse), toml.check)
    if name.endswith((".yml", ".yaml")):
        from aegis.merge import yaml

        return _Format(_tree_merger(yaml.parse), yaml.check)
    from aegis.merge.text import merge_text

    return _Format(merge_text, str)


def _whole_lines(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _tree_merger(parse: Callable[[str], Chunk]) -> Callable[[str, str, str, Context], str]:
    from aegis.merge.chunks import merge_trees

    def merge(base: str, mine: str, theirs: str, context: Context) -> str:
        texts = (base, mine, theirs)
        # A last line without its newline would differ from the same line followed by
        # another: the trees are cut from whole lines, and the file's end is a node apart.
        b, m, t = (parse(_whole_lines(text)) for text in texts)
        merged = merge_trees(b, m, t, context)
        b_end, m_end, t_end = (text.endswith("\n") or not text for text in texts)
        if not merge_choice("the end of the file", b_end, m_end, t_end, repr, context):
            merged = merged.removesuffix("\n")
        return merged

    return merge
