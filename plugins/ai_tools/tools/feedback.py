"""``ai_tools.negotiation_lessons``: what to carry into the next negotiation draft.

Offline, lessons come from comparing the draft with the user's edited version (shorter or
longer, numbers changed, softening or firm words added or removed), from the rating and from
the outcome. They are stored with the feedback and shared through ``user_context``, which is
how the next negotiation draft reads them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, shorten, squash

NAME = "ai_tools.negotiation_lessons"
OUTCOMES = ("pending", "accepted", "improved", "no_change", "declined", "rescinded")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?\s*[kK]?")
_SOFT = re.compile(r"\b(?:hope|hoping|would love|if possible|appreciate|grateful|flexible|"
                   r"understand|happy to)\b", re.IGNORECASE)
_FIRM = re.compile(r"\b(?:need|require|must|expect|firm|non-negotiable|minimum)\b", re.IGNORECASE)


class LessonsIn(Schema):
    draft = fields.String(load_default="")
    edited = fields.String(load_default=None, allow_none=True)
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    notes = fields.String(load_default=None, allow_none=True)
    askedFor = fields.Float(load_default=None, allow_none=True)
    finalBase = fields.Float(load_default=None, allow_none=True)


class LessonsOut(AiOutput):
    lessons = fields.List(fields.String(validate=validate.Length(1, 300)), required=True,
                          validate=validate.Length(1, 5))
    summary = fields.String(required=True, validate=validate.Length(1, 500))


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You coach salary negotiation. From a draft e-mail, the version the user actually "
              "sent, their rating and the outcome, write up to five short, reusable lessons for "
              "their next draft (tone, length, numbers, levers).")
    return system, (f"Rating {inputs['rating']}/5, outcome {inputs['outcome']}, asked for "
                    f"{inputs['askedFor']}, final base {inputs['finalBase']}. Notes: "
                    f"{inputs['notes'] or 'none'}\n<<<DRAFT\n{inputs['draft']}\nDRAFT>>>\n"
                    f"<<<SENT\n{inputs['edited'] or '(unchanged)'}\nSENT>>>")


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    draft, edited = inputs["draft"], inputs["edited"]
    lessons: list[str] = []
    if edited and edited.strip() != draft.strip():
        before, after = len(draft.split()), len(edited.split())
        if before and after < before * 0.8:
            lessons.append(f"You cut the draft from {before} to {after} words: keep drafts short.")
        elif before and after > before * 1.2:
            lessons.append(f"You expanded the draft from {before} to {after} words: add more "
                           f"context about your value.")
        if _NUMBER.findall(draft) != _NUMBER.findall(edited):
            lessons.append("You changed the numbers: check the counter against your own "
                           "research before sending.")
        soft = len(_SOFT.findall(edited)) - len(_SOFT.findall(draft))
        firm = len(_FIRM.findall(edited)) - len(_FIRM.findall(draft))
        if soft > 0:
            lessons.append("You softened the wording: prefer a warmer, collaborative tone.")
        elif firm > 0 or soft < 0:
            lessons.append("You made the wording firmer: state the ask plainly.")
    outcome = inputs["outcome"]
    if outcome in ("accepted", "improved"):
        gain = ""
        if inputs["finalBase"] and inputs["askedFor"]:
            gain = f" (got {inputs['finalBase'] / inputs['askedFor']:.0%} of the ask)"
        lessons.append(f"The approach worked{gain}: reuse the same structure and anchor.")
    elif outcome == "no_change":
        lessons.append("No movement on base: next time lead with levers (signing bonus, equity, "
                       "start date) as alternatives.")
    elif outcome == "rescinded":
        lessons.append("The offer was rescinded: use a collaborative tone and never an "
                       "ultimatum.")
    elif outcome == "declined":
        lessons.append("You declined: settle your walk-away number before the next call.")
    if inputs["rating"] <= 2:
        lessons.append(f"You rated the draft {inputs['rating']}/5"
                       + (f": \u201c{shorten(squash(inputs['notes']), 150)}\u201d"
                          if squash(inputs["notes"] or "") else "")
                       + ". Start the next draft from your own edits.")
    if not lessons:
        lessons.append("The draft worked as written: keep the same structure.")
    summary = (f"Rated {inputs['rating']}/5, outcome {outcome.replace('_', ' ')}; "
               f"{len(lessons)} lesson{'s' if len(lessons) > 1 else ''} for next time.")
    return {"lessons": lessons[:5], "summary": summary}


TASK = AiTask(
    name=NAME,
    description="Lessons for the next negotiation draft from the user's edits, rating and "
                "outcome.",
    prompt=prompt, input_schema=LessonsIn, output_schema=LessonsOut, offline=offline,
    max_tokens=500,
    examples=({"draft": "Hi Sam, I need a base of $184,000. This is my minimum.",
               "edited": "Hi Sam, I would love to get to $180,000 if possible.",
               "rating": 2, "outcome": "improved", "askedFor": 180000, "finalBase": 175000,
               "notes": "too pushy"},),
)
