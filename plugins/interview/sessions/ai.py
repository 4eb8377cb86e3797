"""AI tasks of live sessions: in-the-moment coaching and the debrief at the end."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, shorten
from lightninghire_plugins.interview import scoring
from lightninghire_plugins.interview.common import CATEGORIES
from lightninghire_plugins.interview.questions.bank import GUIDANCE
from lightninghire_plugins.interview.wording import tidy

COACH = "interview.coach_live"
DEBRIEF = "interview.session_debrief"


class StoryIn(Schema):
    title = fields.String(required=True)
    situation = fields.String(load_default="")
    task = fields.String(load_default="")
    action = fields.String(load_default="")
    result = fields.String(load_default="")


class CoachIn(Schema):
    question = fields.String(required=True, validate=validate.Length(1, 1000))
    category = fields.String(load_default="behavioral", validate=validate.OneOf(CATEGORIES))
    company = fields.String(load_default="", validate=validate.Length(max=120))
    role = fields.String(load_default="", validate=validate.Length(max=120))
    story = fields.Nested(StoryIn, load_default=None, allow_none=True)
    answerSoFar = fields.String(load_default="", validate=validate.Length(max=10_000))


class StoryCard(AiOutput, StoryIn):
    """The STAR story the coach answers with: StoryIn's fields, stray keys dropped."""


class CoachOut(AiOutput):
    question = fields.String(required=True, validate=validate.Length(1, 1000))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    tips = fields.List(fields.String(validate=validate.Length(1, 300)), required=True,
                       validate=validate.Length(1, 5))
    story = fields.Nested(StoryCard, load_default=None, allow_none=True)
    closingQuestions = fields.List(fields.String(validate=validate.Length(1, 300)),
                                   load_default=list, validate=validate.Length(max=5))


def _coach_prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    story = inputs["story"]
    return ("You coach a candidate during a live interview. Give at most three short, "
            "glanceable tips for answering the question now, point to the candidate's story "
            "if one fits, and suggest three closing questions for the end of the interview.",
            f"Role: {inputs['role']} at {inputs['company']}\nQuestion: {inputs['question']}\n"
            f"Their story: {story['title'] if story else 'none matched'}\n"
            f"Answer so far: {inputs['answerSoFar'] or 'not started'}")


def coach_offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    category = inputs["category"]
    look_for, structure = GUIDANCE[category]
    tips = [f"They listen for: {look_for}", f"Shape: {structure.split('.')[0]}."]
    story = inputs["story"]
    if story:
        tips.insert(0, f"Use your story \u201c{story['title']}\u201d: lead with the situation "
                       f"in one sentence.")
    if inputs["answerSoFar"]:
        reading = scoring.score({"question": inputs["question"], "answer": inputs["answerSoFar"],
                                 "category": category})
        weakest = min(reading["scores"], key=lambda k: reading["scores"][k])
        tips.append(f"So far, {weakest} is thinnest: "
                    f"{next(r['feedback'] for r in reading['rubric'] if r['dimension'] == weakest)}")
    company = inputs["company"] or "the company"
    role = inputs["role"] or "this role"
    closing = [f"What would success look like in the first six months for the {role}?",
               f"What is the biggest challenge the team at {company} is facing right now?",
               "How do you see the team changing over the next year?"]
    return {"question": inputs["question"], "category": category,
            "tips": [shorten(t, 300) for t in tips[:5]],
            "story": dict(story) if story else None, "closingQuestions": closing}


class QaIn(Schema):
    question = fields.String(required=True)
    answer = fields.String(load_default="")
    category = fields.String(load_default="behavioral", validate=validate.OneOf(CATEGORIES))


class DebriefIn(Schema):
    company = fields.String(load_default="")
    role = fields.String(load_default="")
    exchanges = fields.List(fields.Nested(QaIn), load_default=list,
                            validate=validate.Length(max=60))
    metrics = fields.Dict(load_default=dict)
    mockAverage = fields.Float(load_default=None, allow_none=True)
    today = fields.Date(required=True)


