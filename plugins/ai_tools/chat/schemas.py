from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import PageQuery, Timestamp


class ChatAskSchema(Schema):
    message = fields.String(required=True, validate=validate.Length(1, 2000))
    conversationId = fields.String(load_default=None, validate=validate.Length(1, 64),
                                   metadata={"description": "Continue this conversation; "
                                                            "omit to start one."})


class ChatCitationSchema(Schema):
    ref = fields.String(metadata={"description": "`S1`, `S2`, ... as cited in the answer."})
    plugin = fields.String(metadata={"description": "The plugin that shared the document."})
    kind = fields.String(metadata={"description": "Its kind in that plugin's context slice."})
    id = fields.String()
    title = fields.String()
    snippet = fields.String()
    score = fields.Float(metadata={"description": "BM25 relevance (0 when only the embeddings "
                                                  "found it)."})
    similarity = fields.Float(metadata={"description": "Cosine similarity to the question; "
                                                       "present when embeddings were used."})


class ChatMessageSchema(Schema):
    id = fields.String()
    role = fields.String(metadata={"description": "`user` or `assistant`."})
    content = fields.String()
    citations = fields.List(fields.Nested(ChatCitationSchema))
    followUps = fields.List(fields.String())
    provider = fields.String(allow_none=True)
    createdAt = Timestamp()


class ChatReplySchema(Schema):
    conversationId = fields.String()
    message = fields.Nested(ChatMessageSchema)


class ChatConversationSchema(Schema):
    id = fields.String()
    title = fields.String()
    messageCount = fields.Integer()
    createdAt = Timestamp()
    updatedAt = Timestamp()


class ChatConversationDetailSchema(ChatConversationSchema):
    messages = fields.List(fields.Nested(ChatMessageSchema))


class ChatConversationListQuery(PageQuery):
    pass
