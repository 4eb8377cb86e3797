"""Offline answer scoring on the four documented dimensions (PRODUCT §2.1, §10.5): completeness,
relevance, structure and specificity, each 1-10, with a visible rubric, flags and an improved
answer that keeps the candidate's own sentences.

Behavioural answers are read through the plugin's STAR rubric (``interview.score_star``'s
offline reading) and mapped to the four dimensions; technical, system-design, case, situational and
culture-fit answers are read for coverage of what the category expects (or the key points
given), reasoning and concrete detail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lightninghire.api import content_words, sentences, shorten, stem, surface_forms, words
from lightninghire_plugins.interview import star

DIMENSIONS = ("completeness", "relevance", "structure", "specificity")
STAR_CATEGORIES = frozenset({"behavioral"})

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

# What a good answer covers per category when no key points are given.
CATEGORY_POINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "technical": (("an approach", "approach solution use would first idea"),
                  ("complexity or performance", "complexity performance time space fast slow "
                                                "latency memory big-o"),
                  ("edge cases", "edge case empty null error fail invalid boundary"),
                  ("a concrete example", "example instance e.g such case"),
                  ("trade-offs", "trade-off tradeoff however alternatively downside cost "
                                 "depend instead")),
    "system_design": (("requirements and scale", "requirement users scale traffic request "
                                                 "estimate read write"),
                      ("an API or data model", "api endpoint schema table model store "
                                               "database"),
                      ("components", "service cache queue load balancer server worker "
                                     "component"),
                      ("bottlenecks and failure", "bottleneck failure fail replica shard "
                                                  "partition retry outage"),
                      ("trade-offs", "trade-off tradeoff consistency availability however "
                                     "alternatively cost")),
    "case": (("clarifying the goal", "goal objective clarify assume assumption define"),
             ("a structure", "first second third break down framework segment factor"),
             ("numbers", "estimate number percent revenue cost market size"),
             ("a recommendation", "recommend would decide conclusion suggest therefore")),
    "situational": (("understanding the situation", "understand ask clarify listen first "
                                                    "find out"),
                    ("concrete steps", "would then next step plan talk meet"),
                    ("the people involved", "manager team stakeholder customer colleague "
                                            "client"),
                    ("the outcome you aim for", "goal outcome result so that ensure "
                                                "success")),
    "culture_fit": (("something about you", "i my me"),
                    ("evidence from experience", "when time example last year project "
                                                 "team role"),
                    ("a link to this role or company", "role company team here your "
                                                       "mission product")),
}

_METRIC = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|percent|x\b|k\b|ms\b|s\b)|[$\u20ac\u00a3]\s?\d|"
                     r"\b\d[\d,.]*\s+(?:users|customers|hours|days|weeks|months|people|"
                     r"engineers|orders|requests|tickets|deals|minutes|seconds)\b|"
                     r"\bfrom\s+\S*\d\S*\s+to\s+\S*\d", re.IGNORECASE)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_FILLER = re.compile(r"\b(?:um+|uh+|basically|you know|kind of|sort of|literally|like,)\s*",
                     re.IGNORECASE)
_SEQUENCE = re.compile(r"\b(?:first|firstly|then|next|after that|finally|second|third|"
                       r"to start|once)\b", re.IGNORECASE)
_REASON = re.compile(r"\b(?:because|so that|therefore|which means|since|the reason)\b",
                     re.IGNORECASE)
_EXAMPLE = re.compile(r"\b(?:for example|for instance|e\.g\.|such as|like when)\b",
                      re.IGNORECASE)
_TRADEOFF = re.compile(r"\b(?:trade-?off|however|on the other hand|alternatively|"
                       r"the downside|it depends|instead)\b", re.IGNORECASE)
_RESULT = re.compile(r"\b(?:as a result|result|in the end|ultimately|outcome|we (?:shipped|"
                     r"delivered|launched|hit|met)|reduced|increased|improved|saved|cut|"
                     r"went well|was happy|successful)\b",
                     re.IGNORECASE)
_TASK = re.compile(r"\b(?:my (?:job|role|goal|task|responsibility) (?:was|is)|i was "
                   r"(?:asked|responsible|tasked)|i needed to|i had to)\b", re.IGNORECASE)
_CONTEXT = re.compile(r"\b(?:at my|when i was|last (?:year|month|quarter)|in (?:19|20)\d\d|"
                      r"we were|we had|our (?:team|company|client|product))\b", re.IGNORECASE)
_LEARNED = re.compile(r"\b(?:i learned|i learnt|lesson|next time|since then)\b", re.IGNORECASE)
_QUESTION_NOISE = {"tell", "time", "describe", "example", "explain", "walk", "would",
                   "give", "how", "what", "why", "difference"}


def score(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Score one answer; ``inputs``: question, answer, category, keyPoints (optional)."""
    question, answer = inputs["question"], inputs["answer"].strip()
    category = inputs.get("category") or "behavioral"
    count = len(words(answer))
    relevance, relevance_note, off_topic = _relevance(question, answer, count)
    if category in STAR_CATEGORIES:
        marks, flags, improved = _star(question, answer, count)
    else:
        marks, flags, improved = _explained(category, answer, count,
                                            inputs.get("keyPoints") or ())
    marks["relevance"] = (relevance, relevance_note)
    if off_topic:
        flags.append("off topic")
    if count < 50:
        flags.append("too short")
    fillers = _FILLER.findall(answer)
    if fillers and len(fillers) * 100 > 2 * max(count, 1):
        flags.append("filler words")
    scores = {name: marks[name][0] for name in DIMENSIONS}
    overall = round(sum(scores.values()) / len(scores), 1)
    return {
        "scores": scores,
        "overall": overall,
        "rubric": [{"dimension": name, "score": scores[name], "scale": RUBRIC[name],
                    "feedback": marks[name][1]} for name in DIMENSIONS],
        "flags": list(dict.fromkeys(flags)),
        "strengths": [f"{name.capitalize()}: {marks[name][1]}" for name in DIMENSIONS
                      if scores[name] >= 8][:4],
        "improvements": [f"{name.capitalize()}: {marks[name][1]}" for name in DIMENSIONS
                         if scores[name] <= 5][:4],
        "improvedAnswer": improved,
    }


