"""Telemetry bodies: small, flat, bounded batches of named client events."""

from __future__ import annotations

import json
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import Timestamp

MAX_EVENTS = 50
MAX_PROPS = 20
MAX_PROP_TEXT = 500
MAX_EVENT_BYTES = 2048      # one event's props, as JSON
MAX_BATCH_BYTES = 32 * 1024  # the whole batch, as JSON
NAME = r"^[A-Za-z][A-Za-z0-9_.:/-]{0,63}$"
PROP_KEY = r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$"


def _check_props(props: dict[str, Any]) -> None:
    if len(props) > MAX_PROPS:
        raise ValidationError(f"At most {MAX_PROPS} properties.")
    for key, value in props.items():
        # Flat scalars only: nested objects are where unreviewed personal data hides.
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ValidationError(f"{key}: must be a string, number, boolean or null.")
        if isinstance(value, str) and len(value) > MAX_PROP_TEXT:
            raise ValidationError(f"{key}: at most {MAX_PROP_TEXT} characters.")
    if len(json.dumps(props, separators=(",", ":"))) > MAX_EVENT_BYTES:
        raise ValidationError(f"Properties may take at most {MAX_EVENT_BYTES} bytes as JSON.")


class TelemetryEventSchema(Schema):
    name = fields.String(required=True, validate=validate.Regexp(
        NAME, error="Letters, digits and _ . : / -, starting with a letter (at most 64)."))
    props = fields.Dict(keys=fields.String(validate=validate.Regexp(
                            PROP_KEY, error="Property names: letters, digits, _ . - (at most 40).")),
                        values=fields.Raw(allow_none=True), load_default=dict,
                        validate=_check_props)
    ts = Timestamp(load_default=None)


class TelemetryInSchema(Schema):
    events = fields.List(fields.Nested(TelemetryEventSchema), required=True,
                         validate=validate.Length(1, MAX_EVENTS))
    anonymousId = fields.String(load_default=None, validate=[
        validate.Length(8, 64),
        validate.Regexp(r"^[A-Za-z0-9_-]+$", error="Letters, digits, _ and - only.")])

    @validates_schema
    def _bounded(self, data: dict[str, Any], **kwargs: Any) -> None:
        size = len(json.dumps(data, default=str, separators=(",", ":")))
        if size > MAX_BATCH_BYTES:
            raise ValidationError(f"A batch may take at most {MAX_BATCH_BYTES} bytes.", "events")


class TelemetryAcceptedSchema(Schema):
    accepted = fields.Integer()
    dropped = fields.Integer()
    reason = fields.String(allow_none=True)


class TelemetryStatsQuery(Schema):
    days = fields.Integer(load_default=7, validate=validate.Range(1, 90))
    name = fields.String(load_default=None, validate=validate.Regexp(NAME))


class TelemetryStatsSchema(Schema):
    since = Timestamp(data_key="from")
    to = Timestamp()
    total = fields.Integer()
    events = fields.List(fields.Dict())
    byDay = fields.List(fields.Dict())
