from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import Timestamp
from lightninghire_plugins.marketing.common import Email, honeypot_field

TOPICS = ("general", "sales", "support", "privacy", "press", "partnership")


class ContactInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    email = Email(required=True)
    topic = fields.String(load_default="general", validate=validate.OneOf(TOPICS),
                          metadata={"description": "`privacy` for data-rights requests "
                                                   "(answered within 30 days)."})
    subject = fields.String(load_default="", validate=validate.Length(max=150))
    message = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    website = honeypot_field()


class ContactReceiptSchema(Schema):
    id = fields.String()
    topic = fields.String()
    receivedAt = Timestamp()
    respondBy = Timestamp(allow_none=True)
