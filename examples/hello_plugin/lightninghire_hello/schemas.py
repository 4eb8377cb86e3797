from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import Timestamp


class GreetingInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))


class GreetingSchema(Schema):
    id = fields.String()
    name = fields.String()
    message = fields.String()
    createdAt = Timestamp()


class HelloQuerySchema(Schema):
    name = fields.String(load_default="world", validate=validate.Length(min=1, max=80))
