"""Request and response shapes of ``/api/sessions``."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import ObjectIdString, PageQuery, Timestamp
from lightninghire_plugins.interview.common import INTERVIEW_TYPES, Choice

SPEAKERS = ("interviewer", "candidate", "other")
DOC_KINDS = ("job_description", "company_page", "interviewer_profile", "team_page",
             "product_docs", "resume", "notes")


class ContextDocIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(DOC_KINDS))
    title = fields.String(load_default="", validate=validate.Length(max=200))
    text = fields.String(load_default="", validate=validate.Length(max=20_000))
    url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})


class SessionIn(Schema):
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 200))
    company = fields.String(load_default="", validate=validate.Length(max=120))
    role = fields.String(load_default="", validate=validate.Length(max=120))
    interviewType = Choice(INTERVIEW_TYPES, load_default=None, allow_none=True)
    applicationId = ObjectIdString(load_default=None, allow_none=True)
    interviewers = fields.List(fields.String(validate=validate.Length(1, 120)),
                               load_default=list, validate=validate.Length(max=10))
    contextDocs = fields.List(fields.Nested(ContextDocIn), load_default=list,
                              validate=validate.Length(max=10))

    @validates_schema
    def _about_something(self, data: dict[str, Any], **kwargs: Any) -> None:
        # A session spends one of the capped live sessions: one about nothing is refused
        # before the entitlement stage runs, so it costs nothing.
        if not (data.get("company", "").strip() or data.get("role", "").strip()
                or data.get("applicationId")):
            raise ValidationError("Give the company or the role you are interviewing for (or "
                                  "the applicationId it belongs to).", "company")


class SessionPatch(Schema):
    title = fields.String(validate=validate.Length(1, 200))
    selfRating = fields.Integer(allow_none=True, validate=validate.Range(1, 5))
    notes = fields.String(validate=validate.Length(max=10_000))


class SegmentIn(Schema):
    speaker = fields.String(required=True, validate=validate.OneOf(SPEAKERS))
    text = fields.String(required=True, validate=validate.Length(1, 5000))
    startMs = fields.Integer(load_default=None, allow_none=True,
                             validate=validate.Range(0, 86_400_000))
    endMs = fields.Integer(load_default=None, allow_none=True,
                           validate=validate.Range(0, 86_400_000))


class SegmentsIn(Schema):
    segments = fields.List(fields.Nested(SegmentIn), required=True,
                           validate=validate.Length(1, 100))


class TranscriptQuery(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "md", "txt"]))
    q = fields.String(load_default=None, validate=validate.Length(1, 200))


class CoachIn(Schema):
    question = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(1, 1000))


class EndIn(Schema):
    selfRating = fields.Integer(load_default=None, allow_none=True,
                                validate=validate.Range(1, 5))


class SessionQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(["live", "ended"]))


class SegmentOut(Schema):
    seq = fields.Integer()
    speaker = fields.String()
    text = fields.String()
    startMs = fields.Integer(allow_none=True)
    endMs = fields.Integer(allow_none=True)


class SessionOut(Schema):
    id = fields.String()
    title = fields.String()
    company = fields.String()
    role = fields.String()
    interviewType = fields.String(allow_none=True)
    applicationId = fields.String(allow_none=True)
    interviewers = fields.List(fields.String())
    contextDocs = fields.List(fields.Dict())
    status = fields.String()
    segmentCount = fields.Integer()
    selfRating = fields.Integer(allow_none=True)
    notes = fields.String()
    debrief = fields.Dict(allow_none=True)
    metrics = fields.Dict(allow_none=True)
    startedAt = Timestamp()
    endedAt = Timestamp(allow_none=True)


class SegmentsOut(Schema):
    items = fields.List(fields.Nested(SegmentOut))
    segmentCount = fields.Integer()
