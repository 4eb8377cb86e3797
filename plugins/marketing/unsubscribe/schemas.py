from __future__ import annotations

from marshmallow import Schema, fields, validate

TOKEN = validate.Length(min=1, max=1024)


class TokenQuerySchema(Schema):
    token = fields.String(required=True, validate=TOKEN)


class OptionalTokenQuerySchema(Schema):
    token = fields.String(load_default=None, validate=TOKEN)


class UnsubscribeInSchema(Schema):
    """The JSON body; the RFC 8058 form body ``List-Unsubscribe=One-Click`` is accepted too."""

    token = fields.String(load_default=None, validate=TOKEN)
    allLists = fields.Boolean(load_default=False,
                              metadata={"description": "Leave every list, not only the link's."})


class UnsubscribeStateSchema(Schema):
    email = fields.String(metadata={"description": "Masked: j***@example.com."})
    list = fields.String()
    unsubscribed = fields.Boolean()
    allLists = fields.Boolean()
    changed = fields.Boolean()
