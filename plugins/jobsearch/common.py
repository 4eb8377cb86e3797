"""Helpers shared by the jobsearch sub-packages: owner-scoped reads, text terms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from lightninghire.api import STOPWORDS, OwnedDocuments, stem, words

MAX_TERMS = 400


def owned(collection: Any, user_id: str, id: str, what: str) -> dict[str, Any]:
    """One of the caller's documents; another user's or an unknown id answers 404."""
    return OwnedDocuments(collection, what=what).find(user_id, id)


def terms(*texts: str | None) -> list[str]:
    """Lower-case, lightly stemmed content words: the tokens search and ranking share."""
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        for word in words(text):
            if len(word) > 1 and word not in STOPWORDS and not word[0].isdigit():
                out.append(stem(word))
    return out


def term_set(*texts: str | None) -> list[str]:
    """Distinct terms, bounded: stored on a document for an indexed ``$in`` keyword filter."""
    return sorted(set(terms(*texts)))[:MAX_TERMS]


def joined(values: Iterable[str] | None) -> str:
    return "\n".join(v for v in (values or []) if v)


def slug(name: str) -> str:
    """A company key: lower-case, punctuation and legal suffixes dropped ("Acme, Inc." -> acme)."""
    text = re.sub(r"[^a-z0-9]+", " ", name.lower())
    text = re.sub(r"\b(inc|llc|ltd|gmbh|corp|corporation|co|plc|sa|ag)\b", " ", text)
    return "-".join(text.split()) or "company"


def public_id(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A stored document as the API shows it: ``id`` string, no ``_id`` nor ``userId``."""
    out = {k: v for k, v in doc.items() if k not in ("_id", "userId", "terms")}
    out["id"] = str(doc["_id"])
    return out
