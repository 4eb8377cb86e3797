"""Small helpers shared by the ai_tools domains."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class OneOfRef(Schema):
    """A reference to the user's data by ``id`` (resolved through the context) or inline text.

    Subclasses name the inline field in ``inline``."""

    inline = "text"
    id = fields.String(validate=validate.Length(1, 64),
                       metadata={"description": "An id from `GET /api/context`."})

    @validates_schema
    def exactly_one(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [name for name in ("id", self.inline) if data.get(name)]
        if len(given) != 1:
            raise ValidationError(f"Give either id or {self.inline}.", "_schema")


class JobRefSchema(OneOfRef):
    inline = "description"
    description = fields.String(validate=validate.Length(20, 50_000))
    title = fields.String(validate=validate.Length(1, 200))
    company = fields.String(validate=validate.Length(1, 200))


class ResumeRefSchema(OneOfRef):
    inline = "text"
    text = fields.String(validate=validate.Length(20, 50_000))
