"""Request and response shapes of ``/api/mock-interview``."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import ObjectIdString, PageQuery, Timestamp
from lightninghire_plugins.interview.common import INTERVIEW_TYPES, SENIORITY, Choice


class MockIn(Schema):
    company = fields.String(required=True, validate=validate.Length(1, 120))
    role = fields.String(required=True, validate=validate.Length(1, 120))
    interviewType = Choice(INTERVIEW_TYPES, required=True)
    focusAreas = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                             validate=validate.Length(max=14))
    seniority = Choice(SENIORITY, load_default=None, allow_none=True)
    questionCount = fields.Integer(load_default=5, validate=validate.Range(3, 10))
    applicationId = ObjectIdString(load_default=None, allow_none=True)
    jobDescription = fields.String(load_default="", validate=validate.Length(max=20_000))


class MockListQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(["in_progress",
                                                                        "completed"]))


class AnswerIn(Schema):
    questionId = fields.String(required=True, validate=validate.Length(1, 24))
    answer = fields.String(required=True, validate=validate.Length(1, 10_000))


class ScoresOut(Schema):
    completeness = fields.Integer()
    relevance = fields.Integer()
    structure = fields.Integer()
    specificity = fields.Integer()


class AveragesOut(Schema):
    """Per-dimension means over the answered questions, one decimal (not truncated)."""

    completeness = fields.Float(allow_none=True)
    relevance = fields.Float(allow_none=True)
    structure = fields.Float(allow_none=True)
    specificity = fields.Float(allow_none=True)


class RubricOut(Schema):
    dimension = fields.String()
    score = fields.Integer()
    scale = fields.String()
    feedback = fields.String()


class MockQuestionOut(Schema):
    id = fields.String()
    text = fields.String()
    category = fields.String()
    focusArea = fields.String(allow_none=True)
    guidance = fields.String()
    answered = fields.Boolean()
    overall = fields.Float(allow_none=True)


class DebriefOut(Schema):
    summary = fields.String()
    strengths = fields.List(fields.String())
    focusNext = fields.List(fields.String())
    dimensionAverages = fields.Nested(AveragesOut)
    answered = fields.Integer()
    total = fields.Integer()
    commonFlags = fields.List(fields.Dict())


class MockHeadOut(Schema):
    """What every view of a mock interview shows (the list's summary and the whole mock)."""

    id = fields.String()
    company = fields.String()
    role = fields.String()
    interviewType = fields.String()
    status = fields.String()
    overallScore = fields.Float(allow_none=True)
    createdAt = Timestamp()
    completedAt = Timestamp(allow_none=True)


class MockOut(MockHeadOut):
    seniority = fields.String(allow_none=True)
    focusAreas = fields.List(fields.String())
    applicationId = fields.String(allow_none=True)
    groupId = fields.String(allow_none=True)
    questions = fields.List(fields.Nested(MockQuestionOut))
    currentQuestionId = fields.String(allow_none=True)
    debrief = fields.Nested(DebriefOut, allow_none=True)


class MockSummaryOut(MockHeadOut):
    questionCount = fields.Integer()


class AnswerOut(Schema):
    id = fields.String()
    mockId = fields.String()
    questionId = fields.String()
    question = fields.String()
    answer = fields.String()
    attempt = fields.Integer()
    status = fields.String()
    scores = fields.Nested(ScoresOut, allow_none=True)
    overall = fields.Float(allow_none=True)
    rubric = fields.List(fields.Nested(RubricOut))
    flags = fields.List(fields.String())
    strengths = fields.List(fields.String())
    improvements = fields.List(fields.String())
    improvedAnswer = fields.String(allow_none=True)
    attemptsLeft = fields.Integer()
    nextQuestionId = fields.String(allow_none=True)
    createdAt = Timestamp()


class AnswerListOut(Schema):
    items = fields.List(fields.Nested(AnswerOut))
