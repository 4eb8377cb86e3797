"""What a chat question asks about, and which of the user's records answer it first.

The vocabulary (``intents.toml``, packaged with the plugin) maps the words people use for each
kind of question ("when is my next onsite", "what should I work on", "who do I follow up with")
to an intent and to the context kinds whose records answer it. A question's stemmed words and
phrases are scored against each intent; the best one above ``min_score`` wins. Records of that
intent's kinds are then ordered the way the question means them (the next *future* interview by
date on the app clock, the latest completed mock, the offer with the nearest deadline, ...), and
come first in what the answer (offline or a model) is given.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from lightninghire.api import stem, terms, words
from lightninghire_plugins.ai_tools.context.service import Item

VOCABULARY = "intents.toml"


@dataclass(frozen=True)
class Intent:
    name: str
    label: str
    kinds: tuple[str, ...]
    phrases: Mapping[tuple[str, ...], float]  # stemmed word sequence -> weight
    statuses: tuple[str, ...] = ()  # for intents that are a subset of a kind (offers)

    def score(self, stems: Sequence[str]) -> float:
        """The summed weight of the vocabulary phrases found in ``stems`` (each counted once)."""
        total = 0.0
        for phrase, weight in self.phrases.items():
            n = len(phrase)
            if any(tuple(stems[i:i + n]) == phrase for i in range(len(stems) - n + 1)):
                total += weight
        return total

    def owns(self, kind: str) -> bool:
        return kind in self.kinds


def stems_of(text: str) -> list[str]:
    """Every word of ``text`` stemmed, stop words kept: phrases such as "work on" need them."""
    return [stem(word) for word in words(text)]


def load(text: str | None = None) -> tuple[dict[str, Intent], float]:
    """The intents of the packaged vocabulary (or of ``text``), and the winning threshold."""
    if text is None:
        text = resources.files(__package__).joinpath(VOCABULARY).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    intents = {}
    for name, spec in data["intents"].items():
        phrases = {tuple(stems_of(phrase)): float(weight)
                   for phrase, weight in spec["words"].items()}
        intents[name] = Intent(name, spec["label"], tuple(spec["kinds"]),
                               {p: w for p, w in phrases.items() if p},
                               tuple(spec.get("statuses", ())))
    return intents, float(data.get("min_score", 2))


INTENTS, MIN_SCORE = load()


def detect(question: str) -> Intent | None:
    """The intent ``question`` is about, or ``None`` when no intent scores ``MIN_SCORE``."""
    stems = stems_of(question)
    best: Intent | None = None
    best_score = 0.0
    for intent in INTENTS.values():  # in file order: a tie goes to the first listed
        score = intent.score(stems)
        if score > best_score:
            best, best_score = intent, score
    return best if best_score >= MIN_SCORE else None


def parse_time(value: Any) -> datetime | None:
    """An ISO timestamp from the context (naive means UTC), or ``None``."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _data(item: Item) -> Mapping[str, Any]:
    return item.data if isinstance(item.data, Mapping) else {}


def topic_terms(question: str, intent: Intent) -> set[str]:
    """The question's content terms that are not the intent's own vocabulary: what it is
    about within the intent ("leadership" in "which stories show leadership?")."""
    vocabulary = {word for phrase in intent.phrases for word in phrase}
    return {t for t in terms(question) if t not in vocabulary}


def _mentions(item: Item, wanted: set[str], keys: Sequence[str]) -> bool:
    data = _data(item)
    text = " ".join(str(data.get(k) or "") if not isinstance(data.get(k), list)
                    else " ".join(map(str, data[k])) for k in keys)
    return bool(wanted & set(terms(text)))


def answering_records(intent: Intent, items: Sequence[Item], question: str,
                      now: datetime) -> list[int]:
    """Indexes of the ``items`` that answer a question of ``intent``, best first."""
    own = [i for i, item in enumerate(items) if intent.owns(item.kind)]
    wanted = topic_terms(question, intent)

    def data(i: int) -> Mapping[str, Any]:
        return _data(items[i])

    if intent.name == "interviews":
        future = [(parse_time(data(i).get("startsAt")), i) for i in own]
        return [i for when, i in sorted((w, i) for w, i in future if w is not None and w >= now)]
    if intent.name == "mock_feedback":
        mocks = [i for i in own if items[i].kind != "mockAverage"]
        done = [i for i in mocks if data(i).get("status") == "completed"]
        done.sort(key=lambda i: (parse_time(data(i).get("completedAt") or data(i).get("at"))
                                 or datetime.min.replace(tzinfo=UTC)), reverse=True)
        return done + [i for i in mocks if i not in done] + [i for i in own if i not in mocks]
    if intent.name == "offers":
        offers = [i for i in own if data(i).get("status") in intent.statuses]
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(offers, key=lambda i: (parse_time(data(i).get("offerDeadline")) or far, i))
    if intent.name == "applications":
        apps = [i for i in own if items[i].kind == "applications"]
        named = [i for i in apps if _mentions(items[i], wanted, ("company", "role"))]
        counts = [i for i in own if items[i].kind == "pipelineCounts"]
        return named + counts + [i for i in apps if i not in named]
    if intent.name == "contacts":
        people = [i for i in own if items[i].kind == "contacts"]
        named = [i for i in people if _mentions(items[i], wanted, ("name", "company"))]
        far = datetime.max.replace(tzinfo=UTC)
        due = sorted((i for i in people if parse_time(data(i).get("nextFollowUpAt"))
                      and i not in named),
                     key=lambda i: (parse_time(data(i).get("nextFollowUpAt")) or far, i))
        rest = [i for i in people if i not in named and i not in due]
        return named + due + rest + [i for i in own if i not in people]
    if intent.name == "stories":
        named = [i for i in own if _mentions(items[i], wanted, ("title", "competencies", "tags"))]
        return named + [i for i in own if i not in named]
    return own
