"""Deep evaluations: resolve the job and resume, extract skills, score the fit, grade, store.

A job or resume named by ``{id}`` is read in full through the ``user_document`` hook (the
stored description, the resume's content), falling back to the item of the user context; the
fit itself is ``jobsearch.job_match``, run by name when that plugin is enabled, so a seeker's
match score, a recruiter's fit score and this grade read the same evidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import ReturnDocument

from lightninghire.api import NotFound, object_id_or_404, paginate, shorten
from lightninghire_plugins.ai_tools.analyze.tasks import DIMENSIONS, NAME, WEIGHTS, grade_for, overall
from lightninghire_plugins.ai_tools.common import extract_skills, match_facts
from lightninghire_plugins.ai_tools.context.service import ContextService

EVALUATIONS = "ai_tools_evaluations"
JOB_KINDS = ("job", "application", "opportunit", "role", "posting")
RESUME_KINDS = ("resume",)


class UnknownReference(NotFound):
    """An id in the request names nothing in the caller's context."""


class AnalyzeService:
    def __init__(self, db: Any, ai: Any, clock: Any, context: ContextService) -> None:
        self.collection = db[EVALUATIONS]
        self.ai = ai
        self.clock = clock
        self.context = context

    def resolve(self, user: Mapping[str, Any], job: Mapping[str, Any],
                resume: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(job, resume) as ``{id, title, company, text}``; an id is read in full through the
        ``user_document`` hook, else found in the user context."""
        needs_context = any(ref.get("id") for ref in (job, resume))
        sections = self.context.gather(user) if needs_context else {}
        if job.get("id"):
            found = self._document(user, job["id"], sections, JOB_KINDS)
            if found is None:
                raise UnknownReference("No job or application with this id in your data.")
            resolved_job = {"id": job["id"], "title": job.get("title") or found["title"],
                            "company": job.get("company") or found["company"],
                            "text": found["text"]}
        else:
            resolved_job = {"id": None, "title": job.get("title"), "company": job.get("company"),
                            "text": job["description"]}
        if resume.get("id"):
            found = self._document(user, resume["id"], sections, RESUME_KINDS)
            if found is None:
                raise UnknownReference("No resume with this id in your data.")
            resolved_resume = {"id": resume["id"], "title": found["title"], "company": None,
                               "text": found["text"]}
        else:
            resolved_resume = {"id": None, "title": None, "company": None,
                               "text": resume["text"]}
        return resolved_job, resolved_resume

    def _document(self, user: Mapping[str, Any], item_id: str, sections: Mapping[str, Any],
                  kinds: tuple[str, ...]) -> dict[str, Any] | None:
        """The full stored text of one of the user's documents: the owning plugin's answer to
        ``user_document``, else the context item's main text."""
        hook = getattr(self.context.services.plugins.hook, "user_document", None)
        answer = hook(user=user, document_id=item_id, services=self.context.services) \
            if hook is not None else None
        item = ContextService.find(sections, item_id, kinds)
        data = item.data if item is not None and isinstance(item.data, Mapping) else {}
        if isinstance(answer, Mapping) and isinstance(answer.get("text"), str) and \
                answer["text"].strip() and any(k in str(answer.get("kind", "")).lower()
                                               for k in kinds):
            return {"title": _clip_str(answer.get("title")) or _str(data, "title", "role", "name"),
                    "company": _clip_str(answer.get("company")) or _str(data, "company"),
                    "text": answer["text"][:50_000]}
        if item is None:
            return None
        title = _str(data, "title", "role") if kinds is JOB_KINDS else item.title
        return {"title": title, "company": _str(data, "company"), "text": item.body}

    def analyze(self, user: Mapping[str, Any], job: Mapping[str, Any],
                resume: Mapping[str, Any]) -> dict[str, Any]:
        job_ref, resume_ref = self.resolve(user, job, resume)
        user_id = str(user["_id"])
        doc = {"userId": user_id, "status": "pending", "createdAt": self.clock.now(),
               "job": _source(job_ref), "resume": _source(resume_ref)}
        doc["_id"] = self.collection.insert_one(doc).inserted_id  # persisted before any AI call
        try:
            # Steps of this one evaluation: it is announced once, from the main task.
            today = self.clock.now().date().isoformat()
            job_facts = extract_skills(self.ai, job_ref["text"], "job", user, today)
            resume_facts = extract_skills(self.ai, resume_ref["text"], "resume", user, today)
            fit = match_facts(self.ai, job_ref, resume_ref["text"], user, today)
            result = self.ai.run(NAME, {
                "fit": fit,
                "jobText": job_ref["text"], "resumeText": resume_ref["text"],
                "jobTitle": job_ref["title"], "company": job_ref["company"],
                "jobSkills": job_facts["skills"], "jobNiceToHave": job_facts["niceToHave"],
                "jobSeniority": job_facts["seniority"], "jobYears": job_facts["yearsOfExperience"],
                "resumeSkills": resume_facts["skills"],
                "resumeSeniority": resume_facts["seniority"],
                "resumeYears": resume_facts["yearsOfExperience"],
                "jobCities": job_facts.get("cities") or [],
                "resumeCities": resume_facts.get("cities") or [],
            }, user=user)
        except Exception:
            self.collection.update_one({"_id": doc["_id"]}, {"$set": {"status": "failed"}})
            raise
        data = result.data
        dims = _ordered(data["dimensions"])
        score = overall(dims)  # one meaning of a grade, whoever answered
        if fit and fit.get("ceiling") is not None:
            score = min(score, fit["ceiling"])  # a missing required licence: a hard mismatch
        update = {"status": "done", "grade": grade_for(score), "overallScore": score,
                  "dimensions": dims, "strengths": data["strengths"], "gaps": data["gaps"],
                  "recommendations": data["recommendations"], "summary": data["summary"],
                  "jobSkills": [s["name"] for s in job_facts["skills"]],
                  "resumeSkills": [s["name"] for s in resume_facts["skills"]],
                  "provider": result.provider}
        saved = self.collection.find_one_and_update({"_id": doc["_id"]}, {"$set": update},
                                                    return_document=ReturnDocument.AFTER)
        return self.public(saved or {**doc, **update})

    def list(self, user_id: str, grade: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
        query: dict[str, Any] = {"userId": user_id}
        if grade:
            query["grade"] = grade
        return paginate(self.collection, query, limit=limit, cursor=cursor, transform=self.public)

    def get(self, user_id: str, evaluation_id: str) -> dict[str, Any]:
        doc = self.collection.find_one({"_id": object_id_or_404(evaluation_id, "evaluation"),
                                        "userId": user_id})
        if doc is None:
            raise NotFound("No such evaluation.")
        return self.public(doc)

    def delete(self, user_id: str, evaluation_id: str) -> None:
        deleted = self.collection.delete_one({"_id": object_id_or_404(evaluation_id, "evaluation"),
                                              "userId": user_id})
        if not deleted.deleted_count:
            raise NotFound("No such evaluation.")

    def recent(self, user_id: str, limit: int = 3) -> list[dict[str, Any]]:
        """The latest graded evaluations, small, for the user context."""
        docs = self.collection.find({"userId": user_id, "status": "done"}).sort("_id", -1)
        return [{"id": str(d["_id"]), "grade": d.get("grade"), "score": d.get("overallScore"),
                 "job": " at ".join(x for x in (d["job"].get("title"), d["job"].get("company"))
                                    if x) or d["job"]["excerpt"][:80],
                 "gaps": d.get("gaps", [])[:3], "at": d["createdAt"]}
                for d in docs.limit(limit)]

    @staticmethod
    def public(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "status": doc.get("status"), "grade": doc.get("grade"),
                "overallScore": doc.get("overallScore"), "dimensions": doc.get("dimensions", []),
                "strengths": doc.get("strengths", []), "gaps": doc.get("gaps", []),
                "recommendations": doc.get("recommendations", []),
                "summary": doc.get("summary"), "job": doc.get("job"), "resume": doc.get("resume"),
                "jobSkills": doc.get("jobSkills", []), "resumeSkills": doc.get("resumeSkills", []),
                "provider": doc.get("provider"), "createdAt": doc.get("createdAt")}


def _ordered(dimensions: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    by_name = {d["name"]: d for d in dimensions}
    return [{"name": name, "score": by_name[name]["score"] if name in by_name else 0,
             "weight": WEIGHTS[name],
             "rationale": by_name[name]["rationale"] if name in by_name else "Not assessed."}
            for name in DIMENSIONS]


def _source(ref: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": ref["id"], "title": ref["title"], "company": ref["company"],
            "excerpt": shorten(ref["text"], 300)}


def _clip_str(value: Any) -> str | None:
    return value.strip()[:200] if isinstance(value, str) and value.strip() else None


def _str(data: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None
