"""The cron plugin's settings (``[plugins.cron]``), read once with defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lightninghire.errors import StartupError

DEFAULTS: dict[str, Any] = {
    "batch_size": 200,               # users handled per run of each engagement task
    "telemetry_retention_days": 90,  # TTL of stored telemetry events
    "streak_min_days": 2,            # a streak this long is worth a nudge
    "digest_max_items": 20,          # items per digest email
    "app_url": None,                 # links in mail; default http.public_url
}


@dataclass(frozen=True)
class CronSettings:
    batch_size: int
    telemetry_retention_days: int
    streak_min_days: int
    digest_max_items: int
    app_url: str


def load(services: Any) -> CronSettings:
    """``[plugins.cron]`` over the defaults; a bad value stops startup naming the key."""
    given = services.plugin_settings("cron")
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise StartupError(f"plugin 'cron': unknown setting(s) {', '.join(unknown)}")
    values = {**DEFAULTS, **given}
    for key in ("batch_size", "telemetry_retention_days", "streak_min_days", "digest_max_items"):
        if not isinstance(values[key], int) or isinstance(values[key], bool) or values[key] < 1:
            raise StartupError(f"plugin 'cron': {key} must be a positive integer")
    app_url = (values["app_url"] or services.settings.http.public_url).rstrip("/")
    return CronSettings(values["batch_size"], values["telemetry_retention_days"],
                        values["streak_min_days"], values["digest_max_items"], app_url)
