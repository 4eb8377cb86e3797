"""A small local stand-in for the OpenAI and Anthropic HTTP APIs, driven by the real SDKs.

It speaks just enough of ``POST /v1/chat/completions`` and ``POST /v1/messages`` for the official
clients to parse its answers, plays a scripted queue of replies (JSON content, 429 with
Retry-After, 500, a delay longer than the client's timeout, raw text) and records every request
it received (path, headers, JSON body) so tests can check which key was sent and what was asked.
A request with ``"stream": true`` is answered in each API's server-sent-events format (OpenAI's
``chat.completion.chunk`` lines ending in ``[DONE]``; Anthropic's ``message_start`` ...
``message_stop`` events), one delta per scripted piece, optionally cut after some pieces by an
error event or a dropped connection.
The tests of the server itself are at the bottom; the AI client's tests build on it.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2 as httpx
import pytest


@dataclass
class Scripted:
    """One scripted answer. ``content`` is the model's text (JSON or not); ``status`` other than
    200 sends an error body; ``delay`` holds the answer back (the client times out first)."""

    content: str = "{}"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    input_tokens: int = 11
    output_tokens: int = 7
    pieces: list[str] | None = None  # the deltas of a streamed answer (default: the words)
    cut_after: int | None = None  # stream only this many pieces, then fail (``cut_with``)
    cut_with: str = "error"  # "error": the API's error event; "drop": hang up mid-stream

    def deltas(self) -> list[str]:
        if self.pieces is not None:
            return list(self.pieces)
        words = self.content.split(" ")
        return [word + (" " if i < len(words) - 1 else "") for i, word in enumerate(words)]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def text(self) -> str:
        """Every message text of the request (system included), for assertions on prompts."""
        parts = []
        if isinstance(self.body.get("system"), str):
            parts.append(self.body["system"])
        for message in self.body.get("messages", []):
            content = message.get("content")
            if isinstance(content, str):
                parts.append(content)
            else:
                parts.extend(block.get("text", "") for block in content or [])
        return "\n".join(parts)


class FakeProviderServer:
    """``with FakeProviderServer() as server:`` serves on a free 127.0.0.1 port until the block
    ends; ``server.openai_url`` / ``server.anthropic_url`` are the SDKs' ``base_url``."""

    def __init__(self) -> None:
        self.queue: deque[Scripted] = deque()
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.request_seen = threading.Event()  # set on every request (no polling in tests)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    # -- scripting ---------------------------------------------------------------------------

    def reply(self, content: Any = None, **options: Any) -> FakeProviderServer:
        """Queue a successful answer; a dict or list is sent as its JSON text."""
        text = content if isinstance(content, str) else json.dumps(content if content is not None
                                                                   else {})
        self.queue.append(Scripted(content=text, **options))
        return self

    def fail(self, status: int, **options: Any) -> FakeProviderServer:
        self.queue.append(Scripted(status=status, **options))
        return self

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def anthropic_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> FakeProviderServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()  # releases any handler still holding back a delayed answer
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- serving -----------------------------------------------------------------------------

    def _next(self) -> Scripted:
        with self._lock:
            return self.queue.popleft() if self.queue else Scripted(status=500)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                body = json.loads(raw or b"{}")
                with server._lock:
                    server.received.append(Received(self.path, {k.lower(): v for k, v in
                                                                self.headers.items()}, body))
                server.request_seen.set()
                scripted = server._next()
                if scripted.delay and server._stopping.wait(scripted.delay):
                    self.close_connection = True  # the server is closing: hang up, answer nothing
                    return
                if body.get("stream") and scripted.status == 200 and self.path in STREAMERS:
                    self._stream(STREAMERS[self.path](scripted, body), scripted)
                    return
                if self.path == "/v1/chat/completions":
                    payload = _openai_payload(scripted, body)
                elif self.path == "/v1/messages":
                    payload = _anthropic_payload(scripted, body)
                else:
                    scripted = Scripted(status=404)
                    payload = {"error": {"message": "no such route"}}
                data = json.dumps(payload).encode()
                try:
                    self.send_response(scripted.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in scripted.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test): nothing to tell it

            def _stream(self, events: list[str], scripted: Scripted) -> None:
                """The events, flushed one by one; without a length, the end of the body is
                the end of the connection."""
                self.close_connection = True
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    for name, value in scripted.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    for event in events:
                        self.wfile.write(event.encode())
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away mid-stream

        return Handler


def _sse(data: Any, event: str | None = None) -> str:
    text = data if isinstance(data, str) else json.dumps(data)
    return (f"event: {event}\n" if event else "") + f"data: {text}\n\n"


def _cut(scripted: Scripted, deltas: list[str]) -> tuple[list[str], bool]:
    if scripted.cut_after is None:
        return deltas, False
    return deltas[:scripted.cut_after], True


