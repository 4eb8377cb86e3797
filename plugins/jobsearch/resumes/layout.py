"""A resume's text read as layout blocks: what the PDF and the DOCX renders share.

The text is plain text or Markdown: the first non-blank line is the name, ``#`` lines are section
headings, ``-``/``*``/``•`` lines are bullets, everything else is a line of its own. Markdown
emphasis and link syntax is dropped: applicant tracking systems read the words, not the markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

BULLETS = ("- ", "* ", "\u2022 ")


@dataclass(frozen=True)
class Block:
    kind: str  # "name", "heading", "bullet", "line" or "blank"
    text: str = ""
    level: int = 0  # a heading's number of "#" (1-6)


def plain(line: str) -> str:
    """Markdown emphasis and link syntax dropped: ``[site](url)`` becomes ``site (url)``."""
    line = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", line)
    return re.sub(r"(\*\*|__|`)", "", line)


def blocks(text: str) -> Iterator[Block]:
    named = False
    for raw in text.splitlines():
        stripped = plain(raw.rstrip()).strip()
        if not stripped:
            yield Block("blank")
        elif not named:
            named = True
            yield Block("name", stripped.lstrip("# "))
        elif stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            yield Block("heading", stripped.lstrip("# "), min(level, 6))
        elif stripped.startswith(BULLETS):
            yield Block("bullet", stripped[2:].strip())
        else:
            yield Block("line", stripped)