def _clamp(value: float) -> int:
    return max(1, min(10, round(value)))


# Question themes and the words an on-topic answer uses even when it never repeats the
# question ("a tight deadline" answered with "two weeks before the code freeze").
THEMES: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(stem(w) for w in triggers.split()), frozenset(stem(w) for w in evidence.split()))
    for triggers, evidence in (
        ("deadline deadlines pressure urgent tight late", "deadline freeze weeks days before "
         "launch schedule late on-time hours overtime release date"),
        ("conflict disagreed disagree disagreement difficult pushback", "disagree disagreed "
         "conflict tension argued pushback concerns compromise aligned"),
        ("led lead leadership team motivate manage", "led team mentored coached managed "
         "delegated aligned motivated hired"),
        ("failed failure mistake wrong regret missed", "failed mistake wrong missed learned "
         "lesson regret fixed"),
        ("customer client stakeholder", "customer client user stakeholder account complaint "
         "feedback"),
        ("priorities prioritize competing overloaded juggle", "priority prioritized urgent "
         "important deferred scope cut"),
        ("change ambiguity ambiguous new adapt", "changed new pivot learned adapted unclear "
         "ambiguous"),
        ("feedback criticism", "feedback criticism advice changed improved"),
        ("persuade convince influence buy-in", "convinced persuaded proposal data demo "
         "agreed buy-in"),
        ("bug debug problem investigate", "bug logs traced root cause reproduced fixed "
         "profiled"),
    ))


def _relevance(question: str, answer: str, count: int) -> tuple[int, str, bool]:
    forms = surface_forms(question)
    asked = {stem(w) for w in content_words(question) if w not in _QUESTION_NOISE}
    said = {stem(w) for w in words(answer)}
    shared = asked & said
    share = len(shared) / len(asked) if asked else 1.0
    themes = [evidence for triggers, evidence in THEMES if triggers & asked]
    theme_hits = sum(1 for evidence in themes if len(evidence & said) >= 2)
    theme_share = theme_hits / len(themes) if themes else 0.0
    value = 3 + 7 * min(1.0, max(share * 1.6, theme_share))
    if count < 20:
        value = min(value, 3)
    off_topic = len(asked) >= 2 and not shared and not theme_hits
    if off_topic:
        value = 2
        note = "It never touches what the question asks about: name it in your first sentence."
    elif value >= 8:
        note = "You answer what was asked."
    else:
        note = ("Partly on topic: tie the answer to the question's words "
                f"({', '.join(sorted(forms.get(w, w) for w in asked - said)[:3])}).")
    return _clamp(value), note, off_topic


