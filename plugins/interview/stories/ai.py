"""AI tasks of STAR stories: a draft from a rough description (``stories/generate``) and a
polished story from answers to guided prompts (``stories/build``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import AiOutput, AiTask, key_phrases, sentences, shorten, stem, words
from lightninghire_plugins.interview import scoring
from lightninghire_plugins.interview.common import STORY_THEMES

GENERATE = "interview.generate_story"
BUILD = "interview.build_story"
PARTS = ("situation", "task", "action", "result")

# Words that show a story demonstrates a theme (PRODUCT §2.3's eight themes).
_THEME_WORDS = {
    "Leadership": "led lead leader mentored coached hired managed direction vision motivated",
    "Conflict resolution": "conflict disagreed disagreement tension pushback argued "
                           "compromise mediated",
    "Failure and learning": "failed failure mistake missed wrong learned lesson regret",
    "Initiative": "initiative volunteered proposed started built own unasked noticed "
                  "automated",
    "Teamwork": "team together collaborated colleagues cross-functional partnered helped",
    "Communication": "presented explained wrote document communicated persuaded convinced "
                     "stakeholders",
    "Problem solving": "problem root cause debugged investigated analyzed solved diagnosed "
                       "bottleneck",
    "Time management": "deadline prioritized priorities schedule time scope weeks days "
                       "juggled",
}
_THEME_STEMS = {theme: {stem(w) for w in text.split()} for theme, text in _THEME_WORDS.items()}


def themes_of(text: str, limit: int = 3) -> list[str]:
    said = [stem(w) for w in words(text)]
    counts = {theme: sum(1 for w in said if w in wanted) for theme, wanted
              in _THEME_STEMS.items()}
    ranked = sorted((t for t in STORY_THEMES if counts[t]), key=lambda t: -counts[t])
    return ranked[:limit]


def _title(text: str, given: str | None = None) -> str:
    if given:
        return shorten(given, 120)
    phrases = key_phrases(text, limit=2)
    if phrases:
        return shorten(phrases[0][:1].upper() + phrases[0][1:], 120)
    first = sentences(text)[:1]
    return shorten(first[0], 80) if first else "Untitled story"


class StoryDraft(AiOutput):
    title = fields.String(required=True, validate=validate.Length(1, 120))
    situation = fields.String(required=True, validate=validate.Length(1, 2000))
    task = fields.String(required=True, validate=validate.Length(1, 2000))
    action = fields.String(required=True, validate=validate.Length(1, 4000))
    result = fields.String(required=True, validate=validate.Length(1, 2000))
    competencies = fields.List(fields.String(validate=validate.OneOf(STORY_THEMES)),
                               load_default=list)
    missing = fields.List(fields.String(validate=validate.OneOf(PARTS)), load_default=list,
                          metadata={"description": "parts the user still has to fill in"})
    tips = fields.List(fields.String(validate=validate.Length(1, 300)), load_default=list)


class GenerateIn(Schema):
    description = fields.String(required=True, validate=validate.Length(20, 6000))
    question = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=500))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))


_SYSTEM = ("You are an interview coach turning a candidate's experience into a STAR story. "
           "Keep their facts and voice (first person), never invent numbers or names: put "
           "what is missing in [brackets] and list the missing parts. Situation and task in "
           "one or two sentences each; the action is the longest part; the result is "
           "measured when the facts allow. Tag the story with the themes it demonstrates.")


def _generate_prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    return _SYSTEM, (f"Question it should answer: {inputs['question'] or 'any'}\n"
                     f"<<<NOTES\n{inputs['description']}\nNOTES>>>")


def _tips(draft: Mapping[str, str], missing: list[str]) -> list[str]:
    tips = [f"Fill in the {part}: {scoring.STAR_PROMPTS[part].strip('[]')}" for part in missing]
    if not re.search(r"\d", draft["result"]):
        tips.append("Add a number to the result (time saved, a percentage, users, revenue), "
                    "even an estimate.")
    spoken = len(words(" ".join(draft[p] for p in PARTS))) / 150 * 60
    if spoken > 120:
        tips.append(f"About {spoken:.0f} seconds spoken: trim the situation to reach 60-90.")
    return tips[:4]


def _assemble(parts: Mapping[str, str], title: str, source: str) -> dict[str, Any]:
    missing = [p for p in PARTS if not parts.get(p)]
    draft = {p: parts.get(p) or scoring.STAR_PROMPTS[p] for p in PARTS}
    return {"title": title, **draft, "competencies": themes_of(source), "missing": missing,
            "tips": _tips(draft, missing)}


def generate_offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    text = inputs["description"]
    buckets = scoring.star_buckets(text)
    parts = {p: " ".join(buckets[p]) for p in PARTS}
    return _assemble(parts, _title(text, inputs["title"]), text)


class BuildIn(Schema):
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    context = fields.String(load_default="", validate=validate.Length(max=2000),
                            metadata={"description": "Where were you, when, what was at "
                                                     "stake?"})
    goal = fields.String(load_default="", validate=validate.Length(max=2000),
                         metadata={"description": "What were you responsible for?"})
    steps = fields.List(fields.String(validate=validate.Length(1, 1000)), load_default=list,
                        validate=validate.Length(max=10),
                        metadata={"description": "What did you do, step by step?"})
    outcome = fields.String(load_default="", validate=validate.Length(max=2000),
                            metadata={"description": "What happened? Any numbers?"})
    learning = fields.String(load_default="", validate=validate.Length(max=1000),
                             metadata={"description": "What did you learn?"})

    @validates_schema
    def _has_notes(self, data: dict[str, Any], **kwargs: Any) -> None:
        # Building spends an AI action: with nothing to build from it is refused, for free.
        if not any(str(data.get(key) or "").strip() for key in ("context", "goal", "outcome")) \
                and not any(step.strip() for step in data.get("steps", [])):
            raise ValidationError("Give at least one of context, goal, steps or outcome: the "
                                  "story is built from your notes.", "context")


def _build_prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    steps = "\n".join(f"- {s}" for s in inputs["steps"]) or "not given"
    return _SYSTEM, (f"Title: {inputs['title'] or 'suggest one'}\nContext: {inputs['context']}\n"
                     f"Goal: {inputs['goal']}\nSteps:\n{steps}\nOutcome: {inputs['outcome']}\n"
                     f"Learning: {inputs['learning']}")


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _first_person(step: str) -> str:
    step = " ".join(step.split()).rstrip(".")
    if re.match(r"(?i)(i|we|my|our)\b", step):
        return step
    return "I " + step[0].lower() + step[1:]


def _actions(steps: list[str]) -> str:
    """Steps in order with connectors: "First, I ... Then I ... Finally, I ..."."""
    if len(steps) == 1:
        return _sentence(steps[0])
    lead = ["First, ", "Then ", "Next, ", "After that, "]
    out = []
    for i, step in enumerate(steps):
        connector = "Finally, " if i == len(steps) - 1 else lead[min(i, 3)]
        out.append(_sentence(connector + step))
    return " ".join(out)


def build_offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    steps = [_first_person(s) for s in inputs["steps"] if s.strip()]
    goal = inputs["goal"].strip()
    if goal and not re.match(r"(?i)(my|i|our|we|the)\b", goal):
        goal = "My goal was to " + goal[0].lower() + goal[1:]
    learning = inputs["learning"].strip()
    if learning and not re.match(r"(?i)i\b", learning):
        learning = "I learned " + learning
    result = " ".join(filter(None, (_sentence(inputs["outcome"]), _sentence(learning))))
    parts = {"situation": _sentence(inputs["context"]), "task": _sentence(goal),
             "action": _actions(steps) if steps else "", "result": result}
    source = " ".join([inputs["title"] or "", *parts.values()])
    return _assemble(parts, _title(source, inputs["title"]), source)


TASKS = (
    AiTask(name=GENERATE, description="A STAR story draft from a rough description.",
           prompt=_generate_prompt, input_schema=GenerateIn, output_schema=StoryDraft,
           offline=generate_offline, temperature=0.4, max_tokens=1200,
           examples=({"description": "Last year at Northwind our checkout kept timing out "
                                     "before Black Friday. My job was to fix it by the code "
                                     "freeze. I profiled the service and added a cache. As a "
                                     "result latency fell by 80%."},)),
    AiTask(name=BUILD, description="A STAR story from answers to guided prompts.",
           prompt=_build_prompt, input_schema=BuildIn, output_schema=StoryDraft,
           offline=build_offline, temperature=0.4, max_tokens=1200,
           examples=({"title": "Checkout rescue before Black Friday",
                      "context": "at Northwind, checkout timed out under load two weeks "
                                 "before Black Friday",
                      "goal": "make checkout handle 3x traffic by the code freeze",
                      "steps": ["profiled the checkout path", "added a Redis cache for "
                                "shipping rates", "moved receipt emails to a queue"],
                      "outcome": "p95 latency fell from 2.4 s to 380 ms and we took 41,000 "
                                 "orders without errors",
                      "learning": "to load test in CI from day one"},)),
)
