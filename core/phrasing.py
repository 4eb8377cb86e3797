"""Putting text written elsewhere (a line of a pasted document, a user's note) inside a sentence
the application writes, without seams.

A fragment is either a clause with its own subject ("we need five years of Go", "you helped me
prepare"), which can only stand as a sentence or after a colon (``is_clause``), or a phrase that
fits a slot after "for", "about" or "to". ``fragment`` readies text to sit inside a sentence,
``as_sentence`` to stand as one (case, spaces and punctuation at the edges), ``second_person``
says someone's own words back to them ("our team" -> "your team").
"""

from __future__ import annotations

import re


def _word_set(block: str) -> frozenset[str]:
    return frozenset(block.split())


_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she", "it", "there", "this", "that",
                       "these", "those", "i'm", "we're", "you're", "they're", "i've", "we've",
                       "you've", "i'd", "we'd", "you'd", "i'll", "we'll", "you'll", "it's",
                       "there's", "that's"})
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u2013>]+|\d{1,2}[.)])\s*")
_EDGE = " \t\r\n,;:-\u2013\u2014\u2026."
# Words capitalised only because they open a sentence: plain verbs and function words.
_COMMON_VERBS = _word_set("""
build design develop lead own write create maintain manage drive partner collaborate work help
ship scale improve implement architect define deliver support run analyze analyse coordinate plan
establish launch migrate optimize optimise operate research review test teach care provide assess
monitor sell grow prepare handle ensure contribute shape rebuild automate deploy integrate
investigate present coach train document translate produce model forecast close treat educate
oversee supervise organize organise serve process read send meet join talk ask thank loved met
""")
_FUNCTION_WORDS = _word_set("""
the a an my your our their his her its this that these those some any all every each no what how
why when where which who more most better new
""")
_NEED_WORDS = frozenset(["experience", "strong", "solid", "proven", "excellent", "deep",
                         "demonstrated", "knowledge", "familiarity", "proficiency", "ability",
                         "fluency", "fluent", "good", "advanced", "working", "certification"])
_SECOND_PERSON = {"we": "you", "us": "you", "our": "your", "ours": "yours", "ourselves":
                  "yourselves", "we're": "you're", "we've": "you've", "we'll": "you'll",
                  "we'd": "you'd"}


def squash(text: str) -> str:
    """One line: runs of spaces and line breaks as one space, and no space before , . ; : ! ?"""
    text = " ".join(str(text).split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])\1+", r"\1", text)
    return re.sub(r"\.{2,}", ".", text) if "..." not in text else text.replace("...", "\u2026")


def is_clause(text: str) -> bool:
    """Whether ``text`` has its own subject ("you helped me", "we need Go"): such a fragment
    cannot follow a preposition or "to"; it stands as a sentence, or after a colon."""
    first = squash(text).split(" ", 1)[0].lower().strip("\"'\u201c\u2018(")
    return first in _SUBJECTS


def fragment(text: str) -> str:
    """``text`` ready to sit inside a sentence: one line, no bullet, no punctuation at its
    edges, and a plain capitalised first word in lower case ("Kafka" is kept if it is the only
    word; acronyms and "I" are kept)."""
    text = _BULLET.sub("", squash(text)).strip(_EDGE + "!?")
    first, _, rest = text.partition(" ")
    if rest and first[:1].isupper() and first[1:].islower() and _common(first.lower()):
        text = first.lower() + " " + rest
    return text


def _common(word: str) -> bool:
    """A word that is capitalised only because it opens a sentence (a name is kept)."""
    return (word in _COMMON_VERBS or word in _FUNCTION_WORDS or word in _NEED_WORDS
            or word.endswith(("ing", "ed"))
            or (word in _SUBJECTS and word != "i"))


def as_sentence(text: str, end: str = ".") -> str:
    """``text`` as a whole sentence: one line, a capital first letter, and closing punctuation
    (its own ``?`` or ``!`` is kept; a dangling ``,`` ``;`` ``:`` or ellipsis is dropped)."""
    text = _BULLET.sub("", squash(text)).strip(" \t,;:-\u2013\u2014\u2026")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if text.endswith(("\u201d", "\"", "'", ")")):  # a closing quote: its own stop counts
        return text if text[-2:-1] in (".", "!", "?") else text + end
    return text if text[-1] in ".!?" else text + end


def second_person(text: str) -> str:
    """A company's words said back to it: "our team" -> "your team", "we" -> "you"."""
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = _SECOND_PERSON[word.lower()]
        return new.capitalize() if word[0].isupper() else new

    return re.sub(r"\b(?:we're|we've|we'll|we'd|we|us|our|ours|ourselves)\b", swap, text,
                  flags=re.IGNORECASE)
