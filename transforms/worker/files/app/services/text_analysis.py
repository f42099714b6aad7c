"""A small example of application logic run in the background: text statistics."""

from pydantic import BaseModel


class TextStats(BaseModel):
    """Counts of one text."""

    characters: int
    words: int
    lines: int


def analyse_text(text: str) -> TextStats:
    """Count the characters, words and lines of a text; blank text is an error."""
    if not text.strip():
        raise ValueError("text is blank")
    return TextStats(
        characters=len(text), words=len(text.split()), lines=len(text.splitlines())
    )
