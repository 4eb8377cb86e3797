"""Outreach messages: request and response schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import ObjectIdString, PageQuery, Timestamp
from lightninghire_plugins.outreach.common import CHANNELS, PURPOSES
from lightninghire_plugins.outreach.templates.schemas import TEMPLATE_ID

STATUSES = ("draft", "scheduled", "sent", "failed", "replied")


class DraftInSchema(Schema):
    contactId = ObjectIdString(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    templateId = fields.String(validate=TEMPLATE_ID, metadata={
        "description": "A system or own template to start from, rendered for the contact"})
    context = fields.String(load_default="", validate=validate.Length(max=1000), metadata={
        "description": "A detail to use: where you met, the job, a shared interest"})


class MessagePatchSchema(Schema):
    subject = fields.String(validate=validate.Length(max=200))
    body = fields.String(validate=validate.Length(min=1, max=5000))
    status = fields.String(validate=validate.OneOf(("draft", "sent", "replied")), metadata={
        "description": "draft: cancel a scheduled send or retry a failed one; sent: you sent it "
                       "yourself (LinkedIn, phone, your own mail); replied: they answered"})


class SendSchema(Schema):
    sendAt = Timestamp(load_default=None, allow_none=True, metadata={
        "description": "Send later (UTC); absent or past: send now"})


class MessageSchema(Schema):
    id = fields.String()
    contactId = fields.String()
    contactName = fields.String()
    purpose = fields.String()
    channel = fields.String()
    subject = fields.String()
    body = fields.String()
    status = fields.String(metadata={"description": "draft, scheduled, sent, failed, replied"})
    templateId = fields.String(allow_none=True)
    context = fields.String()
    scheduledAt = Timestamp(allow_none=True)
    sentAt = Timestamp(allow_none=True)
    repliedAt = Timestamp(allow_none=True)
    followUpAt = Timestamp(allow_none=True, metadata={
        "description": "When to follow up if there is no reply (~5 days e-mail, ~7 LinkedIn)"})
    deliveryStatus = fields.String(allow_none=True, metadata={
        "description": "The mail outbox's status: queued, sending, sent, dead, suppressed"})
    lastError = fields.String(allow_none=True)
    aiProvider = fields.String(allow_none=True)
    createdAt = Timestamp()
    updatedAt = Timestamp()


class MessageQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
    contactId = ObjectIdString()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    followUpDue = fields.Boolean(metadata={"description": "Sent, no reply, follow-up due now"})
