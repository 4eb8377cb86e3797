"""Request and response shapes of ``/api/stories``."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import ObjectIdString, PageQuery, Timestamp
from lightninghire_plugins.interview.common import STORY_THEMES


def _text(limit: int, **kwargs: object) -> fields.String:
    return fields.String(validate=validate.Length(max=limit), **kwargs)


_TAGS = {"validate": validate.Length(max=20)}


class StoryIn(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 120))
    situation = _text(2000, load_default="")
    task = _text(2000, load_default="")
    action = _text(4000, load_default="")
    result = _text(2000, load_default="")
    tags = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list, **_TAGS)
    competencies = fields.List(fields.String(validate=validate.OneOf(STORY_THEMES)),
                               load_default=list, validate=validate.Length(max=8))
    applicationIds = fields.List(ObjectIdString(), load_default=list,
                                 validate=validate.Length(max=20))


class StoryPatch(Schema):
    title = fields.String(validate=validate.Length(1, 120))
    situation = _text(2000)
    task = _text(2000)
    action = _text(4000)
    result = _text(2000)
    tags = fields.List(fields.String(validate=validate.Length(1, 60)), **_TAGS)
    competencies = fields.List(fields.String(validate=validate.OneOf(STORY_THEMES)),
                               validate=validate.Length(max=8))
    applicationIds = fields.List(ObjectIdString(), validate=validate.Length(max=20))


class StoryQuery(PageQuery):
    tag = fields.String(load_default=None, validate=validate.Length(1, 60))
    competency = fields.String(load_default=None, validate=validate.OneOf(STORY_THEMES))
    applicationId = ObjectIdString(load_default=None)


class StarOut(Schema):
    """The parts a saved story and a draft both show."""

    title = fields.String()
    situation = fields.String()
    task = fields.String()
    action = fields.String()
    result = fields.String()
    competencies = fields.List(fields.String())


class StoryOut(StarOut):
    id = fields.String()
    tags = fields.List(fields.String())
    applicationIds = fields.List(fields.String())
    wordCount = fields.Integer()
    spokenSeconds = fields.Integer()
    createdAt = Timestamp()
    updatedAt = Timestamp()


class DraftOut(StarOut):
    missing = fields.List(fields.String())
    tips = fields.List(fields.String())


class CoverageOut(Schema):
    themes = fields.List(fields.Dict())
    storyCount = fields.Integer()
    target = fields.String()
    missing = fields.List(fields.String())
