"""The cron plugin's settings (``[plugins.cron]``), declared as a schema the host loads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, validate

POSITIVE = validate.Range(min=1)


class CronSettingsSchema(Schema):
    """``[plugins.cron]``: a bad value or an unknown key stops startup naming the key."""

    batch_size = fields.Integer(load_default=200, validate=POSITIVE,
                                metadata={"description": "users handled per run of each task"})
    telemetry_retention_days = fields.Integer(load_default=90, validate=POSITIVE,
                                              metadata={"description": "TTL of telemetry"})
    streak_min_days = fields.Integer(load_default=2, validate=POSITIVE,
                                     metadata={"description": "a streak worth a nudge"})
    digest_max_items = fields.Integer(load_default=20, validate=POSITIVE,
                                      metadata={"description": "items per digest email"})
    app_url = fields.String(load_default=None, allow_none=True,
                            metadata={"description": "links in mail; default http.public_url"})


@dataclass(frozen=True)
class CronSettings:
    batch_size: int
    telemetry_retention_days: int
    streak_min_days: int
    digest_max_items: int
    app_url: str


def load(services: Any) -> CronSettings:
    """The loaded ``[plugins.cron]`` values (the host validated them at startup)."""
    values = services.plugin_settings("cron")
    app_url = (values["app_url"] or services.settings.http.public_url).rstrip("/")
    return CronSettings(values["batch_size"], values["telemetry_retention_days"],
                        values["streak_min_days"], values["digest_max_items"], app_url)
