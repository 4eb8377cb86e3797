"""Resumes: CRUD from pasted text or a PDF, skill parsing, tailoring, ATS reports, export."""

from __future__ import annotations

import json
import logging
import re
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lightninghire.api import BadRequest, NotFound, given, key_phrases, object_id_or_404, paginate
from lightninghire_plugins.jobsearch.common import owned, terms
from lightninghire_plugins.jobsearch.jobs.match import band
from lightninghire_plugins.jobsearch.jobs.match import offline as match_offline
from lightninghire_plugins.jobsearch.jobs.service import job_text
from lightninghire_plugins.jobsearch.resumes.pdf import filename, render
from lightninghire_plugins.jobsearch.resumes.tailor import NAME as TAILOR
from lightninghire_plugins.jobsearch.skills import NAME as SKILLS
from lightninghire_plugins.jobsearch.skills import offline as extract_skills
from lightninghire_plugins.jobsearch.store import APPLICATIONS, JOBS, RESUMES

log = logging.getLogger(__name__)


# Limits on reading an uploaded PDF (plugin settings ``pdf_*`` of ``[plugins.jobsearch]``).
PDF_DEFAULTS = {"pdf_max_pages": 50, "pdf_cpu_seconds": 3, "pdf_max_stream_mb": 4,
                "pdf_memory_mb": 768}
PDF_WORKER = Path(__file__).with_name("pdfworker.py")
_PASTE = "paste the text instead."


def pdf_limits(settings: Mapping[str, Any]) -> dict[str, int]:
    values = {key: int(settings.get(key, default)) for key, default in PDF_DEFAULTS.items()}
    return {"maxPages": values["pdf_max_pages"], "cpuSeconds": values["pdf_cpu_seconds"],
            "maxStreamMb": values["pdf_max_stream_mb"], "memoryMb": values["pdf_memory_mb"],
            "maxChars": 200_000, "recursion": 400}


def pdf_text(data: bytes, limits: Mapping[str, int] | None = None) -> tuple[str, list[str]]:
    """The text of a PDF, page by page, and a warning for each page without text.

    An uploaded PDF is untrusted: it is read by ``pdfworker.py`` in a child process limited in
    CPU seconds, memory, decompressed bytes, pages and nesting; whatever it cannot read within
    them is a 400 that names the problem (``reason``), never a 500 or a stuck worker.
    """
    limits = dict(limits or pdf_limits({}))
    wall = 4 * limits["cpuSeconds"] + 5  # CPU is the limit; this only catches a stuck child
    try:
        done = subprocess.run([sys.executable, "-I", str(PDF_WORKER), json.dumps(limits)],
                              input=data, capture_output=True, timeout=wall, check=False)
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise BadRequest(f"This PDF takes too long to read (over {limits['cpuSeconds']} s of "
                         f"processing): {_PASTE}", reason="pdf_too_slow")
    try:
        result = json.loads(done.stdout)
    except ValueError:
        log.warning("PDF worker failed (exit %s): %s", done.returncode,
                    done.stderr.decode(errors="replace")[-500:])
        result = {"problem": "unreadable"}
    problem = result.get("problem")
    if problem == "decompressed":
        raise BadRequest(f"This PDF expands to more than {limits['maxStreamMb']} MB when "
                         f"decompressed (a compression bomb?): {_PASTE}",
                         reason="pdf_too_large")
    if problem == "pages":
        raise BadRequest(f"This PDF has more than {limits['maxPages']} pages: upload the resume "
                         f"alone, or {_PASTE}", reason="pdf_too_many_pages")
    if problem == "structure":
        raise BadRequest(f"This PDF's structure is nested too deeply or is too large to read "
                         f"safely: {_PASTE}", reason="pdf_too_complex")
    if problem is not None:
        raise BadRequest(f"This PDF could not be read: {_PASTE}", reason="pdf_unreadable")
    pages = [str(text) for text in result["pages"]]
    warnings = [f"Page {i} has no extractable text (scanned?): paste it instead."
                for i, text in enumerate(pages, start=1) if not text.strip()]
    return "\n".join(pages).strip(), warnings


