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

from lightninghire.api import (
    AiOutput,
    AiTask,
    as_sentence,
    fragment,
    is_clause,
    second_person,
    sentences,
    shorten,
)
from lightninghire_plugins.ai_tools.phrasing import action_phrase

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


# Past-tense openings a resume line uses for what its author did ("Rebuilt", "Led"): such a
# line reads well after "I"; any other line ("Revenue grew 40%") is quoted as a result.
_DID = re.compile(r"^(?:\w+ed|led|built|cut|ran|grew|won|drove|made|wrote|took|set|brought|"
                  r"sold|taught|found|kept|began|became|oversaw|shipped|spent|saved|raised|"
                  r"rebuilt|rewrote|redesigned|launched|owned|hired|trained|grew|halved|"
                  r"doubled|tripled|taught|mentored|built)\b", re.IGNORECASE)


def why_line(inputs: Mapping[str, Any]) -> str:
    """Why this job: the company intel the user gave, else the first line of the posting that
    names the work (as a verb phrase: "the chance to design ..."; an activity: "Building ...
    is ..."), else the role. A line that only lists requirements is not the work."""
    role, company = inputs["role"].strip(), inputs["company"].strip()
    intel = fragment(inputs["companyIntel"] or "")
    if intel:
        intel = second_person(shorten(intel, 220)).rstrip("\u2026 ")
        if is_clause(intel):
            return f"What draws me to {company} is simple: {intel}."
        return f"What draws me to {company} is {intel}."
    lines = [*sentences(inputs["jobSummary"] or ""), *inputs["jobKeyPoints"]]
    for line in lines:
        phrase = action_phrase(line)
        if phrase is not None and phrase.kind == "action":
            return f"The chance to {phrase.text} is exactly the kind of work I want to do next."
        if phrase is not None and phrase.kind == "activity":
            return as_sentence(f"{phrase.text} is exactly the kind of work I want to do next")
    return f"The {role} role matches the work I do best and want to keep growing in."


def win_sentence(win: str) -> str:
    """A resume line as a sentence of the letter, in the first person when it says what the
    author did."""
    win = fragment(win)
    if _FIRST_PERSON.match(win) or win.lower().startswith("i "):
        return as_sentence(win)
    if _DID.match(win):
        return as_sentence(f"I {_lower_first(win)}")
    if re.match(r"(?i)responsible for\b", win):
        return as_sentence(f"I was {_lower_first(win)}")
    return as_sentence(f"Among my results, {_lower_first(win)}")


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    role, company = inputs["role"].strip(), inputs["company"].strip()
    recipient = (inputs["recipientName"] or "").strip()
    candidate = (inputs["candidateName"] or "").strip()
    greeting = {"formal": "Dear Hiring Manager,", "direct": "Hello,", "warm": "Hello,"}[
        inputs["tone"]]
    if recipient:
        greeting = (f"Dear {recipient}," if inputs["tone"] == "formal"
                    else f"Hi {recipient.split()[0]},")
    opening = f"I'm applying for the {role} role at {company}. {why_line(inputs)}"
    skills = [skill.strip() for skill in inputs["matchedSkills"] if skill.strip()][:3]
    wins = achievements(inputs["resumeText"])
    body = []
    if skills:
        body.append(f"You're looking for {_join(skills)}, and that is what my recent work is "
                    f"built on.")
    body += [win_sentence(win) for win in wins]
    if not body:
        body.append(f"My background, summarized in my resume, lines up with what the {role} "
                    f"role needs.")
    closing = {"direct": f"I'd like to talk about how I can help {company}. I'm available for "
                         f"a call this week.",
               "formal": f"I would welcome the opportunity to discuss how I can contribute to "
                         f"{company}. Thank you for your consideration.",
               "warm": f"I'd love to talk about how I can help the team at {company}. Thank "
                       f"you for reading, and I hope to speak soon."}[inputs["tone"]]
    sign = "Best regards," + (f"\n{candidate}" if candidate else "")
    letter = "\n\n".join([greeting, opening, " ".join(body), closing, sign])
    subject = f"Application: {role}" + (f" \u2013 {candidate}" if candidate else "")
    return {"subject": subject, "letter": letter[:5000], "highlights": wins}


def job_highlight(points: list[str]) -> str | None:
    """What the work is, for "I'm especially excited about ...": the first key point that
    names it, as "the chance to <verb phrase>" or a gerund phrase; ``None`` when none does."""
    for point in points:
        phrase = action_phrase(point)
        if phrase is not None and phrase.kind == "action":
            return f"the chance to {phrase.text}"
        if phrase is not None and phrase.kind == "activity":
            return phrase.text
    return None


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
