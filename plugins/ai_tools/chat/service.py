"""RAG chat: retrieve from the asking user's context, answer with citations, keep the thread."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lightninghire.api import AiStream, NotFound, object_id_or_404, paginate, shorten
from lightninghire_plugins.ai_tools.chat import intents
from lightninghire_plugins.ai_tools.chat.embeddings import Embedder
from lightninghire_plugins.ai_tools.chat.retrieval import (
    DEFAULT_MIN_SIMILARITY,
    MAX_ITEMS,
    Passage,
    embedding_text,
    retrieve,
    terms,
)
from lightninghire_plugins.ai_tools.chat.tasks import NAME
from lightninghire_plugins.ai_tools.context.service import ContextService

CONVERSATIONS = "ai_tools_conversations"
MESSAGES = "ai_tools_messages"
HISTORY_TURNS = 6
MAX_MESSAGES_SHOWN = 200


class UnknownConversation(NotFound):
    pass


@dataclass(frozen=True)
class Asked:
    """A question kept in its conversation, with what the answer is made from."""

    user_id: str
    conversation_id: str
    inputs: dict[str, Any]  # the chat task's inputs
    passages: list[Passage]
    terms: set[str]  # the question's terms, for the citations' snippets

    def sources(self) -> list[dict[str, Any]]:
        """Every passage given to the answer, as a citation."""
        return [p.citation(self.terms) for p in self.passages]


@dataclass(eq=False)
class ChatService:
    db: Any
    ai: Any
    clock: Any
    context: ContextService
    top_k: int = 5
    embedder: Embedder | None = None
    min_similarity: float = DEFAULT_MIN_SIMILARITY

    def __post_init__(self) -> None:
        self.conversations = self.db[CONVERSATIONS]
        self.messages = self.db[MESSAGES]

    def ask(self, user: Mapping[str, Any], message: str,
            conversation_id: str | None) -> dict[str, Any]:
        asked = self.prepare(user, message, conversation_id)
        result = self.ai.run(NAME, asked.inputs, user=user)
        return self.reply(asked, result.data, result.provider)

    def stream(self, user: Mapping[str, Any], message: str,
               conversation_id: str | None) -> tuple[Asked, AiStream]:
        """The question kept and its sources found, and the answer as a stream of text pieces
        (nothing is asked of the provider before the first piece is wanted)."""
        asked = self.prepare(user, message, conversation_id)
        return asked, self.ai.stream(NAME, asked.inputs, user=user)

    def prepare(self, user: Mapping[str, Any], message: str,
                conversation_id: str | None) -> Asked:
        """Keep the question in its conversation and gather what answers it: the records of
        the kind it asks about first, then the best matches."""
        user_id = str(user["_id"])
        now = self.clock.now()
        if conversation_id:
            conversation = self._own(user_id, conversation_id, UnknownConversation)
        else:
            conversation = {"userId": user_id, "title": shorten(message, 80), "messageCount": 0,
                            "createdAt": now, "updatedAt": now}
            conversation["_id"] = self.conversations.insert_one(conversation).inserted_id
        conv_id = str(conversation["_id"])
        history = list(self.messages.find({"userId": user_id, "conversationId": conv_id})
                       .sort("_id", -1).limit(HISTORY_TURNS))[::-1]
        # The question is kept before any model call: a failed answer never loses it.
        self._append(user_id, conv_id, {"role": "user", "content": message, "citations": [],
                                        "followUps": [], "provider": None})
        items = ContextService.items(self.context.gather(user))
        items = items[:MAX_ITEMS]
        similarities = (self.embedder.similarities(user, message,
                                                   [embedding_text(i) for i in items])
                        if self.embedder is not None else None)
        intent = intents.detect(message)
        first = (intents.answering_records(intent, items, message, now)
                 if intent is not None else [])
        passages = retrieve(items, message, self.top_k, similarities, self.min_similarity,
                            first)
        counts = Counter(item.kind for item in items)
        inputs = {
            "question": message, "passages": [p.prompt_view() for p in passages],
            "history": [{"role": m["role"], "content": m["content"]} for m in history],
            "counts": dict(sorted(counts.items())),
            "intent": intent.name if intent is not None else None, "now": now.isoformat(),
        }
        return Asked(user_id, conv_id, inputs, passages, set(terms(message)))

    def reply(self, asked: Asked, data: Mapping[str, Any],
              provider: str | None) -> dict[str, Any]:
        """Store the answer with the sources it cited (only those it was given)."""
        by_ref = {p.ref: p for p in asked.passages}
        cited = [by_ref[ref].citation(asked.terms) for ref in dict.fromkeys(data["citations"])
                 if ref in by_ref]
        reply = self._append(asked.user_id, asked.conversation_id, {
            "role": "assistant", "content": data["answer"], "citations": cited,
            "followUps": data["followUps"], "provider": provider})
        return {"conversationId": asked.conversation_id, "message": reply}

    def _append(self, user_id: str, conv_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        doc = {"userId": user_id, "conversationId": conv_id, "createdAt": now, **fields}
        doc["_id"] = self.messages.insert_one(doc).inserted_id
        self.conversations.update_one({"_id": object_id_or_404(conv_id, "conversation"),
                                       "userId": user_id},
                                      {"$inc": {"messageCount": 1}, "$set": {"updatedAt": now}})
        return _message(doc)

    def _own(self, user_id: str, conv_id: str, error: type[NotFound] = NotFound) -> dict[str, Any]:
        try:
            oid = object_id_or_404(conv_id, "conversation")
        except NotFound:
            raise error("No such conversation.") from None
        found = self.conversations.find_one({"_id": oid, "userId": user_id})
        if found is None:
            raise error("No such conversation.")
        return found

    def list(self, user_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
        return paginate(self.conversations, {"userId": user_id}, limit=limit, cursor=cursor,
                        transform=_conversation)

    def get(self, user_id: str, conv_id: str) -> dict[str, Any]:
        conversation = self._own(user_id, conv_id)
        messages = (self.messages.find({"userId": user_id, "conversationId": conv_id})
                    .sort("_id", 1).limit(MAX_MESSAGES_SHOWN))
        return {**_conversation(conversation), "messages": [_message(m) for m in messages]}

    def delete(self, user_id: str, conv_id: str) -> None:
        conversation = self._own(user_id, conv_id)
        self.messages.delete_many({"userId": user_id, "conversationId": conv_id})
        self.conversations.delete_one({"_id": conversation["_id"], "userId": user_id})


def _conversation(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": str(doc["_id"]), "title": doc["title"], "messageCount": doc["messageCount"],
            "createdAt": doc["createdAt"], "updatedAt": doc["updatedAt"]}


def _message(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": str(doc["_id"]), "role": doc["role"], "content": doc["content"],
            "citations": doc.get("citations", []), "followUps": doc.get("followUps", []),
            "provider": doc.get("provider"), "createdAt": doc["createdAt"]}
