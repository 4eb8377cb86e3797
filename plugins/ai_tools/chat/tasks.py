"""``ai_tools.chat_answer``: answer a question from numbered passages of the user's data.

Offline, the answer quotes the line of each retrieved passage that best matches the question,
with its reference, counts items for "how many" questions, and says plainly when nothing in the
user's data matches. Citations are always checked against the passages given (a model cannot
cite what it was not shown).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, shorten
from lightninghire_plugins.ai_tools.chat.retrieval import best_line, terms

NAME = "ai_tools.chat_answer"
_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.IGNORECASE)


class PassageIn(Schema):
    class Meta:
        unknown = EXCLUDE

    ref = fields.String(required=True, validate=validate.Length(1, 8))
    kind = fields.String(required=True, validate=validate.Length(1, 80))
    title = fields.String(required=True, validate=validate.Length(1, 300))
    text = fields.String(required=True, validate=validate.Length(0, 4000))


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
              "as [S1]. If the sources do not hold the answer, say so plainly and suggest "
              "what data would help. Be brief and concrete.")
    sources = "\n\n".join(f"[{p['ref']}] ({p['kind']}) {p['title']}\n{p['text']}"
                          for p in inputs["passages"]) or "(no matching sources)"
    history = "\n".join(f"{t['role']}: {shorten(t['content'], 600)}" for t in inputs["history"])
    counts = ", ".join(f"{kind}: {n}" for kind, n in inputs["counts"].items())
    user = (f"Sources:\n{sources}\n\nItems in the user's data by kind: {counts or 'none'}\n\n"
            + (f"Conversation so far:\n{history}\n\n" if history else "")
            + f"Question: {inputs['question']}")
    return system, user


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    question = inputs["question"]
    asked = set(terms(question))
    passages = inputs["passages"][:4]
    lines: list[str] = []
    cited: list[str] = []
    if _HOW_MANY.search(question):
        for kind, count in inputs["counts"].items():
            if set(terms(kind)) & asked:
                lines.append(f"You have {count} {kind} in your data.")
    if passages:
        lines.append("Here is what I found in your data:" if not lines else "Most relevant:")
        for p in passages:
            lines.append(f"- {p['title']} ({p['kind']}): {best_line(p['text'], asked)} "
                         f"[{p['ref']}]")
            cited.append(p["ref"])
    elif not lines:
        kinds = ", ".join(inputs["counts"]) if inputs["counts"] else ""
        lines.append(f"I found nothing in your data about \u201c{shorten(question, 120)}\u201d."
                     + (f" I can search your {kinds}." if kinds else
                        " None of your enabled features has shared any data yet: add "
                        "applications, stories or a resume first."))
    follow = []
    for p in passages[:2]:
        if any(k in p["kind"].lower() for k in ("application", "job", "opportunit")):
            follow.append(f"How well does my resume fit {shorten(p['title'], 120)}?")
    if not follow and passages:
        follow.append(f"Tell me more about {shorten(passages[0]['title'], 150)}.")
    return {"answer": "\n".join(lines)[:4000], "citations": cited, "followUps": follow[:3]}


TASK = AiTask(
    name=NAME,
    description="Answers a question about the user's own data from retrieved passages, citing "
                "them.",
    prompt=prompt, input_schema=ChatIn, output_schema=ChatOut, offline=offline,
    max_tokens=800, temperature=0.3,
    examples=({"question": "What stage is my Acme application at?",
               "passages": [{"ref": "S1", "kind": "applications",
                             "title": "Backend Engineer at Acme",
                             "text": "company: Acme\nrole: Backend Engineer\nstage: interviewing\n"
                                     "nextStep: onsite on Friday"}],
               "history": [], "counts": {"applications": 4, "stories": 2}},
              {"question": "Any notes about Globex?", "passages": [], "history": [],
               "counts": {"applications": 4}}),
)
