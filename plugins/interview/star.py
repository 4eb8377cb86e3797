"""``interview.score_star``: a behavioural interview answer scored on the STAR rubric.

Five dimensions, 1 (missing) to 5 (excellent): situation, task, action, result and clarity.
Offline, each is read from what interviewers listen for: a setting and a problem early on; the
candidate's own responsibility ("my job was to"); concrete first-person actions ("I migrated",
"I wrote"), in order; an outcome with numbers and a lesson; a length that fits two minutes,
few filler words, and words from the question. The feedback quotes what it found, so the
candidate sees why, and says what to add.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import AiOutput, AiTask, content_words, sentences, shorten, stem, words
from lightninghire_plugins.interview import reading as rd

NAME = "interview.score_star"
DIMENSIONS = ("situation", "task", "action", "result", "clarity")
_I = re.IGNORECASE

# Setting, stakes and an owned task are read with the answer rubric's patterns (rd.SETTING,
# rd.STAKES, rd.OWN_TASK); a task stated for the team and a goal's detail only here.
_TEAM_TASK = re.compile(r"\b(?:we needed to|we had to|the team needed to|we wanted to)\b", _I)
_GOAL_DETAIL = re.compile(r"\b(?:by|within|before|deadline|target|\d+)\b", _I)
_WE = re.compile(r"\bwe\b", _I)
_ME = re.compile(r"\bI\b")
_SEQUENCE = re.compile(r"\b(?:first|firstly|then|next|after that|afterwards|finally|second|"
                       r"third|once|to start|meanwhile)\b", _I)
_RESULT = re.compile(
    r"\b(?:as a result|resulted in|the result|which (?:led|meant|let|allowed|helped)|"
    r"in the end|ultimately|the outcome|by the end|this (?:led|meant|cut|reduced|saved|"
    r"increased|improved)|we (?:delivered|shipped|launched|hit|met|won|closed|finished)|on time|"
    r"ahead of schedule)\b", _I)
_OUTCOME_VERB = re.compile(
    r"\b(?:reduc|increas|improv|sav|cut|grew|grow|boost|decreas|rais|won|achiev|launch|"
    r"shipp|deliver|doubl|tripl|halv|lower|shorten|eliminat|recover|retain)\w*", _I)
_METRIC = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|percent\b|x\b|\u00d7)|[$\u20ac\u00a3]\s?\d[\d,.]*\s*[kmb]?\b|"
    r"\b\d[\d,.]*\s*[km]?\s*(?:users|customers|clients|hours|days|weeks|months|minutes|"
    r"seconds|ms|tickets|deals|leads|people|engineers|stores|orders|requests|calls|points)\b|"
    r"\bfrom\s+\$?\d[\w.,%]*\s+to\s+\$?\d[\w.,%]*", _I)
_LEARNING = re.compile(r"\b(?:i learned|i learnt|lesson|taught me|next time|since then|"
                       r"now i|going forward|in hindsight|i would (?:now|still|also))\b", _I)
_FILLER = re.compile(r"\b(?:um+|uh+|basically|you know|kind of|sort of|literally|"
                     r"stuff like that|things like that)\b", _I)
# How questions are asked ("Tell me about a time ...", "Describe an example ..."), not what about:
# stemmed like the words they are compared with.
_PROMPT_WORDS = frozenset(stem(w) for w in ("tell", "time", "describe", "example"))
# Verbs that are not actions a candidate takes credit for ("I was", "I think").
_NOT_ACTIONS = frozenset({
    "was", "am", "is", "were", "had", "have", "think", "thought", "felt", "feel", "guess",
    "mean", "know", "knew", "believe", "would", "could", "should", "might", "will", "can",
    "did", "do", "just", "really", "also", "then", "wanted", "needed", "hoped", "tried",
    "learned", "learnt", "realized", "noticed", "saw", "got", "went", "said", "told",
})


class ScoreIn(Schema):
    question = fields.String(required=True, validate=validate.Length(1, 1000))
    answer = fields.String(required=True, validate=validate.Length(1, 10_000))


class DimensionOut(AiOutput):
    name = fields.String(required=True, validate=validate.OneOf(DIMENSIONS))
    score = fields.Integer(required=True, validate=validate.Range(1, 5))
    feedback = fields.String(required=True, validate=validate.Length(1, 600),
                             metadata={"description": "specific: quote the answer"})


class ScoreOut(AiOutput):
    dimensions = fields.List(fields.Nested(DimensionOut), required=True,
                             validate=validate.Length(equal=len(DIMENSIONS)),
                             metadata={"description": "one per name, in the order listed"})
    overall = fields.Float(required=True, validate=validate.Range(1, 5))
    strengths = fields.List(fields.String(validate=validate.Length(1, 300)), load_default=list)
    improvements = fields.List(fields.String(validate=validate.Length(1, 300)),
                               load_default=list)

    @validates_schema
    def _every_dimension_once(self, data: dict[str, Any], **_: Any) -> None:
        names = [item["name"] for item in data.get("dimensions", [])]
        if sorted(names) != sorted(DIMENSIONS):
            raise ValidationError(f"give each of {', '.join(DIMENSIONS)} exactly once",
                                  "dimensions")


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = (
        "You are an interview coach scoring a behavioural answer on the STAR method. Score each "
        "dimension from 1 (missing) to 5 (excellent): situation (where, when, what was at "
        "stake), task (the candidate's own responsibility), action (concrete steps the "
        "candidate personally took, in order), result (the outcome, ideally measured, and what "
        "was learned), clarity (length for about two minutes spoken, structure, relevance to "
        "the question). Feedback is specific: quote the answer and say what to add. overall is "
        "the mean of the five scores, one decimal.")
    user = (f"Question: {inputs['question']}\n"
            f"<<<ANSWER\n{inputs['answer']}\nANSWER>>>")
    return system, user


@dataclass
class _Mark:
    score: int
    feedback: str
    strength: str | None = None
    improvement: str | None = None


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    answer = rd.unwrap(inputs["answer"])
    parts = sentences(answer) or [answer]
    # The evidence reading the rubric uses too: irregular verbs ("I wrote", "I ran"), actions
    # chained in one sentence, lower-case transcripts, labelled "Result:" lines.
    reading = rd.read(inputs["question"], answer)
    marks = {
        "situation": _situation(parts, reading),
        "task": _task(parts),
        "action": _action(answer, reading),
        "result": _result(parts, reading),
        "clarity": _clarity(inputs["question"], answer, parts),
    }
    overall = round(sum(mark.score for mark in marks.values()) / len(marks), 1)
    return {
        "dimensions": [{"name": name, "score": mark.score, "feedback": mark.feedback}
                       for name, mark in marks.items()],
        "overall": overall,
        "strengths": [mark.strength for mark in marks.values() if mark.strength],
        "improvements": [mark.improvement for mark in marks.values() if mark.improvement],
    }


def _quote(text: str, limit: int = 90) -> str:
    return f"\u201c{shorten(text, limit)}\u201d"


def _situation(parts: list[str], reading: rd.Reading) -> _Mark:
    early = parts[: max(1, len(parts) // 3 + 1)]
    labelled = {s.text for s in reading.sentences if s.part == "situation"}
    # A "Situation:" line is a setting however it is worded.
    setting = [s for s in parts if rd.SETTING.search(s) or any(t in s for t in labelled)]
    problem = [s for s in parts if rd.STAKES.search(s)]
    # A year, a number or a name (a capitalized word after the first) makes a setting concrete.
    specific = bool(setting and re.search(r"\d|\b(?!I\b)[A-Z][a-z]+\b", " ".join(
        w for s in setting[:2] for w in s.split()[1:])))
    score = 1 + bool(setting) + bool(problem) + specific
    score += score == 4 and any(s in early for s in setting + problem)
    if score >= 4:
        first = (setting or problem)[0]
        return _Mark(score, f"Clear setting up front: {_quote(first)}.",
                     strength="You set the scene quickly and concretely.")
    advice = ("Open with one or two sentences of context: where you were, when, and what was at "
              "stake (a deadline, a risk, an unhappy customer).")
    found = f"Some context ({_quote((setting or problem)[0])}), but it is thin. " \
        if setting or problem else "No context: the listener does not know where or when. "
    return _Mark(score, found + advice, improvement=advice)


def _task(parts: list[str]) -> _Mark:
    own = [s for s in parts if rd.OWN_TASK.search(s)]
    team = [s for s in parts if _TEAM_TASK.search(s)]
    points = 2 if own else 1 if team else 0
    stated = (own or team)[:1]
    points += bool(stated and _GOAL_DETAIL.search(stated[0]))
    points += bool(stated and parts.index(stated[0]) < max(2, len(parts) // 2))
    score = min(5, 1 + points)
    if own and score >= 4:
        return _Mark(score, f"Your responsibility is explicit: {_quote(own[0])}.",
                     strength="You make clear what you were responsible for.")
    advice = ("Say what you personally were responsible for (\u201cMy job was to \u2026 by "
              "\u2026\u201d), not only what the team needed.")
    found = (f"The goal is stated for the team ({_quote(team[0])}), not for you. " if team
             and not own else f"Stated: {_quote(own[0])}; add the target or deadline. " if own
             else "No task: what were you asked or expected to do? ")
    return _Mark(score, found + advice, improvement=advice)


def _action(answer: str, reading: rd.Reading) -> _Mark:
    verbs = reading.actions()
    mine, ours = len(_ME.findall(answer)), len(_WE.findall(answer))
    steps = len(_SEQUENCE.findall(answer))
    count = len(verbs)
    score = 1 if count == 0 else 2 if count == 1 else 3 if count <= 3 else 4
    score += score == 4 and (steps >= 2 or count >= 6)
    if ours > mine and score > 1:
        score -= 1
    listed = ", ".join(verbs[:6])
    if score >= 4:
        order = " in a clear order" if steps >= 2 else ""
        return _Mark(score, f"{count} concrete first-person actions{order} ({listed}).",
                     strength=f"Concrete actions you own: {listed}.")
    advice = ("Walk through what you did, step by step, with strong verbs: \u201cI mapped "
              "\u2026, then I wrote \u2026, then I ran \u2026\u201d.")
    found = f"{count} first-person action(s) ({listed}). " if count else \
        "No first-person actions found. "
    if ours > mine:
        found += f"\u201cWe\u201d appears {ours} times and \u201cI\u201d {mine}: make your own " \
            "part explicit. "
    return _Mark(score, found + advice, improvement=advice)


def _result(parts: list[str], reading: rd.Reading) -> _Mark:
    late = parts[len(parts) // 2:]
    outcome = [s for s in late if _RESULT.search(s) or _OUTCOME_VERB.search(s)]
    outcome += [s.text for s in reading.outcomes() if s.text not in outcome]
    metrics = [m.group(0).strip() for s in parts for m in _METRIC.finditer(s)
               if s in late or _RESULT.search(s)]
    metrics += [m for s in reading.outcomes() for m in s.metrics
                if not any(m in known or known in m for known in metrics)]
    learned = [s for s in parts if _LEARNING.search(s)] + [s.text for s in reading.reflections()]
    score = min(5, 1 + bool(outcome) + bool(metrics) + (len(metrics) >= 2) + bool(learned))
    if outcome and not metrics:
        score = min(score, 3)
    notes = []
    if metrics:
        notes.append("Measured outcome (" + ", ".join(dict.fromkeys(metrics[:4])) + ").")
    elif outcome:
        notes.append(f"There is an outcome ({_quote(outcome[0])}) but no number.")
    else:
        notes.append("No result: how did it end?")
    notes.append("You close with what you learned." if learned else
                 "Close with what you learned or would do differently.")
    improvement = None
    if not metrics:
        improvement = ("Quantify the result: time saved, a percentage, revenue, users, "
                       "tickets \u2014 even an estimate.")
    elif not learned:
        improvement = "End with one sentence on what you learned or now do differently."
    strength = "A measurable result." if len(metrics) >= 1 and score >= 4 else None
    return _Mark(score, " ".join(notes), strength=strength, improvement=improvement)


def _clarity(question: str, answer: str, parts: list[str]) -> _Mark:
    count = len(words(answer))
    minutes = count / 150  # a calm speaking pace
    if count < 50:
        score, verdict = 1, "far too short to show anything"
    elif count < 100:
        score, verdict = 2, "short: there is room for the missing parts"
    elif count < 150:
        score, verdict = 4, "a little short, but focused"
    elif count <= 350:
        score, verdict = 5, "a good length"
    elif count <= 500:
        score, verdict = 4, "on the long side: trim the situation"
    else:
        score, verdict = 3, "too long: aim for two minutes"
    notes = [f"{count} words (about {max(minutes, 0.1):.1f} min spoken): {verdict}."]
    average = count / max(1, len(parts))
    if average > 32:
        score -= 1
        notes.append(f"Sentences average {average:.0f} words: split them.")
    fillers = _FILLER.findall(answer)
    if len(fillers) * 100 > 2 * max(count, 1):
        score -= 1
        notes.append(f"Filler words ({', '.join(dict.fromkeys(f.lower() for f in fillers[:4]))})"
                     " weaken it.")
    asked = {stem(w) for w in content_words(question)} - _PROMPT_WORDS
    said = {stem(w) for w in content_words(answer)}
    shared = asked & said
    if len(asked) >= 2 and not shared:
        score -= 1
        notes.append("It never uses the question's words: tie the story back to what was asked.")
    score = max(1, min(5, score))
    improvement = None if score >= 4 else "Aim for 150\u2013350 words, short sentences, and " \
        "link the story to the question in the first and last sentence."
    strength = "Well-sized and on topic." if score == 5 else None
    return _Mark(score, " ".join(notes), strength=strength, improvement=improvement)


EXAMPLE_QUESTION = "Tell me about a time you had to deliver under a tight deadline."
EXAMPLE_STRONG = (
    "Last year at Northwind, two weeks before Black Friday, our checkout started timing out "
    "under load tests and the launch was at risk. As the backend lead, my job was to make "
    "checkout handle three times normal traffic by the code freeze on November 15, a tight "
    "deadline. First I profiled the checkout path and found that every request recomputed "
    "shipping rates. I added a Redis cache for the rates, then I moved the receipt emails to a "
    "background queue. "
    "I also wrote a load test that ran in CI so we would see regressions the same day. As a "
    "result, p95 latency dropped from 2.4 s to 380 ms, and on Black Friday we processed 41,000 "
    "orders with zero checkout errors. I learned to put a load test in CI from day one.")
EXAMPLE_WEAK = (
    "We had a big deadline once and everyone was basically stressed. We worked really hard and "
    "kind of pulled it off in the end. It went well and the client was happy.")

TASK = AiTask(
    name=NAME,
    description="Scores a behavioural interview answer on the STAR rubric (1-5 per dimension) "
                "with specific feedback.",
    prompt=prompt,
    output_schema=ScoreOut,
    input_schema=ScoreIn,
    offline=offline,
    max_tokens=900,
    temperature=0.0,
    examples=({"question": EXAMPLE_QUESTION, "answer": EXAMPLE_STRONG},
              {"question": EXAMPLE_QUESTION, "answer": EXAMPLE_WEAK}),
)
