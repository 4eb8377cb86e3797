"""Request and response schemas. Unknown fields are refused (marshmallow's default, kept by the
core) and every string is bounded, so a request cannot store more than it should."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import PageQuery, Timestamp

NAME = validate.Length(min=1, max=80)


class GreetingInSchema(Schema):
    name = fields.String(required=True, validate=NAME)


class GreetingPatchSchema(Schema):
    name = fields.String(required=True, validate=NAME)


class GreetingSchema(Schema):
    id = fields.String()
    name = fields.String()
    message = fields.String()
    createdAt = Timestamp()


class GreetingQuerySchema(PageQuery):
    name = fields.String(load_default=None, validate=NAME)  # only greetings of this name


class HelloQuerySchema(Schema):
    name = fields.String(load_default="world", validate=NAME)


class HelloStatsSchema(Schema):
    stored = fields.Integer(metadata={"description": "Greetings stored, all users."})
    saidSinceStart = fields.Integer(metadata={"description": "Greetings this app said since it "
                                                             "started (per app, not stored)."})
