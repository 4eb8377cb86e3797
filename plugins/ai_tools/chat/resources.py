"""``/api/chat``: ask, stream (server-sent events), and the stored conversations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lightninghire.api import (
    AiStream,
    AiUnavailable,
    CollectionResource,
    Resource,
    Timestamp,
    endpoint,
    page_schema,
)
from lightninghire_plugins.ai_tools.chat.schemas import (
    ChatAskSchema,
    ChatConversationDetailSchema,
    ChatConversationListQuery,
    ChatConversationSchema,
    ChatReplySchema,
)
from lightninghire_plugins.ai_tools.chat.service import Asked, ChatService

CHAT_DESCRIPTION = ("Retrieval is BM25 over the documents the enabled plugins share for the "
                    "caller (`user_context`), fused with embedding similarity when the caller's "
                    "AI calls go to an OpenAI-compatible provider; answers cite them as `S1`, "
                    "`S2`, ... Another "
                    "user's data is never searched. An unknown `conversationId` answers 404 "
                    "and spends nothing.")


class ChatResource(Resource[ChatService]):
    def _ask(self, req: Any) -> dict[str, Any]:
        body = req.context.body
        # An unknown conversation id fails the request, and the core gives its unit back.
        return self.service.ask(req.context.principal.user, body["message"],
                                body["conversationId"])

    @endpoint(body=ChatAskSchema, response=ChatReplySchema, feature="ai_chat",
              description=CHAT_DESCRIPTION)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Ask a question about your own data (RAG chat)."""
        return self._ask(req)

    @endpoint(body=ChatAskSchema, feature="ai_chat", raw=True,
              description="The same as `POST /api/chat`, streamed as `text/event-stream` while "
                          "the answer is written (the provider's tokens; offline, each piece "
                          "as it is composed): `conversation` ({conversationId}), `citations` "
                          "(the sources given to the answer), `delta` ({text}) for each piece, "
                          "then `done` (the stored message, with the sources it cited). Errors "
                          "before the stream starts (validation, an unknown conversation, the "
                          "cap, the provider failing before its first token) use the JSON "
                          "envelope; a failure after it is an `error` event ({message, code, "
                          "reason}). A stream that does not reach `done` (a provider failure, "
                          "the client leaving) gives its unit back and spends no credits, like "
                          "a failed `POST /api/chat`.")
    def on_post_stream(self, req: Any, resp: Any) -> None:
        """Ask a question about your own data, streamed token by token as server-sent events."""
        body = req.context.body
        asked, stream = self.service.stream(req.context.principal.user, body["message"],
                                            body["conversationId"])
        # The first piece is awaited here: a provider down from the start is a JSON 502 (and
        # the pipeline gives the unit back), not a 200 stream with nothing in it.
        first = next(stream, "")
        resp.content_type = "text/event-stream; charset=utf-8"
        resp.set_header("Cache-Control", "no-cache")
        resp.set_header("X-Accel-Buffering", "no")  # let nginx pass events through unbuffered
        resp.stream = ChatEvents(self.service, asked, stream, first, req.context.consumption)


class ChatEvents:
    """The body of ``/api/chat/stream``: each event as it comes. A stream that does not reach
    ``done`` — the provider failed mid-stream, or the server closed the body because the client
    left, even before the first event was written — ends the provider's response and gives the
    unit back: the rule of a request without an outcome."""

    def __init__(self, service: ChatService, asked: Asked, stream: AiStream, first: str,
                 consumption: Any) -> None:
        self.service = service
        self.asked = asked
        self.stream = stream
        self.first = first
        self.consumption = consumption
        self.finished = False
        self._events = self._write()

    def __iter__(self) -> Iterator[bytes]:
        return self._events

    def close(self) -> None:
        """What a WSGI server calls when it stops, done or not."""
        self._events.close()
        self._cut()

    def _cut(self) -> None:
        if not self.finished:
            self.stream.close()
            if self.consumption is not None:
                self.consumption.refund()  # idempotent: a second call gives nothing back

    def _write(self) -> Iterator[bytes]:
        try:
            yield _event("conversation", {"conversationId": self.asked.conversation_id})
            yield _event("citations", self.asked.sources())
            if self.first:
                yield _event("delta", {"text": self.first})
            for piece in self.stream:
                yield _event("delta", {"text": piece})
            assert self.stream.result is not None
            reply = self.service.reply(self.asked, self.stream.result.data,
                                       self.stream.result.provider)
            self.finished = True  # the answer is stored and its action counted: an outcome
            message = reply["message"]
            yield _event("done", {**message, "createdAt": Timestamp()._serialize(
                message["createdAt"], None, None)})
        except AiUnavailable as failure:
            yield _event("error", failure.to_error_body())
        finally:
            self._cut()


def _event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class ConversationsResource(CollectionResource):
    endpoints = {
        "on_get_item": endpoint(response=ChatConversationDetailSchema,
                                summary="One conversation with its messages, oldest first."),
        "on_delete_item": endpoint(summary="Delete a conversation and its messages."),
    }

    @endpoint(query=ChatConversationListQuery, response=page_schema(ChatConversationSchema))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's chat conversations, newest first."""
        q = req.context.query
        return self.service.list(req.context.principal.user_id, q["limit"], q["cursor"])
