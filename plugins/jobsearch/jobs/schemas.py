from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import ObjectIdString, PageQuery, Timestamp, page_schema


class SearchFields(Schema):
    q = fields.String(validate=validate.Length(1, 200))
    location = fields.String(validate=validate.Length(1, 100))
    remote = fields.Boolean()
    salaryMin = fields.Integer(validate=validate.Range(0, 10_000_000))
    postedWithinDays = fields.Integer(validate=validate.Range(1, 365))


class JobQuery(SearchFields, PageQuery):
    pass


class SavedSearchIn(SearchFields):
    name = fields.String(required=True, validate=validate.Length(1, 100))


class SavedSearchOut(Schema):
    id = fields.String()
    name = fields.String()
    q = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    remote = fields.Boolean(allow_none=True)
    salaryMin = fields.Integer(allow_none=True)
    postedWithinDays = fields.Integer(allow_none=True)
    createdAt = Timestamp()


class JobOut(Schema):
    id = fields.String()
    title = fields.String()
    company = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    remote = fields.Boolean()
    description = fields.String(allow_none=True)
    responsibilities = fields.List(fields.String())
    requiredQualifications = fields.List(fields.String())
    preferredQualifications = fields.List(fields.String())
    baseSalary = fields.Float(allow_none=True)
    salaryMin = fields.Float(allow_none=True)
    salaryMax = fields.Float(allow_none=True)
    notes = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    source = fields.String()
    externalId = fields.String(allow_none=True)
    postedAt = Timestamp()
    createdAt = Timestamp()
    relevance = fields.Float()


class JobPage(page_schema(JobOut)):
    total = fields.Integer()


class JobMatchIn(Schema):
    jobId = ObjectIdString()
    jobDescription = fields.String(validate=validate.Length(1, 50_000))
    jobTitle = fields.String(validate=validate.Length(1, 200))
    resumeId = ObjectIdString()
    resumeText = fields.String(validate=validate.Length(1, 50_000))
    applicationId = ObjectIdString()

    @validates_schema
    def _one_job(self, data: dict, **kwargs: object) -> None:
        if not data.get("jobId") and not data.get("jobDescription"):
            raise ValidationError("Give jobId or jobDescription.", "jobId")


class JobMatchOut(Schema):
    score = fields.Integer()
    band = fields.String()
    label = fields.String()
    reasons = fields.List(fields.String())
    matchedSkills = fields.List(fields.String(), metadata={
        "description": "required skills the resume shows in its work (or a summary/course)"})
    missingSkills = fields.List(fields.String(), metadata={
        "description": "required skills absent from the resume"})
    claimedOnlySkills = fields.List(fields.String(), metadata={
        "description": "required skills only listed (skills list, headline), not shown in work"})
    requiredSkills = fields.List(fields.String())
    mentionedMissing = fields.List(fields.String())
    niceToHaveMatched = fields.List(fields.String())
    niceToHaveMissing = fields.List(fields.String())
    missingCredentials = fields.List(fields.String(), metadata={
        "description": "licences/certifications the job requires that the resume does not show"})
    keywordCoverage = fields.Float(allow_none=True)
    components = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True,
                             metadata={"description": "skills, experience, seniority, "
                                                      "vocabulary, each 0-100"})
    ceiling = fields.Integer(allow_none=True, metadata={
        "description": "the cap a missing required licence puts on the score"})
    yearsAsked = fields.Integer(allow_none=True)
    yearsRelevant = fields.Integer(allow_none=True)
    jobSeniority = fields.String()
    resumeSeniority = fields.String()
    overQualified = fields.Boolean()
    jobId = fields.String(allow_none=True)
    resumeId = fields.String(allow_none=True)


class RecommendationOut(Schema):
    jobId = fields.String()
    title = fields.String()
    company = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    relevance = fields.Float()


class RecommendationsOut(Schema):
    jobs = fields.List(fields.Nested(RecommendationOut))
    at = Timestamp()


class ImportOut(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    errors = fields.List(fields.Dict())


class JobSaveIn(Schema):
    status = fields.String(load_default="saved", validate=validate.OneOf(["saved", "applied"]))
