"""``jobsearch.fit_score``: a candidate's fit for a requisition, 1-100 with a label, the top 3
strengths and gaps and a one-paragraph summary.

Offline: the job-match scorer (``jobs.match.assess``: evidence-weighted required skills, years
in related roles, level, the post's vocabulary; a missing required licence caps it) on the
requisition's text and the candidate's profile, so a recruiter and a seeker read the same
number. Strengths are the required skills the candidate shows in work, gaps the missing or
only-listed ones. Culture fit, motivation and unevidenced soft skills are never scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask
from lightninghire_plugins.jobsearch.jobs.match import as_of, assess

NAME = "jobsearch.fit_score"
LABELS = ((85, "Exceptional"), (70, "Strong"), (55, "Moderate"), (40, "Weak"), (1, "Poor"))


def label(score: int) -> str:
    return next(name for floor, name in LABELS if score >= floor)


class FitIn(Schema):
    roleTitle = fields.String(required=True, validate=validate.Length(1, 200))
    jobDescription = fields.String(required=True, validate=validate.Length(1, 60_000))
    candidateText = fields.String(required=True, validate=validate.Length(1, 60_000))
    asOf = fields.String(load_default=None, allow_none=True,
                         validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}$"))


class FitOut(AiOutput):
    score = fields.Integer(required=True, validate=validate.Range(1, 100))
    label = fields.String(required=True, validate=validate.OneOf([n for _, n in LABELS]))
    strengths = fields.List(fields.String(validate=validate.Length(1, 300)), required=True,
                            validate=validate.Length(max=3))
    gaps = fields.List(fields.String(validate=validate.Length(1, 300)), required=True,
                       validate=validate.Length(max=3))
    summary = fields.String(required=True, validate=validate.Length(1, 1500))


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You assess a candidate against one requisition from evidence only: parsed "
              "resume and job description. Ignore culture fit, motivation, recency and soft "
              "skills the resume does not evidence. Labels: 85-100 Exceptional, 70-84 Strong, "
              "55-69 Moderate, 40-54 Weak, 1-39 Poor.")
    user = (f"Role: {inputs['roleTitle']}\n<<<JOB\n{inputs['jobDescription']}\nJOB>>>\n"
            f"<<<CANDIDATE\n{inputs['candidateText']}\nCANDIDATE>>>\nGive the score, the top 3 "
            f"strengths, the top 3 gaps and a one-paragraph summary.")
    return system, user


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    found = assess(inputs["roleTitle"], inputs["jobDescription"], inputs["candidateText"],
                   as_of(inputs.get("asOf")))
    score = max(1, found.score)
    quotes = {f.skill.name: f.quote for f in found.resume.found.values()}
    strengths = [f"Shows {s} in their work: \u201c{_clip(quotes.get(s, ''))}\u201d"
                 if quotes.get(s) else f"Shows {s}, which the role requires."
                 for s in found.matched[:3]]
    strengths += [f"Lists {s}, which the role requires (not yet shown in a role)."
                  for s in found.claimed_only]
    strengths += [f"Shows {s}, which the role uses." for s in found.also_shown]
    gaps = [f"Required {c} not shown: a hard requirement for this role." for c in
            found.missing_credentials[:3]]
    gaps += [f"No evidence of {s} in the profile." for s in found.missing
             if s not in found.missing_credentials]
    gaps += [f"No evidence of {s}, which the role uses." for s in found.also_missing]
    notes = []
    if found.ceiling is not None:
        notes.append(f"Capped at {found.ceiling}: the role requires "
                     f"{', '.join(found.missing_credentials)}.")
    if found.over_qualified:
        notes.append(f"Reads {found.resume.seniority} for a {found.job.seniority} role: meets "
                     f"the requirements, may be over-qualified; probe motivation and pay.")
    asked, relevant = found.job.years, found.years_relevant
    if asked and relevant is not None:
        notes.append(f"{relevant} years in related roles for {asked}+ asked.")
    wanted = len(found.required)
    summary = (f"{label(score)} fit for {inputs['roleTitle']} ({score}/100). "
               + (f"The profile shows {len(found.matched)} of the {wanted} required skills in "
                  f"its work{': ' + ', '.join(found.matched[:5]) if found.matched else ''}. "
                  if wanted else "The job description names no skills we could check. ")
               + " ".join(notes) + (" " if notes else "")
               + (f"Probe {', '.join((found.missing + found.claimed_only)[:3])} in the screen."
                  if found.missing or found.claimed_only
                  else "No required skill is missing on paper."))
    return {"score": score, "label": label(score), "strengths": strengths[:3], "gaps": gaps[:3],
            "summary": summary[:1500]}


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.lstrip("-*\u2022 ").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


FIT_SCORE = AiTask(
    name=NAME, description="A candidate's fit for a requisition: score, strengths, gaps.",
    prompt=prompt, input_schema=FitIn, output_schema=FitOut, offline=offline, max_tokens=700,
    examples=({"roleTitle": "Backend Engineer",
               "jobDescription": "Python, PostgreSQL and Kafka; Docker in production.",
               "candidateText": "Jane Doe. Skills: Python, Django, PostgreSQL. 5 years."},),
)
