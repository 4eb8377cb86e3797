"""Reading a live transcript: question detection, question/answer exchanges, speech metrics."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from lightninghire.api import words

_QUESTION_START = re.compile(
    r"^\s*(?:tell me|describe|walk me through|talk me through|give me an example|can you|"
    r"could you|would you|how|what|why|when|where|which|have you|do you|did you|are you)\b",
    re.IGNORECASE)
FILLERS = ("um", "uh", "like", "you know", "basically", "actually", "sort of", "kind of",
           "i mean")
_FILLER = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in FILLERS) + r")\b", re.IGNORECASE)
_CATEGORY_HINTS = (
    ("system_design", r"\bdesign (?:a|an|the)\b|scale|architecture"),
    ("technical", r"\b(?:complexity|algorithm|implement|code|sql|database|api|debug)\b"),
    ("case", r"\b(?:estimate|market|how many|revenue|pricing)\b"),
    ("situational", r"\bwhat would you do|how would you (?:handle|approach|deal)\b"),
    ("culture_fit", r"\b(?:why (?:do you want|are you leaving|us|this)|tell me about yourself|"
                    r"strengths?|weakness|motivat)\b"),
    ("behavioral", r"\b(?:tell me about a time|describe a (?:time|situation)|give me an "
                   r"example|have you ever)\b"),
)


def is_question(text: str) -> bool:
    return "?" in text or bool(_QUESTION_START.search(text))


def category_of(question: str) -> str:
    for category, pattern in _CATEGORY_HINTS:
        if re.search(pattern, question, re.IGNORECASE):
            return category
    return "behavioral"


def exchanges(segments: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each detected interviewer question with the candidate's answer that follows it."""
    found: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for segment in segments:
        if segment["speaker"] == "interviewer" and is_question(segment["text"]):
            current = {"question": segment["text"].strip(), "questionSeq": segment["seq"],
                       "category": category_of(segment["text"]), "answer": "",
                       "answerSeqs": [], "startMs": segment.get("startMs")}
            found.append(current)
        elif segment["speaker"] == "candidate" and current is not None:
            current["answer"] = (current["answer"] + " " + segment["text"].strip()).strip()
            current["answerSeqs"].append(segment["seq"])
    return found


def metrics(segments: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Pace, fillers, answer length and pauses of the candidate's speech."""
    mine = [s for s in segments if s["speaker"] == "candidate"]
    count = sum(len(words(s["text"])) for s in mine)
    timed = [s for s in mine if s.get("startMs") is not None and s.get("endMs") is not None
             and s["endMs"] > s["startMs"]]
    spoken_ms = sum(s["endMs"] - s["startMs"] for s in timed)
    timed_words = sum(len(words(s["text"])) for s in timed)
    pace = round(timed_words / (spoken_ms / 60000)) if spoken_ms else None
    fillers: dict[str, int] = {}
    for segment in mine:
        for match in _FILLER.finditer(segment["text"]):
            key = match.group(0).lower()
            fillers[key] = fillers.get(key, 0) + 1
    pauses = []
    ordered = sorted((s for s in segments if s.get("startMs") is not None
                      and s.get("endMs") is not None), key=lambda s: s["startMs"])
    for before, after in pairwise(ordered):
        gap = after["startMs"] - before["endMs"]
        if gap >= 3000 and after["speaker"] == "candidate":
            pauses.append(gap)
    answers = exchanges(segments)
    answered = [a for a in answers if a["answer"]]
    return {
        "candidateWords": count,
        "wordsPerMinute": pace,
        "paceLabel": (None if pace is None else "fast" if pace > 170 else "slow" if pace < 110
                      else "steady"),
        "fillerCount": sum(fillers.values()),
        "fillers": dict(sorted(fillers.items(), key=lambda item: -item[1])),
        "fillersPer100Words": round(100 * sum(fillers.values()) / count, 1) if count else 0.0,
        "questionsDetected": len(answers),
        "averageAnswerWords": round(sum(len(words(a["answer"])) for a in answered)
                                    / len(answered)) if answered else 0,
        "longPauses": len(pauses),
        "longestPauseMs": max(pauses) if pauses else 0,
    }
