"""The caller's master resume (``/api/resume``): one document per user, beside the library.

The library (``/api/resumes``: uploaded or pasted, many, each master or tailored) and the builder
(``/api/builder-resumes``: structured) hold drafts and variants; the master resume is the one
text (Markdown) the user stands behind. It is stored as one document whose ``_id`` is the user's
id (at most one per user by construction, read and replaced by that key), written whole by
``PUT`` or copied from a library or builder resume. Its skills are parsed by the local lexicon
(deterministic and free, like an edit of a library resume), so it is never metered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lightninghire.api import NotFound
from lightninghire_plugins.jobsearch.builder.service import to_markdown
from lightninghire_plugins.jobsearch.common import owned
from lightninghire_plugins.jobsearch.resumes.download import download
from lightninghire_plugins.jobsearch.resumes.service import ResumeService
from lightninghire_plugins.jobsearch.skills import offline as extract_skills
from lightninghire_plugins.jobsearch.store import BUILDER_RESUMES, MASTER_RESUMES

DEFAULT_NAME = "Master resume"
EMPTY_MASTER: dict[str, Any] = {
    "saved": False, "name": DEFAULT_NAME, "content": "", "skills": [], "seniority": None,
    "yearsOfExperience": None, "source": None, "sourceId": None, "createdAt": None,
    "updatedAt": None}


class MasterResumeService:
    def __init__(self, services: Any, resumes: ResumeService) -> None:
        self.masters = services.db[MASTER_RESUMES]
        self.builders = services.db[BUILDER_RESUMES]
        self.clock = services.clock
        self.resumes = resumes

    def get(self, user_id: str) -> dict[str, Any]:
        """The saved master, or an empty one (``saved: false``) before the first write."""
        doc = self.masters.find_one({"_id": user_id})
        return self.public(doc) if doc else dict(EMPTY_MASTER)

    def replace(self, user_id: str, body: Mapping[str, Any], source: str = "paste",
                source_id: str | None = None) -> dict[str, Any]:
        now = self.clock.now()
        parsed = extract_skills({"text": body["content"], "kind": "resume"})
        fields = {"userId": user_id, "name": body["name"], "content": body["content"],
                  "skills": [s["name"] for s in parsed["skills"]],
                  "seniority": parsed["seniority"],
                  "yearsOfExperience": parsed["yearsOfExperience"], "source": source,
                  "sourceId": source_id, "updatedAt": now}
        # One atomic upsert by the user's id: two racing writes leave one master, the last.
        self.masters.update_one({"_id": user_id},
                                {"$set": fields, "$setOnInsert": {"createdAt": now}},
                                upsert=True)
        return self.public(self.masters.find_one({"_id": user_id}))

    def copy_from(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """The master set from one of the caller's library or builder resumes (others' are 404)."""
        if body.get("resumeId"):
            doc = owned(self.resumes.resumes, user_id, body["resumeId"], "resume")
            return self.replace(user_id, {"name": doc["name"], "content": doc["content"]},
                                source="resume", source_id=body["resumeId"])
        doc = owned(self.builders, user_id, body["builderResumeId"], "builder resume")
        return self.replace(user_id, {"name": doc["name"], "content": to_markdown(doc)[:50_000]},
                            source="builder", source_id=body["builderResumeId"])

    def delete(self, user_id: str) -> None:
        self.masters.delete_one({"_id": user_id})

    def _saved(self, user_id: str) -> dict[str, Any]:
        doc = self.masters.find_one({"_id": user_id})
        if doc is None:
            raise NotFound("No master resume saved yet: PUT /api/resume first.")
        return doc

    def export(self, user_id: str, format: str) -> tuple[str, str, bytes]:
        doc = self._saved(user_id)
        return download(doc["name"], doc["content"], format, self.clock.now())

    def ats_pdf(self, user_id: str, ref: Mapping[str, Any]) -> tuple[str, str, bytes]:
        doc = self._saved(user_id)
        return self.resumes.ats_render(user_id, doc["name"], doc["content"], ref)

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId")}
        out["saved"] = True
        return out
