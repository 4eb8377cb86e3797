"""Request and response shapes of ``/api/questions`` and ``/api/question-groups``."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import PageQuery, Timestamp, page_schema
from lightninghire_plugins.interview.common import CATEGORIES, Choice, FocusArea
from lightninghire_plugins.interview.questions.service import SORTS, STATUSES


class QuestionQuery(PageQuery):
    q = fields.String(load_default=None, validate=validate.Length(1, 200))
    category = Choice(CATEGORIES, load_default=None)
    focusArea = FocusArea(load_default=None)
    group = fields.String(load_default=None, validate=validate.Length(1, 60))
    starred = fields.Boolean(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    source = fields.String(load_default="all", validate=validate.OneOf(["all", "bank", "mine"]))
    sort = fields.String(load_default="default", validate=validate.OneOf(SORTS))


class QuestionIn(Schema):
    text = fields.String(required=True, validate=validate.Length(5, 500))
    category = Choice(CATEGORIES, required=True)
    tags = fields.List(fields.String(validate=validate.Length(1, 40)), load_default=list,
                       validate=validate.Length(max=10))


class MarkIn(Schema):
    starred = fields.Boolean()
    status = fields.String(validate=validate.OneOf(STATUSES))
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


class AttemptOut(Schema):
    score = fields.Float()
    source = fields.String()
    ref = fields.String(allow_none=True)
    at = Timestamp()


class QuestionOut(Schema):
    id = fields.String()
    text = fields.String()
    category = fields.String()
    tags = fields.List(fields.String())
    focusAreas = fields.List(fields.String())
    source = fields.String()
    guidance = fields.String()
    answerTips = fields.String()
    company = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    starred = fields.Boolean()
    status = fields.String()
    note = fields.String(allow_none=True)
    attemptCount = fields.Integer()
    latestScore = fields.Float(allow_none=True)
    bestScore = fields.Float(allow_none=True)
    trend = fields.String(allow_none=True)
    lastPracticedAt = Timestamp(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptOut))


class QuestionPageOut(page_schema(QuestionOut)):
    total = fields.Integer()


class GroupOut(Schema):
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    questionCount = fields.Integer()
    questions = fields.List(fields.Nested(QuestionOut))


class GroupListOut(Schema):
    items = fields.List(fields.Nested(GroupOut))
