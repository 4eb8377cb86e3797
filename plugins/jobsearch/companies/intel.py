"""``jobsearch.company_intel``: a company briefing in the product's sections.

Offline: built from what this install knows — the company's postings in the shared jobs
collection (open roles, locations, remote posture, salary ranges, the tech stack read from the
postings by the core's skill lexicon) — and says plainly which sections need a provider (news,
key people). Nothing is invented.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask
from lightninghire_plugins.jobsearch.skills import offline as extract_skills

NAME = "jobsearch.company_intel"


class PostingIn(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    location = fields.String(load_default=None, allow_none=True)
    remote = fields.Boolean(load_default=False)
    description = fields.String(load_default="", validate=validate.Length(max=60_000))
    salaryMin = fields.Float(load_default=None, allow_none=True)
    salaryMax = fields.Float(load_default=None, allow_none=True)


class IntelIn(Schema):
    company = fields.String(required=True, validate=validate.Length(1, 200))
    postings = fields.List(fields.Nested(PostingIn), load_default=list,
                           validate=validate.Length(max=50))


class IntelOut(AiOutput):
    overview = fields.String(required=True, validate=validate.Length(1, 2000))
    openRoles = fields.List(fields.String(), load_default=list)
    cultureSignals = fields.List(fields.String(), load_default=list)
    recentNews = fields.List(fields.String(), load_default=list)
    techStack = fields.List(fields.String(), load_default=list)
    interviewTips = fields.List(fields.String(), load_default=list)
    keyPeople = fields.List(fields.String(), load_default=list)
    sources = fields.List(fields.String(), load_default=list)


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    roles = "; ".join(p["title"] for p in inputs["postings"][:20]) or "none known"
    system = ("You brief job seekers on a company from public information only. Leave a "
              "section empty rather than guess. Culture signals are consensus only.")
    user = (f"Company: {inputs['company']}. Open roles we know of: {roles}. Write the overview, "
            f"open roles, culture signals, recent news (last 90 days), tech stack, interview "
            f"tips and key people.")
    return system, user


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    company, postings = inputs["company"], inputs["postings"]
    if not postings:
        return {"overview": f"No public postings of {company} are known to this install yet. "
                            f"Import its jobs or add a provider key for a researched brief.",
                "openRoles": [], "cultureSignals": [], "recentNews": [], "techStack": [],
                "interviewTips": _tips(company, []), "keyPeople": [], "sources": []}
    skills: Counter[str] = Counter()
    for post in postings:
        found = extract_skills({"text": f"{post['title']}\n{post['description']}", "kind": "job"})
        skills.update(s["name"] for s in found["skills"] if s["category"] != "soft")
    remote = sum(1 for p in postings if p["remote"])
    locations = Counter(p["location"] for p in postings if p.get("location"))
    posture = ("fully remote" if remote == len(postings) else
               "remote-friendly (hybrid)" if remote else "office-first")
    signals = [f"Remote posture from its postings: {posture} ({remote} of {len(postings)} remote)."]
    if locations:
        signals.append("Hiring in: " + ", ".join(loc for loc, _ in locations.most_common(4)) + ".")
    ranges = [(p["salaryMin"], p["salaryMax"]) for p in postings
              if p.get("salaryMin") and p.get("salaryMax")]
    if ranges:
        signals.append(f"Posted salary ranges span {min(r[0] for r in ranges):,.0f} to "
                       f"{max(r[1] for r in ranges):,.0f}.")
    stack = [name for name, _ in skills.most_common(12)]
    return {
        "overview": f"{company} has {len(postings)} open posting(s) known here"
                    + (f", mostly for {_families(postings)}." if postings else "."),
        "openRoles": sorted({p["title"] for p in postings})[:20],
        "cultureSignals": signals, "recentNews": [], "techStack": stack,
        "interviewTips": _tips(company, stack), "keyPeople": [],
        "sources": [f"{len(postings)} job posting(s) in this install"],
    }


def _families(postings: list[Mapping[str, Any]]) -> str:
    words = Counter(w for p in postings for w in p["title"].lower().split()
                    if w in {"engineer", "designer", "analyst", "manager", "scientist",
                             "developer", "sales", "marketing", "support", "product"})
    return ", ".join(w for w, _ in words.most_common(3)) or "varied roles"


def _tips(company: str, stack: list[str]) -> list[str]:
    tips = [f"Read {company}'s open postings side by side: repeated requirements are what the "
            f"loop will test.",
            "Prepare two STAR stories that show the skills the postings repeat."]
    if stack:
        tips.insert(1, f"Expect technical questions on {', '.join(stack[:4])}.")
    return tips


COMPANY_INTEL = AiTask(
    name=NAME, description="A company briefing: overview, roles, culture, stack, tips.",
    prompt=prompt, input_schema=IntelIn, output_schema=IntelOut, offline=offline,
    max_tokens=1500,
    examples=({"company": "Acme Health", "postings": [
        {"title": "Senior Backend Engineer", "location": "Remote (US)", "remote": True,
         "description": "Python, PostgreSQL, Kafka, Kubernetes.", "salaryMin": 165000,
         "salaryMax": 190000}]},),
)
