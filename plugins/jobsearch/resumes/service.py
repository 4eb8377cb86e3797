"""Resumes: CRUD from pasted text, a PDF or a DOCX, skill parsing, tailoring, ATS reports and
PDFs, exports."""

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
from lightninghire_plugins.jobsearch.analytics.stats import PipelineStats
from lightninghire_plugins.jobsearch.common import owned, terms
from lightninghire_plugins.jobsearch.jobs.match import band
from lightninghire_plugins.jobsearch.jobs.match import offline as match_offline
from lightninghire_plugins.jobsearch.jobs.service import job_text
from lightninghire_plugins.jobsearch.resumes.ats import ats_text
from lightninghire_plugins.jobsearch.resumes.download import download
from lightninghire_plugins.jobsearch.resumes.tailor import NAME as TAILOR
from lightninghire_plugins.jobsearch.skills import NAME as SKILLS
from lightninghire_plugins.jobsearch.skills import offline as extract_skills
from lightninghire_plugins.jobsearch.store import APPLICATIONS, JOBS, RESUMES

log = logging.getLogger(__name__)


# Limits on reading an uploaded PDF or DOCX (plugin settings ``pdf_*`` of ``[plugins.jobsearch]``).
PDF_DEFAULTS = {"pdf_max_pages": 50, "pdf_cpu_seconds": 3, "pdf_max_stream_mb": 4,
                "pdf_memory_mb": 768}
UPLOAD_WORKER = Path(__file__).with_name("uploadworker.py")
_PASTE = "paste the text instead."
# What a file is, from its first bytes (never its name or Content-Type): a DOCX is a zip.
PDF_MAGIC, ZIP_MAGIC, OLE_MAGIC = b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
_WHAT = {"pdf": "PDF", "docx": "Word file"}


def pdf_limits(settings: Mapping[str, Any]) -> dict[str, int]:
    values = {key: int(settings.get(key, default)) for key, default in PDF_DEFAULTS.items()}
    return {"maxPages": values["pdf_max_pages"], "cpuSeconds": values["pdf_cpu_seconds"],
            "maxStreamMb": values["pdf_max_stream_mb"], "memoryMb": values["pdf_memory_mb"],
            "maxChars": 200_000, "recursion": 400}


def sniff(data: bytes) -> str:
    """``pdf`` or ``docx`` by the file's magic bytes; anything else is a 400."""
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return "docx"
    if data.startswith(OLE_MAGIC):
        raise BadRequest("This is an old Word (.doc) file: save it as .docx or PDF, or "
                         + _PASTE, reason="doc_unsupported")
    raise BadRequest("Send the PDF or DOCX file itself as the body.", reason="not_a_document")


def document_text(data: bytes, format: str = "pdf",
                  limits: Mapping[str, int] | None = None) -> tuple[str, list[str]]:
    """The text of a PDF (page by page) or a DOCX, and a warning for each PDF page without text.

    An uploaded file is untrusted: it is read by ``uploadworker.py`` in a child process limited
    in CPU seconds, memory, decompressed bytes, pages, parts and nesting; whatever it cannot read
    within them is a 400 that names the problem (``reason``), never a 500 or a stuck worker.
    """
    limits = {**(limits or pdf_limits({})), "format": format}
    what = _WHAT[format]
    wall = 4 * limits["cpuSeconds"] + 5  # CPU is the limit; this only catches a stuck child
    try:
        done = subprocess.run([sys.executable, "-I", str(UPLOAD_WORKER), json.dumps(limits)],
                              input=data, capture_output=True, timeout=wall, check=False)
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise BadRequest(f"This {what} takes too long to read (over {limits['cpuSeconds']} s "
                         f"of processing): {_PASTE}", reason=f"{format}_too_slow")
    try:
        result = json.loads(done.stdout)
    except ValueError:
        log.warning("upload worker failed (exit %s): %s", done.returncode,
                    done.stderr.decode(errors="replace")[-500:])
        result = {"problem": "unreadable"}
    problem = result.get("problem")
    if problem == "decompressed":
        raise BadRequest(f"This {what} expands to too much data when decompressed (a "
                         f"compression bomb?): {_PASTE}", reason=f"{format}_too_large")
    if problem == "pages":
        raise BadRequest(f"This PDF has more than {limits['maxPages']} pages: upload the resume "
                         f"alone, or {_PASTE}", reason="pdf_too_many_pages")
    if problem == "structure":
        raise BadRequest(f"This {what}'s structure is nested too deeply or is too large to read "
                         f"safely: {_PASTE}", reason=f"{format}_too_complex")
    if problem is not None:
        raise BadRequest(f"This {what} could not be read: {_PASTE}", reason=f"{format}_unreadable")
    pages = [str(text) for text in result["pages"]]
    warnings = [f"Page {i} has no extractable text (scanned?): paste it instead."
                for i, text in enumerate(pages, start=1) if not text.strip()]
    return "\n".join(pages).strip(), (warnings if format == "pdf" else [])


class ResumeService:
    def __init__(self, services: Any) -> None:
        self.resumes = services.db[RESUMES]
        self.jobs = services.db[JOBS]
        self.apps = services.db[APPLICATIONS]
        self.clock = services.clock
        self.events = services.events
        self.ai = services.ai
        self.pdf_limits = pdf_limits(services.plugin_settings("jobsearch"))
        self.pipeline_stats = PipelineStats(services.db, services.background.defer)

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

    def create_from_file(self, user: Mapping[str, Any], name: str,
                         data: bytes) -> dict[str, Any]:
        """A master resume from an uploaded PDF or DOCX, told apart by its first bytes."""
        format = sniff(data)
        text, warnings = document_text(data, format, self.pdf_limits)
        if not text:
            raise BadRequest(f"No text could be read from this {_WHAT[format]} (scanned?): "
                             f"{_PASTE}", reason="no_text")
        return self.create(user, {"name": name, "content": text[:50_000]}, source=format,
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
        self.pipeline_stats.match(user_id, score)  # the analytics' average tailored match
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

    def export(self, user_id: str, id: str, format: str) -> tuple[str, str, bytes]:
        """``(file name, content type, bytes)``: Markdown, an ATS-friendly PDF or a DOCX."""
        doc = owned(self.resumes, user_id, id, "resume")
        return download(doc["name"], doc["content"], format, self.clock.now())

    def ats_pdf(self, user_id: str, id: str, ref: Mapping[str, Any]) -> tuple[str, str, bytes]:
        doc = owned(self.resumes, user_id, id, "resume")
        return self.ats_render(user_id, doc["name"], doc["content"], ref)

    def ats_render(self, user_id: str, name: str, content: str,
                   ref: Mapping[str, Any]) -> tuple[str, str, bytes]:
        """The ATS PDF of a resume's text for one job (``ats.ats_text``): its keywords that the
        resume shows surfaced in Summary and Skills, nothing added that it does not show."""
        job = self.job_from(user_id, ref)
        text, _ = ats_text(content, job)
        label = job["company"] or job["title"] or "job"
        return download(f"{name} ATS {label}", text, "pdf", self.clock.now())

    def summary(self, user_id: str) -> list[dict[str, Any]]:
        return [{"id": str(d["_id"]), "name": d["name"], "kind": d["kind"],
                 "skills": d.get("skills", [])[:15], "matchScore": d.get("matchScore")}
                for d in self.resumes.find({"userId": user_id}).sort("_id", -1).limit(5)]

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId")}
        out["id"] = str(doc["_id"])
        return out
