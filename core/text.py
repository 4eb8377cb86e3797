"""Text tools several plugins share: sentences, word tokens, stop words, stemming (the Snowball
English stemmer, through the maintained ``snowballstemmer`` package), key phrases and BM25
ranking (the maintained ``bm25s`` package). Deterministic, no models, no data files, no domain.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import snowballstemmer


def _word_set(block: str) -> frozenset[str]:
    return frozenset(block.split())


STOPWORDS = _word_set("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing done down during each either else etc even
ever every few for from further get gets got had has have having he her here hers herself him
himself his how however i if in into is it its itself just let like made make makes many may me
might more most much must my myself need needs no nor not now of off on once one only or other
our ours ourselves out over own per quite rather really same several shall she should so some
such than that the their theirs them themselves then there these they this those through thus to
too under until up upon us use used using very via was we well were what when where whether which
while who whom whose why will with within without would yet you your yours yourself yourselves
""")

# Followed by a capital, these rarely end a sentence ("Dr. Smith", "St. Louis"); "Inc." or
# "etc." before a capital usually does, so they are not listed.
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "vs", "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "approx", "dept", "fig",
    "st", "u.s", "u.k", "a.m", "p.m", "no",
})

_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u2023]|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d)\]]*\s+(?=[\"'\u201c(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'.-]*[A-Za-z0-9+#]|[A-Za-z]|\d+(?:[.,]\d+)?%?")


def sentences(text: str) -> list[str]:
    """Sentences in order; every bullet or line break starts a new one."""
    found: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(line):
            before = line[start:match.start()].rstrip()
            last_word = before.rsplit(" ", 1)[-1].rstrip(".").lower()
            if last_word in ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
                continue  # "e.g. Python", "J. Smith": not the end of a sentence
            found.append(before)
            start = match.end()
        tail = line[start:].strip()
        if tail:
            found.append(tail)
    return [sentence for sentence in found if re.search(r"[A-Za-z0-9]", sentence)]


def words(text: str) -> list[str]:
    """Lower-case word tokens, keeping ``c++``, ``c#``, ``node.js`` and percentages whole."""
    return [token.lower().rstrip(".") for token in _WORD.findall(text)]


_stemmers = threading.local()  # a Snowball stemmer object keeps state: one per thread


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lower-case word: "scaling", "scaled" and
    "scales" -> "scale"; "planned" -> "plan". Tokens with no letters come back unchanged."""
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def content_words(text: str) -> list[str]:
    """Words that carry meaning: no stop words, no bare numbers, no single letters."""
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w[0].isdigit()]


def keyword_counts(text: str) -> Counter[str]:
    """Stem -> count over the content words of ``text``."""
    return Counter(stem(word) for word in content_words(text))


def surface_forms(text: str) -> dict[str, str]:
    """Stem -> the first spelling seen in ``text`` (to show keywords as the author wrote them)."""
    forms: dict[str, str] = {}
    for match in _WORD.finditer(text):
        word = match.group(0).rstrip(".")
        lowered = word.lower()
        if lowered in STOPWORDS or len(lowered) < 2 or lowered[0].isdigit():
            continue
        forms.setdefault(stem(lowered), word if not word.isupper() or len(word) <= 5
                         else lowered)
    return forms


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "\u2026"


# Common verbs and vague words that make poor keywords (the stop list covers grammar words).
GENERIC = _word_set("""
able agree agreed ask asked owned owns busiest closely current days drop drops easy etc first
full good great hard help helps include included includes including join keep keeps last lead leads
looking lot lots make makes mean means month months move moved need needed new next part
really role same say says ship ships stay stays strong take takes thing things time times today
want wants way ways week weeks well will work works working year years
""")


LONGEST_WORD = 30  # longer tokens are pasted hashes, URLs or runs of letters, not words


def key_phrases(text: str, limit: int = 6) -> list[str]:
    """The phrases (one to three words) that best name what ``text`` is about.

    Possible phrases are runs of adjacent content words (stop words, generic words, numbers and
    punctuation end a run), in the manner of RAKE: a phrase scores by how often each of its
    words recurs in the whole text and how often it recurs itself; a run of capitalized words
    (a name, a title) gets a bonus. For variety, each word appears in one phrase only.
    """
    counts = keyword_counts(text)
    runs: list[list[str]] = [[]]
    last_end = 0
    for match in _WORD.finditer(text):
        token = match.group(0).rstrip(".")
        lowered = token.lower()
        gap = text[last_end:match.start()]
        last_end = match.end()
        # A token longer than any real word names nothing.
        skip = lowered in STOPWORDS or lowered in GENERIC or lowered[0].isdigit() \
            or not 2 <= len(lowered) <= LONGEST_WORD
        if gap.strip(" \t-") or skip:
            runs.append([])
        if skip:
            continue
        runs[-1].append(token)
    seen: dict[tuple[str, ...], list[Any]] = {}  # stems -> [spelling, occurrences, first index]
    for run in runs:
        for size in (1, 2, 3):
            for start in range(len(run) - size + 1):
                words_ = run[start:start + size]
                key = tuple(stem(w.lower()) for w in words_)
                if key in seen:
                    seen[key][1] += 1
                else:
                    seen[key] = [" ".join(words_), 1, len(seen)]

    def score(item: tuple[tuple[str, ...], list[Any]]) -> float:
        key, (spelling, occurrences, _) = item
        if len(key) == 1:
            return counts[key[0]] if counts[key[0]] > 1 else 0.5
        # Words used once add little: a phrase of one-off words is rarely what a text is about.
        weight = sum(counts[s] if counts[s] > 1 else 0.5 for s in key) / len(key)
        named = all(w[:1].isupper() for w in spelling.split())
        return (weight * (1 + 0.4 * (len(key) - 1)) * (1 + 0.5 * (occurrences - 1))
                * (1.3 if named else 1))

    ranked = sorted(seen.items(), key=lambda item: (-score(item), item[1][2]))
    chosen: list[tuple[str, ...]] = []
    for key, _ in ranked:
        if len(chosen) == limit:
            break
        if any(set(key) & set(other) for other in chosen):
            continue  # variety: one phrase per main word
        chosen.append(key)
    return [_display(seen[key][0], text) for key in chosen]


def _display(phrase: str, text: str) -> str:
    """Names and acronyms as written; a word capitalized only because it began a sentence
    ("Meeting notes") in lower case when the text also writes it so."""
    shown = []
    for word in phrase.split():
        if word[:1].isupper() and not word.isupper() and word[1:] == word[1:].lower() \
                and re.search(rf"(?<![A-Za-z]){re.escape(word.lower())}(?![A-Za-z])", text):
            word = word.lower()
        shown.append(word)
    return " ".join(shown)


class Bm25Index:
    """A BM25 index over tokenised documents (the ``bm25s`` library), for corpora that are
    searched more than once: build it once, then ``scores(query)`` per query."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.5,
                 b: float = 0.75) -> None:
        self.size = len(documents)
        self.vocab: dict[str, int] = {}
        # bm25s indexes (ids, vocab) tuples; an empty document gets a placeholder token so the
        # corpus keeps one row per document.
        ids = [[self.vocab.setdefault(t, len(self.vocab)) for t in (doc or ["\x00"])]
               for doc in documents]
        # Imported on first use: bm25s brings numpy and scipy (tens of MiB), which a process
        # importing the plugin API but never ranking (the CLI, a small plugin) does not need.
        import bm25s

        self._retriever = bm25s.BM25(k1=k1, b=b)
        if ids:
            self._retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=self.vocab),
                                  show_progress=False)

    def scores(self, query: Sequence[str]) -> list[float]:
        """The score of each document for the tokenised query, in order (0 for no overlap)."""
        known = [t for t in query if t in self.vocab]
        if not known:
            return [0.0] * self.size
        return [float(s) for s in self._retriever.get_scores(known)]


def bm25_scores(query: Sequence[str], documents: Sequence[Sequence[str]], *, k1: float = 1.5,
                b: float = 0.75) -> list[float]:
    """The BM25 score of each tokenised document for the tokenised query, in order (0 for no
    overlap). Tokenise both sides the same way (e.g. ``terms(text)``)."""
    if not documents or not query:
        return [0.0] * len(documents)
    return Bm25Index(documents, k1=k1, b=b).scores(query)


def bm25_relative(query: Sequence[str], document: Sequence[str],
                  background: Sequence[Sequence[str]] = ()) -> float:
    """How well ``document`` answers ``query``, 0..1: its BM25 score divided by the score the
    query would get against itself (the best a document can do), in one shared corpus."""
    unique = list(dict.fromkeys(query))
    if not unique or not document:
        return 0.0
    corpus = [list(document), unique, *[list(d) for d in background]]
    scores = bm25_scores(unique, corpus)
    best = scores[1] or 1.0
    return max(0.0, min(1.0, scores[0] / best))


def terms(text: str) -> list[str]:
    """Stemmed content words: the usual analysis for BM25 on both sides."""
    return [stem(word) for word in content_words(text)]
