from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import ObjectIdString, PageQuery, Timestamp
from lightninghire_plugins.jobsearch.resumes.download import FORMATS

KINDS = ("master", "tailored")
STATUSES = ("draft", "ready", "archived")


def _tags() -> fields.List:
    return fields.List(fields.String(validate=validate.Length(1, 40)),
                       validate=validate.Length(max=20))


class ResumeIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    content = fields.String(required=True, validate=validate.Length(1, 50_000),
                            metadata={"description": "plain text or Markdown"})
    tags = _tags()
    status = fields.String(load_default="ready", validate=validate.OneOf(STATUSES))


class ResumePatch(Schema):
    name = fields.String(validate=validate.Length(1, 200))
    content = fields.String(validate=validate.Length(1, 50_000))
    tags = _tags()
    status = fields.String(validate=validate.OneOf(STATUSES))


class ResumeQuery(PageQuery):
    q = fields.String(validate=validate.Length(1, 100))
    kind = fields.String(validate=validate.OneOf(KINDS))


class UploadQuery(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))


class AtsReportIn(Schema):
    jobId = ObjectIdString()
    applicationId = ObjectIdString()
    jobDescription = fields.String(validate=validate.Length(1, 50_000))
    jobTitle = fields.String(validate=validate.Length(1, 200))
    company = fields.String(validate=validate.Length(1, 200))

    @validates_schema
    def _one(self, data: dict, **kwargs: object) -> None:
        # A blank description names no job: refused like a missing one.
        if not any((data.get(k) or "").strip() for k in ("jobId", "applicationId",
                                                         "jobDescription")):
            raise ValidationError("Give jobId, applicationId or jobDescription.", "jobDescription")


class TailorIn(Schema):
    jobDescription = fields.String(required=True, validate=validate.Length(1, 50_000))
    jobTitle = fields.String(validate=validate.Length(1, 200))
    company = fields.String(validate=validate.Length(1, 200))


class TailorToJobIn(Schema):
    jobId = ObjectIdString()
    applicationId = ObjectIdString()

    @validates_schema
    def _one(self, data: dict, **kwargs: object) -> None:
        if bool(data.get("jobId")) == bool(data.get("applicationId")):
            raise ValidationError("Give exactly one of jobId or applicationId.", "jobId")


class ExportQuery(Schema):
    format = fields.String(load_default="markdown", validate=validate.OneOf(FORMATS))


class MasterExportQuery(Schema):
    format = fields.String(load_default="pdf", validate=validate.OneOf(FORMATS))


class MasterIn(Schema):
    """``PUT /api/resume``: the whole master resume (it replaces the one saved)."""

    name = fields.String(required=True, validate=validate.Length(1, 200))
    content = fields.String(required=True, validate=validate.Length(1, 50_000),
                            metadata={"description": "plain text or Markdown"})

    @validates_schema
    def _words(self, data: dict, **kwargs: object) -> None:
        for key in ("name", "content"):
            if key in data and not data[key].strip():
                raise ValidationError("Must not be blank.", key)


class MasterFromIn(Schema):
    """``POST /api/resume/from``: copy one of the caller's resumes into the master."""

    resumeId = ObjectIdString(metadata={"description": "a resume of /api/resumes"})
    builderResumeId = ObjectIdString(metadata={"description": "a resume of /api/builder-resumes"})

    @validates_schema
    def _one(self, data: dict, **kwargs: object) -> None:
        if bool(data.get("resumeId")) == bool(data.get("builderResumeId")):
            raise ValidationError("Give exactly one of resumeId or builderResumeId.", "resumeId")


class MasterOut(Schema):
    saved = fields.Boolean(metadata={"description": "false until the first PUT or copy"})
    name = fields.String()
    content = fields.String()
    skills = fields.List(fields.String())
    seniority = fields.String(allow_none=True)
    yearsOfExperience = fields.Integer(allow_none=True)
    source = fields.String(allow_none=True, metadata={"description": "paste, resume or builder"})
    sourceId = fields.String(allow_none=True)
    createdAt = Timestamp(allow_none=True)
    updatedAt = Timestamp(allow_none=True)


class ResumeEdit(Schema):
    type = fields.String()
    before = fields.String()
    after = fields.String()
    reason = fields.String()


class ResumeOut(Schema):
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    parentId = fields.String(allow_none=True)
    content = fields.String()
    skills = fields.List(fields.String())
    seniority = fields.String(allow_none=True)
    yearsOfExperience = fields.Integer(allow_none=True)
    tags = fields.List(fields.String())
    status = fields.String()
    source = fields.String()
    target = fields.Dict(allow_none=True)
    edits = fields.List(fields.Nested(ResumeEdit))
    gaps = fields.List(fields.String())
    matchScore = fields.Integer(allow_none=True)
    parseWarnings = fields.List(fields.String())
    createdAt = Timestamp()
    updatedAt = Timestamp()


class AtsReport(Schema):
    score = fields.Integer()
    band = fields.String()
    present = fields.List(fields.String())
    missing = fields.List(fields.String())
    niceToHaveMissing = fields.List(fields.String())
    keyPhrasesMissing = fields.List(fields.String())
    tips = fields.List(fields.String())
