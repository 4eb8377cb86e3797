"""Retrieval over one user's context items: BM25 (the maintained ``bm25s`` library), fused with
embedding similarities when the caller has them (reciprocal rank fusion).

The index is built per question from the asking user's context only, so no document of another
user can ever be ranked: isolation is structural, not a filter that could be forgotten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lightninghire.api import bm25_scores as bm25
from lightninghire.api import shorten, terms
from lightninghire_plugins.ai_tools.context.service import Item

MAX_PASSAGE_CHARS = 1500
MAX_ITEMS = 500
RRF_K = 60  # the usual reciprocal-rank-fusion constant: a rank's weight is 1 / (60 + rank)
DEFAULT_MIN_SIMILARITY = 0.3


@dataclass(frozen=True)
class Passage:
    ref: str  # "S1", "S2", ... in rank order: what answers cite
    item: Item
    score: float  # BM25; 0 for an item only the embeddings found
    similarity: float | None = None  # cosine to the question, when embeddings were used

    def prompt_view(self) -> dict[str, Any]:
        return {"ref": self.ref, "kind": self.item.kind, "title": self.item.title,
                "text": shorten(self.item.text, MAX_PASSAGE_CHARS), "record": self.item.data}

    def citation(self, question_terms: set[str]) -> dict[str, Any]:
        return {"ref": self.ref, "plugin": self.item.plugin, "kind": self.item.kind,
                "id": self.item.id, "title": self.item.title,
                "snippet": best_line(self.item.text, question_terms), "score": round(self.score, 3),
                **({} if self.similarity is None else
                   {"similarity": round(self.similarity, 3)})}


def best_line(text: str, question_terms: set[str], limit: int = 240) -> str:
    """The (at most two) lines of ``text`` sharing most terms with the question, in their
    order; the first line when none shares any."""
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [text]
    overlap = [len(set(terms(line)) & question_terms) for line in lines]
    ranked = sorted((i for i in range(len(lines)) if overlap[i]), key=lambda i: (-overlap[i], i))
    chosen = sorted(ranked[:2]) or [0]
    return shorten("; ".join(lines[i] for i in chosen), limit)


def embedding_text(item: Item) -> str:
    """What is embedded for an item: its kind, title and (bounded) text, as BM25 indexes it."""
    return f"{item.kind} {item.title}\n{shorten(item.text, MAX_PASSAGE_CHARS)}"


def bm25_scores(items: list[Item], query: list[str]) -> dict[int, float]:
    """Item index -> BM25 score, for the items scoring above 0."""
    if not items or not query:
        return {}
    # The kind ("applications") and title are part of what an item is about.
    corpus = [terms(f"{item.kind} {item.title}\n{item.text}") for item in items]
    return {i: score for i, score in enumerate(bm25(query, corpus)) if score > 0}


def retrieve(items: list[Item], question: str, k: int = 5,
             similarities: Sequence[float] | None = None,
             min_similarity: float = DEFAULT_MIN_SIMILARITY,
             first: Sequence[int] = ()) -> list[Passage]:
    """The ``k`` items most relevant to ``question``, best first.

    ``first``: indexes of the items that answer the question by its intent (the next future
    interview, ...), in their order; they lead, and the ranking below fills the places left.

    Without ``similarities`` (one per item, in order): BM25 alone, items scoring above 0. With
    them: the BM25 ranking and the ranking of items whose similarity reaches ``min_similarity``
    are fused by reciprocal rank (each contributes 1 / (60 + rank)); an item either finds is a
    candidate, so a paraphrase with no shared word can be found and a literal match is not lost.
    Ties go to the closer meaning, then the higher BM25 score.
    """
    items = items[:MAX_ITEMS]
    lead = [i for i in dict.fromkeys(first) if 0 <= i < len(items)][:k]
    lexical = bm25_scores(items, terms(question))
    if similarities is None:
        ranked = sorted(lexical, key=lambda i: (-lexical[i], i))
        chosen = (lead + [i for i in ranked if i not in lead])[:k]
        return [Passage(f"S{n}", items[i], lexical.get(i, 0.0))
                for n, i in enumerate(chosen, start=1)]
    dense = {i: float(s) for i, s in enumerate(similarities[:len(items)]) if s >= min_similarity}
    fused: dict[int, float] = {}
    for ranking in (sorted(lexical, key=lambda i: (-lexical[i], i)),
                    sorted(dense, key=lambda i: (-dense[i], i))):
        for rank, i in enumerate(ranking, start=1):
            fused[i] = fused.get(i, 0.0) + 1 / (RRF_K + rank)
    ranked = sorted(fused, key=lambda i: (-fused[i], -dense.get(i, -1.0), -lexical.get(i, 0.0),
                                          i))
    chosen = (lead + [i for i in ranked if i not in lead])[:k]
    return [Passage(f"S{n}", items[i], lexical.get(i, 0.0), float(similarities[i]))
            for n, i in enumerate(chosen, start=1)]
