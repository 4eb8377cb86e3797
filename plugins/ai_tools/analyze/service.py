"""Deep evaluations: resolve the job and resume, extract skills, grade, store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import ReturnDocument

from lightninghire.api import NotFound, object_id_or_404, paginate, shorten
from lightninghire_plugins.ai_tools.analyze.tasks import DIMENSIONS, NAME, WEIGHTS, grade_for, overall
from lightninghire_plugins.ai_tools.common import extract_skills
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
        """(job, resume) as ``{id, title, company, text}``, ids looked up in the context."""
        sections = self.context.gather(user) if job.get("id") or resume.get("id") else {}
        if job.get("id"):
            item = ContextService.find(sections, job["id"], JOB_KINDS)
            if item is None:
                raise UnknownReference("No job or application with this id in your data.")
            data = item.data if isinstance(item.data, Mapping) else {}
            resolved_job = {"id": job["id"], "title": job.get("title") or _str(data, "title", "role"),
                            "company": job.get("company") or _str(data, "company"),
                            "text": item.body}
        else:
            resolved_job = {"id": None, "title": job.get("title"), "company": job.get("company"),
                            "text": job["description"]}
        if resume.get("id"):
            item = ContextService.find(sections, resume["id"], RESUME_KINDS)
            if item is None:
                raise UnknownReference("No resume with this id in your data.")
            resolved_resume = {"id": resume["id"], "title": item.title, "company": None,
                               "text": item.body}
        else:
            resolved_resume = {"id": None, "title": None, "company": None,
                               "text": resume["text"]}
        return resolved_job, resolved_resume

    def analyze(self, user: Mapping[str, Any], job: Mapping[str, Any],
                resume: Mapping[str, Any]) -> dict[str, Any]:
        job_ref, resume_ref = self.resolve(user, job, resume)
        user_id = str(user["_id"])
        doc = {"userId": user_id, "status": "pending", "createdAt": self.clock.now(),
               "job": _source(job_ref), "resume": _source(resume_ref)}
        doc["_id"] = self.collection.insert_one(doc).inserted_id  # persisted before any AI call
        try:
            # Steps of this one evaluation: it is announced once, from the main task.
            job_facts = extract_skills(self.ai, job_ref["text"], "job", user)
            resume_facts = extract_skills(self.ai, resume_ref["text"], "resume", user)
            result = self.ai.run(NAME, {
                "jobText": job_ref["text"], "resumeText": resume_ref["text"],
                "jobTitle": job_ref["title"], "company": job_ref["company"],
                "jobSkills": job_facts["skills"], "jobNiceToHave": job_facts["niceToHave"],
                "jobSeniority": job_facts["seniority"], "jobYears": job_facts["yearsOfExperience"],
                "resumeSkills": resume_facts["skills"],
                "resumeSeniority": resume_facts["seniority"],
                "resumeYears": resume_facts["yearsOfExperience"],
            }, user=user)
        except Exception:
            self.collection.update_one({"_id": doc["_id"]}, {"$set": {"status": "failed"}})
            raise
        data = result.data
        dims = _ordered(data["dimensions"])
        score = overall(dims)  # one meaning of a grade, whoever answered
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


def _str(data: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None
