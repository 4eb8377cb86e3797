"""The cron route's query and answer."""

from __future__ import annotations

from marshmallow import Schema, fields


class CronRunQuery(Schema):
    # true: the run also claims the task's latest fire time, so a built-in scheduler running
    # beside the external cron does not repeat it (docs/tasks.md); a repeat answers 409.
    scheduled = fields.Boolean(load_default=False)


class CronRunSchema(Schema):
    task = fields.String()
    status = fields.String()
    processed = fields.Integer()
    sent = fields.Integer()
    skipped = fields.Integer()
    durationMs = fields.Integer()
    runId = fields.String()
    trigger = fields.String()
    # Already ISO-8601 UTC strings in the run record.
    startedAt = fields.String()
    endedAt = fields.String()
    scheduledFor = fields.String(allow_none=True)
    summary = fields.Dict()
    error = fields.String(allow_none=True)