class Insight(AiOutput):
    question = fields.String(required=True)
    answerExcerpt = fields.String(load_default="")
    completeness = fields.Integer(load_default=None, allow_none=True,
                                  validate=validate.Range(1, 10))
    structure = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 10))
    specificity = fields.Integer(load_default=None, allow_none=True,
                                 validate=validate.Range(1, 10))
    change = fields.String(load_default="", metadata={"description": "what to change"})


class Evidence(AiOutput):
    point = fields.String(required=True)
    evidence = fields.String(load_default="")


class NextStep(AiOutput):
    action = fields.String(required=True)
    due = fields.Date(required=True)


class DebriefOut(AiOutput):
    summary = fields.String(required=True, validate=validate.Length(1, 1200))
    strengths = fields.List(fields.Nested(Evidence), load_default=list)
    concerns = fields.List(fields.String(), load_default=list)
    nextSteps = fields.List(fields.Nested(NextStep), load_default=list)
    insights = fields.List(fields.Nested(Insight), load_default=list)
    communicationStyle = fields.String(load_default="")
    adviceForNextRound = fields.List(fields.String(), load_default=list)
    comparedWithMocks = fields.String(load_default=None, allow_none=True)


def _debrief_prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    qa = "\n".join(f"Q: {e['question']}\nA: {e['answer'] or '(no answer)'}"
                   for e in inputs["exchanges"])
    return ("You debrief a candidate after a real interview: a 2-3 sentence summary, "
            "strengths with evidence quoted from the transcript, concerns, dated next steps, "
            "per-question insights with 1-10 scores for completeness, structure and "
            "specificity, their communication style and advice for later rounds.",
            f"{inputs['role']} at {inputs['company']}, on {inputs['today']}.\n"
            f"Speech metrics: {inputs['metrics']}\nMock average: {inputs['mockAverage']}\n{qa}")


def debrief_offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    today: date = inputs["today"]
    metrics = inputs["metrics"]
    insights, readings = [], []
    for exchange in inputs["exchanges"]:
        if not exchange["answer"]:
            insights.append({"question": exchange["question"], "answerExcerpt": "",
                             "completeness": None, "structure": None, "specificity": None,
                             "change": "No answer was captured for this question."})
            continue
        reading = scoring.score({"question": exchange["question"], "answer": exchange["answer"],
                                 "category": exchange["category"]})
        readings.append((exchange, reading))
        insights.append({"question": exchange["question"],
                         "answerExcerpt": shorten(exchange["answer"], 200),
                         **{k: reading["scores"][k] for k in ("completeness", "structure",
                                                              "specificity")},
                         "change": (reading["improvements"] or
                                    ["Keep this answer: it works."])[0]})
    where = f" for {inputs['role']} at {inputs['company']}" if inputs["company"] else ""
    average = round(sum(r["overall"] for _, r in readings) / len(readings), 1) \
        if readings else None
    detected = len(inputs["exchanges"])
    summary = f"You answered {len(readings)} of {detected} detected " \
              f"{'question' if detected == 1 else 'questions'}{where}."
    if average is not None:
        summary += f" Your answers averaged {average}/10 on the interview rubric."
    if metrics.get("paceLabel"):
        summary += f" Your pace was {metrics['paceLabel']} ({metrics['wordsPerMinute']} " \
                   f"words a minute)."
    strengths = [{"point": "A strong answer", "evidence": scoring.quote(tidy(e["answer"]), 160)}
                 for e, r in sorted(readings, key=lambda item: -item[1]["overall"])
                 if r["overall"] >= 7][:2]
    concerns, first_gap = [], None
    for flag in ("off topic", "partly off topic", "generic answer", "hedging", "rambling",
                 "lacked specific metric",
                 "no clear personal actions", "no clear result", "too short"):
        hits = sum(1 for _, r in readings if flag in r["flags"])
        if hits:
            concerns.append(f"{hits} {'answer' if hits == 1 else 'answers'}: {flag}.")
            first_gap = first_gap or f"{flag} ({hits} of {len(readings)} " \
                f"{'answer' if len(readings) == 1 else 'answers'})"
    if metrics.get("fillersPer100Words", 0) > 3:
        concerns.append(f"{metrics['fillerCount']} filler words "
                        f"({', '.join(list(metrics.get('fillers', {}))[:3])}).")
    if metrics.get("longPauses"):
        pauses = metrics["longPauses"]
        concerns.append(f"{pauses} long {'pause' if pauses == 1 else 'pauses'} before "
                        f"answering.")
    steps = [{"action": "Send a thank-you note to each interviewer.",
              "due": today + timedelta(days=1)}]
    weakest = min(insights, key=lambda i: sum(i[k] or 0 for k in ("completeness", "structure",
                                                                  "specificity")),
                  default=None)
    if weakest and weakest["answerExcerpt"]:
        steps.append({"action": f"Rework your answer to {scoring.quote(weakest['question'])} "
                                f"and practise it in a mock.", "due": today + timedelta(days=3)})
    steps.append({"action": "Write down the questions you were asked while you remember them.",
                  "due": today})
    style = communication_style(metrics)
    compared = None
    if inputs["mockAverage"] is not None and average is not None:
        compared = (f"Live answers averaged {average}/10 against {inputs['mockAverage']}/10 in "
                    f"your mock interviews.")
    advice = ["Prepare two more stories with measured results for the next round."]
    if first_gap:
        advice.insert(0, f"Work on this first: {first_gap}.")
    elif concerns:
        advice.insert(0, f"Work on this first: {concerns[0][0].lower()}{concerns[0][1:]}")
    return {"summary": summary, "strengths": strengths, "concerns": concerns,
            "nextSteps": steps, "insights": insights, "communicationStyle": style,
            "adviceForNextRound": advice, "comparedWithMocks": compared}


