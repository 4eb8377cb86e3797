from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import ObjectIdString, PageQuery, Timestamp
from lightninghire_plugins.jobsearch.resumes.schemas import ResumeOut

STAGES = ("saved", "applied", "screening", "interviewing", "offer", "accepted", "rejected",
          "withdrawn")
LOCATION_TYPES = ("remote", "hybrid", "onsite")
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "internship")


def _text(n: int, **kw: object) -> fields.String:
    return fields.String(validate=validate.Length(max=n), **kw)


def _tags() -> fields.List:
    return fields.List(fields.String(validate=validate.Length(1, 40)),
                       validate=validate.Length(max=20))


class ApplicationFields(Schema):
    jobUrl = fields.Url(validate=validate.Length(max=2000), allow_none=True)
    description = _text(50_000, allow_none=True)
    location = _text(200, allow_none=True)
    locationType = fields.String(validate=validate.OneOf(LOCATION_TYPES), allow_none=True)
    seniority = _text(60, allow_none=True)
    employmentType = fields.String(validate=validate.OneOf(EMPLOYMENT_TYPES), allow_none=True)
    sourceJobId = _text(200, allow_none=True)
    sourceUrl = fields.Url(validate=validate.Length(max=2000), allow_none=True)
    applyBy = Timestamp(allow_none=True)
    followUpAt = Timestamp(allow_none=True)
    offerDeadline = Timestamp(allow_none=True)
    salary = _text(120, allow_none=True)
    coverLetter = _text(20_000, allow_none=True)
    nextActions = fields.List(fields.String(validate=validate.Length(1, 300)),
                              validate=validate.Length(max=20))
    tags = _tags()


class ApplicationIn(ApplicationFields):
    company = fields.String(required=True, validate=validate.Length(1, 200))
    role = fields.String(required=True, validate=validate.Length(1, 200))
    status = fields.String(load_default="saved", validate=validate.OneOf(STAGES))


class ApplicationPatch(ApplicationFields):
    company = fields.String(validate=validate.Length(1, 200))
    role = fields.String(validate=validate.Length(1, 200))
    status = fields.String(validate=validate.OneOf(STAGES))
    archived = fields.Boolean()


class ApplicationStageIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STAGES))
    note = _text(2000, load_default=None, allow_none=True)


class ApplicationNoteIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 5000))


class ActiveOpportunityIn(Schema):
    applicationId = ObjectIdString(required=True, allow_none=True)


class ApplicationBulkIn(Schema):
    ids = fields.List(ObjectIdString(), required=True, validate=validate.Length(1, 100))
    status = fields.String(validate=validate.OneOf(STAGES))
    addTag = fields.String(validate=validate.Length(1, 40))
    archived = fields.Boolean()


class ApplicationQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STAGES))
    q = fields.String(validate=validate.Length(1, 100))
    tag = fields.String(validate=validate.Length(1, 40))
    archived = fields.Boolean(load_default=False)
    activeSince = Timestamp()


TimelineEntry = Schema.from_dict({
    "type": fields.String(), "at": Timestamp(), "note": fields.String(allow_none=True),
    "from": fields.String(allow_none=True), "to": fields.String(allow_none=True),
}, name="ApplicationTimelineEntry")


class ApplicationNote(Schema):
    id = fields.String()
    text = fields.String()
    at = Timestamp()


class ApplicationOut(ApplicationFields):
    id = fields.String()
    company = fields.String()
    role = fields.String()
    status = fields.String()
    archived = fields.Boolean()
    active = fields.Boolean()
    matchScore = fields.Integer(allow_none=True)
    appliedAt = Timestamp(allow_none=True)
    jobId = fields.String(allow_none=True)
    timeline = fields.List(fields.Nested(TimelineEntry))
    notes = fields.List(fields.Nested(ApplicationNote))
    createdAt = Timestamp()
    updatedAt = Timestamp()
    lastActivityAt = Timestamp()
    duplicate = fields.Boolean()


BOARD_LIMIT_MAX = 50


class BoardQuery(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(1, BOARD_LIMIT_MAX),
                           metadata={"description": "cards per column (newest first)"})
    status = fields.String(validate=validate.OneOf(STAGES),
                           metadata={"description": "only this column (to page through it)"})
    cursor = fields.String(validate=validate.Length(max=64),
                           metadata={"description": "a column's nextCursor; needs status"})


class ApplicationCard(Schema):
    """A card as the board draws it (no description, timeline or notes: GET the item)."""

    id = fields.String()
    company = fields.String()
    role = fields.String()
    status = fields.String()
    location = fields.String(allow_none=True)
    locationType = fields.String(allow_none=True)
    seniority = fields.String(allow_none=True)
    employmentType = fields.String(allow_none=True)
    salary = fields.String(allow_none=True)
    matchScore = fields.Integer(allow_none=True)
    tags = fields.List(fields.String())
    jobUrl = fields.String(allow_none=True)
    applyBy = Timestamp(allow_none=True)
    followUpAt = Timestamp(allow_none=True)
    offerDeadline = Timestamp(allow_none=True)
    createdAt = Timestamp()
    lastActivityAt = Timestamp()
    active = fields.Boolean()


class BoardColumn(Schema):
    status = fields.String()
    count = fields.Integer(metadata={"description": "cards in this stage, not archived"})
    cards = fields.List(fields.Nested(ApplicationCard))
    nextCursor = fields.String(allow_none=True)


class ApplicationBoard(Schema):
    columns = fields.List(fields.Nested(BoardColumn))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "non-empty stages only"})
    total = fields.Integer()
    activeOpportunityId = fields.String(allow_none=True)


class AutoPipelineIn(Schema):
    """One posting: pasted ``text`` or a ``url`` to fetch (exactly one)."""

    text = fields.String(validate=validate.Length(max=50_000),
                         metadata={"description": "the posting, pasted"})
    url = fields.String(validate=validate.Length(max=2000),
                        metadata={"description": "the posting's http(s) address, fetched"})
    company = fields.String(validate=validate.Length(1, 200),
                            metadata={"description": "overrides what the posting says"})
    role = fields.String(validate=validate.Length(1, 200),
                         metadata={"description": "overrides what the posting says"})
    resumeId = ObjectIdString(metadata={"description": "the resume to tailor (default: your "
                                                       "newest master resume)"})
    contactName = fields.String(validate=validate.Length(1, 120),
                                metadata={"description": "who the outreach draft greets "
                                                         "(default: the team)"})

    @validates_schema
    def one_posting(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [name for name in ("text", "url") if (data.get(name) or "").strip()]
        if not given:
            raise ValidationError("Give the posting: paste its text, or give its url.", "_schema")
        if len(given) == 2:
            raise ValidationError("Give either text or url, not both.", "_schema")


class OutreachDraft(Schema):
    channel = fields.String()
    subject = fields.String()
    body = fields.String()


class AutoPipelineSource(Schema):
    kind = fields.String(metadata={"description": "text or url"})
    url = fields.String(allow_none=True)
    finalUrl = fields.String(allow_none=True, metadata={"description": "after redirects"})
    title = fields.String(allow_none=True)
    bytes = fields.Integer()


class AutoPipelineOut(Schema):
    application = fields.Nested(ApplicationOut)
    tailoredResume = fields.Nested(ResumeOut, allow_none=True)
    outreachDraft = fields.Nested(OutreachDraft, allow_none=True)
    notes = fields.List(fields.String(), metadata={"description": "what was skipped, and why"})
    source = fields.Nested(AutoPipelineSource)
