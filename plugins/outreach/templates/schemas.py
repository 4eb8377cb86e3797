"""Templates: request and response schemas."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import ObjectIdString, PageQuery, Timestamp
from lightninghire_plugins.outreach.common import CHANNELS, PURPOSES
from lightninghire_plugins.outreach.templates.rendering import problem_of

TEMPLATE_ID = validate.Regexp(r"^([0-9a-f]{24}|[a-z0-9][a-z0-9-]{0,79})$",
                              error="Not a valid template id.")
MAX_BODY = 5000
MAX_SUBJECT = 300  # template text; the rendered subject is checked again when sending


def _template_text(value: str) -> None:
    # In the schema, so a refused template is refused before the entitlement stage counts it.
    problem = problem_of(value)
    if problem:
        raise ValidationError(problem)


class TemplateInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    purpose = fields.String(allow_none=True, validate=validate.OneOf(PURPOSES))
    channel = fields.String(load_default="email", validate=validate.OneOf(CHANNELS))
    subject = fields.String(load_default="", validate=[validate.Length(max=MAX_SUBJECT),
                                                       _template_text])
    body = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_BODY),
                                                  _template_text])

    @validates_schema
    def subject_for_email_only(self, data: dict, **kwargs: object) -> None:
        if data.get("channel") != "email" and data.get("subject"):
            raise ValidationError("Only email templates have a subject.", "subject")


class TemplatePatchSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=80))
    purpose = fields.String(allow_none=True, validate=validate.OneOf(PURPOSES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    subject = fields.String(validate=[validate.Length(max=MAX_SUBJECT), _template_text])
    body = fields.String(validate=[validate.Length(min=1, max=MAX_BODY), _template_text])


class TemplateSchema(Schema):
    id = fields.String()
    system = fields.Boolean(metadata={"description": "Shipped with LightningHire (read-only)"})
    name = fields.String()
    description = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    channel = fields.String()
    subject = fields.String()
    body = fields.String()
    variables = fields.List(fields.String(), metadata={"description": "Variables it uses"})
    createdAt = Timestamp(allow_none=True)
    updatedAt = Timestamp(allow_none=True)


class TemplateQuery(PageQuery):
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))


class SystemTemplateQuery(Schema):
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))


class SystemTemplateListSchema(Schema):
    items = fields.List(fields.Nested(TemplateSchema))
    variables = fields.Dict(keys=fields.String(), values=fields.String(),
                            metadata={"description": "Every variable a template may use"})


class PreviewInSchema(Schema):
    templateId = fields.String(validate=TEMPLATE_ID)
    subject = fields.String(validate=validate.Length(max=MAX_SUBJECT))
    body = fields.String(validate=validate.Length(min=1, max=MAX_BODY))
    contactId = ObjectIdString()
    context = fields.String(load_default="", validate=validate.Length(max=1000))
    values = fields.Dict(keys=fields.String(validate=validate.Length(max=40)),
                         values=fields.String(validate=validate.Length(max=500)),
                         validate=validate.Length(max=20),
                         metadata={"description": "Values that override the contact's and "
                                                  "your profile's"})

    @validates_schema
    def one_source(self, data: dict, **kwargs: object) -> None:
        if ("templateId" in data) == ("body" in data):
            raise ValidationError("Give either templateId or body.", "templateId")


class PreviewSchema(Schema):
    subject = fields.String()
    body = fields.String()
    variables = fields.List(fields.String(), metadata={"description": "Variables used"})
    missing = fields.List(fields.String(), metadata={"description": "Used but without a value"})
