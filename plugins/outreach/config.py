"""The outreach plugin's settings (``[plugins.outreach]``): a schema the plugin host loads."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class OutreachSettingsSchema(Schema):
    # tier -> sends per day over the defaults (checked in messages/quota.py)
    daily_sends = fields.Dict(keys=fields.String(), load_default=None, allow_none=True)
    # channel -> days until a follow-up is due
    follow_up_days = fields.Dict(keys=fields.String(), values=fields.Integer(
        validate=validate.Range(min=1)), load_default=None, allow_none=True)
    batch = fields.Integer(load_default=100, validate=validate.Range(min=1),
                           metadata={"description": "messages per run of the outreach task"})
    notification_days = fields.Integer(
        load_default=90, validate=validate.Range(min=1, max=3650),
        metadata={"description": "days a notification stays in the inbox"})
