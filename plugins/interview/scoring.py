"""Offline answer scoring on the four documented dimensions (PRODUCT §2.1, §10.5): completeness,
relevance, structure and specificity, each 1-10, with a visible rubric, flags and an improved
answer that keeps the candidate's own sentences.

Every dimension is scored from evidence found in the answer (``reading.read``), never from
vocabulary alone:

- completeness: the parts a strong answer to this kind of question has (STAR for behavioural
  questions; approach, reasoning, a concrete example, edge cases and trade-offs for technical
  ones…), each counted only when the sentence that names it also shows it — "I would consider
  edge cases" covers nothing — plus depth (sentences carrying evidence). Length beyond the useful
  range adds nothing; repetition, hedging and filler take away.
- relevance: the question's words and concepts found in the answer, by meaning (``concepts.toml``:
  "clashed" and "pushed back" answer "disagree"). An answer that misses every topic of the
  question is off topic however fluent, and its overall score is held down with it.
- structure: any clear organisation — STAR order, labelled sections ("Situation:", "Scale:",
  "API:"), numbered steps or bullets, first/then/finally, reasons given — over content worth
  ordering; run-on sentences, repetition and long hedged lists lose.
- specificity: measurements, named systems, tools and people, concrete first-person actions
  in the past tense, outcomes; hedging ("it could be…", "maybe") and rubric recitation lose.

``overall`` weighs the substance dimensions most (completeness 0.3, relevance 0.2, structure
0.15, specificity 0.35) and is held to at most relevance + 1 when the answer is off topic, to
6 for a story told as "we" throughout (the candidate's own part never shown) and to 2.5 for a
red flag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lightninghire.api import shorten, words
from lightninghire_plugins.interview import reading as rd
from lightninghire_plugins.interview.wording import join_sentences, listing, one_decimal, tidy

DIMENSIONS = ("completeness", "relevance", "structure", "specificity")
WEIGHTS = {"completeness": 0.3, "relevance": 0.2, "structure": 0.15, "specificity": 0.35}
STAR_CATEGORIES = frozenset({"behavioral"})
# Categories where a plan ("I would check the logs") is a fair answer, not a dodge.
HYPOTHETICAL_CATEGORIES = frozenset({"technical", "system_design", "case", "situational"})

RUBRIC = {
    "completeness": "1-3 key parts missing; 4-6 most parts present but thin; 7-8 every part "
                    "present; 9-10 every part with depth and a close.",
    "relevance": "1-3 does not answer what was asked; 4-6 partly on topic; 7-8 answers the "
                 "question; 9-10 answers it directly and ties back to it.",
    "structure": "1-3 hard to follow; 4-6 some order; 7-8 a clear order (STAR for stories, "
                 "approach then trade-offs for technical answers); 9-10 clear and well paced.",
    "specificity": "1-3 vague generalities; 4-6 some detail; 7-8 concrete actions, names or "
                   "numbers; 9-10 measured results and concrete examples throughout.",
}

_I = re.IGNORECASE


@dataclass(frozen=True)
class Part:
    """One thing a strong answer shows; ``cue`` finds the sentences that may show it (None:
    any sentence), ``weight`` how much it counts."""

    label: str
    cue: re.Pattern[str] | None
    weight: float = 1.0


def _cue(words_: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + words_ + r")", _I)


# What a good answer covers per category when no key points are given.
CATEGORY_PARTS: dict[str, tuple[Part, ...]] = {
    "technical": (
        Part("an approach", None, 1.5),
        Part("reasoning", _cue(r"because|so that|which means|since|the reason|that way|"
                               r"in order to|so (?!far|much|many|on\b)|why|which is why|"
                               r"this (?:means|gives|keeps|avoids)")),
        Part("a concrete example", _cue(r"for example|for instance|e\.g|such as|say |"
                                        r"imagine|when we|last|once|in practice|\d")),
        Part("edge cases or failure modes", _cue(
            r"edge|corner|empty|null|none\b|zero|negative|overflow|boundar|off-by-one|"
            r"duplicate|invalid|malformed|missing|timeout|time out|fail|error|retr|crash|"
            r"race|concurren|worst case|unicode|large input|exception")),
        Part("trade-offs", _cue(r"trade-?off|however|but |instead|alternativ|downside|cost|"
                                r"versus|vs\.?\b|at the expense|on the other hand|cheaper|"
                                r"slower|faster|simpler|more memory|less memory|depends on")),
        Part("complexity or performance", _cue(
            r"complexity|o\(|latency|memory|throughput|performance|fast|slow|ms\b|"
            r"p9\d|per second|scale|cpu|load|constant time|linear|logarithmic"), 0.5),
    ),
    "system_design": (
        Part("requirements and scale", _cue(
            r"requirement|users|scale|traffic|request|qps|rps|per (?:second|day|month)|"
            r"estimate|read|write|daily|million|billion|peak|storage|functional")),
        Part("an API or data model", _cue(
            r"api|endpoint|schema|table|model|store|database|\bdb\b|key|column|document|"
            r"post /|get /|record|field|index")),
        Part("components", _cue(
            r"service|cache|queue|load balancer|server|worker|component|cdn|kafka|redis|"
            r"postgres|gateway|stream|replica|shard|broker|cluster|bucket|s3")),
        Part("bottlenecks and failure", _cue(
            r"bottleneck|fail|replica|shard|partition|retry|outage|hot|timeout|backpressure|"
            r"rate limit|overload|single point|down|degrad|recover|idempoten|duplicate")),
        Part("trade-offs", _cue(
            r"trade-?off|consisten|availab|however|but |instead|alternativ|cost|latency|"
            r"at the expense|versus|vs\.?\b|eventual")),
    ),
    "case": (
        Part("clarifying the goal", _cue(r"goal|objective|clarif|assum|define|first i'd ask|"
                                         r"i would ask|what do we mean|success")),
        Part("a structure", _cue(r"first|second|third|break (?:it )?down|framework|segment|"
                                 r"factor|bucket|split|drivers|funnel|\d[.)]|start by|"
                                 r"then|next|finally|after that")),
        Part("numbers", _cue(r"\d|estimate|percent|revenue|cost|market size|roughly|about")),
        Part("a recommendation", _cue(r"recommend|would (?:go|launch|choose|pick|decide|"
                                      r"prioriti)|decide|conclusion|suggest|therefore|so i'd|"
                                      r"my call|i'd go")),
    ),
    "situational": (
        Part("understanding the situation", _cue(r"understand|ask|clarif|listen|first|find out|"
                                                 r"learn|look at|check|gather|why")),
        Part("concrete steps", None, 1.5),
        Part("the people involved", _cue(r"manager|team|stakeholder|customer|colleague|client|"
                                          r"lead|engineer|user|peer|boss|director|them|him|"
                                          r"her")),
        Part("the outcome you aim for", _cue(r"goal|outcome|result|so that|ensure|success|"
                                             r"aim|want|end up|by the end|measure")),
    ),
    "culture_fit": (
        Part("something about you", _cue(r"\bi\b|\bmy\b|\bme\b")),
        Part("evidence from experience", None, 1.5),
        Part("a link to this role or company", _cue(r"role|company|team|here|your|mission|"
                                                     r"product|this job|this position|you"),
             0.5),
    ),
}
STAR_PARTS = ("situation", "task", "action", "result")


def score(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Score one answer; ``inputs``: question, answer, category, keyPoints (optional)."""
    question, answer = inputs["question"], inputs["answer"].strip()
    category = inputs.get("category") or "behavioral"
    reading = rd.read(question, answer, hypothetical_ok=category in HYPOTHETICAL_CATEGORIES)
    flags: list[str] = []
    if category in STAR_CATEGORIES:
        completeness, parts_note, part_flags, coverage = _star_completeness(reading)
    else:
        completeness, parts_note, part_flags, coverage = _parts_completeness(
            reading, category, inputs.get("keyPoints") or ())
    flags += part_flags
    marks = {
        "completeness": (completeness, parts_note),
        "relevance": _relevance(reading),
        "structure": _structure(reading, category, coverage),
        "specificity": _specificity(reading, category),
    }
    flags += _quality_flags(reading, category, marks)
    scores = {name: marks[name][0] for name in DIMENSIONS}
    overall = sum(WEIGHTS[name] * scores[name] for name in DIMENSIONS)
    if scores["relevance"] <= 4:
        overall = min(overall, scores["relevance"] + 1.0)
    elif reading.topics_asked and not reading.topic_hit:
        # A strong story about something else (a debugging war story for "a time you worked
        # with design") is at best partly an answer, however well it is told.
        overall = min(overall, scores["relevance"] + 1.0)
    if category in STAR_CATEGORIES and not reading.actions() and len(reading.team_actions()) >= 2:
        overall = min(overall, 6.0)  # a story told as "we" throughout: at best plausible
    if reading.red_flags:
        overall = min(overall, 2.5)  # blaming, evasion, no interest: graded 1-2 by experts
    overall = one_decimal(max(1.0, min(10.0, overall)))
    improved = (_improved_star(reading) if category in STAR_CATEGORIES
                else _improved_explained(reading, coverage))
    return {
        "scores": scores,
        "overall": overall,
        "rubric": [{"dimension": name, "score": scores[name], "scale": RUBRIC[name],
                    "feedback": marks[name][1]} for name in DIMENSIONS],
        "flags": list(dict.fromkeys(flags)),
        "strengths": [f"{name.capitalize()}: {marks[name][1]}" for name in DIMENSIONS
                      if scores[name] >= 7][:4],
        "improvements": [f"{name.capitalize()}: {marks[name][1]}" for name in DIMENSIONS
                         if scores[name] <= 6][:4],
        "improvedAnswer": improved,
    }


