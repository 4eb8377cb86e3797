"""The shared fake provider server plus ``POST /v1/embeddings``, for the chat's embedding tests.

Embedding requests have their own record (``embedding_requests``) and their own failure script
(``fail_embeddings``), so they never consume the chat completions' scripted replies. A vector is
``vector_for(text)``: tests choose it to encode the similarities they need.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.core.test_ai_fake_server import FakeProviderServer, Received, Scripted

DIMENSIONS = 16


def hashed_words(text: str) -> list[float]:
    """A default vector: a hashed bag of words (texts sharing words are close)."""
    vector = [0.0] * DIMENSIONS
    for word in text.lower().split():
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % DIMENSIONS] += 1.0
    return vector


class EmbeddingFakeServer(FakeProviderServer):
    def __init__(self, vector_for: Callable[[str], list[float]] = hashed_words) -> None:
        # Set before the base class builds the handler, which reads them.
        self.vector_for = vector_for
        self.embedding_requests: list[Received] = []
        self.embedding_failures: deque[Scripted] = deque()
        super().__init__()

    def fail_embeddings(self, status: int, *, delay: float = 0.0) -> EmbeddingFakeServer:
        """Queue one failed embeddings answer (``delay``: held back past the client's timeout)."""
        self.embedding_failures.append(Scripted(status=status, delay=delay))
        return self

    @property
    def embedded_texts(self) -> list[str]:
        """Every input of every embeddings request, in order."""
        return [text for r in self.embedding_requests for text in r.body["input"]]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        base = super()._handler_class()
        server = self

        class Handler(base):  # type: ignore[valid-type, misc]
            def do_POST(self) -> None:
                if self.path != "/v1/embeddings":
                    super().do_POST()
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with server._lock:
                    server.embedding_requests.append(Received(
                        self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    failure = (server.embedding_failures.popleft()
                               if server.embedding_failures else None)
                if failure is not None and failure.delay and server._stopping.wait(failure.delay):
                    self.close_connection = True
                    return
                status = failure.status if failure is not None else 200
                payload: dict[str, Any]
                if status != 200:
                    payload = {"error": {"message": "no embeddings; body-marker-7f3a",
                                         "type": "server_error"}}
                else:
                    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                    payload = {"object": "list", "model": body["model"],
                               "data": [{"object": "embedding", "index": n,
                                         "embedding": _unit(server.vector_for(text))}
                                        for n, text in enumerate(inputs)],
                               "usage": {"prompt_tokens": 5, "total_tokens": 5}}
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def _unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]
