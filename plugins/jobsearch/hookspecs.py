"""Hooks the jobsearch plugin offers other plugins (declared here, not in the core: the core's
hookspecs name mechanisms only). The plugin host adds them when jobsearch is enabled; a caller
looks the hook up at call time and copes with its absence (no jobsearch: no applications)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lightninghire.api import hookspec

if TYPE_CHECKING:
    from lightninghire.api import Services


@hookspec(firstresult=True)
def jobsearch_owned_applications(user_id: str, application_ids: list[str],
                                 services: Services) -> list[str] | None:
    """Return which of ``application_ids`` are applications of ``user_id``.

    For a plugin that stores a reference to an application (a story, a mock interview, a
    session, a scheduled interview): an id missing from the answer is another user's or does
    not exist, and the caller answers 404. One indexed read whatever the number of ids;
    malformed ids are simply not in the answer.
    """


@hookspec
def job_sources(services: Services) -> list[dict[str, Any]] | None:
    """Return job postings to add to (or refresh in) the jobsearch plugin's shared jobs.

    Called by the jobsearch plugin's hourly ``jobs-sync`` task, once per run. Return ``None``
    or a list of dicts with the keys of ``lightninghire jobs import`` JSON: ``title``
    (required), ``company``, ``location``, ``remote``, ``description``, ``responsibilities``,
    ``requiredQualifications``, ``preferredQualifications``, ``salaryMin``, ``salaryMax``,
    ``baseSalary``, ``url`` (http or https), ``postedAt`` (ISO-8601), ``externalId`` and
    ``source`` (defaults to the plugin's name). A posting with the same ``source`` and
    ``externalId`` as a stored one updates it. Invalid items are counted and skipped; at most
    5,000 items are read per plugin per run. An exception is logged and the other plugins'
    postings are still stored.
    """