def _clamp(value: float) -> int:
    return max(1, min(10, int(value + 0.5)))  # half up, like every figure shown


def quote(text: str, limit: int = 80) -> str:
    return f"\u201c{shorten(text, limit)}\u201d"


# -- completeness ------------------------------------------------------------------------------


def _shown(sentence: rd.Sentence, need: float = 2.0) -> float:
    """How fully a sentence shows what it names: 1 with evidence, little when only named."""
    if sentence.recited:
        return 0.2
    return min(1.0, sentence.substance / need)


def _depth_and_penalties(reading: rd.Reading, value: float) -> float:
    value += min(2.0, 0.4 * reading.evidence_units())
    if reading.count > 320:  # past the useful range only density counts
        value -= 1.0 if reading.density < 0.3 else 0.0
    value -= min(2.5, 6 * max(0.0, reading.repetition - 0.08))
    value -= min(2.0, 3 * reading.hedged_share()) if reading.hedged_share() > 0.2 else 0.0
    value -= min(1.5, 0.6 * len(reading.recited()))
    value -= min(2.0, 0.5 * len(reading.claims()))
    if reading.count < 40:
        value = min(value, 3.5)
    elif reading.count < 80:
        value = min(value, 7.0)
    return value


def _star_completeness(reading: rd.Reading) -> tuple[int, str, list[str], dict[str, float]]:
    cover = star_coverage(reading)
    weights = {"situation": 1.0, "task": 0.5, "action": 1.5, "result": 1.5, "reflection": 0.5}
    share = sum(weights[k] * cover[k] for k in weights) / sum(weights.values())
    value = _depth_and_penalties(reading, 1 + 6.5 * share)
    present = [k for k in STAR_PARTS if cover[k] >= 0.5]
    thin = [k for k in STAR_PARTS if 0.2 <= cover[k] < 0.5]
    missing = [k for k in STAR_PARTS if cover[k] < 0.2]
    if not missing and not thin:
        note = "Situation, task, action and result are all there"
        note += " and you close with what you learned." if cover["reflection"] >= 0.5 else \
            "; close with what you learned."
    elif value >= 6.5 and present:
        # A strong story with one part short: say what is there, then what would round it out.
        note = (f"{listing(present).capitalize()} {'is' if len(present) == 1 else 'are'} there; "
                f"to round it out: {STAR_ADVICE[(missing or thin)[0]][0].lower()}"
                f"{STAR_ADVICE[(missing or thin)[0]][1:]}")
    else:
        said = []
        if present:
            said.append(f"Present: {listing(present)}.")
        if thin:
            said.append(f"Thin: {listing(thin)}.")
        if missing:
            said.append(f"Missing: {listing(missing)}.")
        note = " ".join(said) + " " + STAR_ADVICE[(missing or thin)[0]]
    flags = []
    if cover["action"] < 0.2:
        flags.append("no clear personal actions")
    elif not reading.actions() and len(reading.team_actions()) >= 2:
        flags.append("says what we did, not what you did")
    if cover["result"] < 0.2:
        flags.append("no clear result")
    return _clamp(value), note, flags, cover


