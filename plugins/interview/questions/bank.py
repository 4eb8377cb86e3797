"""The starter question bank in memory: parsed once from ``bank.toml``, searched in Python.

Three hundred-odd questions are small enough that filtering and ranking in process beats a
database round trip, and text search needs no ``$text`` index (whose scoring nx-27017 cannot
sort by). Ids are stable: derived from the question's category and text.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from lightninghire.api import Bm25Index, terms
from lightninghire_plugins.interview.common import CATEGORIES, FOCUS_AREAS

_DATA = tomllib.loads(files(__package__).joinpath("bank.toml").read_text(encoding="utf-8"))
BLOCKS: dict[str, str] = _DATA["questions"]  # category -> its questions, one per line
FOCUS_CODES: dict[str, str] = _DATA["focus_codes"]
GROUPS: tuple[dict[str, Any], ...] = tuple(_DATA["group"])

# "What interviewers look for" and how to structure an answer, per category (PRODUCT §2.4).
GUIDANCE = {
    "behavioral": ("A real example with your own actions and a measurable result.",
                   "STAR: one or two sentences of situation and task, most of the time on what "
                   "you did, then the result with a number and what you learned."),
    "situational": ("Judgement: how you would gather facts, weigh options and involve people.",
                    "Clarify the goal, list two or three options, choose one and say why, "
                    "then say how you would know it worked. Mention a time you did it."),
    "culture_fit": ("Motivation, self-awareness and how you work with others.",
                    "Answer in under a minute: a clear point, one piece of evidence from your "
                    "experience, and a link to this team or company."),
    "technical": ("Correctness, reasoning about complexity and trade-offs, clear explanation.",
                  "State your approach first, walk through it with an example, cover edge cases "
                  "and complexity, then name the trade-offs or alternatives."),
    "system_design": ("Scoping, sensible components, scaling and failure handling, trade-offs.",
                      "Requirements and scale -> API and data model -> high-level components "
                      "-> deep dive on the hardest part -> bottlenecks, failures, trade-offs."),
    "case": ("Structured thinking, sound assumptions and a clear recommendation.",
             "Clarify the goal, lay out a structure, estimate with round numbers, state your "
             "assumptions and end with a recommendation."),
}
FOCUS_HINTS = {
    "leadership_management": "They listen for how you set direction and brought people along.",
    "conflict_resolution": "They listen for respect, listening first, and a resolution that "
                           "held.",
    "failure_learning": "They listen for ownership of the mistake and a concrete change since.",
    "initiative_ownership": "They listen for what you started without being asked.",
    "collaboration_teamwork": "They listen for your part in the team's success.",
    "communication": "They listen for clarity and adapting to your audience.",
    "problem_solving": "They listen for how you broke the problem down.",
    "time_management": "They listen for how you chose what mattered most.",
    "adaptability": "They listen for how quickly you adjusted and what you kept steady.",
    "customer_focus": "They listen for the customer's outcome, not only yours.",
    "technical_depth": "They listen for precise reasoning and trade-offs.",
    "data_structures_algorithms": "They listen for a correct approach and its complexity.",
    "system_design": "They listen for scoping, scaling and failure modes.",
    "product_sense": "They listen for user needs, metrics and prioritisation.",
}


@dataclass(frozen=True)
class BankQuestion:
    id: str
    text: str
    category: str
    focus: tuple[str, ...]
    roles: tuple[str, ...]

    def public(self) -> dict[str, Any]:
        look_for, structure = GUIDANCE[self.category]
        hints = [FOCUS_HINTS[f] for f in self.focus if f in FOCUS_HINTS][:1]
        return {"id": self.id, "text": self.text, "category": self.category,
                "tags": [FOCUS_AREAS[f] for f in self.focus] + [f"role:{r}" for r in self.roles],
                "focusAreas": list(self.focus), "source": "bank",
                "guidance": " ".join([look_for, *hints]), "answerTips": structure}


def question_id(category: str, text: str) -> str:
    """24 hex characters, like every other id of the API, stable across deployments."""
    return hashlib.sha256(f"bank:{category}:{text}".encode()).hexdigest()[:24]


@cache
def questions() -> tuple[BankQuestion, ...]:
    found = []
    for category, block in BLOCKS.items():
        assert category in CATEGORIES
        for line in block.strip().splitlines():
            tags, _, text = line.partition("|")
            codes = tags.split()
            found.append(BankQuestion(
                question_id(category, text.strip()), text.strip(), category,
                tuple(dict.fromkeys(FOCUS_CODES[c] for c in codes if not c.startswith("@"))),
                tuple(c[1:] for c in codes if c.startswith("@"))))
    return tuple(found)


@cache
def by_id() -> dict[str, BankQuestion]:
    return {q.id: q for q in questions()}


@cache
def _index() -> Bm25Index:
    return Bm25Index([terms(f"{q.text} {' '.join(q.focus)}") for q in questions()], k1=1.2)


def search(text: str) -> list[tuple[float, BankQuestion]]:
    """BM25 ranking of the bank for ``text`` (best first); questions sharing no term are out."""
    scores = _index().scores(terms(text))
    ranked = [(score, q) for score, q in zip(scores, questions(), strict=True) if score > 0]
    ranked.sort(key=lambda item: (-item[0], item[1].id))
    return ranked


def in_group(question: BankQuestion, group: dict[str, Any]) -> bool:
    if group["roles"] and not set(group["roles"]) & set(question.roles):
        return False
    if group["categories"] and question.category not in group["categories"]:
        return False
    wanted = {FOCUS_CODES[code] for code in group.get("focus", ())}
    return not wanted or bool(wanted & set(question.focus))


def groups() -> list[dict[str, Any]]:
    return [{"slug": g["slug"], "name": g["name"], "description": g["description"],
             "questionCount": sum(1 for q in questions() if in_group(q, g))} for g in GROUPS]


def group(slug: str) -> dict[str, Any] | None:
    return next((g for g in GROUPS if g["slug"] == slug), None)


def filtered(category: str | None = None, focus: str | None = None, role: str | None = None,
             ids: Iterable[str] | None = None) -> list[BankQuestion]:
    wanted = set(ids) if ids is not None else None
    return [q for q in questions()
            if (category is None or q.category == category)
            and (focus is None or focus in q.focus)
            and (role is None or role in q.roles)
            and (wanted is None or q.id in wanted)]
