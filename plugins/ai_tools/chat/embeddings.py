"""Embeddings for chat retrieval, when the asking user's AI calls go to an OpenAI-compatible API.

Which key: the one ``services.ai.choose(user)`` picks for the chat answer itself, when it is an
OpenAI one (the user's BYOK OpenAI key, else the platform key, through ``ai.openai_base_url``
when set). So the passages go to the provider that reads them in the prompt anyway, a BYOK user
never spends the platform's key, and an Anthropic choice (no embeddings API) or offline means
BM25 only. Passage vectors are cached per user and passage hash in ``ai_tools_embeddings``
(owner ``userId``): unchanged context is not embedded twice, and one user's cache never answers
another's. Any failure (no key, timeout, HTTP error, a malformed answer) returns ``None`` and
the chat goes on with BM25; the log line holds the failure's kind and status, never the key or
the provider's error body.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lightninghire.api import AiUnavailable

log = logging.getLogger(__name__)

EMBEDDINGS = "ai_tools_embeddings"
DEFAULT_MODEL = "text-embedding-3-small"
CACHE_DAYS = 30  # TTL of a cached vector: context that stopped changing is re-embedded monthly


class EmbeddingFailure(Exception):
    """One failed embeddings call; ``kind`` and ``status`` only (no provider text)."""

    def __init__(self, kind: str, status: int | None = None) -> None:
        super().__init__(kind if status is None else f"{kind} (HTTP {status})")
        self.kind = kind
        self.status = status


def passage_hash(space: str, text: str) -> str:
    """The cache key of ``text`` in one embedding space (model and endpoint)."""
    return hashlib.sha256(f"{space}\n{text}".encode()).hexdigest()


class Embedder:
    """Cosine similarities of passages to a question, or ``None`` when embeddings are off."""

    def __init__(self, db: Any, ai: Any, clock: Any, model: str = DEFAULT_MODEL,
                 timeout: float = 5.0) -> None:
        self.cache = db[EMBEDDINGS]
        self.ai = ai
        self.clock = clock
        self.model = model  # "" turns embeddings off
        self.timeout = timeout

    def similarities(self, user: Mapping[str, Any], question: str,
                     texts: Sequence[str]) -> list[float] | None:
        """The cosine similarity of each of ``texts`` to ``question``, in order; ``None`` means
        use BM25 alone (no OpenAI-compatible provider for this user, or a failure)."""
        if not self.model or not texts:
            return None
        choice = self.ai.choose(user)
        if choice.family != "openai" or not choice.key:
            return None
        base_url = self.ai.config.base_url("openai")
        try:
            return self._similarities(user, question, list(texts), base_url)
        except EmbeddingFailure as failure:
            log.warning("chat embeddings via %s (%s) failed: %s; BM25 only", choice.provider,
                        self.model, failure)
        except Exception as exc:  # retrieval is an improvement: it must never fail the chat
            log.warning("chat embeddings via %s (%s) failed: %s; BM25 only", choice.provider,
                        self.model, type(exc).__name__)
        return None

    def _similarities(self, user: Mapping[str, Any], question: str, texts: list[str],
                      base_url: str | None) -> list[float]:
        user_id = str(user["_id"])
        space = f"{self.model}@{base_url or 'openai'}"
        hashes = [passage_hash(space, text) for text in texts]
        vectors: dict[str, list[float]] = {
            doc["hash"]: doc["vector"] for doc in self.cache.find(
                {"userId": user_id, "hash": {"$in": sorted(set(hashes))}},
                {"hash": 1, "vector": 1})}
        text_of = dict(zip(hashes, texts, strict=True))
        missing = [h for h in dict.fromkeys(hashes) if h not in vectors]
        fresh = self._embed(user, [question, *(text_of[h] for h in missing)])
        query = fresh[0]
        if missing:
            now = self.clock.now()
            self.cache.insert_many([{"userId": user_id, "hash": h, "model": self.model,
                                     "vector": vector, "createdAt": now}
                                    for h, vector in zip(missing, fresh[1:], strict=True)])
            vectors.update(zip(missing, fresh[1:], strict=True))
        if any(len(vectors[h]) != len(query) for h in hashes):
            raise EmbeddingFailure("dimension_mismatch")
        matrix = np.asarray([vectors[h] for h in hashes], dtype=float)
        q = np.asarray(query, dtype=float)
        norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(q)
        cosine = (matrix @ q) / np.where(norms == 0, 1.0, norms)
        return [float(value) for value in cosine]

    def _embed(self, user: Mapping[str, Any], inputs: list[str]) -> list[list[float]]:
        """One vector per input, in order, through the core AI client (metered in ai_calls; no
        retries: a failure falls back to BM25 at once rather than holding the request)."""
        try:
            vectors = self.ai.embed(inputs, user=user, model=self.model, timeout=self.timeout)
        except AiUnavailable as exc:
            raise EmbeddingFailure(exc.reason) from None
        if vectors is None:
            raise EmbeddingFailure("no_provider")
        return vectors
