"""BM25 retrieval (the maintained ``bm25s`` library) over one user's context items.

The index is built per question from the asking user's context only, so no document of another
user can ever be ranked: isolation is structural, not a filter that could be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import bm25s

from lightninghire.ai.core_tasks.text import content_words, shorten, stem
from lightninghire_plugins.ai_tools.context.service import Item

MAX_PASSAGE_CHARS = 1500
MAX_ITEMS = 500


@dataclass(frozen=True)
class Passage:
    ref: str  # "S1", "S2", ... in rank order: what answers cite
    item: Item
    score: float

    def prompt_view(self) -> dict[str, Any]:
        return {"ref": self.ref, "kind": self.item.kind, "title": self.item.title,
                "text": shorten(self.item.text, MAX_PASSAGE_CHARS)}

    def citation(self, question_terms: set[str]) -> dict[str, Any]:
        return {"ref": self.ref, "plugin": self.item.plugin, "kind": self.item.kind,
                "id": self.item.id, "title": self.item.title,
                "snippet": best_line(self.item.text, question_terms), "score": round(self.score, 3)}


def terms(text: str) -> list[str]:
    """Stemmed content words: the same analysis for documents and questions."""
    return [stem(word) for word in content_words(text)]


def best_line(text: str, question_terms: set[str], limit: int = 240) -> str:
    """The (at most two) lines of ``text`` sharing most terms with the question, in their
    order; the first line when none shares any."""
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [text]
    overlap = [len(set(terms(line)) & question_terms) for line in lines]
    ranked = sorted((i for i in range(len(lines)) if overlap[i]), key=lambda i: (-overlap[i], i))
    chosen = sorted(ranked[:2]) or [0]
    return shorten("; ".join(lines[i] for i in chosen), limit)


def retrieve(items: list[Item], question: str, k: int = 5) -> list[Passage]:
    """The ``k`` items most relevant to ``question`` (BM25 score > 0), best first."""
    query = terms(question)
    items = items[:MAX_ITEMS]
    if not items or not query:
        return []
    # The kind ("applications") and title are part of what an item is about.
    corpus = [terms(f"{item.kind} {item.title}\n{item.text}") or ["_"] for item in items]
    index = bm25s.BM25()
    index.index(corpus, show_progress=False)
    found, scores = index.retrieve([query], k=min(k, len(items)), show_progress=False)
    ranked = [(int(i), float(s)) for i, s in zip(found[0], scores[0], strict=True) if s > 0]
    return [Passage(f"S{n}", items[i], score) for n, (i, score) in enumerate(ranked, start=1)]
