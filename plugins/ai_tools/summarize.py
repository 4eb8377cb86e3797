"""``ai_tools.summarize_text``: a short summary, the key points and the keywords of a text.

Offline it is an extractive summary in the manner of Luhn (1958): words that recur carry the
topic, so sentences dense in recurring words are the ones worth keeping; the opening sentence
gets a small bonus because it usually frames the rest. The answer only ever quotes the text.
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
    content_words,
    key_phrases,
    keyword_counts,
    sentences,
    shorten,
    stem,
    words,
)

NAME = "ai_tools.summarize_text"
_CONNECTOR = re.compile(r"^(?:also|additionally|in addition|moreover|furthermore|however|and|but|"
                        r"so|then|finally|overall)\b[,:]?\s+", re.IGNORECASE)


class SummarizeIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 50_000))
    maxPoints = fields.Integer(load_default=4, validate=validate.Range(1, 8))


class SummaryOut(AiOutput):
    summary = fields.String(required=True, validate=validate.Length(1, 600),
                            metadata={"description": "one or two sentences"})
    keyPoints = fields.List(fields.String(validate=validate.Length(1, 300)), required=True,
                            validate=validate.Length(max=8),
                            metadata={"description": "one idea each, not repeating the summary"})
    keywords = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                           validate=validate.Length(max=8))


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You summarize texts for job seekers and recruiters (job posts, notes, articles). "
              "Stay faithful to the text: no fact, number or name that is not in it.")
    user = (f"Summarize the text between the markers in one or two sentences, then give at most "
            f"{inputs['maxPoints']} key points that add to the summary, and up to 6 keywords.\n"
            f"<<<TEXT\n{inputs['text']}\nTEXT>>>")
    return system, user


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    text = inputs["text"]
    found = _distinct(_sentences(text))
    if not found:
        return {"summary": shorten(text, 400), "keyPoints": [], "keywords": []}
    # Counted over distinct sentences: a line pasted twice is not twice as important.
    counts = keyword_counts("\n".join(found))
    scores = [_score(sentence, index, counts) for index, sentence in enumerate(found)]
    ranked = sorted(range(len(found)), key=lambda i: (-scores[i], i))
    in_summary = sorted(ranked[: 1 if len(found) < 6 else 2])
    points = sorted(ranked[len(in_summary): len(in_summary) + inputs["maxPoints"]])
    summary = " ".join(as_sentence(found[i]) for i in in_summary)
    return {
        "summary": shorten(summary, 500),
        "keyPoints": [_as_point(found[i]) for i in points],
        "keywords": key_phrases(text, 6),
    }


def _score(sentence: str, index: int, counts: Mapping[str, int]) -> float:
    stems = {stem(word) for word in content_words(sentence)}
    if not stems:
        return 0.0
    # Only recurring words count: a word used once says little about what the text is about.
    weight = sum(counts[s] for s in stems if counts[s] > 1) + 0.1 * len(stems)
    score = weight / len(stems) ** 0.5
    length = len(words(sentence))
    if index == 0:
        score *= 1.25
    if length < 5:  # headings and fragments
        score *= 0.4
    elif length > 45:  # run-ons read badly as a summary
        score *= 0.75
    return score


def _distinct(found: list[str]) -> list[str]:
    """Drop sentences that repeat an earlier one almost word for word."""
    kept: list[str] = []
    seen: list[set[str]] = []
    for sentence in found:
        bag = {stem(word) for word in content_words(sentence)}
        if bag and any(len(bag & other) / len(bag | other) > 0.8 for other in seen):
            continue
        kept.append(sentence)
        seen.append(bag)
    return kept


def _sentences(text: str) -> list[str]:
    """The sentences of ``text``, each line on its own (a bullet list has no full stops) and
    split where a sentence ends before a lower-case start ("in tableau. you'll partner")."""
    return [part for line in text.splitlines() for found in sentences(line)
            for part in re.split(r"(?<=[.!?])\s+(?=[a-z])", found) if part.strip(" -*:")]


def _as_point(sentence: str) -> str:
    """A sentence of the text as a key point: no leading connector or bullet, a capital, and a
    full stop (a line of a bullet list has none)."""
    return shorten(as_sentence(_CONNECTOR.sub("", sentence).strip()), 240)


TASK = AiTask(
    name=NAME,
    description="A short summary, key points and keywords of a text (job post, notes, article).",
    prompt=prompt,
    output_schema=SummaryOut,
    input_schema=SummarizeIn,
    offline=offline,
    max_tokens=600,
    temperature=0.2,
    examples=({
        "text": (
            "Acme Health is hiring a Senior Backend Engineer to lead the rebuild of its claims "
            "platform. The current platform processes 2 million claims a month on a monolith "
            "that is hard to scale. You will design the new claims services in Python and "
            "PostgreSQL, and move the busiest claims flows to an event-driven architecture on "
            "Kafka. You will mentor two engineers and work closely with the product manager "
            "who owns claims. The team ships weekly and owns its services in production, "
            "including on-call one week in six. Success in the first year means the claims "
            "platform handles peak load without manual intervention. The role is remote in "
            "the US, with a salary range of $165,000 to $190,000."),
        "maxPoints": 3,
    },),
)
