"""The auto-pipeline (PRODUCT §3.1): a posting in — pasted text or a URL — and, in one action,
the application card, a tailored-resume suggestion and an outreach draft.

Persist first: the card is stored before anything else runs; tailoring and drafting are each
tried after it, and a failure of either becomes a note in the answer, never a lost card. The
outreach draft is the outreach plugin's AI task, run by name (``outreach.draft_message``):
plugins never import each other, and without that plugin the answer says so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from lightninghire.api import AppError, ValidationFailed
from lightninghire_plugins.jobsearch.applications import posting
from lightninghire_plugins.jobsearch.applications.service import ApplicationService
from lightninghire_plugins.jobsearch.common import owned
from lightninghire_plugins.jobsearch.resumes.service import ResumeService
from lightninghire_plugins.jobsearch.skills import offline as extract_skills

log = logging.getLogger(__name__)

FEATURE = "auto_pipeline"
# Owned by the outreach plugin; run by name through the AI service.
DRAFT_TASK = "outreach.draft_message"
NOTE_MAX = 5000


class AutoPipeline:
    def __init__(self, services: Any, apps: ApplicationService, resumes: ResumeService) -> None:
        self.services = services
        self.apps = apps
        self.resumes = resumes

    def run(self, user: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        user_id = str(user["_id"])
        # Everything that can refuse the request does so before anything is stored.
        resume = self._resume(user_id, body.get("resumeId"))
        source, found = self._posting(body)
        company = body.get("company") or found["company"]
        role = body.get("role") or found["role"]
        missing = [name for name, value in (("company", company), ("role", role)) if not value]
        if missing:
            raise ValidationFailed(
                {name: ["Not found in the posting: send it with the posting."] for name in missing},
                f"The posting does not say its {' or '.join(missing)}: send "
                f"{' and '.join(missing)} with it.")
        description = found["description"]
        seniority = extract_skills({"text": f"{role}\n{description or ''}",
                                    "kind": "job"})["seniority"]
        card_fields = {"company": company[:200], "role": role[:200], "status": "saved",
                       "description": description, "location": found["location"],
                       "employmentType": found["employmentType"],
                       "seniority": None if seniority == "unknown" else seniority,
                       "tags": ["auto-pipeline"]}
        if source["url"]:
            card_fields.update(jobUrl=source["url"], sourceUrl=source["url"])
        card = self.apps.create(user, {k: v for k, v in card_fields.items() if v is not None})

        notes: list[str] = []
        tailored = self._tailor(user, resume, card, notes)
        draft = self._draft(user, card, body.get("contactName"), notes)
        if draft is not None:
            text = (f"Outreach draft ({draft['channel']}):\n"
                    + (f"Subject: {draft['subject']}\n\n" if draft["subject"] else "")
                    + draft["body"])
            duplicate = card["duplicate"]
            card = {**self.apps.add_note(user_id, card["id"], text[:NOTE_MAX]),
                    "duplicate": duplicate}
        return {"application": card, "tailoredResume": tailored, "outreachDraft": draft,
                "notes": notes, "source": source}

    # -- the posting -----------------------------------------------------------------------------

    def _posting(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        if body.get("text"):
            found = posting.from_text(body["text"])
            return {"kind": "text", "url": None, "finalUrl": None, "title": found["title"],
                    "bytes": len(body["text"].encode())}, found
        page = self.services.fetcher.fetch(body["url"])  # UrlRefused 400 / FetchFailed 422
        found = posting.from_page(page)
        return {"kind": "url", "url": body["url"], "finalUrl": page.url, "title": found["title"],
                "bytes": page.size}, found

    def _resume(self, user_id: str, resume_id: str | None) -> dict[str, Any] | None:
        if resume_id:
            return owned(self.resumes.resumes, user_id, resume_id, "resume")
        latest = self.resumes.resumes.find({"userId": user_id, "kind": "master"}) \
            .sort("_id", -1).limit(1)
        return next(iter(latest), None)

    # -- after the card is stored: each step may fail alone ------------------------------------

    def _tailor(self, user: Mapping[str, Any], resume: Mapping[str, Any] | None,
                card: Mapping[str, Any], notes: list[str]) -> dict[str, Any] | None:
        if resume is None:
            notes.append("No resume yet, so no tailored suggestion: add one (POST /api/resumes) "
                         "and tailor it to this application.")
            return None
        if not card.get("description"):
            notes.append("The posting has no description to tailor your resume to.")
            return None
        try:
            return self.resumes.tailor(user, str(resume["_id"]), {
                "jobDescription": card["description"], "jobTitle": card["role"],
                "company": card["company"]})
        except Exception as exc:  # the card is kept whatever happens here
            log.exception("auto-pipeline: tailoring failed for application %s", card["id"])
            notes.append(f"Tailoring failed: {_reason(exc)} The application was saved; tailor "
                         f"your resume to it later.")
            return None

    def _draft(self, user: Mapping[str, Any], card: Mapping[str, Any], contact_name: str | None,
               notes: list[str]) -> dict[str, Any] | None:
        ai = self.services.ai
        if DRAFT_TASK not in ai.tasks:
            notes.append("No outreach draft: the outreach plugin is not enabled.")
            return None
        profile = user.get("profile") or {}
        inputs = {
            "contact": {"name": (contact_name or "Team")[:120], "company": card["company"][:120],
                        "contactType": "hiring_manager", "warmth": "cold"},
            "purpose": "informational_interview", "channel": "email",
            "sender": {"name": str(user.get("name") or "")[:120],
                       "role": str(profile.get("currentRole") or "")[:120],
                       "targetRole": card["role"][:120]},
            "context": f"I'm applying for the {card['role']} role"[:1000],
        }
        try:
            # One step of this action (announce=False): the action was metered as a whole.
            result = ai.run(DRAFT_TASK, inputs, user=user, announce=False).data
        except Exception as exc:  # the card is kept whatever happens here
            log.exception("auto-pipeline: the outreach draft failed for application %s",
                          card["id"])
            notes.append(f"The outreach draft failed: {_reason(exc)} The application was saved.")
            return None
        return {"channel": "email", "subject": result.get("subject", ""), "body": result["body"]}


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, AppError) else "an unexpected error."
