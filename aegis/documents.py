"""Parse and print the four kinds of document edits work on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aegis.errors import PlanError


def parse(kind: str, path: str, text: str) -> Any:
    """The document for `text`, or a PlanError naming the file when it does not parse."""
    try:
        if kind == "python":
            import libcst

            return libcst.parse_module(text)
        if kind == "toml":
            import tomlkit

            return tomlkit.parse(text)
        if kind == "yaml":
            from aegis.edit import yaml

            return yaml.load(text)
        return text
    except Exception as error:  # each parser has its own error classes
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PlanError(
            f"{path} does not parse ({detail}). Fix the file, then run the command again."
        ) from error


def render(kind: str, document: Any) -> str:
    if kind == "python":
        return document.code
    if kind == "toml":
        import tomlkit

        return tomlkit.dumps(document)
    if kind == "yaml":
        from aegis.edit import yaml

        return yaml.dump(document)
    return document


def transform(kind: str, path: str, text: str, change: Callable[[Any], Any]) -> str:
    """Parse `text`, let `change` edit the document, print it.

    A file whose every line ends in CRLF is edited with LF endings and gets CRLF back.
    """
    windows = "\r\n" in text and text.count("\n") == text.count("\r\n")
    if windows:
        text = text.replace("\r\n", "\n")
    result = render(kind, change(parse(kind, path, text)))
    return result.replace("\n", "\r\n") if windows else result