def _specifics(answer: str) -> tuple[list[str], int, int]:
    metrics = [m.group(0).strip() for m in _METRIC.finditer(answer)]
    numbers = len(_NUMBER.findall(answer))
    named = 0
    for sentence in sentences(answer):
        # Capitalized words after the first are names of places, products, tools, teams.
        named += sum(1 for token in sentence.split()[1:]
                     if re.match(r"[A-Z][A-Za-z0-9]+", token) and token.strip(".,;:") != "I")
    return metrics, numbers, named


def _star(question: str, answer: str, count: int) -> tuple[dict[str, tuple[int, str]],
                                                           list[str], str]:
    reading = star.offline({"question": question, "answer": answer})
    dims = {item["name"]: item for item in reading["dimensions"]}
    s, t, a, r = (dims[name]["score"] for name in ("situation", "task", "action", "result"))
    flags: list[str] = []
    metrics, numbers, named = _specifics(answer)
    present = sum(score >= 3 for score in (s, t, a, r))
    missing = [name for name in ("situation", "task", "action", "result")
               if dims[name]["score"] < 3]
    completeness = 2 + 2 * present - (2 if count < 60 else 0)
    completeness_note = ("All four STAR parts are there." if not missing else
                         f"Missing or thin: {', '.join(missing)}. "
                         + dims[missing[0]]["feedback"])
    structure = 2 * (s + t + a + r) / 4 + (1 if _SEQUENCE.search(answer) else 0)
    structure_note = ("Situation, task, action and result come in a clear order."
                      if structure >= 8 else dims["action"]["feedback"] if a < 3 else
                      "Follow Situation -> Task -> Action -> Result, one or two sentences "
                      "each for S and T.")
    specificity = 1 + min(4, 2 * len(metrics)) + min(2, named) + (2 if a >= 4 else a >= 3) \
        + min(1, numbers)
    if not metrics:
        flags.append("lacked specific metric")
        specificity = min(specificity, 6)
        specificity_note = ("No measured result: add a number (time saved, a percentage, "
                            "users, revenue), even an estimate.")
    else:
        specificity_note = f"Concrete and measured ({', '.join(dict.fromkeys(metrics[:3]))})."
    if a <= 2:
        flags.append("no clear personal actions")
    if r <= 2:
        flags.append("no clear result")
    marks = {"completeness": (_clamp(completeness), completeness_note),
             "structure": (_clamp(structure), structure_note),
             "specificity": (_clamp(specificity), specificity_note)}
    return marks, flags, _improved_star(answer, bool(metrics))


def _explained(category: str, answer: str, count: int, key_points: Sequence[str],
               ) -> tuple[dict[str, tuple[int, str]], list[str], str]:
    points = ([(point, point) for point in key_points] if key_points
              else list(CATEGORY_POINTS.get(category, CATEGORY_POINTS["situational"])))
    said = {stem(w) for w in words(answer)}
    covered, missing = [], []
    for label, terms in points:
        wanted = {stem(w) for w in words(terms)}
        (covered if wanted & said else missing).append(label)
    coverage = len(covered) / len(points)
    length = min(1.0, count / 120)
    completeness = 1 + 9 * coverage * (0.4 + 0.6 * length)
    completeness_note = (f"Covers {', '.join(covered)}." if not missing else
                         f"Covers {len(covered)} of {len(points)} expected parts; add "
                         f"{', '.join(missing[:3])}.")
    steps = len(_SEQUENCE.findall(answer))
    reasons = len(_REASON.findall(answer))
    paragraphs = answer.count("\n\n") + sum(1 for line in answer.splitlines()
                                            if re.match(r"\s*(?:[-*]|\d[.)])\s", line))
    structure = 2 + min(3, steps) + min(2, reasons) + min(2, paragraphs) \
        + (1 if _TRADEOFF.search(answer) else 0) + (1 if count >= 80 else 0)
    structure_note = ("A clear order with reasons given." if structure >= 8 else
                      "Lead with your approach, then walk through the steps in order "
                      "(\u201cfirst \u2026, then \u2026\u201d) and say why (\u201cbecause "
                      "\u2026\u201d).")
    _, numbers, named = _specifics(answer)
    examples = len(_EXAMPLE.findall(answer))
    specificity = 1 + min(3, numbers) + min(3, named) + min(2, examples) \
        + (1 if _TRADEOFF.search(answer) else 0)
    flags = [] if numbers or category == "culture_fit" else ["lacked specific metric"]
    specificity_note = ("Concrete: names, numbers and examples." if specificity >= 7 else
                        "Add a concrete example, a number or the name of the tool, system "
                        "or result you mean.")
    if missing:
        flags.append("missed: " + ", ".join(missing[:3]))
    marks = {"completeness": (_clamp(completeness), completeness_note),
             "structure": (_clamp(structure), structure_note),
             "specificity": (_clamp(specificity), specificity_note)}
    improved = _strip_fillers(answer)
    if missing:
        improved += "\n\n[To round it out, also cover " + ", ".join(missing) + ".]"
    return marks, flags, improved