def communication_style(metrics: Mapping[str, Any]) -> str:
    """One line on pace and length that agrees with the summary: a pace is named whenever the
    metrics have one, and "not enough timed speech" is said only when they do not."""
    pace, per_minute = metrics.get("paceLabel"), metrics.get("wordsPerMinute")
    long_answers = metrics.get("averageAnswerWords", 0) >= 250
    if pace is None:
        line = "Not enough timed speech to judge your pace."
        return line + (" Your answers ran long: aim for 60-90 seconds each." if long_answers
                       else "")
    line = {"fast": f"Fast ({per_minute} words a minute): slow down and pause before key points.",
            "slow": f"Slow ({per_minute} words a minute): shorter sentences and a lead-in you "
                    f"have practised will help you start each answer.",
            "steady": f"Steady pace ({per_minute} words a minute)."}.get(pace, "")
    if long_answers:
        line += " Your answers ran long: aim for 60-90 seconds each."
    elif pace == "steady":
        line += " Measured and concise."
    return line


TASKS = (
    AiTask(name=COACH, description="Live coaching for a question just asked: tips, the best "
                                   "story and closing questions.",
           prompt=_coach_prompt, input_schema=CoachIn, output_schema=CoachOut,
           offline=coach_offline, temperature=0.3, max_tokens=600,
           examples=({"question": "Tell me about a time you disagreed with your manager.",
                      "company": "Acme", "role": "Engineer"},)),
    AiTask(name=DEBRIEF, description="A debrief of a live interview session.",
           prompt=_debrief_prompt, input_schema=DebriefIn, output_schema=DebriefOut,
           offline=debrief_offline, temperature=0.3, max_tokens=2000,
           examples=({"company": "Acme", "role": "Engineer", "today": "2031-03-01",
                      "exchanges": [{"question": "Tell me about a time you failed.",
                                     "answer": "Last year I missed a deadline because I did "
                                               "not ask for help. I learned to flag risks "
                                               "early."}],
                      "metrics": {"paceLabel": "steady", "wordsPerMinute": 140}},)),
)
