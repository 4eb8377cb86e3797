"""Collection names and the one write pattern nx-27017 forces on arrays of subdocuments."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lightninghire.api import Conflict

APPLICATIONS = "jobsearch_applications"
ACTIVE = "jobsearch_active_opportunity"
BOARD_COUNTS = "jobsearch_board_counts"
JOBS = "jobsearch_jobs"
SAVED_SEARCHES = "jobsearch_saved_searches"
RECOMMENDATIONS = "jobsearch_recommendations"
RESUMES = "jobsearch_resumes"
MASTER_RESUMES = "jobsearch_master_resumes"
BUILDER_RESUMES = "jobsearch_builder_resumes"
BUILDER_VERSIONS = "jobsearch_builder_versions"
COMPANIES = "jobsearch_companies"
COMPANY_UNLOCKS = "jobsearch_company_unlocks"
WATCHES = "jobsearch_company_watches"
COMPANY_REQUESTS = "jobsearch_company_requests"
ROLES = "jobsearch_roles"
CANDIDATES = "jobsearch_candidates"


def revise(collection: Any, filter: Mapping[str, Any],
           change: Callable[[dict[str, Any]], dict[str, Any]], attempts: int = 5) -> dict[str, Any]:
    """Apply ``change(doc) -> {field: value}`` under a revision check and return the new doc.

    Arrays of subdocuments (timelines, notes) are rewritten whole: nx-27017's ``$push`` of a
    subdocument corrupts the existing items. The ``rev`` guard makes concurrent edits retry
    instead of losing one another's entries.
    """
    for _ in range(attempts):
        doc = collection.find_one(filter)
        if doc is None:
            return {}
        changes = change(doc)
        rev = doc.get("rev", 0)
        result = collection.update_one({**filter, "_id": doc["_id"], "rev": rev},
                                       {"$set": {**changes, "rev": rev + 1}})
        if result.matched_count:
            return {**doc, **changes, "rev": rev + 1}
    raise Conflict("The document changed while saving; please retry.")
