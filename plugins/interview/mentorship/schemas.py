"""Request and response shapes of ``/api/mentors`` and ``/api/mentorship``."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import ObjectIdString, PageQuery, Timestamp, page_schema
from lightninghire_plugins.interview.common import in_window

_WORDS = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                     validate=validate.Length(max=20))


class ProfileIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 120))
    headline = fields.String(load_default="", validate=validate.Length(max=200))
    bio = fields.String(load_default="", validate=validate.Length(max=4000))
    expertise = _WORDS
    roles = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                        validate=validate.Length(max=20),
                        metadata={"description": "roles the mentor can help with"})
    timeZone = fields.String(load_default="UTC", validate=validate.Length(1, 64))
    active = fields.Boolean(load_default=True)


class SlotIn(Schema):
    startsAt = fields.AwareDateTime(required=True, validate=in_window,
                                    metadata={"description": "2000-01-01 to 2100-12-31 (UTC)"})
    durationMinutes = fields.Integer(load_default=30, validate=validate.Range(15, 240))


class SlotsIn(Schema):
    slots = fields.List(fields.Nested(SlotIn), required=True, validate=validate.Length(1, 50))


class MentorQuery(PageQuery):
    q = fields.String(load_default=None, validate=validate.Length(1, 200))
    expertise = fields.String(load_default=None, validate=validate.Length(1, 60))


class BookingIn(Schema):
    slotId = ObjectIdString(required=True)
    topic = fields.String(load_default="", validate=validate.Length(max=1000))


class BookingQuery(PageQuery):
    role = fields.String(load_default="mentee", validate=validate.OneOf(["mentee", "mentor"]))


class SlotOut(Schema):
    id = fields.String()
    startsAt = Timestamp()
    durationMinutes = fields.Integer()
    booked = fields.Boolean()
    bookingId = fields.String(allow_none=True)


class MentorOut(Schema):
    id = fields.String()
    name = fields.String()
    headline = fields.String()
    bio = fields.String()
    expertise = fields.List(fields.String())
    roles = fields.List(fields.String())
    timeZone = fields.String()
    active = fields.Boolean()
    matchScore = fields.Float(allow_none=True)
    matchedOn = fields.List(fields.String())
    openSlots = fields.List(fields.Nested(SlotOut))


MentorPage = page_schema(MentorOut, "MentorPage")


class BookingOut(Schema):
    id = fields.String()
    mentorId = fields.String()
    mentorName = fields.String()
    slotId = fields.String()
    startsAt = Timestamp()
    durationMinutes = fields.Integer()
    topic = fields.String()
    status = fields.String()
    role = fields.String()
    createdAt = Timestamp()
    cancelledAt = Timestamp(allow_none=True)


class SlotList(Schema):
    items = fields.List(fields.Nested(SlotOut))
