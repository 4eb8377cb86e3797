"""What each engagement mail says. Rendered with the core's ``core/notice`` template, so the
plugin ships no template files: ``title`` is the subject, ``body`` plain paragraphs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mail:
    title: str
    body: str
    path: str            # where the button leads, under the app's URL
    action_label: str


# The onboarding checklist (PRODUCT §1.2): five milestones, in the order the product shows them.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("onboarding", "Finish onboarding (target role, timeline, salary goals)"),
    ("application", "Add an application to your pipeline"),
    ("resume", "Upload a resume"),
    ("mock", "Run a mock interview"),
    ("live_session", "Start a live interview session"),
)


def welcome(user_type: str) -> Mail:
    if user_type == "recruiter":
        return Mail(
            "Welcome to LightningHire",
            "Thanks for signing up. Open your first requisition, add a few candidates and "
            "assign a rubric: fit scores and scorecards take it from there.",
            "/dashboard", "Open your dashboard")
    return Mail(
        "Welcome to LightningHire",
        "Thanks for signing up. Three things get you interview-ready fastest:\n\n"
        "Run a mock interview for a role you want: five questions, scored answers, and an "
        "improved version of each in your own voice.\n\n"
        "Write your first STAR stories: five to eight stories cover most behavioral questions.\n\n"
        "Add the applications you are working on to your pipeline, so every tool knows the "
        "job description.",
        "/dashboard", "Open your dashboard")


def welcome_tips() -> Mail:
    return Mail(
        "Practice a little every day",
        "People who land offers practise in short, regular sessions. A single mock answer, "
        "one new STAR story or one pipeline update a day starts a streak you can watch grow "
        "on your dashboard.",
        "/mock-interview", "Practise one question")


def checklist(missing: Sequence[str]) -> Mail:
    labels = dict(CHECKLIST)
    left = len(missing)
    items = "\n".join(f"- {labels[key]}" for key in missing)
    return Mail(
        f"Your setup checklist: {left} step{'s' if left != 1 else ''} left",
        f"You are close to a fully set-up account. Still to do:\n\n{items}",
        "/dashboard", "Continue setting up")


def abandoned_signup() -> Mail:
    return Mail(
        "Finish setting up your LightningHire account",
        "You signed up yesterday but did not finish onboarding. It takes two minutes: your "
        "target role, timeline and salary goals make every mock interview, job match and "
        "negotiation tip specific to you. Every step is optional and you can change it later.",
        "/onboarding", "Finish onboarding")


def streak(days: int) -> Mail:
    return Mail(
        f"Keep your {days}-day streak going",
        f"You have practised {days} days in a row. One mock answer, one STAR story or one "
        "pipeline update today keeps the streak alive.",
        "/dashboard", "Keep the streak")


def win_back(days: int) -> Mail:
    if days >= 30:
        return Mail(
            "Your interview prep is waiting",
            "It has been a month. Your stories, pipeline and practice history are where you "
            "left them. When the next interview comes up, a quick mock for that exact company "
            "and role is the fastest way back in.",
            "/dashboard", "Pick up where you left off")
    return Mail(
        "We saved your place",
        "It has been two weeks since your last session. Your pipeline and stories are ready "
        "when you are: ten minutes of practice before your next interview makes a difference.",
        "/dashboard", "Open LightningHire")


def digest(items: Sequence[Mapping[str, Any]]) -> Mail:
    count = len(items)
    groups: dict[str, list[str]] = {}
    for item in items:
        line = item["title"]
        where = ", ".join(part for part in (item.get("company"), item.get("location")) if part)
        if where:
            line += f" - {where}"
        if item.get("url"):
            line += f"\n{item['url']}"
        groups.setdefault(item.get("search") or "", []).append(line)
    paragraphs = []
    for search, lines in groups.items():
        if search:
            paragraphs.append(f"Saved search: {search}")
        paragraphs.extend(lines)
    return Mail(
        f"Your job digest: {count} new {'match' if count == 1 else 'matches'}",
        "\n\n".join(paragraphs),
        "/jobs", "See all jobs")


# PRODUCT §6.9: first mock, 10 applications, 7-day streak, first offer "and more". Key -> (the
# analytics' label, the nudge's subject, its text, where its button leads).
MILESTONES: dict[str, tuple[str, str, str, str]] = {
    "first-application": (
        "First application", "Your pipeline has its first application",
        "Every job you track gets company intel, a cover letter and mock interviews aimed at "
        "its description. Add the others you are working on.", "/pipeline"),
    "ten-applications": (
        "10 applications", "10 applications in your pipeline",
        "Ten applications tracked. Your analytics now show where they stall: the funnel from "
        "applied to offer, with a conversion rate at each step.", "/analytics"),
    "first-interview": (
        "First interview stage", "You reached the interview stage",
        "An application moved to interviewing. A mock interview for that company and role, "
        "and a look at your STAR stories, are the best use of the days before.",
        "/mock-interview"),
    "first-offer": (
        "First offer", "Your first offer",
        "Congratulations on the offer. Before you answer, the negotiation coach drafts a "
        "counter from the offer details and your minimum.", "/tools/negotiate"),
    "first-mock": (
        "First mock interview", "You finished your first mock interview",
        "Your scores per answer are saved with each question. Practise the weakest ones again: "
        "the trend shows on your analytics page.", "/analytics"),
    "ten-mocks": (
        "10 mock interviews", "10 mock interviews done",
        "Ten mock interviews. Your analytics show your score trend by category and the "
        "categories to work on next.", "/analytics"),
    "first-story": (
        "First STAR story", "Your first STAR story",
        "Five to eight stories cover most behavioral questions. Tag each with the themes it "
        "answers so live sessions can suggest it.", "/stories"),
    "streak-7": (
        "7-day streak", "A 7-day practice streak",
        "Seven days in a row of practice. Short, regular sessions are what moves interview "
        "scores.", "/dashboard"),
    "streak-30": (
        "30-day streak", "A 30-day practice streak",
        "Thirty days in a row. Your analytics show how far your scores have come.",
        "/analytics"),
}


def milestone(key: str) -> Mail:
    _label, subject, text, path = MILESTONES[key]
    return Mail(subject, text, path, "Open LightningHire")


def weekly(week: str, figures: Sequence[str], upcoming: Sequence[Mapping[str, Any]]) -> Mail:
    """Monday's summary of the past week, with the interviews coming up (the reminders)."""
    paragraphs = [f"Your week {week}:", "\n".join(f"- {line}" for line in figures)]
    if upcoming:
        lines = []
        for item in upcoming:
            when = str(item.get("startsAt") or "")[:16].replace("T", " ")
            where = f" ({item['company']})" if item.get("company") else ""
            lines.append(f"- {when} UTC: {item.get('title') or 'Interview'}{where}")
        paragraphs.append("Coming up:\n" + "\n".join(lines))
    return Mail("Your weekly LightningHire summary", "\n\n".join(paragraphs), "/analytics",
                "See your analytics")
