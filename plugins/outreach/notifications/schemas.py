"""Notifications: request and response schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import Timestamp, page_schema

CURSOR = validate.Regexp(r"^[ur]([0-9a-f]{24})?$", error="Not a valid cursor.")


class NotificationSchema(Schema):
    id = fields.String()
    type = fields.String(metadata={"description": "e.g. interview_reminder, booking_changed, "
                                                  "digest_ready, billing_changed, welcome, "
                                                  "outreach_follow_up, outreach_failed"})
    title = fields.String()
    body = fields.String()
    url = fields.String(allow_none=True)
    read = fields.Boolean()
    readAt = Timestamp(allow_none=True)
    createdAt = Timestamp()
    expiresAt = Timestamp(allow_none=True, metadata={
        "description": "When it leaves the inbox ([plugins.outreach] notification_days after "
                       "createdAt, 90 by default)"})


class NotificationQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = fields.String(load_default=None, validate=CURSOR)
    unread = fields.Boolean(load_default=False, metadata={"description": "Only unread ones"})


NotificationPageSchema = page_schema(NotificationSchema, "NotificationPageSchema")


class NotificationPatchSchema(Schema):
    read = fields.Boolean(required=True)


class UnreadCountSchema(Schema):
    count = fields.Integer()


class ReadAllSchema(Schema):
    updated = fields.Integer()


class ClearQuery(Schema):
    read = fields.Boolean(load_default=False, metadata={
        "description": "Only the read ones (unread notifications stay)"})


class ClearedSchema(Schema):
    deleted = fields.Integer()
    more = fields.Boolean(metadata={
        "description": "Some remain past this call's bound (1,000): call again"})