class ResumeService:
    def __init__(self, services: Any) -> None:
        self.resumes = services.db[RESUMES]
        self.jobs = services.db[JOBS]
        self.apps = services.db[APPLICATIONS]
        self.clock = services.clock
        self.events = services.events
        self.ai = services.ai
        self.pdf_limits = pdf_limits(services.plugin_settings("jobsearch"))

    def create(self, user: Mapping[str, Any], body: Mapping[str, Any], source: str = "paste",
               warnings: list[str] | None = None) -> dict[str, Any]:
        """A master resume; its skills are parsed (an AI action: ``jobsearch.extract_skills``)."""
        user_id = str(user["_id"])
        now = self.clock.now()
        doc = {"userId": user_id, "name": body["name"], "kind": "master", "parentId": None,
               "content": body["content"], "tags": body.get("tags", []),
               "status": body.get("status", "ready"), "source": source,
               "parseWarnings": warnings or [], "skills": [], "seniority": None,
               "yearsOfExperience": None, "target": None, "edits": [], "gaps": [],
               "matchScore": None, "createdAt": now, "updatedAt": now}
        doc["_id"] = self.resumes.insert_one(doc).inserted_id  # persist first
        doc.update(self._parse(user, body["content"]))
        self.resumes.update_one({"_id": doc["_id"]}, {"$set": self._parsed_fields(doc)})
        self.events.emit("resumes.created", {"resumeId": str(doc["_id"]), "kind": "master"},
                         user_id=user_id)
        return self.public(doc)

    def create_from_pdf(self, user: Mapping[str, Any], name: str, data: bytes) -> dict[str, Any]:
        if not data.startswith(b"%PDF"):
            raise BadRequest("Send the PDF file itself as the body (Content-Type: application/pdf).")
        text, warnings = pdf_text(data, self.pdf_limits)
        if not text:
            raise BadRequest("No text could be read from this PDF (scanned?): paste the text.")
        return self.create(user, {"name": name, "content": text[:50_000]}, source="pdf",
                           warnings=warnings)

    def _parse(self, user: Mapping[str, Any] | None, content: str) -> dict[str, Any]:
        found = self.ai.run(SKILLS, {"text": content, "kind": "resume",
                                     "asOf": self.clock.now().date().isoformat()}, user=user).data
        return {"skills": [s["name"] for s in found["skills"]], "seniority": found["seniority"],
                "yearsOfExperience": found["yearsOfExperience"]}

    @staticmethod
    def _parsed_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {k: doc[k] for k in ("skills", "seniority", "yearsOfExperience")}

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter = {"userId": user_id, **given(query, "kind")}
        if query.get("q"):
            pattern = {"$regex": re.escape(query["q"]), "$options": "i"}
            filter["$or"] = [{"name": pattern}, {"target.company": pattern}]
        return paginate(self.resumes, filter, limit=query["limit"], cursor=query.get("cursor"),
                        transform=self.public)

    def get(self, user_id: str, id: str) -> dict[str, Any]:
        return self.public(owned(self.resumes, user_id, id, "resume"))

    def update(self, user: Mapping[str, Any], id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        user_id = str(user["_id"])
        doc = owned(self.resumes, user_id, id, "resume")
        changes = {**body, "updatedAt": self.clock.now()}
        if "content" in body and body["content"] != doc["content"]:
            # Re-parsing a local edit is deterministic and free: the lexicon, not a model.
            parsed = extract_skills({"text": body["content"], "kind": "resume",
                                     "asOf": self.clock.now().date().isoformat()})
            changes.update(skills=[s["name"] for s in parsed["skills"]],
                           seniority=parsed["seniority"],
                           yearsOfExperience=parsed["yearsOfExperience"])
        self.resumes.update_one({"_id": doc["_id"]}, {"$set": changes})
        return self.public({**doc, **changes})

    def delete(self, user_id: str, id: str) -> None:
        doc = owned(self.resumes, user_id, id, "resume")
        self.resumes.delete_one({"_id": doc["_id"]})

    # -- against a job -------------------------------------------------------------------------

    def job_from(self, user_id: str, ref: Mapping[str, Any]) -> dict[str, str]:
        """The job text a tailoring or report is made against: a stored job, the caller's
        application, or a pasted description."""
        if ref.get("jobId"):
            job = self.jobs.find_one({"_id": object_id_or_404(ref["jobId"], "job")})
            if job is None:
                raise NotFound("No such job.")
            return {"description": job_text(job), "title": job["title"],
                    "company": job.get("company") or "", "jobId": ref["jobId"]}
        if ref.get("applicationId"):
            app = owned(self.apps, user_id, ref["applicationId"], "application")
            if not app.get("description"):
                raise BadRequest("This application has no job description: add one first.")
            return {"description": app["description"], "title": app["role"],
                    "company": app["company"], "applicationId": ref["applicationId"]}
        return {"description": ref["jobDescription"], "title": ref.get("jobTitle", ""),
                "company": ref.get("company", "")}

    def tailor(self, user: Mapping[str, Any], id: str, ref: Mapping[str, Any]) -> dict[str, Any]:
        """A tailored copy of a resume for one job, with the proposed edits and gap flags."""
        user_id = str(user["_id"])
        master = owned(self.resumes, user_id, id, "resume")
        job = self.job_from(user_id, ref)
        result = self.ai.run(TAILOR, {"resumeText": master["content"],
                                      "jobDescription": job["description"],
                                      "jobTitle": job["title"], "company": job["company"]},
                             user=user).data
        score = match_offline({"jobTitle": job["title"], "jobDescription": job["description"],
                               "resumeText": result["tailoredText"], "targetRoles": []})["score"]
        now = self.clock.now()
        label = " - ".join(filter(None, [job["company"], job["title"]])) or "job"
        doc = {"userId": user_id, "name": f"{master['name']} ({label})"[:200], "kind": "tailored",
               "parentId": str(master["_id"]), "content": result["tailoredText"],
               "tags": master.get("tags", []), "status": "draft", "source": "tailoring",
               "parseWarnings": [], "skills": master.get("skills", []),
               "seniority": master.get("seniority"),
               "yearsOfExperience": master.get("yearsOfExperience"),
               "target": {k: v for k, v in job.items() if k != "description"},
               "edits": result["edits"], "gaps": result["gaps"], "matchScore": score,
               "createdAt": now, "updatedAt": now}
        doc["_id"] = self.resumes.insert_one(doc).inserted_id
        self.events.emit("resumes.created", {"resumeId": str(doc["_id"]), "kind": "tailored"},
                         user_id=user_id)
        return self.public(doc)

    def ats_report(self, user_id: str, id: str, ref: Mapping[str, Any]) -> dict[str, Any]:
        """Which of the job's keywords the resume shows (deterministic, not an AI action)."""
        resume = owned(self.resumes, user_id, id, "resume")
        job = self.job_from(user_id, ref)
        wanted = extract_skills({"text": f"{job['title']}\n{job['description']}", "kind": "job"})
        have = {s["name"].lower() for s in extract_skills({"text": resume["content"],
                                                           "kind": "resume"})["skills"]}
        nice = {n.lower() for n in wanted["niceToHave"]}
        names = [s["name"] for s in wanted["skills"]]
        present = [n for n in names if n.lower() in have]
        missing = [n for n in names if n.lower() not in have and n.lower() not in nice]
        nice_missing = [n for n in names if n.lower() not in have and n.lower() in nice]
        resume_terms = set(terms(resume["content"]))
        phrases = [p for p in key_phrases(job["description"], limit=10)
                   if not set(terms(p)) <= resume_terms][:6]
        score = match_offline({"jobTitle": job["title"], "jobDescription": job["description"],
                               "resumeText": resume["content"], "targetRoles": []})["score"]
        tips = [f"Show {n} in a bullet with a concrete result, if you have used it."
                for n in missing[:3]]
        if phrases:
            tips.append(f"The posting's own words you do not use: {', '.join(phrases[:3])}.")
        if not tips:
            tips.append("Every required keyword appears: check each sits in an achievement.")
        return {"score": score, "band": band(score), "present": present, "missing": missing,
                "niceToHaveMissing": nice_missing, "keyPhrasesMissing": phrases, "tips": tips}

    def markdown(self, user_id: str, id: str) -> tuple[str, str]:
        doc = owned(self.resumes, user_id, id, "resume")
        return filename(doc["name"], "md"), doc["content"].rstrip() + "\n"

    def pdf(self, user_id: str, id: str) -> tuple[str, bytes]:
        """The resume's text as an ATS-friendly PDF: one column, Helvetica, real text."""
        doc = owned(self.resumes, user_id, id, "resume")
        return filename(doc["name"], "pdf"), render(doc["content"], title=doc["name"],
                                                    created=self.clock.now())

    def summary(self, user_id: str) -> list[dict[str, Any]]:
        return [{"id": str(d["_id"]), "name": d["name"], "kind": d["kind"],
                 "skills": d.get("skills", [])[:15], "matchScore": d.get("matchScore")}
                for d in self.resumes.find({"userId": user_id}).sort("_id", -1).limit(5)]

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId")}
        out["id"] = str(doc["_id"])
        return out
