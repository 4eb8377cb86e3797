from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import ObjectIdString, PageQuery, Timestamp

STAGES = ("sourced", "screen", "interview", "offer", "hired", "rejected", "withdrawn")
SOURCES = ("manual", "resume_upload", "bulk_import", "extension")
RECOMMENDATIONS = ("strong_yes", "yes", "no", "strong_no")


def _text(n: int) -> fields.String:
    return fields.String(validate=validate.Length(max=n))


class CandidateFields(Schema):
    email = fields.Email(validate=validate.Length(max=254))
    phone = _text(40)
    title = _text(200)
    company = _text(200)
    headline = _text(300)
    location = _text(200)
    linkedin = fields.Url(validate=validate.Length(max=500))
    skills = fields.List(fields.String(validate=validate.Length(1, 80)),
                         validate=validate.Length(max=60))
    experience = _text(10_000)
    education = _text(5_000)
    certifications = _text(5_000)
    resumeText = _text(50_000)


class CandidateIn(CandidateFields):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    roleId = ObjectIdString(allow_none=True, load_default=None)
    source = fields.String(load_default="manual", validate=validate.OneOf(SOURCES))


class CandidatePatch(CandidateFields):
    name = fields.String(validate=validate.Length(1, 200))


class CandidateQuery(PageQuery):
    roleId = ObjectIdString()
    stage = fields.String(validate=validate.OneOf(STAGES))
    source = fields.String(validate=validate.OneOf(SOURCES))
    q = fields.String(validate=validate.Length(1, 100))


class CandidateStageIn(Schema):
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))


class CandidateNoteIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 5000))


class ScorecardCompetency(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 60))
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))


class ScorecardIn(Schema):
    overall = fields.Integer(validate=validate.Range(1, 5))
    recommendation = fields.String(validate=validate.OneOf(RECOMMENDATIONS))
    competencies = fields.List(fields.Nested(ScorecardCompetency), validate=validate.Length(max=12))
    notes = _text(5000)
    interviewer = _text(120)

    @validates_schema
    def _something(self, data: dict, **kwargs: object) -> None:
        if not any(data.get(k) for k in ("overall", "recommendation", "notes")):
            raise ValidationError("Give at least an overall rating, a recommendation or notes.",
                                  "overall")


class RubricScoreIn(Schema):
    question = fields.String(required=True, validate=validate.Length(1, 500))
    level = fields.Integer(required=True, validate=validate.Range(1, 4))
    notes = _text(2000)


class CandidateImportQuery(Schema):
    roleId = ObjectIdString(load_default=None)


class CandidateOut(CandidateFields):
    id = fields.String()
    name = fields.String()
    roleId = fields.String(allow_none=True)
    source = fields.String()
    stage = fields.String()
    stageHistory = fields.List(fields.Dict())
    stageChangedAt = Timestamp()
    daysInStage = fields.Integer()
    notes = fields.List(fields.Dict())
    scorecards = fields.List(fields.Dict())
    rubricScores = fields.List(fields.Dict())
    fitScore = fields.Dict(allow_none=True)
    createdAt = Timestamp()
