"""Request and response shapes of ``/api/interviews``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from lightninghire.api import ObjectIdString, Timestamp, page_schema
from lightninghire_plugins.interview.common import INTERVIEW_TYPES, Choice, in_window


class InterviewerIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 120))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    email = fields.Email(load_default=None, allow_none=True)


class _Zone(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError("Not a known IANA time zone (e.g. Europe/Paris).") from None
        return text


def _check_window(data: Mapping[str, Any]) -> None:
    if data.get("startsAt") is not None:
        try:
            in_window(data["startsAt"], data.get("timeZone") or "UTC")
        except ValidationError as exc:
            raise ValidationError(exc.messages, "startsAt") from None


class InterviewIn(Schema):
    startsAt = fields.DateTime(required=True, metadata={
        "description": "ISO-8601; without an offset it is read in `timeZone`; "
                       "2000-01-01 to 2100-12-31 (UTC)"})
    timeZone = _Zone(load_default="UTC", validate=validate.Length(1, 64))
    durationMinutes = fields.Integer(load_default=60, validate=validate.Range(5, 600))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 200))
    company = fields.String(load_default="", validate=validate.Length(max=120))
    role = fields.String(load_default="", validate=validate.Length(max=120))
    type = Choice(INTERVIEW_TYPES, load_default=None, allow_none=True)
    applicationId = ObjectIdString(load_default=None, allow_none=True)
    interviewers = fields.List(fields.Nested(InterviewerIn), load_default=list,
                               validate=validate.Length(max=10))
    location = fields.String(load_default="", validate=validate.Length(max=300))
    link = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})
    notes = fields.String(load_default="", validate=validate.Length(max=5000))

    @validates("title")
    def _title(self, value: str | None, **_: object) -> None:
        if value is not None and not value.strip():
            raise ValidationError("Must not be blank.")

    @validates_schema(skip_on_field_errors=True)
    def _window(self, data: Mapping[str, Any], **_: object) -> None:
        _check_window(data)


class InterviewPatch(Schema):
    startsAt = fields.DateTime(metadata={"description": "2000-01-01 to 2100-12-31 (UTC)"})
    timeZone = _Zone(validate=validate.Length(1, 64))
    durationMinutes = fields.Integer(validate=validate.Range(5, 600))
    title = fields.String(validate=validate.Length(1, 200))
    company = fields.String(validate=validate.Length(max=120))
    role = fields.String(validate=validate.Length(max=120))
    type = Choice(INTERVIEW_TYPES, allow_none=True)
    interviewers = fields.List(fields.Nested(InterviewerIn), validate=validate.Length(max=10))
    location = fields.String(validate=validate.Length(max=300))
    link = fields.Url(allow_none=True, schemes={"http", "https"})
    notes = fields.String(validate=validate.Length(max=5000))

    @validates_schema(skip_on_field_errors=True)
    def _window(self, data: Mapping[str, Any], **_: object) -> None:
        # Without timeZone a naive time is read in the stored zone: the service checks again.
        _check_window(data)


class InterviewQuery(Schema):
    when = fields.String(load_default="upcoming", validate=validate.OneOf(["upcoming", "past",
                                                                           "all"]))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = fields.String(load_default=None, validate=validate.Regexp(
        r"^-?\d{1,15}\.[0-9a-f]{24}$", error="Not a valid cursor."))


class InterviewOut(Schema):
    id = fields.String()
    title = fields.String()
    company = fields.String()
    role = fields.String()
    type = fields.String(allow_none=True)
    applicationId = fields.String(allow_none=True)
    startsAt = Timestamp()
    endsAt = Timestamp()
    timeZone = fields.String()
    localStart = fields.String(metadata={"description": "start in the event's time zone"})
    durationMinutes = fields.Integer()
    interviewers = fields.List(fields.Dict())
    location = fields.String()
    link = fields.String(allow_none=True)
    notes = fields.String()
    remindersSent = fields.List(fields.String())
    createdAt = Timestamp()


InterviewPage = page_schema(InterviewOut, "InterviewPage")


class FeedOut(Schema):
    url = fields.String()
    token = fields.String()
