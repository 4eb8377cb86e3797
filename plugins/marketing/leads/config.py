"""Lead magnets and the drip sequence: shipped defaults, replaced by ``[plugins.marketing]``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lightninghire.api import StartupError

# source -> the asset it unlocks. Relative URLs are joined to ``download_base_url``; without
# one, to the API's own ``/api``, which serves the shipped guides (leads/downloads.py).
DEFAULT_MAGNETS: dict[str, dict[str, str]] = {
    "interview-prep-guide": {"title": "Interview Prep Guide",
                             "url": "/downloads/interview-prep-guide.pdf"},
    "50-interview-questions": {"title": "50 Questions Every Interviewer Asks",
                               "url": "/downloads/50-interview-questions.pdf"},
    "star-story-workbook": {"title": "STAR Story Workbook",
                            "url": "/downloads/star-story-workbook.pdf"},
    "salary-negotiation-playbook": {"title": "Salary Negotiation Playbook",
                                    "url": "/downloads/salary-negotiation-playbook.pdf"},
    "resume-tailoring-checklist": {"title": "Resume Tailoring Checklist",
                                   "url": "/downloads/resume-tailoring-checklist.pdf"},
    "30-60-90-day-plan": {"title": "30-60-90 Day Plan Template",
                          "url": "/downloads/30-60-90-day-plan.pdf"},
    "interview-debrief-template": {"title": "Interview Debrief Template",
                                   "url": "/downloads/interview-debrief-template.pdf"},
    "cold-outreach-templates": {"title": "Cold Outreach Templates",
                                "url": "/downloads/cold-outreach-templates.pdf"},
    "ai-job-search-2026": {"title": "AI Job Search 2026",
                           "url": "/downloads/ai-job-search-2026.pdf"},
}

# Days after the capture; the body is plain text (paragraphs separated by blank lines).
DEFAULT_DRIP: list[dict[str, Any]] = [
    {"after_days": 1,
     "subject": "A 10-minute warm-up before your next interview",
     "body": "Thanks again for grabbing our guide.\n\n"
             "Here is the fastest habit that moves interview results: before every interview, "
             "say your three strongest stories out loud, once, with a timer. Two minutes each. "
             "Anything longer gets cut by the interviewer anyway.",
     "action_url": "/help/star-method", "action_label": "Read: the STAR method"},
    {"after_days": 3,
     "subject": "Turn your experience into STAR stories",
     "body": "Most candidates have the experience and lose the interview on structure.\n\n"
             "Our free mini-course walks you through writing five STAR stories that cover "
             "the questions you will hear most: conflict, failure, leadership, ambiguity "
             "and impact.",
     "action_url": "/courses/star-story-workbook", "action_label": "Start the mini-course"},
    {"after_days": 7,
     "subject": "Practice with a mock interview (free)",
     "body": "Reading about interviews helps; rehearsing them helps more.\n\n"
             "A free LightningHire account gives you three mock interviews a week, with "
             "per-answer feedback on completeness, relevance, structure and specificity.",
     "action_url": "/signup", "action_label": "Create your free account"},
]


@dataclass(frozen=True)
class Magnet:
    source: str
    title: str
    url: str


@dataclass(frozen=True)
class DripStep:
    after_days: float
    subject: str
    body: str
    action_url: str | None = None
    action_label: str | None = None


def magnets_from(settings: Mapping[str, Any], download_base: str) -> dict[str, Magnet]:
    """``lead_magnets`` (a table of source -> {title, url}) replaces the shipped set."""
    raw = settings.get("lead_magnets") or DEFAULT_MAGNETS
    magnets = {}
    for source, entry in raw.items():
        if not isinstance(entry, Mapping) or not entry.get("url") or not entry.get("title"):
            raise StartupError(f"plugins.marketing.lead_magnets.{source} needs a title and a url")
        url = str(entry["url"])
        if url.startswith("/"):
            url = download_base.rstrip("/") + url
        magnets[source] = Magnet(source, str(entry["title"]), url)
    return magnets


def drip_from(settings: Mapping[str, Any], public_url: str) -> list[DripStep]:
    """``drip`` (a list of {after_days, subject, body, action_url?, action_label?}), in order."""
    raw = settings.get("drip")
    raw = DEFAULT_DRIP if raw is None else raw
    steps = []
    last = -1.0
    for i, entry in enumerate(raw):
        try:
            after = float(entry["after_days"])
            subject, body = str(entry["subject"]), str(entry["body"])
        except (KeyError, TypeError, ValueError):
            raise StartupError(f"plugins.marketing.drip[{i}] needs after_days, subject and "
                               f"body") from None
        if after < last or "\n" in subject:
            raise StartupError(f"plugins.marketing.drip[{i}]: steps go in order of after_days "
                               f"and a subject is one line")
        last = after
        url = entry.get("action_url")
        if url and str(url).startswith("/"):
            url = public_url.rstrip("/") + str(url)
        steps.append(DripStep(after, subject, body, url, entry.get("action_label")))
    return steps