def _openai_stream(scripted: Scripted, body: dict[str, Any]) -> list[str]:
    model = body.get("model", "fake-model")

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return _sse({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                     "created": 1_700_000_000, "model": model,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                     **extra})

    deltas, cut = _cut(scripted, scripted.deltas())
    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": piece}) for piece in deltas]
    if cut:
        if scripted.cut_with == "error":
            events.append(_sse({"error": {"message": "overloaded; body-marker-7f3a",
                                          "type": "server_error", "code": None}}))
        return events
    events.append(chunk({}, "stop"))
    if (body.get("stream_options") or {}).get("include_usage"):
        events.append(_sse({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                            "created": 1_700_000_000, "model": model, "choices": [],
                            "usage": {"prompt_tokens": scripted.input_tokens,
                                      "completion_tokens": scripted.output_tokens,
                                      "total_tokens": scripted.input_tokens
                                      + scripted.output_tokens}}))
    return [*events, _sse("[DONE]")]


def _anthropic_stream(scripted: Scripted, body: dict[str, Any]) -> list[str]:
    deltas, cut = _cut(scripted, scripted.deltas())
    events = [
        _sse({"type": "message_start", "message": {
            "id": "msg_fake", "type": "message", "role": "assistant",
            "model": body.get("model", "fake-model"), "content": [], "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": scripted.input_tokens, "output_tokens": 1}}},
            "message_start"),
        _sse({"type": "content_block_start", "index": 0,
              "content_block": {"type": "text", "text": ""}}, "content_block_start"),
        _sse({"type": "ping"}, "ping"),
    ]
    events += [_sse({"type": "content_block_delta", "index": 0,
                     "delta": {"type": "text_delta", "text": piece}}, "content_block_delta")
               for piece in deltas]
    if cut:
        if scripted.cut_with == "error":
            events.append(_sse({"type": "error", "error": {
                "type": "overloaded_error", "message": "Overloaded; body-marker-7f3a"}},
                "error"))
        return events
    return [*events,
            _sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
            _sse({"type": "message_delta", "delta": {"stop_reason": "end_turn",
                                                     "stop_sequence": None},
                  "usage": {"output_tokens": scripted.output_tokens}}, "message_delta"),
            _sse({"type": "message_stop"}, "message_stop")]


STREAMERS = {"/v1/chat/completions": _openai_stream, "/v1/messages": _anthropic_stream}


def _error_body(scripted: Scripted, provider: str) -> dict[str, Any]:
    # Real providers echo details (even part of the key) in error bodies: so does the fake, so
    # the tests prove such bodies never reach a log, an exception or ai_calls.
    message = f"upstream said no (status {scripted.status}); body-marker-7f3a"
    if provider == "anthropic":
        return {"type": "error", "error": {"type": "api_error", "message": message}}
    return {"error": {"message": message, "type": "server_error", "code": None}}


def _openai_payload(scripted: Scripted, body: dict[str, Any]) -> dict[str, Any]:
    if scripted.status != 200:
        return _error_body(scripted, "openai")
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": body.get("model", "fake-model"),
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": scripted.content}}],
        "usage": {"prompt_tokens": scripted.input_tokens,
                  "completion_tokens": scripted.output_tokens,
                  "total_tokens": scripted.input_tokens + scripted.output_tokens},
    }


def _anthropic_payload(scripted: Scripted, body: dict[str, Any]) -> dict[str, Any]:
    if scripted.status != 200:
        return _error_body(scripted, "anthropic")
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "fake-model"),
        "content": [{"type": "text", "text": scripted.content}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": scripted.input_tokens, "output_tokens": scripted.output_tokens},
    }


# -- the fake's own tests ------------------------------------------------------------------------

@pytest.fixture
def fake():
    with FakeProviderServer() as server:
        yield server


def test_it_plays_the_script_in_order_and_records_requests(fake):
    fake.reply({"a": 1}).fail(429, headers={"Retry-After": "3"})
    first = httpx.post(f"{fake.openai_url}/chat/completions", json={"model": "m", "messages": []},
                       headers={"Authorization": "Bearer k1"})
    second = httpx.post(f"{fake.anthropic_url}/v1/messages", json={"model": "m", "messages": []})
    third = httpx.post(f"{fake.anthropic_url}/v1/messages", json={})
    assert first.json()["choices"][0]["message"]["content"] == '{"a": 1}'
    assert (second.status_code, second.headers["retry-after"]) == (429, "3")
    assert third.status_code == 500  # an empty script fails loudly rather than inventing answers
    assert [r.path for r in fake.received] == ["/v1/chat/completions", "/v1/messages",
                                              "/v1/messages"]
    assert fake.received[0].headers["authorization"] == "Bearer k1"


def test_closing_releases_a_held_back_answer_at_once():
    server = FakeProviderServer().__enter__()
    server.reply({}, delay=30)
    done = threading.Event()

    def call() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(f"{server.openai_url}/chat/completions", json={}, timeout=60)
        done.set()

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    assert server.request_seen.wait(5)  # the request is in and being held back
    server.close()
    assert done.wait(5)
