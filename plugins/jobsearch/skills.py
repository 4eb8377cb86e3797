"""``jobsearch.extract_skills``: the skills, credentials, seniority and years of experience in
a job post or resume.

Offline: ``profile.read`` finds skills and credentials from the lexicon (``skills.toml``: software,
data, healthcare, sales, finance, teaching and logistics, with their common spellings: "k8s" is
Kubernetes, "Registered Nurse" is an RN license). For a post, each skill is required, mentioned
or nice to have (its section: "Requirements", "Must have", "Qualifications" vs "Nice to have",
"Preferred", "Bonus", or a line saying "a plus"); for a resume, each carries the strength of its
evidence (a work bullet with an outcome 1.0 ... a skills list 0.35). Seniority comes from the
title (and, for a resume, from scope: "managed 6 nurses"), else from the years asked or shown
(a resume's years from "N years", "4 yrs", "five years" or its dated roles); ``evidence``
quotes what decided it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask
from lightninghire_plugins.jobsearch.lexicon import CATEGORIES, KINDS
from lightninghire_plugins.jobsearch.profile import LEVELS, PREFERRED, read

NAME = "jobsearch.extract_skills"
MAX_SKILLS = 30
__all__ = ["LEVELS", "NAME", "TASK", "offline"]
_JOB_CUES = re.compile(r"\b(?:you|your|you'll|we|we're|our|requirements|responsibilities|"
                       r"about the role|apply|salary|benefits|hiring|looking for|candidates?)\b",
                       re.IGNORECASE)
_RESUME_CUES = re.compile(r"\b(?:i|my|i'm|i've|education|present|b\.?sc|m\.?sc|bachelor|"
                          r"master's|university|skills:)(?![\w'])", re.IGNORECASE)


class ExtractIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 50_000))
    kind = fields.String(load_default="auto", validate=validate.OneOf(["auto", "job", "resume"]))
    asOf = fields.String(load_default=None, allow_none=True,
                         validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}$"),
                         metadata={"description": "today (YYYY-MM-DD), for \"2019-present\""})


class SkillOut(AiOutput):
    name = fields.String(required=True, validate=validate.Length(1, 60))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    kind = fields.String(load_default="skill", validate=validate.OneOf(KINDS),
                         metadata={"description": "skill, certification or licence"})
    required = fields.Boolean(load_default=None, allow_none=True,
                              metadata={"description": "job: asked under requirements, in the "
                                                       "title or with \"must\"/\"required\""})
    evidence = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 1),
                            metadata={"description": "resume: 1 shown in work with an outcome, "
                                                     "0.8 in work, 0.6 in a summary, 0.45 in a "
                                                     "course, 0.35 only listed"})


class SkillsOut(AiOutput):
    kind = fields.String(required=True, validate=validate.OneOf(["job", "resume"]))
    skills = fields.List(fields.Nested(SkillOut), required=True,
                         validate=validate.Length(max=MAX_SKILLS),
                         metadata={"description": "most important first"})
    niceToHave = fields.List(fields.String(), load_default=list,
                             metadata={"description": "names from skills that are optional"})
    seniority = fields.String(required=True, validate=validate.OneOf([*LEVELS, "unknown"]))
    yearsOfExperience = fields.Integer(allow_none=True, load_default=None,
                                       validate=validate.Range(0, 60),
                                       metadata={"description": "asked for (job) or claimed "
                                                                "(resume); null when not said"})
    evidence = fields.String(allow_none=True, load_default=None,
                             metadata={"description": "the words that show the seniority"})
    cities = fields.List(fields.String(), load_default=list)


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    kind = {"job": "a job description", "resume": "a resume"}.get(inputs["kind"],
                                                                   "a job description or a resume")
    system = ("You extract structured facts from hiring documents. Report only skills that the "
              "text names or clearly implies; use common canonical names (PostgreSQL, "
              "Kubernetes, React).")
    user = (f"The text below is {kind}. List its skills and credentials (most important "
            f"first, each with a category among: {', '.join(CATEGORIES)}; its kind: skill, "
            f"certification or licence; for a job, whether it is required; for a resume, the "
            f"strength of its evidence 0-1: 1 shown in work with a result, 0.8 in work, 0.6 in "
            f"a summary, 0.45 in a course, 0.35 only listed), which of them are only nice to "
            f"have, the seniority level, the years of experience (today is "
            f"{inputs.get('asOf') or 'not given'}), the words that show the seniority and the "
            f"cities named.\n<<<TEXT\n{inputs['text']}\nTEXT>>>")
    return system, user


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    text = inputs["text"]
    kind = inputs["kind"] if inputs["kind"] != "auto" else _guess_kind(text)
    today = date.fromisoformat(inputs["asOf"]) if inputs.get("asOf") else None
    reading = read(text, kind, today)
    found = reading.skills()
    # Required before optional, then the most mentioned, then the first mentioned.
    found.sort(key=lambda f: (f.requirement == PREFERRED, -f.mentions, f.first))
    found = found[:MAX_SKILLS]
    skills = []
    for f in found:
        skill = {"name": f.skill.name, "category": f.skill.category, "kind": f.skill.kind}
        if kind == "job":
            skill["required"] = f.requirement == "required"
        else:
            skill["evidence"] = round(f.evidence, 2)
        skills.append(skill)
    return {
        "kind": kind,
        "skills": skills,
        "niceToHave": [f.skill.name for f in found if f.requirement == PREFERRED],
        "seniority": reading.seniority,
        "yearsOfExperience": reading.years,
        "evidence": reading.seniority_evidence,
        "cities": sorted(reading.cities),
    }


def _guess_kind(text: str) -> str:
    return "job" if len(_JOB_CUES.findall(text)) >= len(_RESUME_CUES.findall(text)) else "resume"


EXAMPLE_JOB = """Senior Backend Engineer - Payments
Acme Health is hiring a Senior Backend Engineer to rebuild its claims platform.

What you will do:
- Design and build claims services in Python (FastAPI) on PostgreSQL
- Move the busiest flows to an event-driven architecture on Kafka
- Run what you build: Docker, Kubernetes, on-call one week in six
- Mentor two engineers and work with product and compliance stakeholders

Requirements:
- 5+ years of experience building backend systems
- Strong SQL and REST API design; experience with AWS
- Clear written communication

Nice to have:
- Go or Rust
- Healthcare or payments experience; Terraform
"""

EXAMPLE_RESUME = """Maya Chen - Data Analyst
Data analyst with 3 years of experience turning product data into decisions.

Experience
Data Analyst, Northwind Retail (2021 - present)
- Built Tableau dashboards used weekly by 40 store managers
- Automated the weekly sales report with Python and pandas, saving 6 hours a week
- Ran A/B tests on checkout changes with the product team

Skills: SQL (BigQuery), Python, Excel, statistics, stakeholder communication
"""

TASK = AiTask(
    name=NAME,
    description="Skills (with categories and nice-to-haves), seniority and years of experience "
                "from a job description or a resume.",
    prompt=prompt,
    output_schema=SkillsOut,
    input_schema=ExtractIn,
    offline=offline,
    max_tokens=800,
    temperature=0.0,
    examples=({"text": EXAMPLE_JOB}, {"text": EXAMPLE_RESUME}),
)
