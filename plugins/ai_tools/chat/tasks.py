"""``ai_tools.chat_answer``: answer a question from numbered passages of the user's data.

The passages come ordered: the records of the kind the question is about first (``intent``:
the next future interview by date, the latest completed mock, ...), then the best keyword or
embedding matches. Offline, the answer opens with a sentence that answers the question from
those records ("Your next interview is with Acme for Backend Engineer on Tue 8 Dec at 14:00
UTC [S1].", "You have no upcoming interviews scheduled."), then lists the supporting records
(``answers.compose``). Citations are always checked against the passages given (a model cannot
cite what it was not shown). The task streams: as plain text, cited inline, turned into the
output by ``answers.answer_from_text``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, shorten
from lightninghire_plugins.ai_tools.chat import answers
from lightninghire_plugins.ai_tools.chat.intents import INTENTS

NAME = "ai_tools.chat_answer"


class PassageIn(Schema):
    class Meta:
        unknown = EXCLUDE

    ref = fields.String(required=True, validate=validate.Length(1, 8))
    kind = fields.String(required=True, validate=validate.Length(1, 80))
    title = fields.String(required=True, validate=validate.Length(1, 300))
    text = fields.String(required=True, validate=validate.Length(0, 4000))
    record = fields.Raw(load_default=None, allow_none=True,
                        metadata={"description": "the record's fields, as its plugin shared "
                                                 "them (dates as ISO text)"})


class TurnIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(["user", "assistant"]))
    content = fields.String(required=True, validate=validate.Length(1, 8000))


class ChatIn(Schema):
    question = fields.String(required=True, validate=validate.Length(1, 2000))
    passages = fields.List(fields.Nested(PassageIn), load_default=list,
                           validate=validate.Length(max=10))
    history = fields.List(fields.Nested(TurnIn), load_default=list,
                          validate=validate.Length(max=10))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), load_default=dict)
    intent = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(list(INTENTS)))
    now = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                        metadata={"description": "the app clock, ISO 8601"})


class ChatOut(AiOutput):
    answer = fields.String(required=True, validate=validate.Length(1, 4000),
                           metadata={"description": "cite sources inline as [S1]"})
    citations = fields.List(fields.String(validate=validate.Length(1, 8)), load_default=list,
                            metadata={"description": "the refs of the sources used"})
    followUps = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list,
                            validate=validate.Length(max=3))


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You are LightningHire's assistant. Answer questions about the user's own job "
              "search using only the numbered sources from their data; cite each fact inline "
              "as [S1]. Open with one sentence that answers the question directly (a date, a "
              "name, a number), then add the supporting details. Sources are ordered most "
              "relevant first. If the sources do not hold the answer, say so plainly and "
              "suggest what data would help. Be brief and concrete.")
    sources = "\n\n".join(f"[{p['ref']}] ({p['kind']}) {p['title']}\n{p['text']}"
                          for p in inputs["passages"]) or "(no matching sources)"
    history = "\n".join(f"{t['role']}: {shorten(t['content'], 600)}" for t in inputs["history"])
    counts = ", ".join(f"{kind}: {n}" for kind, n in inputs["counts"].items())
    intent = INTENTS.get(inputs.get("intent") or "")
    about = (f"The question is about the user's {intent.label}; the sources of that kind come "
             f"first, in the order that answers it.\n" if intent else "")
    now = f"Now (UTC): {inputs['now']}\n" if inputs.get("now") else ""
    user = (f"Sources:\n{sources}\n\nItems in the user's data by kind: {counts or 'none'}\n"
            f"{now}{about}\n"
            + (f"Conversation so far:\n{history}\n\n" if history else "")
            + f"Question: {inputs['question']}")
    return system, user


TASK = AiTask(
    name=NAME,
    description="Answers a question about the user's own data from retrieved passages, citing "
                "them: a direct first sentence from the records of the kind asked about, then "
                "the supporting records.",
    prompt=prompt, input_schema=ChatIn, output_schema=ChatOut, offline=answers.offline,
    text_answer=answers.answer_from_text, offline_stream=answers.compose,
    max_tokens=800, temperature=0.3,
    examples=({"question": "When is my next interview?", "intent": "interviews",
               "now": "2026-12-04T09:00:00+00:00",
               "passages": [{"ref": "S1", "kind": "upcomingInterviews",
                             "title": "Acme technical interview at Acme",
                             "text": "title: Acme technical interview\ncompany: Acme\n"
                                     "role: Backend Engineer\ntype: technical\n"
                                     "startsAt: 2026-12-08T14:00:00+00:00",
                             "record": {"title": "Acme technical interview", "company": "Acme",
                                        "role": "Backend Engineer", "type": "technical",
                                        "startsAt": "2026-12-08T14:00:00+00:00",
                                        "timeZone": "UTC"}},
                            {"ref": "S2", "kind": "applications",
                             "title": "Backend Engineer at Acme",
                             "text": "company: Acme\nrole: Backend Engineer\n"
                                     "status: interviewing",
                             "record": {"company": "Acme", "role": "Backend Engineer",
                                        "status": "interviewing"}}],
               "history": [], "counts": {"applications": 4, "upcomingInterviews": 1}},
              {"question": "What stage is my Acme application at?", "intent": "applications",
               "passages": [{"ref": "S1", "kind": "applications",
                             "title": "Backend Engineer at Acme",
                             "text": "company: Acme\nrole: Backend Engineer\nstage: interviewing\n"
                                     "nextStep: onsite on Friday",
                             "record": {"company": "Acme", "role": "Backend Engineer",
                                        "status": "interviewing"}}],
               "history": [], "counts": {"applications": 4, "stories": 2}},
              {"question": "Any notes about Globex?", "passages": [], "history": [],
               "counts": {"applications": 4}}),
)