STAR_ADVICE = {
    "situation": "Open with one sentence of context: where, when and what was at stake.",
    "task": "Say what you personally were responsible for (\u201cMy job was to \u2026 by "
            "\u2026\u201d).",
    "action": "Walk through the two or three things you did, in order, with \u201cI\u201d and "
              "a strong verb.",
    "result": "Say how it ended, with a number if you can, and what you learned.",
}


def star_coverage(reading: rd.Reading) -> dict[str, float]:
    """How well each STAR part (and a closing reflection) is shown, 0..1."""
    parts = reading.sentences
    early = parts[: max(1, (len(parts) + 2) // 3)]
    labelled = {k: [s for s in parts if s.part == k] for k in (*STAR_PARTS, "reflection")}
    setting = [s for s in parts if rd.SETTING.search(s.text) or rd.STAKES.search(s.text)]
    situation = 0.0
    if labelled["situation"]:
        situation = max(0.6, max(_shown(s) for s in labelled["situation"]))
    elif setting:
        concrete = any(s.names or s.numbers or s.concrete >= 3 for s in setting)
        situation = (0.6 + 0.4 * concrete) if any(s in early for s in setting) else 0.5
    elif parts and parts[0].substance >= 1 and not parts[0].actions:
        situation = 0.4
    task = 1.0 if labelled["task"] or any(rd.OWN_TASK.search(s.text) for s in parts) else \
        0.5 if any(re.search(r"\b(?:we|the team) (?:needed|had|wanted) to\b", s.text, _I)
                   for s in parts) else 0.0
    mine = len(reading.actions())
    ours = len(reading.team_actions())
    planned = len(reading.planned())
    action_units = mine + 0.4 * ours + 0.2 * planned
    action = min(1.0, action_units / 3)
    if not mine:
        # All "we": the team acted, the candidate's own part is never shown.
        action = min(action, 0.4)
    if labelled["action"] and action < 0.5:
        action = max(action, 0.3 + 0.3 * min(1.0, sum(s.substance for s in labelled["action"])
                                             / 3))
    outcomes = reading.outcomes()
    measured = reading.measured_outcomes()
    result = 0.0
    if measured:
        result = 1.0
    elif outcomes:
        result = 0.6 + (0.2 if any(s.substance >= 2 for s in outcomes) else 0)
    reflection = 1.0 if reading.reflections() else 0.0
    return {"situation": situation, "task": task, "action": action, "result": result,
            "reflection": reflection}


def _parts_completeness(reading: rd.Reading, category: str, key_points: Sequence[str],
                        ) -> tuple[int, str, list[str], dict[str, float]]:
    cover: dict[str, float] = {}
    weights: dict[str, float] = {}
    if key_points:
        for point in key_points:
            found = rd.matches_point(point, reading)
            cover[point] = max((_shown(s, 1.5) for s in found), default=0.0)
            weights[point] = 1.0
    else:
        for part in CATEGORY_PARTS.get(category, CATEGORY_PARTS["situational"]):
            weights[part.label] = part.weight
            cover[part.label] = _part_cover(reading, part, category)
    share = sum(weights[k] * cover[k] for k in cover) / sum(weights.values())
    value = _depth_and_penalties(reading, 1 + 6.5 * share)
    shown = [k for k, v in cover.items() if v >= 0.5]
    named_only = [k for k, v in cover.items() if 0.15 <= v < 0.5]
    missing = [k for k, v in cover.items() if v < 0.15]
    said = []
    if shown:
        said.append(f"Shows {listing(shown)}.")
    if named_only:
        said.append(f"Names but does not show {listing(named_only)}: give the actual case, "
                    f"number or step.")
    if missing:
        said.append(f"Add {listing(missing[:3])}.")
    note = " ".join(said) or "Add the parts this question expects."
    flags = [f"missed: {', '.join(missing[:3])}"] if missing else []
    return _clamp(value), note, flags, cover


def _part_cover(reading: rd.Reading, part: Part, category: str) -> float:
    sentences = reading.sentences
    if part.label == "evidence from experience":
        units = len(reading.actions()) + 2 * len(reading.metrics()) + len(reading.names())
        return min(1.0, units / 4)
    if part.label == "concrete steps":
        steps = len(reading.actions()) + len(reading.planned())
        return min(1.0, steps / 3) * (0.4 if reading.hedged_share() > 0.5 else 1.0)
    if part.label == "a concrete example" and any(
            s.code or (not s.hedges and (s.metrics or s.numbers or len(s.names) >= 2))
            for s in sentences):
        return 1.0
    if part.cue is None:
        best = sorted((_shown(s, 2.5) for s in sentences), reverse=True)[:2]
        return sum(best) / 2 if best else 0.0
    matched = [s for s in sentences if part.cue.search(s.text)
               or (s.label and part.cue.search(s.label))]
    return max((_shown(s) for s in matched), default=0.0)


# -- relevance ---------------------------------------------------------------------------------


def _relevance(reading: rd.Reading) -> tuple[int, str]:
    if not reading.asked:
        value = (8.0 if reading.count >= 40 else 5.0) - 6.0 * reading.personal_share
        if reading.personal_share >= 0.5:
            return _clamp(value), ("Most of it is about your private life: keep to your work, "
                                   "what you achieved and what you want next.")
        return _clamp(value), "You answer what was asked."
    value = 2 + 8 * reading.coverage ** 0.8 + (0.5 if reading.early_hit else -0.5)
    if not reading.topics_asked and reading.evidence_units() >= 2:
        # The question names no topic the concept table knows: a substantive answer that does
        # not repeat its words is of unknown relevance, not off topic.
        value = max(value, 5.5)
    if not reading.topic_hit:
        # None of the question's topics: off topic, unless it clearly answers the rest.
        # A neighbouring concept (an underperformer story told through missed deadlines,
        # pairing and goals) is partly on topic, not off it.
        answered_rest = reading.direct_coverage >= 0.25 or reading.topic_near or (
            reading.subject and reading.subject_coverage >= 0.5)
        value = min(value, 5.0 if answered_rest else 3.0)
        if reading.topic_near and reading.evidence_units() >= 2:
            value = max(value, 5.0)  # partly on topic, with evidence: not held down as off it
    if reading.subject and reading.subject_coverage < 0.5:
        # "Design a URL shortener" answered with cloud architecture in general. An answer that
        # meets the rest of the question with evidence (an API explained by analogy to the
        # non-technical stakeholder it was asked for) is partly on topic, not off it.
        rest = reading.rest_coverage >= 0.6 and reading.evidence_units() >= 2
        value = min(value, 5.0 if rest else 2.0 + 3 * reading.subject_coverage)
    if reading.count < 20:
        value = min(value, 4.0)
    value = _clamp(value)
    if value <= 3:
        missing = _shown_words(reading.uncovered)
        return value, ("It does not answer what was asked"
                       + (f": {listing(missing)} never "
                          f"{'comes' if len(missing) == 1 else 'come'} up" if missing else "")
                       + ". Name the question's topic in your first sentence.")
    if value >= 8:
        return value, "You answer what was asked" + (
            ", from the first sentence." if reading.early_hit else ".")
    missing = _shown_words(reading.uncovered)
    return value, ("Partly on topic: tie the answer to what was asked"
                   + (f" ({listing(missing)})." if missing else "."))


def _shown_words(items: Sequence[str]) -> list[str]:
    return [f"\u201c{w}\u201d" for w in items[:3]]


# -- structure ---------------------------------------------------------------------------------


def _structure(reading: rd.Reading, category: str,
               coverage: Mapping[str, float]) -> tuple[int, str]:
    signals: list[str] = []
    organisation = 0.0
    labels = len(reading.labels)
    if labels >= 2:
        organisation += 4.0 if labels >= 3 else 3.5
        signals.append("labelled sections")
    if reading.numbered >= 2:
        organisation += 3.5
        signals.append("numbered steps")
    if any(s.code and s.text.count("\n") >= 2 for s in reading.sentences):
        organisation += 3.5  # a query or code laid out line by line is organised work
        signals.append("code laid out")
    distinct_steps = len(set(reading.sequence))
    if distinct_steps >= 2:
        organisation += 3.0 if distinct_steps >= 3 else 2.5
        signals.append("sequence words like first and then")
    if category in STAR_CATEGORIES:
        order = _star_order(reading)
        if order >= 3:
            organisation += 3.5 if order == 4 else 2.5
            signals.append("a story told in order")
        elif order == 2:
            organisation += 1.0
        if order >= 3 and reading.reflections() and reading.sentences[-1].reflection:
            organisation += 0.5
    elif sum(1 for v in coverage.values() if v >= 0.5) >= 4:
        organisation += 1.5
        signals.append("each expected part in turn")
    if reading.signposts >= 2:
        organisation += 2.0
        signals.append("signposted points")
    if any(s.reasons and s.substance >= 1.5 for s in reading.sentences):
        organisation += 1.0
        signals.append("reasons given")
    if reading.answer.count("\n\n") >= 1:
        organisation += 0.5
    prose = [s for s in reading.sentences if not s.code]
    average = sum(len(words(s.text)) for s in prose) / max(1, len(prose))
    units = reading.evidence_units()
    if organisation < 2.5 and 8 <= average <= 28 and units >= max(2, 0.6 * len(reading.sentences)) \
            and reading.repetition <= 0.1 and reading.hedges < 2:
        # Plain prose that moves from point to point in readable sentences is organised too.
        organisation += 3.0
        signals.append("readable sentences that move from point to point")
    value = 3 + min(6.0, organisation)
    # Order needs something to order: a well-signposted empty answer is not well structured.
    thin = value > 4 + 1.5 * reading.evidence_units()
    value = min(value, 4 + 1.5 * reading.evidence_units())
    problems: list[str] = []
    if average > 35:
        value -= 1.5
        problems.append(f"sentences average {average:.0f} words")
    if reading.repetition > 0.12:
        value -= min(2.5, 8 * (reading.repetition - 0.08))
        problems.append("it repeats itself")
    if reading.hedges >= 3:
        value -= 1.0
        problems.append("it lists possibilities instead of a path")
    if reading.count > 350:
        value -= 1.0
        problems.append("it runs long")
    if reading.count < 40:
        value = min(value, 4.0)
        problems.append("it is too short to need much order")
    if thin:
        problems.append("the order has little content to carry")
    score_ = _clamp(value)
    if score_ >= 7:
        return score_, (f"Clear organisation: {listing(signals)}." if signals
                        else "Easy to follow.")
    found = f"Some order ({listing(signals)})" if signals else "No clear order"
    if problems:
        found += f", but {listing(problems)}" if signals else f": {listing(problems)}"
    return score_, f"{found}. {_structure_advice(category)}"


def _structure_advice(category: str) -> str:
    if category in STAR_CATEGORIES:
        return ("Follow Situation \u2192 Task \u2192 Action \u2192 Result, one or two sentences "
                "each for the situation and task.")
    return ("Lead with your approach, then walk through the steps in order (\u201cfirst "
            "\u2026, then \u2026\u201d) and say why.")


def star_kinds(reading: rd.Reading) -> list[str]:
    """The STAR part each sentence plays: its label's, else read from what it says."""
    kinds: list[str] = []
    outcomes = reading.outcomes()
    for sentence in reading.sentences:
        kind = sentence.part
        if kind == "reflection" or (kind is None and sentence.reflection):
            kind = "result"
        elif kind is None:
            started = any(k in ("action", "result") for k in kinds)
            if sentence in outcomes:
                kind = "result"
            elif rd.OWN_TASK.search(sentence.text):
                kind = "task"
            elif not kinds or (not started and not sentence.actions and (
                    rd.SETTING.search(sentence.text) or rd.STAKES.search(sentence.text))):
                kind = "situation"
            elif sentence.actions or sentence.team_actions or sentence.planned or started:
                kind = "action"
            else:
                kind = "situation"
        kinds.append(kind)
    return kinds


def _star_order(reading: rd.Reading) -> int:
    """How many STAR parts appear, counted only while they come in order."""
    seen, last = set(), -1
    for kind in star_kinds(reading):
        position = STAR_PARTS.index(kind)
        if position >= last:
            seen.add(position)
            last = position
    return len(seen)


# -- specificity -------------------------------------------------------------------------------


def _specificity(reading: rd.Reading, category: str) -> tuple[int, str]:
    metrics, names = reading.metrics(), reading.names()
    actions, team = reading.actions(), reading.team_actions()
    planned = reading.planned()
    explaining = category in HYPOTHETICAL_CATEGORIES
    action_units = len(actions) + 0.4 * len(team) + (0.4 if explaining else 0.15) * len(planned)
    terms = len(reading.terms) if explaining else 0
    # Concrete vocabulary backs evidence up; on its own (no number, name or step) it is talk.
    hard = bool(metrics or names or actions or (explaining and planned))
    value = (1 + min(3.0, 1.2 * len(metrics)) + min(2.0, 0.6 * len(names) + 0.3 * terms)
             + min(2.0, 0.5 * action_units)
             + min(3.0 if hard else 1.5, max(0.0, 10 * (reading.density - 0.12)))
             + (0.5 if reading.measured_outcomes() else 0))
    hedged = reading.hedged_share()
    value -= min(3.0, 4 * hedged + 0.3 * max(0, reading.hedges - 2))
    value -= min(2.5, 1.0 * len(reading.recited()))
    value -= min(3.0, 0.75 * len(reading.claims()))  # unverifiable figures cost credibility
    if reading.filler_rate() > 4:
        value -= 1.0
    if not metrics and not names:
        # Several concrete things the candidate did themselves are evidence without a number.
        value = min(value, (6.0 if explaining else 5.0) + (1.0 if len(actions) >= 3 else 0.0))
    elif not metrics:
        value = min(value, 8.0 if explaining else 7.0)
    score_ = _clamp(value)
    found = []
    if metrics:
        found.append(f"numbers ({', '.join(metrics[:3])})")
    if names:
        found.append(f"names ({', '.join(names[:3])})")
    if actions:
        found.append(f"actions you took ({', '.join(actions[:4])})")
    elif planned and explaining:
        found.append(f"concrete steps ({', '.join(planned[:4])})")
    weak = []
    if hedged > 0.2:
        weak.append(f"hedged guesses ({_quoted_hedges(reading)}) instead of what you "
                    "checked or found")
    if reading.recited():
        weak.append("it says what a good answer contains instead of giving it")
    if reading.claims():
        weak.append(f"figures no one can check ({', '.join(reading.claims()[:3])}) instead of "
                    "one real result with its context")
    if score_ >= 7:
        return score_, f"Concrete: {listing(found)}."
    if category in ("technical", "system_design"):
        advice = ("Name the data structures, tools or systems you mean and walk through one "
                  "worked example with real values.")
    elif explaining:
        advice = ("Say exactly what you would do first and why, and back it with a real "
                  "example or a number.")
    elif not metrics:
        advice = ("Add a number (time saved, a percentage, users, revenue), the name of the "
                  "tool, system or person, and what you yourself did.")
    else:
        advice = "Show more of what you yourself did, step by step, with names."
    said = [f"Has {listing(found)}" if found else "Vague so far"]
    if weak:
        said.append(listing(weak))
    return score_, "; ".join(said) + ". " + advice


def _quoted_hedges(reading: rd.Reading) -> str:
    hedges = list(dict.fromkeys(reading.hedge_phrases()))[:2]
    return ", ".join(f"\u201c{h}\u201d" for h in hedges)


# -- flags -------------------------------------------------------------------------------------


def _quality_flags(reading: rd.Reading, category: str,
                   marks: Mapping[str, tuple[int, str]]) -> list[str]:
    flags = []
    if not reading.metrics() and category in ("behavioral", "system_design", "case"):
        flags.append("lacked specific metric")
    if marks["relevance"][0] <= 3:
        flags.append("off topic")
    elif reading.topics_asked and not reading.topic_hit:
        flags.append("partly off topic")  # none of the question's own topics comes up
    if reading.count < 50 and marks["completeness"][0] <= 6:
        flags.append("too short")  # a short answer that is complete is not too short
    if len(reading.recited()) >= 1 and marks["specificity"][0] <= 5:
        flags.append("generic answer")
    if reading.hedged_share() > 0.3 or reading.hedges >= 4:
        flags.append("hedging")
    if reading.count > 150 and (reading.repetition > 0.15 or (
            reading.count > 320 and reading.density < 0.3)):
        flags.append("rambling")
    if reading.filler_rate() > 3:
        flags.append("filler words")
    if len(reading.claims()) >= 2:
        flags.append("unverifiable numbers")
    if reading.red_flags:
        flags.append("red flag")
    return flags


# -- the improved answer -----------------------------------------------------------------------

STAR_PROMPTS = {
    "situation": "[Situation: where you were, when, and what was at stake.]",
    "task": "[Task: \u201cMy job was to \u2026 by \u2026\u201d.]",
    "action": "[Action: the two or three steps you personally took, in order.]",
    "result": "[Result: what changed, with a number.]",
}


def star_buckets(text: str) -> dict[str, list[str]]:
    """The sentences of ``text`` sorted into situation, task, action and result (cleaned of
    fillers, each a proper sentence)."""
    reading = rd.read("", text)
    return {name: [tidy(s.text) for s in sentences if tidy(s.text)]
            for name, sentences in _buckets(reading).items()}


def _buckets(reading: rd.Reading) -> dict[str, list[rd.Sentence]]:
    buckets: dict[str, list[rd.Sentence]] = {k: [] for k in STAR_PARTS}
    for sentence, kind in zip(reading.sentences, star_kinds(reading), strict=True):
        buckets[kind].append(sentence)
    return buckets


def _improved_star(reading: rd.Reading) -> str:
    """The candidate's own sentences, cleaned and regrouped in STAR order, with prompts where
    a part is missing: it keeps their voice instead of writing a stranger's answer."""
    buckets = _buckets(reading)
    has_metric = bool(reading.metrics())
    learned = bool(reading.reflections())
    paragraphs = []
    for name in STAR_PARTS:
        text = join_sentences([_with_label(s) for s in buckets[name]])
        if not text:
            text = STAR_PROMPTS[name]
        elif name == "action" and not any(s.actions for s in buckets[name]):
            text += " [Say which of these steps you did yourself: \u201cI \u2026\u201d.]"
        if name == "result" and buckets[name] and not has_metric:
            text += " [Add the measured outcome: a percentage, time saved, users, revenue.]"
        if name == "result" and not learned:
            text += " [Close with one sentence on what you learned.]"
        paragraphs.append(text)
    if reading.hedged_share() > 0.2:
        paragraphs.append(f"[Replace {_quoted_hedges(reading)} with what you actually did "
                          f"and saw.]")
    return "\n\n".join(paragraphs)


def _with_label(sentence: rd.Sentence) -> str:
    """A sentence with the candidate's own section label, unless the label is a STAR part
    (the regrouped answer already puts it in its place)."""
    if sentence.label and sentence.part is None and sentence.first_in_section:
        return f"{sentence.label}: {tidy(sentence.text)}"
    return sentence.text


def _improved_explained(reading: rd.Reading, coverage: Mapping[str, float]) -> str:
    # Prose is tidied and joined; a query or code block stays exactly as written, on its own.
    blocks: list[str] = []
    prose: list[str] = []
    for sentence in reading.sentences:
        if sentence.code:
            blocks += [join_sentences(prose), sentence.text] if prose else [sentence.text]
            prose = []
        else:
            prose.append(_with_label(sentence))
    if prose:
        blocks.append(join_sentences(prose))
    text = "\n\n".join(b for b in blocks if b)
    notes = []
    named_only = [k for k, v in coverage.items() if 0.15 <= v < 0.5]
    missing = [k for k, v in coverage.items() if v < 0.15]
    if missing:
        notes.append(f"[To round it out, also cover {listing(missing)}.]")
    if named_only:
        it = "them" if len(named_only) > 1 else "it"
        notes.append(f"[You name {listing(named_only)} without showing {it}: give the actual "
                     f"case, number or step.]")
    if reading.hedged_share() > 0.2:
        notes.append(f"[Replace {_quoted_hedges(reading)} with what you would check first and "
                     f"what would confirm it.]")
    return "\n\n".join(p for p in (text, *notes) if p)


# -- sessions ----------------------------------------------------------------------------------


def summarize(answers: Sequence[Mapping[str, Any]], total: int) -> dict[str, Any]:
    """Per-dimension averages, the session score and the commonest flags of scored answers.
    Every figure rounds half up to one decimal, so the debrief's words and table agree."""
    scored = [a for a in answers if a.get("scores")]
    averages = {name: one_decimal(sum(a["scores"][name] for a in scored) / len(scored))
                if scored else None for name in DIMENSIONS}
    overall = one_decimal(sum(a["overall"] for a in scored) / len(scored)) if scored else None
    flags: dict[str, int] = {}
    for answer in scored:
        for flag in answer.get("flags", []):
            flags[flag] = flags.get(flag, 0) + 1
    common = sorted(flags.items(), key=lambda item: (-item[1], item[0]))
    return {"overallScore": overall, "dimensionAverages": averages, "answered": len(scored),
            "total": total, "commonFlags": [{"flag": f, "count": c} for f, c in common[:5]]}
