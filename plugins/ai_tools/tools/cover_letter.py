"""``ai_tools.cover_letter``: a first draft with no placeholders, from a resume and a job.

The service runs ``jobsearch.extract_skills`` on both texts and ``ai_tools.summarize_text`` on the job, so
this task gets the skills they share and the job's key points. Offline, the letter opens on the
role and what draws the candidate (company intel or the job's key point), backs two or three
shared skills with the resume's own measured achievements, and closes with a clear next step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, sentences, shorten

NAME = "ai_tools.cover_letter"
TONES = ("warm", "formal", "direct")
_MEASURED = re.compile(r"\d")
_FIRST_PERSON = re.compile(r"^(?:I|We)\s", re.IGNORECASE)


class CoverLetterIn(Schema):
    role = fields.String(required=True, validate=validate.Length(1, 200))
    company = fields.String(required=True, validate=validate.Length(1, 200))
    resumeText = fields.String(required=True, validate=validate.Length(1, 50_000))
    jobText = fields.String(load_default=None, allow_none=True)
    companyIntel = fields.String(load_default=None, allow_none=True)
    candidateName = fields.String(load_default="")
    recipientName = fields.String(load_default=None, allow_none=True)
    tone = fields.String(load_default="warm", validate=validate.OneOf(TONES))
    matchedSkills = fields.List(fields.String(), load_default=list)
    jobKeyPoints = fields.List(fields.String(), load_default=list)
    jobSummary = fields.String(load_default=None, allow_none=True)


class CoverLetterOut(AiOutput):
    subject = fields.String(required=True, validate=validate.Length(1, 200))
    letter = fields.String(required=True, validate=validate.Length(1, 5000),
                           metadata={"description": "complete, no [brackets] or placeholders, "
                                                    "under 350 words"})
    highlights = fields.List(fields.String(validate=validate.Length(1, 400)), load_default=list,
                             metadata={"description": "the resume facts the letter relies on"})


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You write cover letters that sound like a thoughtful person, not a template. "
              "Use only facts from the resume; tie them to the job's needs; under 350 words; "
              f"tone: {inputs['tone']}. The letter must be complete: no [brackets] or "
              "placeholders.")
    user = (f"Role: {inputs['role']} at {inputs['company']}.\n"
            f"Company intel: {inputs['companyIntel'] or 'none'}\n"
            f"Job summary: {inputs['jobSummary'] or 'none'}; key points: {inputs['jobKeyPoints']}\n"
            f"Skills the resume and job share: {', '.join(inputs['matchedSkills']) or 'none'}\n"
            f"Candidate: {inputs['candidateName'] or 'unnamed'}; recipient: "
            f"{inputs['recipientName'] or 'unknown'}\n<<<RESUME\n{inputs['resumeText']}\nRESUME>>>")
    return system, user


def achievements(resume: str, limit: int = 2) -> list[str]:
    """Resume sentences with a number (a measured result), most specific first."""
    found = [s.strip().lstrip("-*\u2022 ").rstrip(".") for s in sentences(resume)
             if _MEASURED.search(s) and len(s.split()) >= 5
             and not re.search(r"\b(?:years? of experience|\d{4}\s*[-\u2013]\s*(?:\d{4}|present))",
                               s, re.IGNORECASE)]
    found.sort(key=lambda s: -len(_MEASURED.findall(s)))
    return found[:limit]


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text and not text[:2].isupper() else text


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    role, company = inputs["role"], inputs["company"]
    greeting = {"formal": "Dear Hiring Manager,", "direct": "Hello,", "warm": "Hello,"}[
        inputs["tone"]]
    if inputs["recipientName"]:
        greeting = (f"Dear {inputs['recipientName']}," if inputs["tone"] == "formal"
                    else f"Hi {inputs['recipientName'].split()[0]},")
    if inputs["companyIntel"]:
        intel = _lower_first(shorten(inputs["companyIntel"], 220).rstrip("."))
        why = f"What draws me to {company} is {intel}."
    elif inputs["jobKeyPoints"]:
        why = (f"The chance to {_task(inputs['jobKeyPoints'][0])} is exactly the kind of work "
               f"I want to do next.")
    else:
        why = f"The {role} role matches the work I do best and want to keep growing in."
    opening = f"I'm applying for the {role} role at {company}. {why}"
    skills = inputs["matchedSkills"][:3]
    wins = achievements(inputs["resumeText"])
    body = []
    if skills:
        body.append(f"You're looking for {_join(skills)}, and that is what my recent work is "
                    f"built on.")
    for win in wins:
        phrase = win if _FIRST_PERSON.match(win) else f"I {_lower_first(win)}"
        body.append(f"{phrase}.")
    if not body:
        body.append(f"My background, summarized in my resume, lines up with what the {role} "
                    f"role needs.")
    closing = {"direct": f"I'd like to talk about how I can help {company}. I'm available for "
                         f"a call this week.",
               "formal": f"I would welcome the opportunity to discuss how I can contribute to "
                         f"{company}. Thank you for your consideration.",
               "warm": f"I'd love to talk about how I can help the team at {company}. Thank "
                       f"you for reading, and I hope to speak soon."}[inputs["tone"]]
    sign = "Best regards," + (f"\n{inputs['candidateName']}" if inputs["candidateName"] else "")
    letter = "\n\n".join([greeting, opening, " ".join(body), closing, sign])
    subject = f"Application: {role}" + (f" \u2013 {inputs['candidateName']}"
                                        if inputs["candidateName"] else "")
    return {"subject": subject, "letter": letter[:5000], "highlights": wins}


def _task(point: str) -> str:
    point = point.rstrip(".")
    point = re.sub(r"^(?:you will|you'll|we need you to|the role will)\s+", "", point,
                   flags=re.IGNORECASE)
    return _lower_first(point)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


TASK = AiTask(
    name=NAME,
    description="A cover letter first draft with no placeholders, from a resume and a job.",
    prompt=prompt, input_schema=CoverLetterIn, output_schema=CoverLetterOut, offline=offline,
    max_tokens=900, temperature=0.5,
    examples=({"role": "Senior Backend Engineer", "company": "Acme Health",
               "resumeText": "Dana Kim - Senior Software Engineer. Rebuilt the billing "
                             "platform of a health insurer on Kafka, cutting p95 latency by "
                             "60%. Designed REST APIs used by 40 partner teams.",
               "candidateName": "Dana Kim", "matchedSkills": ["Python", "Kafka", "REST APIs"],
               "jobKeyPoints": ["You will design the new claims services in Python."],
               "companyIntel": "its mission to make claims painless for patients"},),
)
