"""The ``job_sources`` hookspec proposed for ``lightninghire.hookspecs`` (verbatim), added to a
running app's plugin manager by the tests until the core declares it."""

from __future__ import annotations

from typing import Any

from lightninghire.hookspecs import hookspec


@hookspec
def job_sources(services: Any) -> list[dict[str, Any]] | None:
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
