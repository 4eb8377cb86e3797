"""``jobsearch.job_match``: how well a resume fits a job, 0-100 with a band and the reasons.

Offline: skills of both texts come from the plugin's lexicon extractor (the offline side of
``jobsearch.extract_skills``); the score blends required-skill coverage with BM25 keyword
relevance (``lightninghire.text.bm25_relative``) of the resume to the job, minus a penalty when
the seniority is two levels apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask
from lightninghire.api import bm25_relative as relative
from lightninghire_plugins.jobsearch.common import terms
from lightninghire_plugins.jobsearch.skills import LEVELS
from lightninghire_plugins.jobsearch.skills import offline as extract_skills

NAME = "jobsearch.job_match"
BANDS = ((90, "strong"), (70, "solid"), (50, "gaps"), (0, "mismatch"))
BAND_TEXT = {"strong": "Strong match", "solid": "Solid match with gaps",
             "gaps": "Real keyword gaps", "mismatch": "Material mismatch"}


def band(score: int) -> str:
    return next(name for floor, name in BANDS if score >= floor)


class MatchIn(Schema):
    jobTitle = fields.String(load_default="", validate=validate.Length(max=200))
    jobDescription = fields.String(required=True, validate=validate.Length(1, 50_000))
    resumeText = fields.String(required=True, validate=validate.Length(1, 50_000))
    targetRoles = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list)


class MatchOut(AiOutput):
    score = fields.Integer(required=True, validate=validate.Range(0, 100))
    band = fields.String(required=True, validate=validate.OneOf([b for _, b in BANDS]))
    reasons = fields.List(fields.String(validate=validate.Length(1, 400)), required=True,
                          validate=validate.Length(1, 8))
    matchedSkills = fields.List(fields.String(), load_default=list)
    missingSkills = fields.List(fields.String(), load_default=list,
                                metadata={"description": "required by the job, absent from the resume"})
    keywordCoverage = fields.Float(load_default=None, allow_none=True,
                                   validate=validate.Range(0, 1))


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You are a recruiter scoring how well a resume fits a job posting. Judge only "
              "evidence in the resume; never assume skills it does not show. Bands: 90+ strong, "
              "70-89 solid with gaps, 50-69 real keyword gaps, under 50 material mismatch.")
    user = (f"Job title: {inputs['jobTitle'] or 'not given'}\n<<<JOB\n{inputs['jobDescription']}"
            f"\nJOB>>>\n<<<RESUME\n{inputs['resumeText']}\nRESUME>>>\nScore the fit 0-100 and "
            f"give up to 6 short, specific reasons.")
    return system, user


def _names(found: Mapping[str, Any]) -> list[str]:
    return [s["name"] for s in found["skills"]]


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    job_text = f"{inputs['jobTitle']}\n{inputs['jobDescription']}"
    job = extract_skills({"text": job_text, "kind": "job"})
    resume = extract_skills({"text": inputs["resumeText"], "kind": "resume"})
    have = {n.lower() for n in _names(resume)}
    nice = {n.lower() for n in job["niceToHave"]}
    required = [n for n in _names(job) if n.lower() not in nice]
    if not required:  # a posting that marks everything optional still asks for those skills
        required, nice = _names(job), set()
    matched = [n for n in required if n.lower() in have]
    missing = [n for n in required if n.lower() not in have]
    bonus = [n for n in job["niceToHave"] if n.lower() in have and n.lower() in nice]
    relevance = relative(terms(job_text), terms(inputs["resumeText"]))
    keyword = min(1.0, relevance * 1.6)  # a resume rarely repeats half a posting's words
    if required:
        coverage = len(matched) / len(required)
        raw = (0.6 * coverage + 0.3 * keyword + 0.1 * len(bonus) / len(nice) if nice
               else 0.65 * coverage + 0.35 * keyword)
    else:
        coverage = None
        raw = keyword
    score = round(100 * raw)
    reasons: list[str] = []
    if required:
        reasons.append(f"Covers {len(matched)} of {len(required)} required skills"
                       + (f" ({', '.join(matched[:6])})." if matched else "."))
    if missing:
        reasons.append(f"Missing from the resume: {', '.join(missing[:6])}.")
    if bonus:
        reasons.append(f"Nice-to-haves you show: {', '.join(bonus[:5])}.")
    gap = _level_gap(job["seniority"], resume["seniority"])
    if gap is not None and abs(gap) >= 2:
        score -= 10
        direction = "above" if gap > 0 else "below"
        reasons.append(f"The job reads {job['seniority']}, the resume {resume['seniority']}: "
                       f"the role is {direction} your level.")
    if job.get("yearsOfExperience") and resume.get("yearsOfExperience") is not None and \
            resume["yearsOfExperience"] < job["yearsOfExperience"]:
        score -= 5
        reasons.append(f"The job asks {job['yearsOfExperience']}+ years; the resume shows "
                       f"{resume['yearsOfExperience']}.")
    targets = [t for t in inputs.get("targetRoles", []) if t]
    if targets and any(t.lower() in job_text.lower() for t in targets):
        reasons.append("The title is one of your target roles.")
    reasons.append(f"Keyword overlap with the posting: {round(100 * keyword)}%.")
    score = max(0, min(100, score))
    return {"score": score, "band": band(score), "reasons": reasons[:8],
            "matchedSkills": matched, "missingSkills": missing,
            "keywordCoverage": round(keyword, 3)}


def _level_gap(job_level: str, resume_level: str) -> int | None:
    if job_level not in LEVELS or resume_level not in LEVELS:
        return None
    return LEVELS.index(job_level) - LEVELS.index(resume_level)


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
