"""Builder resumes: structured sections, immutable numbered versions, Markdown, PDF and DOCX
renders."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from lightninghire.api import Conflict, NotFound, paginate
from lightninghire_plugins.jobsearch.builder.schemas import SECTIONS
from lightninghire_plugins.jobsearch.common import owned
from lightninghire_plugins.jobsearch.resumes.download import download
from lightninghire_plugins.jobsearch.resumes.service import ResumeService
from lightninghire_plugins.jobsearch.store import BUILDER_RESUMES, BUILDER_VERSIONS

EMPTY: dict[str, Any] = {"summary": "", "experience": [], "education": [], "skills": [],
                         "projects": [], "certifications": []}


def _span(item: Mapping[str, Any]) -> str:
    start = item.get("startDate") or ""
    end = item.get("endDate") or ("Present" if item.get("current") or start else "")
    return " - ".join(p for p in (start, end) if p)


def to_markdown(doc: Mapping[str, Any]) -> str:
    """The resume as single-column Markdown: the name first, then one heading per section."""
    contact = doc["contact"]
    lines = [contact["fullName"]]
    if contact.get("headline"):
        lines.append(contact["headline"])
    reach = [contact.get(k) for k in ("email", "phone", "location")] + contact.get("links", [])
    if any(reach):
        lines.append(" | ".join(r for r in reach if r))
    if doc.get("summary"):
        lines += ["", "## Summary", doc["summary"]]
    if doc.get("experience"):
        lines += ["", "## Experience"]
        for job in doc["experience"]:
            where = f", {job['location']}" if job.get("location") else ""
            lines += ["", f"### {job['title']} - {job['company']}{where}"]
            if _span(job):
                lines.append(_span(job))
            lines += [f"- {b}" for b in job.get("bullets", [])]
    if doc.get("education"):
        lines += ["", "## Education"]
        for school in doc["education"]:
            degree = ", ".join(p for p in (school.get("degree"), school.get("field")) if p)
            lines += ["", f"### {school['school']}" + (f" - {degree}" if degree else "")]
            lines += [p for p in (_span(school), school.get("details")) if p]
    if doc.get("skills"):
        lines += ["", "## Skills", ", ".join(doc["skills"])]
    if doc.get("projects"):
        lines += ["", "## Projects"]
        for project in doc["projects"]:
            lines += ["", f"### {project['name']}"]
            lines += [p for p in (project.get("url"), project.get("description")) if p]
            if project.get("technologies"):
                lines.append("Technologies: " + ", ".join(project["technologies"]))
            lines += [f"- {b}" for b in project.get("bullets", [])]
    if doc.get("certifications"):
        lines += ["", "## Certifications"]
        for cert in doc["certifications"]:
            extra = ", ".join(p for p in (cert.get("issuer"), cert.get("date")) if p)
            lines.append(f"- {cert['name']}" + (f" ({extra})" if extra else ""))
    return "\n".join(lines).strip() + "\n"


class BuilderService:
    def __init__(self, services: Any, resumes: ResumeService) -> None:
        self.builders = services.db[BUILDER_RESUMES]
        self.versions = services.db[BUILDER_VERSIONS]
        self.clock = services.clock
        self.events = services.events
        self.resumes = resumes

    def create(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        doc = {**EMPTY, **body, "userId": user_id, "versionCount": 0, "createdAt": now,
               "updatedAt": now}
        doc["_id"] = self.builders.insert_one(doc).inserted_id
        return self.public(doc)

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter: dict[str, Any] = {"userId": user_id}
        if query.get("q"):
            filter["name"] = {"$regex": re.escape(query["q"]), "$options": "i"}
        return paginate(self.builders, filter, limit=query["limit"], cursor=query.get("cursor"),
                        transform=self.public)

    def get(self, user_id: str, id: str) -> dict[str, Any]:
        return self.public(owned(self.builders, user_id, id, "builder resume"))

    def update(self, user_id: str, id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        doc = owned(self.builders, user_id, id, "builder resume")
        changes = {**body, "updatedAt": self.clock.now()}
        self.builders.update_one({"_id": doc["_id"]}, {"$set": changes})
        return self.public({**doc, **changes})

    def delete(self, user_id: str, id: str) -> None:
        """The resume and its versions (the versions already saved stay counted: ``total``)."""
        doc = owned(self.builders, user_id, id, "builder resume")
        self.builders.delete_one({"_id": doc["_id"]})
        self.versions.delete_many({"userId": user_id, "builderId": id})

    # -- versions ------------------------------------------------------------------------------

    def save_version(self, user_id: str, id: str, label: str | None) -> dict[str, Any]:
        """An immutable snapshot numbered 1, 2, … per resume; no route edits a version."""
        doc = owned(self.builders, user_id, id, "builder resume")
        snapshot = {k: doc.get(k) for k in ("name", *SECTIONS)}
        for _ in range(5):
            last = self.versions.find_one({"builderId": id}, sort=[("number", -1)])
            number = (last["number"] if last else 0) + 1
            version = {"userId": user_id, "builderId": id, "number": number, "label": label,
                       "snapshot": snapshot, "createdAt": self.clock.now()}
            try:
                version["_id"] = self.versions.insert_one(version).inserted_id
            except DuplicateKeyError:
                continue  # a concurrent save took this number: take the next
            self.builders.update_one({"_id": doc["_id"]}, {"$set": {"versionCount": number}})
            self.events.emit("resumes.version_saved", {"builderId": id, "number": number},
                             user_id=user_id)
            return self.public_version(version)
        raise Conflict("The resume's versions changed while saving; please retry.")

    def list_versions(self, user_id: str, id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        """Newest first (``_id`` order is number order: numbers only grow)."""
        owned(self.builders, user_id, id, "builder resume")
        return paginate(self.versions, {"userId": user_id, "builderId": id},
                        limit=query["limit"], cursor=query.get("cursor"),
                        transform=lambda v: {"id": str(v["_id"]), "number": v["number"],
                                             "label": v.get("label"),
                                             "name": v["snapshot"]["name"],
                                             "createdAt": v["createdAt"]})

    def get_version(self, user_id: str, id: str, number: int) -> dict[str, Any]:
        owned(self.builders, user_id, id, "builder resume")
        version = self.versions.find_one({"userId": user_id, "builderId": id, "number": number})
        if version is None:
            raise NotFound("No such version.")
        return self.public_version(version)

    # -- renders -------------------------------------------------------------------------------

    def export(self, user_id: str, id: str, format: str) -> tuple[str, str, bytes]:
        """``(filename, content type, bytes)`` of the resume as Markdown, PDF or DOCX."""
        doc = owned(self.builders, user_id, id, "builder resume")
        return download(doc["name"], to_markdown(doc), format, self.clock.now())

    def ats_pdf(self, user_id: str, id: str, ref: Mapping[str, Any]) -> tuple[str, str, bytes]:
        """The ATS PDF of the rendered resume for one job (as for a text resume)."""
        doc = owned(self.builders, user_id, id, "builder resume")
        return self.resumes.ats_render(user_id, doc["name"], to_markdown(doc), ref)

    def to_resume(self, user: Mapping[str, Any], id: str) -> dict[str, Any]:
        """A master text resume rendered from the builder (counts toward ``resumes``)."""
        doc = owned(self.builders, str(user["_id"]), id, "builder resume")
        return self.resumes.create(user, {"name": doc["name"][:200],
                                          "content": to_markdown(doc)[:50_000]},
                                   source="builder")

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId")}
        out["id"] = str(doc["_id"])
        return out

    @staticmethod
    def public_version(doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId")}
        out["id"] = str(doc["_id"])
        return out
