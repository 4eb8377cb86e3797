"""The ``collect_digest`` hookspec proposed for ``lightninghire.hookspecs`` (verbatim), added to
a running app's plugin manager by the digest tests until the core declares it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lightninghire.hookspecs import hookspec


@hookspec
def collect_digest(user: dict[str, Any], since: datetime,
                   services: Any) -> list[dict[str, Any]] | None:
    """Return the items of one user's job digest: what is new for them since ``since``.

    Called by the cron plugin's daily ``job-digest`` task, once per user who has not turned the
    digest off (``settings.emails.digest``). ``user`` is the user document (``_id``, ``email``,
    ``name``, ``userType``, ``settings``); ``since`` is when this user's previous digest went out
    (at most 7 days back; one day back for the first one). Return ``None`` or ``[]`` when there
    is nothing new, else a list of dicts: ``title`` (required), ``url`` (http or https),
    ``company``, ``location``, ``search`` (the saved search it matched, used as a heading).
    Other keys are ignored; texts are trimmed; the mail shows at most 20 items. Read only this
    user's documents and answer from indexed reads: the task calls this for every user.
    """
