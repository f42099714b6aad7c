"""Parse and print the four kinds of document edits work on."""

from __future__ import annotations

from typing import Any

from aegis.errors import PlanError
from aegis.plain import Plain

BOM = "\ufeff"


def parse(kind: str, path: str, text: str) -> Any:
    """The document for `text`, or a PlanError naming the file when it does not parse."""
    try:
        if kind == "python":
            return _python(text)
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


def _python(text: str) -> Any:
    """A partial module; a whole libcst module when the partial reading does not apply."""
    from aegis.edit.outline import PartialModule, Unsupported

    try:
        return PartialModule.read(text)
    except (Unsupported, SyntaxError, ValueError, RecursionError):
        import libcst  # also says where the syntax error is, in the words of `parse`

        return libcst.parse_module(text)


def render(kind: str, document: Any) -> str:
    if kind == "python":
        code: str = document.code
        return code
    if kind == "toml":
        import tomlkit

        return tomlkit.dumps(document)
    if kind == "yaml":
        from aegis.edit import yaml

        return yaml.dump(document)
    text: str = document
    return text


class Document(Plain, frozen=False):
    """A parsed file: `content` is what the edits work on (libcst, tomlkit, ruamel or str).

    A file whose every line ends in CRLF is edited with LF endings and gets CRLF back; a
    UTF-8 byte order mark is set aside while it is edited and put back.
    """

    kind: str
    content: Any
    crlf: bool
    bom: bool = False

    @classmethod
    def open(cls, kind: str, path: str, text: str) -> Document:
        bom = text.startswith(BOM)
        text = text.removeprefix(BOM)
        crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")
        content = parse(kind, path, text.replace("\r\n", "\n") if crlf else text)
        return cls(kind, content, crlf, bom)

    def text(self) -> str:
        text = render(self.kind, self.content)
        return (BOM if self.bom else "") + (text.replace("\n", "\r\n") if self.crlf else text)
