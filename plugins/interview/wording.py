"""Putting the candidate's own words back into generated text without seams.

A sentence taken from an answer ("basically, i usually just, like, do what my manager says")
is cleaned before it is inserted anywhere: fillers go with the comma that set them off, a
lower-case start is capitalised, stray or doubled punctuation is removed, and it ends with a
full stop. Lists read "a, b and c". Numbers shown to users round half up to one decimal, the
same way everywhere, so a summary and the table beside it never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

_I = re.IGNORECASE
# Fillers, with the commas that set them off. "just" stays where it means "only" or "right"
# ("just before the launch", "just 2 days").
_FILLERS = re.compile(
    r"(?:,\s*)?\b(?:um+|uh+|erm|basically|literally|you know|i mean|actually|"
    r"kind of|sort of|just(?!\s+(?:before|after|in time|as|enough|now|then|one|a|an|the|"
    r"over|under|about|\d)))\b(?:\s*,)?", _I)
_LIKE = re.compile(r"(?:^|,)\s*like\s*,", _I)  # "like" set off by commas is a filler
_LONE_I = re.compile(r"(?<![\w'])i(?=(?:'m|'ve|'d|'ll)?\b)(?![\w-])")


def tidy(text: str) -> str:
    """One sentence or clause from an answer, made fit to stand on its own."""
    text = " ".join(text.split())
    text = _LIKE.sub(" ", text)
    text = _FILLERS.sub(" ", text)
    text = _LONE_I.sub("I", text)
    return _punctuate(text)


def _punctuate(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)  # no space before punctuation
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)  # ",," ", ;" -> ","
    text = re.sub(r"[,;:]\s*([.!?])", r"\1", text)  # ", ." -> "."
    text = re.sub(r"([.!?])(?:\s*\.)+", r"\1", text)  # ". ." -> "."
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    text = re.sub(r"^[\s,.;:!?\-\u2013\u2014]+", "", text)  # no leading punctuation
    text = re.sub(r"[\s,;:\-\u2013\u2014]+$", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    if not text:
        return ""
    text = re.sub(r"([.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    if text[0].islower():
        text = text[0].upper() + text[1:]
    if text[-1] not in ".!?\u201d\"')]\u2026":
        text += "."
    return text


def join_sentences(parts: Sequence[str]) -> str:
    """Cleaned sentences in one paragraph; empty ones dropped."""
    return " ".join(p for p in (tidy(part) for part in parts) if p)


def listing(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def one_decimal(value: float) -> float:
    """Round half up to one decimal (Python's ``round`` rounds 6.25 to 6.2 but 6.75 to 6.8)."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mean(values: Sequence[float]) -> float:
    return one_decimal(sum(values) / len(values))
