"""``/api/chat``: ask, stream (server-sent events), and the stored conversations."""

from __future__ import annotations

import json
from typing import Any

from lightninghire.api import CollectionResource, Resource, Timestamp, endpoint, page_schema
from lightninghire_plugins.ai_tools.chat.schemas import (
    ChatAskSchema,
    ChatConversationDetailSchema,
    ChatConversationListQuery,
    ChatConversationSchema,
    ChatReplySchema,
)
from lightninghire_plugins.ai_tools.chat.service import ChatService

CHAT_DESCRIPTION = ("Retrieval is BM25 over the documents the enabled plugins share for the "
                    "caller (`user_context`), fused with embedding similarity when the caller's "
                    "AI calls go to an OpenAI-compatible provider; answers cite them as `S1`, "
                    "`S2`, ... Another "
                    "user's data is never searched. An unknown `conversationId` answers 404 "
                    "and spends nothing.")
CHUNK_WORDS = 8


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
              description="The same as `POST /api/chat`, answered as `text/event-stream`: "
                          "`conversation` ({conversationId}), `citations` (list), `delta` "
                          "({text}) several times, then `done` (the stored message). Errors "
                          "before the stream starts use the JSON envelope.")
    def on_post_stream(self, req: Any, resp: Any) -> None:
        """Ask a question about your own data, streamed as server-sent events."""
        reply = self._ask(req)
        message = reply["message"]
        words = message["content"].split(" ")
        events = [("conversation", {"conversationId": reply["conversationId"]}),
                  ("citations", message["citations"])]
        events += [("delta", {"text": " ".join(words[i:i + CHUNK_WORDS])
                              + (" " if i + CHUNK_WORDS < len(words) else "")})
                   for i in range(0, len(words), CHUNK_WORDS)]
        events.append(("done", {**message, "createdAt": Timestamp()._serialize(
            message["createdAt"], None, None)}))
        resp.content_type = "text/event-stream; charset=utf-8"
        resp.set_header("Cache-Control", "no-cache")
        resp.set_header("X-Accel-Buffering", "no")  # let nginx pass events through unbuffered
        resp.text = "".join(f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
                            for name, data in events)


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
