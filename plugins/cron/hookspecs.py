"""Hooks the cron plugin offers other plugins (declared here, not in the core: the core's
hookspecs name mechanisms only). The plugin host adds them when cron is enabled; an
implementation marks itself ``@hookimpl(optionalhook=True)`` so that its plugin still starts
without cron (the hook is then simply never called)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lightninghire.api import hookspec

if TYPE_CHECKING:
    from datetime import datetime

    from lightninghire.api import Services


@hookspec
def collect_digest(user: dict[str, Any], since: datetime,
                   services: Services) -> list[dict[str, Any]] | None:
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


@hookspec
def cron_analytics_sections(user_id: str, weeks: int, detail: bool,
                            services: Services) -> dict[str, Any] | None:
    """Return this plugin's sections of one user's analytics: ``{"pipeline": {...}}``.

    Called by the cron plugin's ``GET /api/analytics`` (``detail`` true: the full view),
    ``GET /api/analytics/summary`` (``detail`` false: the limited view every plan sees) and by
    its ``weekly-digest`` task (``detail`` true, ``weeks`` 2). ``weeks`` (1-52) is how many ISO
    weeks, the current one included, a per-week series covers. Return ``None`` or a dict of
    section name -> JSON-ready dict; two plugins answering one section name: the first enabled
    wins (the other is logged). Answer from counters kept on write (documents read by ``_id``
    or another index): the cost must not grow with the user's history, and the digest calls
    this for every user.
    """
