"""``jobsearch.fit_score``: a candidate's fit for a requisition, 1-100 with a label, the top 3
strengths and gaps and a one-paragraph summary.

Offline: the job-match scorer (lexicon skills + BM25 relevance) on the requisition's text and
the candidate's profile; strengths are the required skills the candidate evidences, gaps the
ones missing. Culture fit, motivation and unevidenced soft skills are never scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask
from lightninghire_plugins.jobsearch.jobs.match import offline as match

NAME = "jobsearch.fit_score"
LABELS = ((85, "Exceptional"), (70, "Strong"), (55, "Moderate"), (40, "Weak"), (1, "Poor"))


def label(score: int) -> str:
    return next(name for floor, name in LABELS if score >= floor)


class FitIn(Schema):
    roleTitle = fields.String(required=True, validate=validate.Length(1, 200))
    jobDescription = fields.String(required=True, validate=validate.Length(1, 60_000))
    candidateText = fields.String(required=True, validate=validate.Length(1, 60_000))


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
    found = match({"jobTitle": inputs["roleTitle"], "jobDescription": inputs["jobDescription"],
                   "resumeText": inputs["candidateText"], "targetRoles": []})
    score = max(1, found["score"])
    strengths = [f"Evidence of {s}, which the role requires." for s in found["matchedSkills"][:3]]
    gaps = [f"No evidence of {s} in the profile." for s in found["missingSkills"][:3]]
    covered = len(found["matchedSkills"])
    wanted = covered + len(found["missingSkills"])
    summary = (f"{label(score)} fit for {inputs['roleTitle']} ({score}/100). "
               + (f"The profile evidences {covered} of the {wanted} skills the role asks for"
                  f"{': ' + ', '.join(found['matchedSkills'][:5]) if covered else ''}. "
                  if wanted else "The job description names no skills we could check. ")
               + (f"Probe {', '.join(found['missingSkills'][:3])} in the screen."
                  if found["missingSkills"] else "No required skill is missing on paper."))
    return {"score": score, "label": label(score), "strengths": strengths, "gaps": gaps,
            "summary": summary}


FIT_SCORE = AiTask(
    name=NAME, description="A candidate's fit for a requisition: score, strengths, gaps.",
    prompt=prompt, input_schema=FitIn, output_schema=FitOut, offline=offline, max_tokens=700,
    examples=({"roleTitle": "Backend Engineer",
               "jobDescription": "Python, PostgreSQL and Kafka; Docker in production.",
               "candidateText": "Jane Doe. Skills: Python, Django, PostgreSQL. 5 years."},),
)
