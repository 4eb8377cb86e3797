from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import PageQuery, Timestamp
from lightninghire_plugins.ai_tools.common import JobRefSchema, ResumeRefSchema


class AnalyzeInSchema(Schema):
    job = fields.Nested(JobRefSchema, required=True,
                        metadata={"description": "`{id}` of a job or application in your "
                                                 "context, or `{description, title?, company?}`."})
    resume = fields.Nested(ResumeRefSchema, required=True,
                           metadata={"description": "`{id}` of a resume in your context, or "
                                                    "`{text}`."})


class EvaluationDimensionSchema(Schema):
    name = fields.String()
    score = fields.Integer()
    weight = fields.Float()
    rationale = fields.String()


class EvaluationSourceSchema(Schema):
    id = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    excerpt = fields.String()


class EvaluationSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "`done`, or `failed` when no AI answer "
                                                    "could be had."})
    grade = fields.String(allow_none=True, validate=validate.OneOf("ABCDF"))
    overallScore = fields.Integer(allow_none=True)
    dimensions = fields.List(fields.Nested(EvaluationDimensionSchema))
    strengths = fields.List(fields.String())
    gaps = fields.List(fields.String())
    recommendations = fields.List(fields.String())
    summary = fields.String(allow_none=True)
    job = fields.Nested(EvaluationSourceSchema)
    resume = fields.Nested(EvaluationSourceSchema)
    jobSkills = fields.List(fields.String())
    resumeSkills = fields.List(fields.String())
    provider = fields.String(allow_none=True)
    createdAt = Timestamp()


class EvaluationListQuery(PageQuery):
    grade = fields.String(load_default=None, validate=validate.OneOf("ABCDF"))
