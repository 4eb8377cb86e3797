"""``jobsearch.extract_skills``: the skills, seniority and years of experience in a job post or resume.

Offline: skills come from a curated lexicon (``skills.toml``: about 140 skills with their common
spellings, "k8s" is Kubernetes, "Postgres" is PostgreSQL), ordered by how often they are
mentioned; a skill met only under "nice to have" / "bonus" / "a plus" is reported as such.
Seniority is read from the job title first (Senior, Staff, Principal, Head of ...), then from
the years of experience asked for or claimed; ``evidence`` quotes what decided it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, sentences
from lightninghire_plugins.jobsearch.lexicon import CATEGORIES, SKILLS

NAME = "jobsearch.extract_skills"
LEVELS = ("intern", "junior", "mid", "senior", "lead", "principal", "executive")
MAX_SKILLS = 30

# Most senior first: a "Senior Engineering Manager" is a lead before a senior.
_TITLE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(pattern, re.IGNORECASE)) for level, pattern in (
        ("executive", r"\b(?:chief \w+ officer|cto|ceo|coo|cfo|vp|vice president|head of|"
                      r"director)\b"),
        ("principal", r"\b(?:principal|distinguished|fellow)\b"),
        ("lead", r"\b(?:staff|lead|manager)\b"),
        ("senior", r"\b(?:senior|sr\.?)(?!\w)"),
        ("mid", r"\b(?:mid[- ]level|intermediate)\b"),
        ("junior", r"\b(?:junior|jr\.?|entry[- ]level|graduate|new grad)(?!\w)"),
        ("intern", r"\b(?:intern|internship|apprentice|working student)\b"),
    ))
_TITLE_INTRO = re.compile(
    r"(?:hiring|looking for|seeking|searching for|join (?:us|our team) as|role of|"
    r"position of|title:|role:|position:)\s+(?:an?\s+|our\s+(?:first\s+|next\s+)?)?"
    r"((?:[A-Z][\w./+#-]*\s*){1,6})")
_YEARS = re.compile(
    r"(?P<low>\d{1,2})\s*(?:\+|plus)?\s*(?:(?:-|\u2013|to)\s*(?P<high>\d{1,2})\s*)?(?:\+\s*)?"
    r"(?:years?|yrs?)\b(?P<after>[^.;\n]{0,40})", re.IGNORECASE)
_NICE_LINE = re.compile(r"nice[- ]to[- ]have|\bbonus\b|\ba plus\b|\bpreferred\b|\bideally\b|"
                        r"\bpluses\b|good to have|\bnot required\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s*[A-Za-z][A-Za-z '&/()-]{2,60}:?\s*$")
_JOB_CUES = re.compile(r"\b(?:you|your|you'll|we|we're|our|requirements|responsibilities|"
                       r"about the role|apply|salary|benefits|hiring|looking for|candidates?)\b",
                       re.IGNORECASE)
_RESUME_CUES = re.compile(r"\b(?:i|my|i'm|i've|education|present|b\.?sc|m\.?sc|bachelor|"
                          r"master's|university|skills:)(?![\w'])", re.IGNORECASE)


class ExtractIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 50_000))
    kind = fields.String(load_default="auto", validate=validate.OneOf(["auto", "job", "resume"]))


class SkillOut(AiOutput):
    name = fields.String(required=True, validate=validate.Length(1, 60))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))


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


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    kind = {"job": "a job description", "resume": "a resume"}.get(inputs["kind"],
                                                                   "a job description or a resume")
    system = ("You extract structured facts from hiring documents. Report only skills that the "
              "text names or clearly implies; use common canonical names (PostgreSQL, "
              "Kubernetes, React).")
    user = (f"The text below is {kind}. List its skills (most important first, each with a "
            f"category among: {', '.join(CATEGORIES)}), which of them are only nice to have, "
            f"the seniority level, the years of experience and the words that show the "
            f"seniority.\n<<<TEXT\n{inputs['text']}\nTEXT>>>")
    return system, user


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    text = inputs["text"]
    kind = inputs["kind"] if inputs["kind"] != "auto" else _guess_kind(text)
    required_text, optional_text = _split_optional(text)
    found: list[tuple[int, int, bool, str, str]] = []  # (-mentions, first, optional, name, cat)
    for skill in SKILLS:
        required_hits = list(skill.pattern.finditer(required_text))
        optional_hits = list(skill.pattern.finditer(optional_text))
        if not required_hits and not optional_hits:
            continue
        first = required_hits[0].start() if required_hits else len(text) + optional_hits[0].start()
        optional = kind == "job" and not required_hits
        found.append((-(len(required_hits) + len(optional_hits)), first, optional, skill.name,
                      skill.category))
    # Required before optional, then the most mentioned, then the first mentioned.
    found.sort(key=lambda item: (item[2], item[0], item[1]))
    found = found[:MAX_SKILLS]
    seniority, years, evidence = _seniority(text, kind)
    return {
        "kind": kind,
        "skills": [{"name": name, "category": category} for *_, name, category in found],
        "niceToHave": [name for _, _, optional, name, _ in found if optional],
        "seniority": seniority,
        "yearsOfExperience": years,
        "evidence": evidence,
    }


def _guess_kind(text: str) -> str:
    return "job" if len(_JOB_CUES.findall(text)) >= len(_RESUME_CUES.findall(text)) else "resume"


def _split_optional(text: str) -> tuple[str, str]:
    """(required part, optional part): lines under a "Nice to have" heading, or lines that say
    "a plus" / "bonus" / "preferred", are optional."""
    required, optional = [], []
    in_optional_section = False
    for line in text.splitlines():
        if _HEADING.match(line) and not line.strip().startswith(("-", "*", "\u2022")):
            in_optional_section = bool(_NICE_LINE.search(line))
            (optional if in_optional_section else required).append("")
            continue
        (optional if in_optional_section or _NICE_LINE.search(line) else required).append(line)
    return "\n".join(required), "\n".join(optional)


def _seniority(text: str, kind: str) -> tuple[str, int | None, str | None]:
    years, years_phrase = _years(text)
    for title in _titles(text, kind):
        for level, cue in _TITLE_CUES:
            match = cue.search(title)
            if match:
                return level, years, f"title: {title.strip()}"
    if years is not None:
        return _level_for_years(years), years, years_phrase
    return "unknown", None, None


def _titles(text: str, kind: str) -> list[str]:
    """Where a job title is likely written: the first line when it is short, then phrases
    like "hiring a Senior ...", "looking for a Staff ..."."""
    titles: list[str] = []
    first = next((line.strip(" #*\t") for line in text.splitlines() if line.strip()), "")
    if 0 < len(first.split()) <= 10:
        titles.append(first)
    titles.extend(match.group(1) for match in _TITLE_INTRO.finditer(text))
    if kind == "resume":
        # A resume's titles sit in its experience lines: "Senior Engineer, Acme (2019-2023)".
        titles.extend(s for s in sentences(text)[:12] if len(s.split()) <= 12)
    return titles


def _years(text: str) -> tuple[int | None, str | None]:
    """The first "N years" that is about experience, and its words as evidence."""
    for match in _YEARS.finditer(text):
        after = match.group("after")
        context = text[max(0, match.start() - 30):match.start()].lower()
        said = "experience" in after.lower() or "experience" in context or \
            after.lower().strip().startswith(("of ", "in ", "building", "working", "as "))
        low = int(match.group("low"))
        if said and low <= 50:
            cut = after.lower().find("experience")
            tail = after[:cut + len("experience")] if cut >= 0 else " ".join(after.split()[:3])
            phrase = text[match.start():match.start("after")] + tail
            return low, " ".join(phrase.split())
    return None, None


def _level_for_years(years: int) -> str:
    if years < 2:
        return "junior"
    if years < 5:
        return "mid"
    if years < 10:
        return "senior"
    return "lead"


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
