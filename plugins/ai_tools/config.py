"""The ai_tools plugin's settings (``[plugins.ai_tools]``): a schema the plugin host loads."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire_plugins.ai_tools.chat.embeddings import DEFAULT_MODEL


class AiToolsSettingsSchema(Schema):
    context_max_chars = fields.Integer(load_default=12_000, validate=validate.Range(min=100),
                                       metadata={"description": "user context in one prompt"})
    embedding_model = fields.String(load_default=DEFAULT_MODEL,
                                    metadata={"description": "empty: keyword search only"})
    embedding_timeout_seconds = fields.Float(load_default=5.0, validate=validate.Range(min=0.1))
    chat_top_k = fields.Integer(load_default=5, validate=validate.Range(min=1, max=50))
    embedding_min_similarity = fields.Float(load_default=0.3, validate=validate.Range(0, 1))