def _strip_fillers(text: str) -> str:
    cleaned = _FILLER.sub("", text)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


STAR_PROMPTS = {
    "situation": "[Situation: where you were, when, and what was at stake.]",
    "task": "[Task: \u201cMy job was to \u2026 by \u2026\u201d.]",
    "action": "[Action: the two or three steps you personally took, in order.]",
    "result": "[Result: what changed, with a number.]",
}


def star_buckets(text: str) -> dict[str, list[str]]:
    """The sentences of ``text`` sorted into situation, task, action and result."""
    buckets: dict[str, list[str]] = {"situation": [], "task": [], "action": [], "result": []}
    for sentence in sentences(_strip_fillers(text)):
        if _RESULT.search(sentence) or _LEARNED.search(sentence):
            buckets["result"].append(sentence)
        elif _TASK.search(sentence):
            buckets["task"].append(sentence)
        elif re.search(r"\bI\s+[a-z]+ed\b", sentence) or (buckets["task"] and
                                                           re.search(r"\bI\b", sentence)):
            buckets["action"].append(sentence)
        elif _CONTEXT.search(sentence) or not (buckets["action"] or buckets["result"]):
            buckets["situation"].append(sentence)
        else:
            buckets["action"].append(sentence)
    return buckets


def _improved_star(answer: str, has_metric: bool) -> str:
    """The candidate's own sentences, regrouped in STAR order, with prompts where a part is
    missing: it keeps their voice instead of writing a stranger's answer."""
    buckets = star_buckets(answer)
    parts = []
    for name in ("situation", "task", "action", "result"):
        text = " ".join(buckets[name]) if buckets[name] else STAR_PROMPTS[name]
        if name == "action" and buckets[name] and re.search(r"\bwe\b", text, re.IGNORECASE) \
                and not re.search(r"\bI\b", text):
            text += " [Say which of these steps you did yourself: \u201cI \u2026\u201d.]"
        if name == "result" and buckets[name] and not has_metric:
            text += " [Add the measured outcome: a percentage, time saved, users, revenue.]"
        if name == "result" and not _LEARNED.search(answer):
            text += " [Close with one sentence on what you learned.]"
        parts.append(text)
    return "\n\n".join(parts)


def summarize(answers: Sequence[Mapping[str, Any]], total: int) -> dict[str, Any]:
    """Per-dimension averages, the session score and the commonest flags of scored answers."""
    scored = [a for a in answers if a.get("scores")]
    averages = {name: round(sum(a["scores"][name] for a in scored) / len(scored), 1)
                if scored else None for name in DIMENSIONS}
    overall = round(sum(a["overall"] for a in scored) / len(scored), 1) if scored else None
    flags: dict[str, int] = {}
    for answer in scored:
        for flag in answer.get("flags", []):
            flags[flag] = flags.get(flag, 0) + 1
    common = sorted(flags.items(), key=lambda item: (-item[1], item[0]))
    return {"overallScore": overall, "dimensionAverages": averages, "answered": len(scored),
            "total": total, "commonFlags": [{"flag": f, "count": c} for f, c in common[:5]]}


def quote(text: str, limit: int = 80) -> str:
    return f"\u201c{shorten(text, limit)}\u201d"
