from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import PageQuery, Timestamp
from lightninghire_plugins.marketing.content.files import KINDS

SLUG = validate.And(validate.Length(min=1, max=100),
                    validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                    error="Lower-case letters, digits and single hyphens."),
                    validate.NoneOf(("search",), error="'search' is reserved."))
TAG = fields.String(validate=validate.Length(min=1, max=40))
STATUSES = ("draft", "published", "unpublished")
FORMATS = ("article", "mini-course", "reference-guide", "downloadable-tool")
MAX_BODY = 100_000


class ContentListQuery(PageQuery):
    tag = fields.String(load_default=None, validate=validate.Length(max=40))
    category = fields.String(load_default=None, validate=validate.Length(max=60))


class SearchQuery(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=100))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 50))


class LessonSchema(Schema):
    slug = fields.String()
    title = fields.String()
    summary = fields.String()
    access = fields.String(metadata={"description": "`free` or `pro`."})
    minutes = fields.Integer(allow_none=True)
    order = fields.Integer()
    locked = fields.Boolean(metadata={"description": "A Pro lesson the caller cannot open."})
    body = fields.String(allow_none=True, metadata={"description": "Markdown; null if locked."})


class ContentSummarySchema(Schema):
    id = fields.String()
    kind = fields.String()
    slug = fields.String()
    title = fields.String()
    summary = fields.String()
    tags = fields.List(fields.String())
    category = fields.String(allow_none=True)
    format = fields.String()
    author = fields.String(allow_none=True)
    leadMagnet = fields.String(allow_none=True,
                               metadata={"description": "The `source` to send to /api/leads."})
    publishedAt = Timestamp()
    updatedAt = Timestamp(metadata={"description": "Last updated."})
    stale = fields.Boolean(metadata={"description": "Last updated more than six months ago."})
    readingMinutes = fields.Integer(allow_none=True)
    lessonCount = fields.Integer()
    freeLessonCount = fields.Integer()
    score = fields.Integer()


class ContentSchema(ContentSummarySchema):
    body = fields.String(metadata={"description": "Markdown."})
    lessons = fields.List(fields.Nested(LessonSchema))


class LessonOutSchema(LessonSchema):
    course = fields.String()
    courseTitle = fields.String()


class SearchResultSchema(Schema):
    items = fields.List(fields.Nested(ContentSummarySchema))


class AdminContentSchema(ContentSchema):
    status = fields.String()
    origin = fields.String(metadata={"description": "`seed` (shipped) or `admin`."})


class AdminListQuery(PageQuery):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class LessonInSchema(Schema):
    slug = fields.String(required=True, validate=SLUG)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    summary = fields.String(validate=validate.Length(max=500))
    access = fields.String(load_default="free", validate=validate.OneOf(("free", "pro")))
    minutes = fields.Integer(allow_none=True, validate=validate.Range(1, 600))
    body = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BODY))


class ContentUpdateSchema(Schema):
    slug = fields.String(validate=SLUG)
    title = fields.String(validate=validate.Length(min=1, max=200))
    summary = fields.String(validate=validate.Length(max=500))
    body = fields.String(validate=validate.Length(max=MAX_BODY))
    tags = fields.List(TAG, validate=validate.Length(max=20))
    category = fields.String(allow_none=True, validate=validate.Length(max=60))
    format = fields.String(validate=validate.OneOf(FORMATS))
    author = fields.String(allow_none=True, validate=validate.Length(max=100))
    leadMagnet = fields.String(allow_none=True, validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(STATUSES),
                           metadata={"description": "`unpublished` takes a page down."})
    publishedAt = Timestamp()
    lessons = fields.List(fields.Nested(LessonInSchema), validate=validate.Length(max=50))

    @validates_schema
    def not_empty(self, data: dict, **kwargs: object) -> None:
        if not data:
            raise ValidationError("Nothing to change.")


class ContentInSchema(ContentUpdateSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    slug = fields.String(required=True, validate=SLUG)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    summary = fields.String(required=True, validate=validate.Length(max=500))
    body = fields.String(required=True, validate=validate.Length(max=MAX_BODY))
    status = fields.String(load_default="draft", validate=validate.OneOf(STATUSES))
