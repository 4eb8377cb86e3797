from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import ObjectIdString, PageQuery, Timestamp

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


class ApplicationBoard(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    total = fields.Integer()
    activeOpportunityId = fields.String(allow_none=True)
