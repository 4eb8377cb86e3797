"""Bounded schemas of a builder resume: every string and list has a maximum."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import PageQuery, Timestamp
from lightninghire_plugins.jobsearch.resumes.download import FORMATS

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="Use YYYY-MM.")


def _text(max: int, required: bool = False) -> fields.String:
    return fields.String(required=required, validate=validate.Length(1 if required else 0, max))


def _month(description: str = "YYYY-MM", **kwargs: object) -> fields.String:
    return fields.String(validate=MONTH, metadata={"description": description,
                                                   "example": "2024-03"}, **kwargs)


def _list(item: fields.Field, max: int) -> fields.List:
    return fields.List(item, validate=validate.Length(max=max))


class _Dated(Schema):
    startDate = _month()
    endDate = _month("YYYY-MM; null or absent: to date", allow_none=True)

    @validates_schema
    def _ordered(self, data: dict, **kwargs: object) -> None:
        # YYYY-MM strings compare in calendar order.
        if data.get("startDate") and data.get("endDate") and data["endDate"] < data["startDate"]:
            raise ValidationError("The end date is before the start date.", "endDate")


class Contact(Schema):
    fullName = _text(120, required=True)
    headline = _text(200)
    email = fields.Email(validate=validate.Length(max=254))
    phone = _text(40)
    location = _text(120)
    links = _list(fields.Url(validate=validate.Length(max=300)), 5)


class Experience(_Dated):
    title = _text(150, required=True)
    company = _text(150, required=True)
    location = _text(120)
    current = fields.Boolean(load_default=False)
    bullets = _list(fields.String(validate=validate.Length(1, 500)), 15)


class Education(_Dated):
    school = _text(150, required=True)
    degree = _text(150)
    field = _text(150)
    details = _text(500)


class Project(Schema):
    name = _text(150, required=True)
    url = fields.Url(validate=validate.Length(max=300))
    description = _text(1000)
    technologies = _list(fields.String(validate=validate.Length(1, 60)), 20)
    bullets = _list(fields.String(validate=validate.Length(1, 500)), 10)


class Certification(Schema):
    name = _text(150, required=True)
    issuer = _text(150)
    date = _month()
    url = fields.Url(validate=validate.Length(max=300))


class BuilderIn(Schema):
    name = _text(200, required=True)
    contact = fields.Nested(Contact, required=True)
    summary = _text(3000)
    experience = _list(fields.Nested(Experience), 30)
    education = _list(fields.Nested(Education), 10)
    skills = _list(fields.String(validate=validate.Length(1, 60)), 100)
    projects = _list(fields.Nested(Project), 20)
    certifications = _list(fields.Nested(Certification), 20)


class BuilderPatch(BuilderIn):
    """A section given replaces that section whole; sections left out stay."""

    name = _text(200)
    contact = fields.Nested(Contact)


SECTIONS = ("contact", "summary", "experience", "education", "skills", "projects",
            "certifications")


class VersionIn(Schema):
    label = _text(120)


class ExportQuery(Schema):
    format = fields.String(load_default="pdf", validate=validate.OneOf(FORMATS))


class BuilderQuery(PageQuery):
    q = fields.String(validate=validate.Length(1, 100))


class BuilderOut(BuilderIn):
    id = fields.String()
    versionCount = fields.Integer()
    createdAt = Timestamp()
    updatedAt = Timestamp()


class VersionOut(Schema):
    id = fields.String()
    builderId = fields.String()
    number = fields.Integer()
    label = fields.String(allow_none=True)
    snapshot = fields.Nested(BuilderIn)
    createdAt = Timestamp()


class VersionSummary(Schema):
    id = fields.String()
    number = fields.Integer()
    label = fields.String(allow_none=True)
    name = fields.String()
    createdAt = Timestamp()
