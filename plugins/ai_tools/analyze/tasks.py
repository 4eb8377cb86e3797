"""``ai_tools.deep_evaluation``: grade how well a resume fits a job, dimension by dimension.

The service first runs ``jobsearch.extract_skills`` on both texts and ``jobsearch.job_match``
(when the jobsearch plugin is enabled), so this task receives the skills, seniority and years of
each side and the evidence-weighted fit (``fit``: required skills shown in work, only listed or
missing, years in related roles, level, the post's vocabulary, a licence ceiling). Offline, the
skills, experience, seniority and domain dimensions are that fit's components, so a grade agrees
with the match score; logistics compares work mode and cities. Without jobsearch, the dimensions
are scored by simpler rules from the texts. The overall score and the grade are always
recomputed by the service from the dimension scores (``grade_for``, capped by the fit's
``ceiling``), so every provider's grade means the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from lightninghire.api import GENERIC, AiOutput, AiTask, content_words, keyword_counts, stem, surface_forms

NAME = "ai_tools.deep_evaluation"
# The seniority levels of a ``jobsearch.extract_skills`` answer, most junior first (the task
# runs by name: plugins share no code).
LEVELS = ("intern", "junior", "mid", "senior", "lead", "principal", "executive")
DIMENSIONS = ("skills", "experience", "seniority", "domain", "logistics")
WEIGHTS = {"skills": 0.40, "experience": 0.20, "seniority": 0.15, "domain": 0.15,
           "logistics": 0.10}
# (lowest overall score, grade): A is a strong fit worth applying to as is, F a mismatch.
GRADES = ((85, "A"), (70, "B"), (55, "C"), (40, "D"), (0, "F"))
VERDICTS = {"A": "a strong fit: apply as is, with light tailoring",
            "B": "a good fit: close the few gaps in your resume before applying",
            "C": "a partial fit: worth it only with a tailored resume and a clear story for the gaps",
            "D": "a weak fit: several core requirements are not shown",
            "F": "a mismatch: most core requirements are missing"}
_REMOTE = re.compile(r"\b(?:fully remote|remote[- ](?:first|friendly|ok)|100% remote|"
                     r"work from anywhere|remote)\b", re.IGNORECASE)
_ONSITE = re.compile(r"\b(?:on[- ]?site|in[- ]office|hybrid|in the office)\b", re.IGNORECASE)
_PLACE = re.compile(r"(?:\b(?:based in|located in|office in|in our|relocate to|in)\s+|"
                    r"\b[Ll]ocation:\s*)((?:[A-Z][a-z]+)(?:[ ,]+(?:[A-Z][a-z]+|[A-Z]{2}))?)")
_NO_SPONSOR = re.compile(r"\b(?:no|not able to|unable to|cannot|can't|without)\b[^.\n]{0,30}"
                         r"\bsponsor", re.IGNORECASE)
_CLEARANCE = re.compile(r"\b(?:security clearance|clearance required|ts/sci|secret clearance)\b",
                        re.IGNORECASE)
# Hiring boilerplate says nothing about the domain (the words of any post).
_BOILERPLATE = frozenset(stem(w) for w in GENERIC | {
    "requirements", "requirement", "experience", "experienced", "years", "responsibilities",
    "nice", "plus", "preferred", "candidate", "candidates", "hiring", "engineer", "engineers",
    "senior", "junior", "staff", "principal", "lead", "manager", "remote", "hybrid", "onsite",
    "office", "salary", "benefits", "apply", "company", "position", "opportunity", "skills",
    "design", "build", "develop", "ability", "knowledge", "understanding", "excellent",
    "communication", "equal", "employer", "must", "should", "would", "could", "about", "their",
    "working", "based", "location", "fully", "within", "across", "using", "including"})
_NOT_PLACES = frozenset({"The", "Our", "We", "You", "This", "Python", "Go", "Java", "Rust",
                         "Kafka", "Docker", "Kubernetes", "AWS", "Production", "English"})


class SkillIn(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(1, 60))
    category = fields.String(load_default="other", validate=validate.Length(max=40))


class EvaluateIn(Schema):
    jobText = fields.String(required=True, validate=validate.Length(1, 50_000))
    resumeText = fields.String(required=True, validate=validate.Length(1, 50_000))
    jobTitle = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    company = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    jobSkills = fields.List(fields.Nested(SkillIn), load_default=list)
    jobNiceToHave = fields.List(fields.String(), load_default=list)
    jobSeniority = fields.String(load_default="unknown")
    jobYears = fields.Integer(load_default=None, allow_none=True)
    resumeSkills = fields.List(fields.Nested(SkillIn), load_default=list)
    resumeSeniority = fields.String(load_default="unknown")
    resumeYears = fields.Integer(load_default=None, allow_none=True)
    jobCities = fields.List(fields.String(), load_default=list)
    resumeCities = fields.List(fields.String(), load_default=list)
    fit = fields.Dict(load_default=None, allow_none=True,
                      metadata={"description": "jobsearch.job_match's answer, when enabled"})


class DimensionOut(AiOutput):
    name = fields.String(required=True, validate=validate.OneOf(DIMENSIONS))
    score = fields.Integer(required=True, validate=validate.Range(0, 100))
    rationale = fields.String(required=True, validate=validate.Length(1, 600))


class EvaluationOut(AiOutput):
    grade = fields.String(required=True, validate=validate.OneOf([g for _, g in GRADES]))
    overallScore = fields.Integer(required=True, validate=validate.Range(0, 100))
    dimensions = fields.List(fields.Nested(DimensionOut), required=True,
                             validate=validate.Length(5, 5),
                             metadata={"description": "one per dimension: "
                                                      + ", ".join(DIMENSIONS)})
    strengths = fields.List(fields.String(validate=validate.Length(1, 400)), required=True,
                            validate=validate.Length(max=8))
    gaps = fields.List(fields.String(validate=validate.Length(1, 400)), required=True,
                       validate=validate.Length(max=8))
    recommendations = fields.List(fields.String(validate=validate.Length(1, 500)),
                                  required=True, validate=validate.Length(1, 8),
                                  metadata={"description": "concrete edits to the resume or "
                                                           "the application"})
    summary = fields.String(required=True, validate=validate.Length(1, 800))


def grade_for(score: float) -> str:
    return next(grade for floor, grade in GRADES if score >= floor)


def overall(dimensions: Iterable[Mapping[str, Any]]) -> int:
    """The weighted mean of the dimension scores (weights in ``WEIGHTS``)."""
    scores = {d["name"]: d["score"] for d in dimensions}
    return round(sum(WEIGHTS[name] * scores.get(name, 0) for name in DIMENSIONS))


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You are a senior recruiter who evaluates how well a candidate's resume fits a job. "
              "Be specific and honest; quote skills and facts from the texts, never invent any. "
              "Score each dimension 0-100: skills (coverage of required skills, nice-to-haves "
              "count half), experience (years and relevance), seniority (level match), domain "
              "(industry and problem space), logistics (location, work mode, authorization). "
              "Grades: A >= 85, B >= 70, C >= 55, D >= 40, else F, on the weighted mean "
              "(skills 40%, experience 20%, seniority 15%, domain 15%, logistics 10%).")
    title = " at ".join(x for x in (inputs.get("jobTitle"), inputs.get("company")) if x)
    user = (f"Job{f' ({title})' if title else ''}:\n<<<JOB\n{inputs['jobText']}\nJOB>>>\n"
            f"Resume:\n<<<RESUME\n{inputs['resumeText']}\nRESUME>>>\n"
            f"Skills found in the job: {_names(inputs['jobSkills'])} (nice to have: "
            f"{', '.join(inputs['jobNiceToHave']) or 'none'}); seniority {inputs['jobSeniority']}"
            f", years asked {inputs['jobYears']}.\nSkills found in the resume: "
            f"{_names(inputs['resumeSkills'])}; seniority {inputs['resumeSeniority']}, years "
            f"{inputs['resumeYears']}.\n{_fit_facts(inputs.get('fit'))}Give strengths, gaps "
            f"and concrete recommendations "
            f"(what to add or rewrite in the resume, with the job's own words).")
    return system, user


def _fit_facts(fit: Mapping[str, Any] | None) -> str:
    if not fit:
        return ""
    return (f"Required skills shown in work: {', '.join(fit.get('matchedSkills') or []) or 'none'}"
            f"; only listed: {', '.join(fit.get('claimedOnlySkills') or []) or 'none'}; missing: "
            f"{', '.join(fit.get('missingSkills') or []) or 'none'}; missing required "
            f"credentials: {', '.join(fit.get('missingCredentials') or []) or 'none'}.\n")


def _names(skills: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(s["name"] for s in skills) or "none recognized"


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    job, resume = inputs["jobText"], inputs["resumeText"]
    strengths: list[str] = []
    gaps: list[str] = []
    recs: list[str] = []
    fit = inputs.get("fit")
    if fit and fit.get("components"):
        dims = [
            _fit_skills(fit, inputs, strengths, gaps, recs),
            _fit_experience(fit, strengths, gaps, recs),
            _fit_seniority(fit, strengths, gaps, recs),
            _fit_domain(fit, strengths, gaps),
            _logistics(job, resume, strengths, gaps, recs, inputs),
        ]
    else:
        dims = [
            _skills(inputs, strengths, gaps, recs),
            _experience(inputs, strengths, gaps, recs),
            _seniority(inputs, strengths, gaps, recs),
            _domain(job, resume, inputs, strengths, gaps, recs),
            _logistics(job, resume, strengths, gaps, recs, inputs),
        ]
    score = overall(dims)
    if fit and fit.get("ceiling") is not None:
        score = min(score, fit["ceiling"])
    grade = grade_for(score)
    if inputs.get("jobTitle"):
        recs.append(f"Use the title \u201c{inputs['jobTitle']}\u201d in your resume headline or "
                    f"summary if it honestly describes your work: recruiters and ATS filters "
                    f"search for it.")
    if not recs:
        recs.append("Tailor your first three bullets to the post's top requirements, each "
                    "with a measurable result.")
    skill_dim = dims[0]
    title = " at ".join(x for x in (inputs.get("jobTitle"), inputs.get("company")) if x)
    summary = (f"Grade {grade} ({score}/100){f' for {title}' if title else ''}: "
               f"{VERDICTS[grade]}. Skills {skill_dim['score']}/100, experience "
               f"{dims[1]['score']}, seniority {dims[2]['score']}, domain {dims[3]['score']}, "
               f"logistics {dims[4]['score']}.")
    return {"grade": grade, "overallScore": score, "dimensions": dims,
            "strengths": strengths[:8], "gaps": gaps[:8], "recommendations": recs[:8],
            "summary": summary}


def _fit_skills(fit: Mapping[str, Any], inputs: Mapping[str, Any], strengths: list[str],
               gaps: list[str], recs: list[str]) -> dict[str, Any]:
    required = fit.get("requiredSkills") or []
    matched = fit.get("matchedSkills") or []
    listed = fit.get("claimedOnlySkills") or []
    missing = fit.get("missingSkills") or []
    credentials = fit.get("missingCredentials") or []
    nice_got = fit.get("niceToHaveMatched") or []
    nice_all = nice_got + (fit.get("niceToHaveMissing") or [])
    if credentials:
        it = "them" if len(credentials) > 1 else "it"
        gaps.append(f"The post requires {', '.join(credentials)}, which your resume does not "
                    f"show: without {it} you are unlikely to pass the screen.")
        recs.append(f"If you hold {', '.join(credentials)}, list {it} with the state or number "
                    f"and dates near the top of your resume.")
    if matched:
        strengths.append(f"You show {len(matched)} of {len(required)} required skills in your "
                         f"work: {', '.join(matched[:6])}.")
    if nice_got:
        strengths.append(f"Nice-to-haves you bring: {', '.join(nice_got[:4])}.")
    if listed:
        gaps.append(f"Listed but not shown in any role: {', '.join(listed[:5])}.")
        recs.append(f"Show {', '.join(listed[:3])} in a bullet of real work with a result: a "
                    f"skills list alone counts for little.")
    others = [s for s in missing if s not in credentials]
    mentioned = fit.get("mentionedMissing") or []
    if others:
        gaps.append(f"Required skills not shown in your resume: {', '.join(others[:6])}.")
        recs.append(f"If you have used {_or(others[:5])}, add a bullet showing it in context "
                    f"(what you did with it and a result); never claim one you have not used.")
    if mentioned:
        gaps.append(f"The post also works with {', '.join(mentioned[:5])}, which your resume "
                    f"does not show.")
        recs.append(f"Where true, show {_or(mentioned[:4])} in a bullet of your work.")
    rationale = (f"{len(matched)}/{len(required)} required skills shown in work"
                 + (f", {len(listed)} only listed" if listed else "")
                 + (f", {len(nice_got)}/{len(nice_all)} nice-to-haves" if nice_all else "")
                 + (f"; missing {', '.join(missing[:5])}" if missing else "") + ".")
    return {"name": "skills", "score": fit["components"]["skills"], "rationale": rationale}


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _fit_experience(fit: Mapping[str, Any], strengths: list[str], gaps: list[str],
                    recs: list[str]) -> dict[str, Any]:
    asked, has = fit.get("yearsAsked"), fit.get("yearsRelevant")
    score = fit["components"]["experience"]
    if asked is None:
        text = ("The post asks for no number of years" + (f"; you show {has} in related roles."
                                                          if has is not None else "."))
    elif has is None:
        text = f"The post asks for {asked}+ years; your resume gives no dates or years."
        gaps.append(text)
        recs.append("Give each role its dates (\u201cJan 2020 \u2013 present\u201d) so a screener "
                    "can count your years.")
    elif has >= asked:
        text = f"You show {has} years in related roles for {asked}+ asked."
        strengths.append(f"Your {has} years in related roles meet the {asked}+ asked.")
    else:
        text = f"You show {has} years in related roles for {asked}+ asked ({asked - has} short)."
        gaps.append(text)
        recs.append("Offset the missing years with scope: ownership, team size, and results "
                    "that match the post's level.")
    return {"name": "experience", "score": score, "rationale": text}


def _fit_seniority(fit: Mapping[str, Any], strengths: list[str], gaps: list[str],
                   recs: list[str]) -> dict[str, Any]:
    job, mine = fit.get("jobSeniority", "unknown"), fit.get("resumeSeniority", "unknown")
    score = fit["components"]["seniority"]
    if "unknown" in (job, mine):
        text = "The level could not be read from " + ("the post." if job == "unknown"
                                                       else "your resume.")
    elif job == mine:
        text = f"Role and resume are both {job}."
        strengths.append(f"Your level ({mine}) matches the role's.")
    elif fit.get("overQualified"):
        text = (f"The role is {job}; your resume reads {mine}: you meet the bar and may read as "
                f"over-qualified.")
        gaps.append("You may read as over-qualified: say why this role interests you.")
    else:
        text = f"The role is {job}; your resume reads {mine}."
        if LEVELS.index(mine) < LEVELS.index(job):
            gaps.append(text)
            recs.append(f"Show {job}-level scope: what you owned, decisions you made, people "
                        f"you led.")
    return {"name": "seniority", "score": score, "rationale": text}


def _fit_domain(fit: Mapping[str, Any], strengths: list[str],
                gaps: list[str]) -> dict[str, Any]:
    score = fit["components"]["vocabulary"]
    if score >= 60:
        strengths.append("Your experience speaks the post's language.")
    elif score < 25:
        gaps.append("Little of the post's field shows in your experience.")
    return {"name": "domain", "score": score,
            "rationale": f"Scored {score} on how much of the post's distinctive vocabulary "
                         f"(place names and hiring boilerplate aside) your experience uses."}


def _skills(inputs: Mapping[str, Any], strengths: list[str], gaps: list[str],
            recs: list[str]) -> dict[str, Any]:
    nice = {n.lower() for n in inputs["jobNiceToHave"]}
    have = {s["name"].lower() for s in inputs["resumeSkills"]}
    resume_lower = inputs["resumeText"].lower()
    required = [s for s in inputs["jobSkills"] if s["name"].lower() not in nice]
    optional = [s for s in inputs["jobSkills"] if s["name"].lower() in nice]

    def shown(skill: Mapping[str, Any]) -> bool:
        name = skill["name"].lower()
        return name in have or re.search(rf"(?<![\w+#]){re.escape(name)}(?![\w+#])",
                                         resume_lower) is not None

    matched = [s["name"] for s in required if shown(s)]
    missing = [s for s in required if not shown(s)]
    nice_matched = [s["name"] for s in optional if shown(s)]
    if not required and not optional:
        return {"name": "skills", "score": 60,
                "rationale": "The post names no skill this evaluation recognizes; judge the fit "
                             "on experience and domain."}
    total = len(required) + 0.5 * len(optional)
    score = round(100 * (len(matched) + 0.5 * len(nice_matched)) / total)
    if matched:
        strengths.append(f"You show {len(matched)} of {len(required)} required skills: "
                         f"{', '.join(matched[:6])}.")
    if nice_matched:
        strengths.append(f"Nice-to-haves you bring: {', '.join(nice_matched[:4])}.")
    if missing:
        gaps.append(f"Required skills not shown in your resume: "
                    f"{', '.join(s['name'] for s in missing[:6])}.")
        resume_by_category: dict[str, list[str]] = {}
        for s in inputs["resumeSkills"]:
            resume_by_category.setdefault(s.get("category", "other"), []).append(s["name"])
        for skill in missing[:3]:
            near = [n for n in resume_by_category.get(skill.get("category", "other"), [])
                    if n.lower() != skill["name"].lower()][:2]
            bridge = (f"; if not, point to the closest thing you have done "
                      f"({', '.join(near)}) and say you are ramping up" if near else
                      "; if not, mention it as something you are learning, with a project")
            recs.append(f"If you have used {skill['name']}, add a bullet showing it in context "
                        f"(what you built with it and a result){bridge}.")
    rationale = (f"{len(matched)}/{len(required)} required skills shown"
                 + (f", {len(nice_matched)}/{len(optional)} nice-to-haves" if optional else "")
                 + (f"; missing {', '.join(s['name'] for s in missing[:5])}" if missing else "")
                 + ".")
    return {"name": "skills", "score": score, "rationale": rationale}


def _experience(inputs: Mapping[str, Any], strengths: list[str], gaps: list[str],
                recs: list[str]) -> dict[str, Any]:
    asked, has = inputs["jobYears"], inputs["resumeYears"]
    if asked is None:
        score, text = 75, "The post asks for no number of years."
        if has is not None:
            score, text = 85, f"The post asks for no number of years; you show {has}."
    elif has is None:
        score = 45
        text = f"The post asks for {asked}+ years; your resume does not state yours."
        gaps.append(text)
        recs.append(f"State your years of experience in the summary (\u201c{asked}+ years "
                    f"building \u2026\u201d) so a screener does not have to add up dates.")
    elif has >= asked:
        score = 85 if has > asked + 10 else 100
        text = f"You show {has} years for {asked}+ asked."
        strengths.append(f"Your {has} years meet the {asked}+ asked.")
        if has > asked + 10:
            text += " Far above the ask: make clear why this level interests you."
    else:
        score = max(20, round(100 * has / asked) - 10)
        text = f"You show {has} years for {asked}+ asked ({asked - has} short)."
        gaps.append(text)
        recs.append("Offset the missing years with scope: ownership, team size, and results "
                    "that match the post's level.")
    return {"name": "experience", "score": score, "rationale": text}


def _level(name: str) -> int | None:
    return LEVELS.index(name) if name in LEVELS else None


def _seniority(inputs: Mapping[str, Any], strengths: list[str], gaps: list[str],
               recs: list[str]) -> dict[str, Any]:
    job, mine = _level(inputs["jobSeniority"]), _level(inputs["resumeSeniority"])
    if job is None or mine is None:
        return {"name": "seniority", "score": 65,
                "rationale": "The level could not be read from "
                             + ("the post." if job is None else "your resume.")}
    diff = mine - job
    score = {0: 100, 1: 90, 2: 70, -1: 65, -2: 35}.get(diff, 50 if diff > 0 else 15)
    job_name, my_name = inputs["jobSeniority"], inputs["resumeSeniority"]
    if diff == 0:
        strengths.append(f"Your level ({my_name}) matches the role's.")
        text = f"Role and resume are both {job_name}."
    elif diff > 0:
        text = f"The role is {job_name}; your resume reads {my_name}."
        if diff >= 2:
            gaps.append(f"You may read as over-qualified for a {job_name} role.")
    else:
        text = f"The role is {job_name}; your resume reads {my_name}."
        gaps.append(f"The role is {job_name}; your resume reads {my_name}.")
        recs.append(f"Show {job_name}-level scope: systems you owned, decisions you made, "
                    f"people you mentored or led.")
    return {"name": "seniority", "score": score, "rationale": text}


def _domain(job: str, resume: str, inputs: Mapping[str, Any], strengths: list[str],
            gaps: list[str], recs: list[str]) -> dict[str, Any]:
    skill_words = {stem(w) for s in inputs["jobSkills"] for w in content_words(s["name"])}
    counts = keyword_counts(job)
    title_words = {stem(w) for w in content_words(inputs.get("jobTitle") or "")}
    proper = _proper_nouns(job)  # places and names ("York", "Stripe") are not a field
    terms = [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
             if t not in skill_words and t not in title_words and t not in _BOILERPLATE
             and t not in proper and len(t) > 3][:20]
    if not terms:
        return {"name": "domain", "score": 60, "rationale": "The post is too short to judge "
                                                            "the domain."}
    mine = set(keyword_counts(resume))
    shared = [t for t in terms if t in mine]
    missing = [t for t in terms if t not in mine]
    forms = surface_forms(job)
    score = min(100, round(100 * len(shared) / len(terms) * 1.6))
    if shared:
        strengths.append(f"Shared domain vocabulary: {', '.join(forms.get(t, t) for t in shared[:6])}.")
    if len(missing) > len(terms) // 2:
        gaps.append(f"The post's domain terms are mostly absent from your resume: "
                    f"{', '.join(forms.get(t, t) for t in missing[:6])}.")
    # No advice to add these words: they are vocabulary, not skills one can claim.
    return {"name": "domain", "score": score,
            "rationale": f"{len(shared)} of the post's {len(terms)} main terms appear in your "
                         f"resume."}


def _proper_nouns(text: str) -> set[str]:
    """Stems of words the text only ever writes capitalized, away from a sentence start."""
    capitalized: set[str] = set()
    lower: set[str] = set()
    for match in re.finditer(r"(?<![.!?:\n]\s)(?<!^)\b([A-Za-z][a-z]+)\b", text):
        word = match.group(1)
        (capitalized if word[0].isupper() else lower).add(stem(word.lower()))
    return capitalized - lower


def _logistics(job: str, resume: str, strengths: list[str], gaps: list[str],
               recs: list[str], inputs: Mapping[str, Any]) -> dict[str, Any]:
    notes: list[str] = []
    score = 80
    if _REMOTE.search(job) and not _ONSITE.search(job):
        score = 100
        notes.append("The role is remote.")
    elif _ONSITE.search(job):
        places = [p for p in _PLACE.findall(job) if p.split()[0].strip(",") not in _NOT_PLACES]
        job_cities = list(inputs.get("jobCities") or [])
        shared = [c for c in job_cities if c in set(inputs.get("resumeCities") or [])]
        if shared:  # the cities the jobsearch reader knows, on both sides
            score = 95
            notes.append(f"On-site or hybrid in {shared[0]}, where your resume places you.")
        elif job_cities and inputs.get("resumeCities"):
            score = 60
            notes.append(f"On-site or hybrid in {job_cities[0]}; your resume places you in "
                         f"{inputs['resumeCities'][0]}.")
            recs.append(f"Say in your summary or cover letter whether you will relocate to "
                        f"{job_cities[0]}.")
        elif job_cities:
            score = 70
            notes.append(f"On-site or hybrid in {job_cities[0]}; your resume does not say where "
                         f"you are.")
            recs.append(f"Add your city to your resume's header: the role is in "
                        f"{job_cities[0]}.")
        elif places:
            place = places[0].strip(" ,")
            if place.split(",")[0].strip().lower() in resume.lower():
                score = 95
                notes.append(f"On-site or hybrid in {place}, where your resume places you.")
            else:
                score = 60
                notes.append(f"On-site or hybrid in {place}; your resume does not show you "
                             f"there.")
                recs.append(f"Say in your summary or cover letter whether you are in or will "
                            f"relocate to {place}.")
        else:
            notes.append("The role is on-site or hybrid; the location is not clear.")
    else:
        notes.append("The post says nothing about the work mode.")
    if _NO_SPONSOR.search(job):
        score -= 10
        notes.append("No visa sponsorship: confirm your work authorization.")
    if _CLEARANCE.search(job) and "clearance" not in resume.lower():
        score -= 30
        gaps.append("The role needs a security clearance your resume does not mention.")
        notes.append("A security clearance is required.")
    score = max(0, min(100, score))
    if score >= 95:
        strengths.append(notes[0])
    return {"name": "logistics", "score": score, "rationale": " ".join(notes)}


EXAMPLE_JOB = ("Senior Backend Engineer - Acme Health\nWe are hiring a Senior Backend Engineer "
               "to rebuild our claims platform. You will design claims services in Python and "
               "PostgreSQL, and move the busiest claims flows to Kafka. Requirements: 5+ years "
               "of experience, SQL, REST API design, AWS, Docker. Nice to have: Terraform. "
               "The role is fully remote in the US.")
EXAMPLE_RESUME = ("Dana Kim - Senior Software Engineer\n7 years of experience building backend "
                  "services in Python and PostgreSQL on AWS. Rebuilt the billing platform of "
                  "a health insurer, moving claims and payments flows to Kafka; cut p95 latency "
                  "by 60%. Designed REST APIs used by 40 partner teams. Docker, Terraform.")

TASK = AiTask(
    name=NAME,
    description="A deep A-F evaluation of a resume against a job: five scored dimensions, "
                "strengths, gaps and concrete recommendations.",
    prompt=prompt, input_schema=EvaluateIn, output_schema=EvaluationOut, offline=offline,
    max_tokens=1500,
    examples=({"jobText": EXAMPLE_JOB, "resumeText": EXAMPLE_RESUME,
               "jobTitle": "Senior Backend Engineer", "company": "Acme Health",
               "jobSkills": [{"name": n, "category": "backend"} for n in
                             ("Python", "PostgreSQL", "Kafka", "SQL", "REST APIs", "AWS",
                              "Docker", "Terraform")],
               "jobNiceToHave": ["Terraform"], "jobSeniority": "senior", "jobYears": 5,
               "resumeSkills": [{"name": n, "category": "backend"} for n in
                                ("Python", "PostgreSQL", "AWS", "Kafka", "REST APIs",
                                 "Docker", "Terraform")],
               "resumeSeniority": "senior", "resumeYears": 7},),
)
