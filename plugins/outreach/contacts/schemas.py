"""Contacts: request and response schemas (JSON keys camelCase)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import ObjectIdString, PageQuery, Timestamp
from lightninghire_plugins.outreach.common import CONTACT_TYPES, WARMTHS

MAX_TAGS = 20
MAX_IMPORT_BYTES = 512 * 1024
MAX_IMPORT_ROWS = 1000


def _contact_fields(*, creating: bool) -> dict[str, fields.Field]:
    # One definition for create and patch: only create requires a name and fills defaults.
    name_options: dict[str, Any] = {"required": True} if creating else {}
    warmth_options: dict[str, Any] = {"load_default": "cold"} if creating else {}
    return {
        "name": fields.String(validate=validate.Length(min=1, max=120), **name_options),
        "email": fields.Email(allow_none=True, validate=validate.Length(max=254)),
        "company": fields.String(allow_none=True, validate=validate.Length(max=120)),
        "title": fields.String(allow_none=True, validate=validate.Length(max=120)),
        "contactType": fields.String(allow_none=True, validate=validate.OneOf(CONTACT_TYPES)),
        "linkedinUrl": fields.Url(allow_none=True, schemes={"http", "https"},
                                  validate=validate.Length(max=300)),
        "phone": fields.String(allow_none=True, validate=validate.Length(max=40)),
        "warmth": fields.String(validate=validate.OneOf(WARMTHS), **warmth_options),
        "tags": fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                            validate=validate.Length(max=MAX_TAGS)),
        "notes": fields.String(allow_none=True, validate=validate.Length(max=5000)),
        "lastContactedAt": Timestamp(allow_none=True),
        "nextFollowUpAt": Timestamp(allow_none=True),
    }


ContactInSchema = Schema.from_dict(_contact_fields(creating=True), name="ContactInSchema")
ContactPatchSchema = Schema.from_dict(_contact_fields(creating=False), name="ContactPatchSchema")


class ContactSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    contactType = fields.String(allow_none=True)
    linkedinUrl = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    warmth = fields.String()
    tags = fields.List(fields.String())
    notes = fields.String(allow_none=True)
    lastContactedAt = Timestamp(allow_none=True)
    nextFollowUpAt = Timestamp(allow_none=True)
    warmthDecay = fields.Boolean(metadata={
        "description": "A hot contact with no interaction for 90 days: time to reach out."})
    createdAt = Timestamp()
    updatedAt = Timestamp()


class ContactQuery(PageQuery):
    q = fields.String(validate=validate.Length(min=1, max=120), metadata={
        "description": "Matches name, email, company, title (case-insensitive) or a tag."})
    warmth = fields.String(validate=validate.OneOf(WARMTHS))
    tag = fields.String(validate=validate.Length(min=1, max=40))
    followUpDue = fields.Boolean(metadata={"description": "Only contacts whose next follow-up "
                                                         "is due now."})


class ContactImportSchema(Schema):
    csv = fields.String(required=True, validate=validate.Length(min=1, max=MAX_IMPORT_BYTES),
                        metadata={"description": "CSV text with a header row: name (or first "
                                                 "name + last name), email, company, title, "
                                                 "linkedin, phone, warmth, type, tags (; "
                                                 "separated), notes."})


class ImportProblemSchema(Schema):
    row = fields.Integer(metadata={"description": "1-based data row (the header is row 0)"})
    problems = fields.Dict(data_key="fields", metadata={"description": "Field -> messages"})


class ContactImportResultSchema(Schema):
    imported = fields.Integer()
    duplicates = fields.Integer()
    invalid = fields.List(fields.Nested(ImportProblemSchema))
    notImported = fields.Integer(metadata={"description": "Valid rows left out at the plan's cap"})
    limitReached = fields.Boolean()
    ids = fields.List(ObjectIdString())
