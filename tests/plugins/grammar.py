"""A small checker of the seams text generators leave when they insert fragments: a sentence
starting in lower case, a pronoun after an infinitive ("the chance to we need"), a clause after a
preposition ("thank you for you helped"), stray or doubled punctuation, an empty slot, an
unreplaced placeholder, a sentence with no closing punctuation."""

from __future__ import annotations

import re

_CHECKS = (
    (re.compile(r" [,.;:!?]"), "space before punctuation"),
    (re.compile(r",,|;;|::|(?<!\.)\.\.(?!\.)|\.\s*\.|,\."), "doubled punctuation"),
    (re.compile(r"\bto (?:we|I|they|he|she)\b"), "pronoun subject after 'to'"),
    (re.compile(r"\bto you (?:will|'ll|are|have|need|must|can|should|would|bring)\b",
                re.IGNORECASE), "clause after 'to'"),
    (re.compile(r"\b(?:about|for|on|of|with) (?:I|we|they|he|she) \w+"),
     "clause after a preposition"),
    (re.compile(r"\b(?:for|on|about) you (?:helped|are|were|have|did|gave|got|made|said|sent|"
                r"will|can)\b", re.IGNORECASE), "clause after a preposition"),
    (re.compile(r"\bis (?:we|they|I)\b|\bis you (?:are|will|have)\b"), "clause after 'is'"),
    (re.compile(r"\[[^\]\n]*\]|\{[^}\n]*\}|<[A-Za-z_ ]+>|\bTODO\b|\bXXX\b|\bundefined\b|"
                r"\bNone\b(?! of)|\bnull\b|\bnan\b"), "placeholder"),
    (re.compile(r"\b(?:with|at|for|about|to|of|from|by|the|a|an|and)\s*[,.;!?]"),
     "empty slot"),
    (re.compile(r"[^\s\n]  +[^\s\n]"), "empty slot (double space)"),
)
_GREETING = re.compile(r"^(?:Hi|Hello|Dear|Hey)\b[^.!?]*,$|^(?:Best regards|Best|Cheers|"
                       r"Thanks|Sincerely|Kind regards),$")


def seams(text: str) -> list[str]:
    """Every seam found in ``text`` as "problem: excerpt"; an empty list when it reads clean."""
    found = [f"{why}: {match.group(0)!r} in {_around(text, match)!r}"
             for pattern, why in _CHECKS for match in pattern.finditer(text)]
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s+", "", line).strip()
        if not line or _GREETING.match(line):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=\S)", line):
            first = re.sub(r"^[\"'\u201c\u2018(\s$]+", "", sentence)
            if first[:1].isalpha() and not first[:1].isupper():
                found.append(f"sentence starts in lower case: {sentence!r}")
        line = re.sub(r"\s[-\u2013\u2014] [A-Z][\w.' -]{0,40}$", "", line)  # "... - Sam"
        words = line.split()
        if len(words) >= 4 and not re.search(r"[.!?:)\u201d\"\u2026]$", line):
            found.append(f"no closing punctuation: {line!r}")
    return found


def _around(text: str, match: re.Match[str]) -> str:
    return text[max(0, match.start() - 30): match.end() + 30]


def assert_clean(text: str, where: str = "") -> None:
    problems = seams(text)
    assert not problems, f"{where}:\n" + "\n".join(problems) + f"\n---\n{text}"
