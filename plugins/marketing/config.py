"""The marketing plugin's settings (``[plugins.marketing]``): a schema the plugin host loads.
The shapes of ``lead_magnets`` and ``drip`` are checked where they are read (leads/config.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class MarketingSettingsSchema(Schema):
    site_url = fields.String(load_default="", metadata={"description": "default http.public_url"})
    support_address = fields.String(load_default="",
                                    metadata={"description": "default mail.sender"})
    download_base_url = fields.String(load_default="",
                                      metadata={"description": "default: the API serves guides"})
    # source -> {title, url}; a list of {after_days, subject, body, ...}: checked where read
    lead_magnets = fields.Raw(load_default=None, allow_none=True)
    drip = fields.Raw(load_default=None, allow_none=True)
    drip_batch = fields.Integer(load_default=200, validate=validate.Range(min=1))
