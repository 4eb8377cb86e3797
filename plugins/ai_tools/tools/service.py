"""The point-in-time tools: each run is stored with its input before any model call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pymongo import ReturnDocument

from lightninghire.api import (
    NotFound,
    OwnedDocuments,
    ValidationFailed,
    object_id_or_404,
    paginate,
    sentences,
)
from lightninghire_plugins.ai_tools import summarize
from lightninghire_plugins.ai_tools.analyze.service import JOB_KINDS, RESUME_KINDS
from lightninghire_plugins.ai_tools.common import extract_skills
from lightninghire_plugins.ai_tools.context.service import ContextService, Item
from lightninghire_plugins.ai_tools.tools import cover_letter, feedback, negotiation, offers

RUNS = "ai_tools_runs"
FEEDBACK = "ai_tools_feedback"
PLUGIN = "ai_tools"


class ToolRuns(OwnedDocuments):
    """The caller's stored runs, as ``/api/tools/runs`` lists (by ``kind``), shows and deletes."""

    def __init__(self, collection: Any) -> None:
        super().__init__(collection, what="run")

    def public(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        return _run(doc)

    def list(self, owner: str, query: Mapping[str, Any],
             filter: Mapping[str, Any] | None = None) -> dict[str, Any]:
        kind = {"kind": query["kind"]} if query["kind"] else {}
        return super().list(owner, query, {**(filter or {}), **kind})


class ToolsService:
    def __init__(self, db: Any, ai: Any, clock: Any, context: ContextService) -> None:
        self.runs = db[RUNS]
        self.owned_runs = ToolRuns(self.runs)
        self.feedback_docs = db[FEEDBACK]
        self.ai = ai
        self.clock = clock
        self.context = context

    # -- runs ----------------------------------------------------------------------------------

    def _run(self, user: Mapping[str, Any], kind: str, given: Mapping[str, Any],
             produce: Callable[[], tuple[dict[str, Any], str]]) -> dict[str, Any]:
        doc = {"userId": str(user["_id"]), "kind": kind, "status": "pending",
               "input": dict(given), "result": None, "provider": None,
               "createdAt": self.clock.now()}
        doc["_id"] = self.runs.insert_one(doc).inserted_id  # the input survives a failed call
        try:
            result, provider = produce()
        except Exception:
            self.runs.update_one({"_id": doc["_id"]}, {"$set": {"status": "failed"}})
            raise
        update = {"status": "done", "result": result, "provider": provider}
        saved = self.runs.find_one_and_update({"_id": doc["_id"]}, {"$set": update},
                                              return_document=ReturnDocument.AFTER)
        return _run(saved or {**doc, **update})

    def negotiate(self, user: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        sections = self.context.gather(user)
        fields = dict(body)
        job_text = body.get("jobDescription")
        if body.get("applicationId"):
            item = _find(sections, body["applicationId"], JOB_KINDS,
                         "No application or job with this id in your data.")
            data = item.data if isinstance(item.data, Mapping) else {}
            for key, source in (("role", ("role", "title")), ("company", ("company",)),
                                ("location", ("location",))):
                fields.setdefault(key, _first(data, source))
            job_text = job_text or (item.body if item.body != item.text else None)
        if not fields.get("role"):
            raise ValidationFailed({"role": ["The application has no role: give role."]})
        own = sections.get(PLUGIN, {})
        profile = own.get("profile", {}) if isinstance(own, Mapping) else {}
        prior = own.get("negotiationFeedback", []) if isinstance(own, Mapping) else []

        def produce() -> tuple[dict[str, Any], str]:
            highlight = None
            if job_text:
                summary = self.ai.run(summarize.NAME, {"text": job_text, "maxPoints": 2},
                                      user=user, announce=False).data
                highlight = cover_letter.job_highlight(
                    [*summary["keyPoints"], *sentences(summary["summary"])])
            inputs = {k: v for k, v in fields.items()
                      if k not in ("applicationId", "jobDescription")}
            inputs.setdefault("walkAway", profile.get("minSalary"))
            inputs.update({"candidateName": user.get("name") or "",
                           "jobHighlight": highlight,
                           "priorLessons": [lesson for f in prior for lesson in f.get("lessons", [])],
                           "priorOutcomes": [f.get("outcome", "") for f in prior],
                           "priorRatings": [f.get("rating", 3) for f in prior]})
            result = self.ai.run(negotiation.NAME, inputs, user=user)
            return result.data, result.provider

        return self._run(user, "negotiation", body, produce)

    def compare_offers(self, user: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        def produce() -> tuple[dict[str, Any], str]:
            numbers = offers.compare(body["offers"], body.get("weights"), body["currency"])
            story = self.ai.run(offers.NAME, {**numbers, "priorities": body.get("priorities")},
                                user=user)
            return {**numbers, **story.data}, story.provider

        return self._run(user, "offer_comparison", body, produce)

    def cover_letter(self, user: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        job, resume = body["job"], body["resume"]
        sections = self.context.gather(user) if job.get("id") or resume.get("id") else {}
        role, company, job_text = job.get("title"), job.get("company"), job.get("description")
        if job.get("id"):
            item = _find(sections, job["id"], JOB_KINDS, "No job or application with this id "
                                                          "in your data.")
            data = item.data if isinstance(item.data, Mapping) else {}
            role = role or _first(data, ("role", "title"))
            company = company or _first(data, ("company",))
            job_text = item.body
        resume_text = (_find(sections, resume["id"], RESUME_KINDS, "No resume with this id in "
                                                                   "your data.").body
                       if resume.get("id") else resume["text"])
        missing = {name: ["Needed for a letter without placeholders."]
                   for name, value in (("job.title", role), ("job.company", company)) if not value}
        if missing:
            raise ValidationFailed(missing, "Give the job's title and company.")

        def produce() -> tuple[dict[str, Any], str]:
            job_facts = extract_skills(self.ai, job_text, "job", user)
            mine = extract_skills(self.ai, resume_text, "resume", user)
            have = {s["name"].lower() for s in mine["skills"]}
            summary = self.ai.run(summarize.NAME, {"text": job_text, "maxPoints": 3},
                                  user=user, announce=False).data
            result = self.ai.run(cover_letter.NAME, {
                "role": role, "company": company, "resumeText": resume_text,
                "jobText": job_text, "companyIntel": body.get("companyIntel"),
                "candidateName": user.get("name") or "",
                "recipientName": body.get("recipientName"), "tone": body["tone"],
                "matchedSkills": [s["name"] for s in job_facts["skills"]
                                  if s["name"].lower() in have],
                "jobKeyPoints": summary["keyPoints"], "jobSummary": summary["summary"],
            }, user=user)
            return {**result.data, "role": role, "company": company}, result.provider

        return self._run(user, "cover_letter", body, produce)

    # -- negotiation feedback --------------------------------------------------------------------

    def give_feedback(self, user: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        user_id = str(user["_id"])
        run = self.runs.find_one({"_id": object_id_or_404(body["negotiationId"], "negotiation"),
                                  "userId": user_id, "kind": "negotiation"})
        if run is None:
            raise NotFound("No such negotiation.")
        result = run.get("result") or {}
        doc = {"userId": user_id, "negotiationId": body["negotiationId"],
               "rating": body["rating"], "outcome": body["outcome"],
               "editedEmail": body.get("editedEmail"), "finalBase": body.get("finalBase"),
               "notes": body.get("notes"), "lessons": [], "summary": "",
               "createdAt": self.clock.now()}
        doc["_id"] = self.feedback_docs.insert_one(doc).inserted_id  # kept even if the AI fails
        lessons = self.ai.run(feedback.NAME, {
            "draft": (result.get("email") or {}).get("body", ""),
            "edited": body.get("editedEmail"), "rating": body["rating"],
            "outcome": body["outcome"], "notes": body.get("notes"),
            "askedFor": (result.get("strategy") or {}).get("targetCounter"),
            "finalBase": body.get("finalBase")}, user=user).data
        self.feedback_docs.update_one({"_id": doc["_id"]}, {"$set": lessons})
        return _feedback({**doc, **lessons})

    def list_feedback(self, user_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
        return paginate(self.feedback_docs, {"userId": user_id}, limit=limit, cursor=cursor,
                        transform=_feedback)

    def recent_feedback(self, user_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """Newest first, small: what later drafts learn from (through the context)."""
        docs = self.feedback_docs.find({"userId": user_id}).sort("_id", -1).limit(limit)
        return [{"negotiationId": d["negotiationId"], "rating": d["rating"],
                 "outcome": d["outcome"], "lessons": d.get("lessons", []),
                 "at": d["createdAt"]} for d in docs]


def _find(sections: Mapping[str, Any], item_id: str, kinds: tuple[str, ...],
          message: str) -> Item:
    item = ContextService.find(sections, item_id, kinds)
    if item is None:
        raise NotFound(message)
    return item


def _first(data: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None


def _run(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": str(doc["_id"]), "kind": doc["kind"], "status": doc["status"],
            "input": doc.get("input", {}), "result": doc.get("result"),
            "provider": doc.get("provider"), "createdAt": doc["createdAt"]}


def _feedback(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": str(doc["_id"]), "negotiationId": doc["negotiationId"],
            "rating": doc["rating"], "outcome": doc["outcome"], "notes": doc.get("notes"),
            "finalBase": doc.get("finalBase"), "lessons": doc.get("lessons", []),
            "summary": doc.get("summary", ""), "createdAt": doc["createdAt"]}
