"""``jobsearch.job_match``: how well a resume fits a job, 0-100 with a band and the reasons.

Offline, both texts are read by ``profile.read`` (skills and credentials from the lexicon, the
post's required / nice-to-have sections, years and levels) and scored from evidence, the way a
recruiter reads a resume against a post:

- skills (55%): the post's required skills (mentioned ones count 0.6, nice-to-haves only as a
  small bonus), each credited with the strength of the resume's evidence: a bullet of work with
  an outcome 1.0, a plain bullet 0.8, a summary sentence 0.6, a course 0.45, a skills list or
  headline 0.35. A licence counts double.
- experience (15%): years in roles that show the post's skills or title, against the years
  asked (a course or an unrelated career does not count).
- level (10%): one level under costs 30%; over-qualified costs little and is noted.
- vocabulary (20%): the share of the post's distinctive words found in the resume's work
  history and summary (not its skills list; place names are not vocabulary).

Keyword stuffing (five or more skills listed with no evidence, more than are evidenced) costs
skill credit; a required licence (RN, CPA, CDL...) absent from the resume caps the score at
20 + a fifth of it (at most 40), which keeps the unlicensed ordered among themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import GENERIC, AiOutput, AiTask, stem
from lightninghire_plugins.jobsearch.common import terms
from lightninghire_plugins.jobsearch.profile import (
    CONTEXT,
    COURSE_LINE,
    LEVELS,
    MENTIONED,
    PREFERRED,
    REQUIRED,
    SUMMARY_LINE,
    WORK_LINE,
    Reading,
    place_words,
    read,
)

NAME = "jobsearch.job_match"
BANDS = ((90, "strong"), (70, "solid"), (50, "gaps"), (0, "mismatch"))
BAND_TEXT = {"strong": "Strong match", "solid": "Solid match with gaps",
             "gaps": "Real keyword gaps", "mismatch": "Material mismatch"}
WEIGHTS = {"skills": 0.55, "experience": 0.15, "seniority": 0.10, "vocabulary": 0.20}
LICENCE_CEILING = 40
_REQUIREMENT_WEIGHT = {REQUIRED: 1.0, MENTIONED: 0.6, CONTEXT: 0.3}
# Words of any post: they say nothing about the job's field.
_BOILERPLATE = frozenset(stem(w) for w in GENERIC | set(re.findall(r"\w+", """
    requirement requirements required experience experienced year years responsibilities
    nice plus preferred candidate candidates hiring role team teams company position
    opportunity skill skills ability strong excellent knowledge understanding work working
    job apply salary benefits must should would could will about their within across using
    including senior junior staff principal lead manager remote hybrid onsite site office
    location based equal employer environment bonus ideal ideally great looking join new
    help support you your we our us they them who what when where how day days week weeks
    per plus minimum least
    """)))


def band(score: int) -> str:
    return next(name for floor, name in BANDS if score >= floor)


class MatchIn(Schema):
    jobTitle = fields.String(load_default="", validate=validate.Length(max=200))
    jobDescription = fields.String(required=True, validate=validate.Length(1, 50_000))
    resumeText = fields.String(required=True, validate=validate.Length(1, 50_000))
    targetRoles = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list)
    asOf = fields.String(load_default=None, allow_none=True,
                         validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}$"),
                         metadata={"description": "today (YYYY-MM-DD), for \"2019-present\" "
                                                  "and \"since 2018\""})


class ComponentsOut(AiOutput):
    skills = fields.Integer(validate=validate.Range(0, 100))
    experience = fields.Integer(validate=validate.Range(0, 100))
    seniority = fields.Integer(validate=validate.Range(0, 100))
    vocabulary = fields.Integer(validate=validate.Range(0, 100))


class MatchOut(AiOutput):
    score = fields.Integer(required=True, validate=validate.Range(0, 100))
    band = fields.String(required=True, validate=validate.OneOf([b for _, b in BANDS]))
    reasons = fields.List(fields.String(validate=validate.Length(1, 400)), required=True,
                          validate=validate.Length(1, 8))
    matchedSkills = fields.List(fields.String(), load_default=list,
                                metadata={"description": "required by the job and evidenced"})
    missingSkills = fields.List(fields.String(), load_default=list,
                                metadata={"description": "required by the job, absent from the resume"})
    claimedOnlySkills = fields.List(fields.String(), load_default=list,
                                    metadata={"description": "required, but only listed (skills "
                                                             "list, headline), not shown in work"})
    requiredSkills = fields.List(fields.String(), load_default=list)
    mentionedMissing = fields.List(fields.String(), load_default=list,
                                   metadata={"description": "named by the post outside its "
                                                            "requirements, absent from the resume"})
    niceToHaveMatched = fields.List(fields.String(), load_default=list)
    niceToHaveMissing = fields.List(fields.String(), load_default=list)
    missingCredentials = fields.List(fields.String(), load_default=list,
                                     metadata={"description": "licences and certifications the "
                                                              "job requires that are not shown"})
    keywordCoverage = fields.Float(load_default=None, allow_none=True,
                                   validate=validate.Range(0, 1))
    components = fields.Nested(ComponentsOut, load_default=None, allow_none=True)
    ceiling = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 100),
                             metadata={"description": "the most the score may be: a required "
                                                      "licence is missing"})
    yearsAsked = fields.Integer(load_default=None, allow_none=True)
    yearsRelevant = fields.Integer(load_default=None, allow_none=True)
    jobSeniority = fields.String(load_default="unknown")
    resumeSeniority = fields.String(load_default="unknown")
    overQualified = fields.Boolean(load_default=False)


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You are a recruiter scoring how well a resume fits a job posting. Judge only "
              "evidence in the resume; never assume skills it does not show. A skill shown in "
              "work with results outweighs one only listed; a missing required licence is a "
              "mismatch. Bands: 90+ strong, 70-89 solid with gaps, 50-69 real keyword gaps, "
              "under 50 material mismatch.")
    user = (f"Job title: {inputs['jobTitle'] or 'not given'}\n<<<JOB\n{inputs['jobDescription']}"
            f"\nJOB>>>\n<<<RESUME\n{inputs['resumeText']}\nRESUME>>>\nScore the fit 0-100 and "
            f"give up to 6 short, specific reasons.")
    return system, user


@dataclass
class Assessment:
    """A resume read against a job: the numbers every fit scorer of the plugin reports."""

    job: Reading
    resume: Reading
    score: int
    components: dict[str, int]
    required: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    claimed_only: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    also_shown: list[str] = field(default_factory=list)  # mentioned (not required), shown
    also_missing: list[str] = field(default_factory=list)  # mentioned, not shown
    nice_matched: list[str] = field(default_factory=list)
    nice_missing: list[str] = field(default_factory=list)
    missing_credentials: list[str] = field(default_factory=list)
    ceiling: int | None = None
    years_relevant: int | None = None
    vocabulary: float = 0.0
    over_qualified: bool = False
    place: str | None = None          # a reason about the location, when it matters
    level_gap: int | None = None


def _groups(asked: list[Any]) -> list[list[Any]]:
    groups: dict[Any, list[Any]] = {}
    for found in asked:
        key = found.group if found.group is not None else id(found)
        groups.setdefault(key, []).append(found)
    return list(groups.values())


def _weight(found: Any) -> float:
    skill = found.skill
    if skill.kind == "licence":
        return 2.0
    return 0.5 if skill.category == "soft" else 1.0


def assess(job_title: str, job_text: str, resume_text: str,
           today: date | None = None) -> Assessment:
    """Score ``resume_text`` against a job (see the module's doc for the recipe)."""
    job = read(f"{job_title}\n{job_text}" if job_title else job_text, "job", today,
               title=job_title)
    resume = read(resume_text, "resume", today)
    have = resume.found

    def shown(name: str) -> float:
        return have[name].evidence if name in have else 0.0

    asked = [f for f in job.skills() if f.requirement != PREFERRED]
    nice = [f for f in job.skills() if f.requirement == PREFERRED]
    total = got = 0.0
    for group in _groups(asked):
        # Alternatives ("Salesforce or HubSpot") are one requirement: the best one shown counts.
        weight = max(_weight(f) * _REQUIREMENT_WEIGHT[f.requirement] for f in group)
        total += weight
        got += weight * max(shown(f.skill.name) for f in group)
    nice_share = sum(shown(f.skill.name) for f in nice) / len(nice) if nice else 0.0
    vocabulary = _vocabulary(job_text, job_title, resume, job.cities)
    if total:
        skills = min(1.0, got / total + 0.1 * nice_share)
    elif nice:
        skills = nice_share
    else:
        skills = vocabulary  # a post naming no skill we know: its words are all we have
    years_relevant = _relevant_years(job, resume, job_title)
    experience = _experience(job.years, years_relevant, resume.years)
    gap = _level_gap(job.seniority, resume.seniority)
    seniority = 0.75 if gap is None else (1 - 0.3 * -gap if gap < 0 else 1 - 0.04 * max(0, gap - 1))
    seniority = max(0.0, seniority)
    # Keyword stuffing: skills listed with no evidence, beyond those shown, cost skill credit.
    skills = max(0.0, skills - min(0.27, 0.036 * resume.stuffing))
    raw = (WEIGHTS["skills"] * skills + WEIGHTS["experience"] * experience
           + WEIGHTS["seniority"] * seniority + WEIGHTS["vocabulary"] * vocabulary)
    location, place = _location(job, resume, job_text)
    raw += location
    score = max(0, min(100, round(100 * raw)))
    # An alternative met ("Tableau or Power BI" with Power BI) leaves no gap for the others.
    met_groups = {f.group for f in asked if f.group is not None
                  and shown(f.skill.name) >= SUMMARY_LINE}
    required = [f.skill.name for f in asked if f.requirement == REQUIRED
                and (f.group not in met_groups or shown(f.skill.name) >= SUMMARY_LINE)]
    missing_credentials = [f.skill.name for f in asked if f.skill.credential
                           and f.requirement == REQUIRED and shown(f.skill.name) < 0.5]
    ceiling = None
    if any(f.skill.kind == "licence" and f.requirement == REQUIRED and shown(f.skill.name) < 0.5
           for f in asked):
        # A hard cap that still orders the unlicensed among themselves: 20 + a fifth of the
        # score, so never above 40 (LICENCE_CEILING).
        ceiling = round(20 + score * (LICENCE_CEILING - 20) / 100)
        score = min(score, ceiling)
    return Assessment(
        job=job, resume=resume, score=score,
        components={"skills": round(100 * skills), "experience": round(100 * experience),
                    "seniority": round(100 * seniority), "vocabulary": round(100 * vocabulary)},
        required=required,
        matched=[n for n in required if shown(n) >= SUMMARY_LINE],
        claimed_only=[n for n in required if 0 < shown(n) < SUMMARY_LINE],
        missing=[n for n in required if shown(n) == 0],
        also_shown=[f.skill.name for f in asked if f.requirement in (MENTIONED, CONTEXT)
                    and shown(f.skill.name) > 0],
        also_missing=[f.skill.name for f in asked if f.requirement in (MENTIONED, CONTEXT)
                      and shown(f.skill.name) == 0],
        nice_matched=[f.skill.name for f in nice if shown(f.skill.name) >= SUMMARY_LINE],
        nice_missing=[f.skill.name for f in nice if shown(f.skill.name) < SUMMARY_LINE],
        missing_credentials=missing_credentials, ceiling=ceiling,
        years_relevant=years_relevant, vocabulary=vocabulary,
        over_qualified=gap is not None and gap >= 2, level_gap=gap, place=place)


_ON_SITE = re.compile(r"\b(?:on[- ]?site|in[- ]office|in[- ]person|hybrid|in the office|"
                      r"days a week in|relocat\w*)\b", re.IGNORECASE)


def _location(job: Reading, resume: Reading, job_text: str) -> tuple[float, str | None]:
    """A small bonus for living where an on-site or hybrid job is (a note, no cost, for living
    elsewhere: people relocate); nothing for a remote job or when either side names no city."""
    if not job.cities or (job.remote and not _ON_SITE.search(job_text)):
        return 0.0, None
    shared = sorted(job.cities & resume.cities)
    if shared:
        return 0.02, f"Based in {shared[0]}, where the job is."
    if resume.cities:
        return 0.0, (f"The job is in {sorted(job.cities)[0]}; the resume places you in "
                       f"{sorted(resume.cities)[0]}: say whether you will relocate.")
    return 0.0, None


def as_of(value: str | None) -> date | None:
    """The ``asOf`` input as a date (the caller's clock), else ``None`` (the host's today)."""
    return date.fromisoformat(value) if value else None


def _experience(asked: int | None, relevant: int | None, total: int | None) -> float:
    if relevant is None:
        return 0.35 if total is None else 0.2
    target = asked or 2
    return min(1.0, relevant / target) if target else 1.0


def _title_words(title: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[a-z]+", title.lower())
            if len(w) > 2 and stem(w) not in _BOILERPLATE and w not in LEVEL_WORDS}


LEVEL_WORDS = frozenset({"senior", "junior", "staff", "principal", "lead", "head", "chief",
                         "intern", "associate", "director", "manager", "mid", "level", "entry",
                         "sr", "jr", "ii", "iii", "the", "and", "for"})


def _relevant_years(job: Reading, resume: Reading, job_title: str) -> int | None:
    """Years in roles that show the job's hard skills or share its title's words."""
    if not resume.blocks:
        return None
    wanted = [f.skill for f in job.skills() if f.requirement != PREFERRED
              and f.skill.category != "soft"]
    title_words = _title_words(job_title or job.title)
    dated = undated = 0.0
    for block in resume.blocks:
        block_words = {stem(w) for w in re.findall(r"[a-z]+", block.text.lower())}
        title = {stem(w) for w in re.findall(r"[a-z]+", block.title.lower())}
        hits = sum(1 for skill in wanted if skill.pattern.search(block.text))
        same_title = len(title_words & title) / len(title_words) if title_words else 0.0
        if not wanted and not title_words:
            share = 1.0
        elif same_title >= 0.5 and hits >= min(2, len(wanted)):
            share = 1.0  # the same role, doing the job's work
        else:
            # Another role counts by how much of the job it shows, at most about half.
            share = min(1.0, 0.5 * min(1.0, hits / 3) + 0.25 * same_title
                        + (0.1 if title_words & block_words else 0.0))
        if block.spans:
            dated += share * block.months
        else:  # "Account Executive, 3 years": the same years as the dated roles, or a summary
            undated = max(undated, share * block.months)
    return round(max(dated, undated) / 12)


def _vocabulary(job_text: str, job_title: str, resume: Reading,
                job_cities: set[str] = frozenset()) -> float:
    """The share of the post's 30 most used distinctive words in the resume's evidence."""
    places = place_words() | {stem(w.lower()) for c in job_cities for w in c.split()}
    counts = Counter(t for t in terms(f"{job_title}\n{job_text}")
                     if len(t) > 2 and t not in _BOILERPLATE and t not in places)
    top = [t for t, _ in counts.most_common(30)]
    if not top:
        return 0.5
    mine = set(terms(resume.evidence_text))
    return min(1.0, 1.6 * sum(1 for t in top if t in mine) / len(top))


def _level_gap(job_level: str, resume_level: str) -> int | None:
    """How many levels the resume sits above (+) or below (-) the job."""
    if job_level not in LEVELS or resume_level not in LEVELS:
        return None
    return LEVELS.index(resume_level) - LEVELS.index(job_level)


def reasons_for(found: Assessment, targets: list[str] | None = None,
                job_text: str = "") -> list[str]:
    reasons: list[str] = []
    if found.ceiling is not None:
        reasons.append(f"The job requires {', '.join(found.missing_credentials)}, which the "
                       f"resume does not show: a hard requirement, so the score is capped at "
                       f"{found.ceiling}.")
    if found.required:
        reasons.append(f"Shows {len(found.matched)} of {len(found.required)} required skills in "
                       f"its experience" + (f" ({', '.join(found.matched[:6])})." if found.matched
                                            else "."))
    if found.claimed_only:
        them = "them" if len(found.claimed_only) > 1 else "it"
        reasons.append(f"Listed (or only studied) but not shown in any role: "
                       f"{', '.join(found.claimed_only[:5])}; a bullet of work with a result "
                       f"would prove {them}.")
    if found.missing:
        reasons.append(f"Missing from the resume: {', '.join(found.missing[:6])}.")
    if found.nice_matched:
        reasons.append(f"Nice-to-haves you show: {', '.join(found.nice_matched[:5])}.")
    if found.resume.stuffing:
        reasons.append(f"{found.resume.stuffing} more skills listed than shown in work: a "
                       f"list without evidence counts little.")
    asked, relevant = found.job.years, found.years_relevant
    if asked and relevant is not None and relevant < asked:
        reasons.append(f"The job asks {asked}+ years; the resume shows {relevant} in related "
                       f"roles.")
    elif asked and relevant is None:
        reasons.append(f"The job asks {asked}+ years; the resume gives no dates or years.")
    gap = found.level_gap
    if gap is not None and gap <= -2:
        reasons.append(f"The job reads {found.job.seniority}, the resume "
                       f"{found.resume.seniority}: the role is above your level.")
    elif found.over_qualified:
        reasons.append(f"The job reads {found.job.seniority}, the resume "
                       f"{found.resume.seniority}: you meet the requirements and may read as "
                       f"over-qualified; say why this role interests you.")
    if found.place:
        reasons.append(found.place)
    if targets and any(t.lower() in job_text.lower() for t in targets):
        reasons.append("The title is one of your target roles.")
    reasons.append(f"Vocabulary of the posting found in your experience: "
                   f"{round(100 * found.vocabulary)}%.")
    return reasons[:8]


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    found = assess(inputs["jobTitle"], inputs["jobDescription"], inputs["resumeText"],
                   as_of(inputs.get("asOf")))
    targets = [t for t in inputs.get("targetRoles", []) if t]
    job_text = f"{inputs['jobTitle']}\n{inputs['jobDescription']}"
    return {"score": found.score, "band": band(found.score),
            "reasons": reasons_for(found, targets, job_text),
            "matchedSkills": found.matched, "missingSkills": found.missing,
            "claimedOnlySkills": found.claimed_only, "requiredSkills": found.required,
            "mentionedMissing": found.also_missing,
            "niceToHaveMatched": found.nice_matched, "niceToHaveMissing": found.nice_missing,
            "missingCredentials": found.missing_credentials,
            "keywordCoverage": round(found.vocabulary, 3), "components": found.components,
            "ceiling": found.ceiling, "yearsAsked": found.job.years,
            "yearsRelevant": found.years_relevant, "jobSeniority": found.job.seniority,
            "resumeSeniority": found.resume.seniority, "overQualified": found.over_qualified}


__all__ = ["COURSE_LINE", "WORK_LINE", "assess", "offline"]

JOB_MATCH = AiTask(
    name=NAME,
    description="How well a resume fits a job: score 0-100, band and reasons.",
    prompt=prompt, input_schema=MatchIn, output_schema=MatchOut, offline=offline,
    max_tokens=600,
    examples=({"jobTitle": "Senior Backend Engineer",
               "jobDescription": "We need Python, Kafka and PostgreSQL; 5+ years.\n"
                                 "You run Docker and Kubernetes in production.\n"
                                 "Nice to have: Go.",
               "resumeText": "Backend engineer, 6 years. Python, Django, PostgreSQL, Kafka "
                             "pipelines, Docker. Led a team of 3.",
               "targetRoles": ["Backend Engineer"]},),
)
