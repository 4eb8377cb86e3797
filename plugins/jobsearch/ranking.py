"""BM25 ranking with ``bm25s`` (a maintained library): search results, job match, ATS reports.

Documents are tokenised with the plugin's own ``terms`` (lightly stemmed content words) so the
keyword filter, the ranking and the match reasons agree on what a "term" is.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s


def bm25_scores(query: Sequence[str], documents: Sequence[Sequence[str]]) -> list[float]:
    """The BM25 score of each tokenised document for the tokenised query (0 for no overlap)."""
    if not documents or not query:
        return [0.0] * len(documents)
    vocab: dict[str, int] = {}
    # bm25s indexes (ids, vocab) tuples; an empty document gets a placeholder token so the
    # corpus keeps one row per document.
    ids = [[vocab.setdefault(t, len(vocab)) for t in (doc or ["\x00"])] for doc in documents]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    known = [t for t in query if t in vocab]
    if not known:
        return [0.0] * len(documents)
    return [float(s) for s in retriever.get_scores(known)]


def relative(query: Sequence[str], document: Sequence[str],
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
