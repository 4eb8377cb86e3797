"""Request and response shapes of the user-made question groups."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import ObjectIdString, PageQuery, Timestamp, page_schema
from lightninghire_plugins.interview.common import CATEGORIES, INTERVIEW_TYPES, SENIORITY, Choice
from lightninghire_plugins.interview.groups.service import (
    MAX_QUESTIONS,
    MOCK_MAX_QUESTIONS,
)
from lightninghire_plugins.interview.questions.schemas import QuestionOut

NAME = validate.Length(1, 80)
DESCRIPTION = validate.Length(max=500)
QUESTIONS = validate.Length(1, MAX_QUESTIONS)


class QuestionGroupItemIn(Schema):
    """A bank or own question by id, or a new question by its text and category."""

    questionId = fields.String(validate=validate.Length(1, 24))
    text = fields.String(validate=validate.Length(5, 500))
    category = Choice(CATEGORIES)

    @validates_schema
    def _one_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "questionId" in data:
            if "text" in data or "category" in data:
                raise ValidationError("Give either questionId, or text and category.")
        elif "text" not in data or "category" not in data:
            raise ValidationError("Give either questionId, or text and category.")


class QuestionGroupIn(Schema):
    name = fields.String(required=True, validate=NAME)
    description = fields.String(load_default="", validate=DESCRIPTION)
    questions = fields.List(fields.Nested(QuestionGroupItemIn), required=True,
                            validate=QUESTIONS)


class QuestionGroupPatch(Schema):
    name = fields.String(validate=NAME)
    description = fields.String(validate=DESCRIPTION)
    questions = fields.List(fields.Nested(QuestionGroupItemIn), validate=QUESTIONS)
    order = fields.List(fields.String(validate=validate.Length(1, 24)), validate=QUESTIONS)

    @validates_schema
    def _one_change_of_questions(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "questions" in data and "order" in data:
            raise ValidationError("Send questions (replace) or order (reorder), not both.")
        if not data:
            raise ValidationError("Nothing to change.")


class QuestionGroupQuestionOut(QuestionOut):
    position = fields.Integer()


class QuestionGroupOut(Schema):
    """A question group: a curated one (``kind: curated``, with ``slug``) or one of the
    caller's own (``kind: own``, with ``id``)."""

    id = fields.String()
    slug = fields.String()
    kind = fields.String()
    name = fields.String()
    description = fields.String()
    questionCount = fields.Integer()
    shared = fields.Boolean()
    createdAt = Timestamp()
    updatedAt = Timestamp(allow_none=True)
    questions = fields.List(fields.Nested(QuestionGroupQuestionOut))


class QuestionGroupSummaryOut(Schema):
    id = fields.String()
    kind = fields.String()
    name = fields.String()
    description = fields.String()
    questionCount = fields.Integer()
    shared = fields.Boolean()
    createdAt = Timestamp()
    updatedAt = Timestamp(allow_none=True)


QuestionGroupPageOut = page_schema(QuestionGroupSummaryOut)


class QuestionGroupShareOut(Schema):
    token = fields.String()
    url = fields.String()


class QuestionGroupRevokeOut(Schema):
    shared = fields.Boolean()


class SharedQuestionOut(Schema):
    position = fields.Integer()
    text = fields.String()
    category = fields.String()
    guidance = fields.String()


class SharedQuestionGroupOut(Schema):
    name = fields.String()
    description = fields.String()
    questionCount = fields.Integer()
    questions = fields.List(fields.Nested(SharedQuestionOut))
    sharedAt = Timestamp()


class QuestionGroupPracticeIn(Schema):
    company = fields.String(load_default="Practice", validate=validate.Length(1, 120))
    role = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 120))
    interviewType = Choice(INTERVIEW_TYPES, load_default="behavioral")
    seniority = Choice(SENIORITY, load_default=None, allow_none=True)
    questionCount = fields.Integer(load_default=None, allow_none=True,
                                   validate=validate.Range(1, MOCK_MAX_QUESTIONS))
    applicationId = ObjectIdString(load_default=None, allow_none=True)


class QuestionGroupQuery(PageQuery):
    pass
