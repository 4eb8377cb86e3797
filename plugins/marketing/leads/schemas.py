from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire_plugins.marketing.common import Email, honeypot_field

UTM_TEXT = validate.Length(max=200)


class UtmSchema(Schema):
    source = fields.String(validate=UTM_TEXT)
    medium = fields.String(validate=UTM_TEXT)
    campaign = fields.String(validate=UTM_TEXT)
    term = fields.String(validate=UTM_TEXT)
    content = fields.String(validate=UTM_TEXT)


class LeadInSchema(Schema):
    email = Email(required=True)
    source = fields.String(required=True, validate=validate.Length(min=1, max=64),
                           metadata={"description": "The lead magnet, e.g. interview-prep-guide."})
    marketingOptIn = fields.Boolean(load_default=False)
    utm = fields.Nested(UtmSchema, load_default=None)
    website = honeypot_field()

