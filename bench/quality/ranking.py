"""The labelled sets of ``bench/quality/`` and the ranking metrics the AI-quality benchmark
reports: Spearman's rho (average ranks for ties) per group and pooled, and clear-pair inversions.

Plain Python (no numpy/scipy), imported both by ``bench/ai_quality.py`` and by
``tests/quality/test_ai_ranking.py``; it is not part of the wheel.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Two items whose expert grades differ by at least this much must be ordered the same way by
# a scorer; a tie by the scorer on such a pair counts as an inversion too.
CLEAR_GAP = 3
SETS = ("dev", "dev2", "holdout")
# dev2 is a second tuning set (answers only): new question kinds, to check dev is not overfitted.
FILES = {"answers": {"dev": "answers.toml", "dev2": "answers_dev2.toml",
                     "holdout": "answers_holdout.toml"},
         "resumes": {"dev": "resumes.toml", "holdout": "resumes_holdout.toml"}}


@dataclass(frozen=True)
class Item:
    """One graded thing to score: an answer to a question, or a resume against a job."""

    id: str
    group: str
    grade: float
    why: str
    text: str


@dataclass
class Group:
    """A question with its answers, or a job with its resumes: ranks are compared inside it."""

    id: str
    set: str
    prompt: Mapping[str, Any]  # the question (category, type) or the job (title, description…)
    items: list[Item] = field(default_factory=list)


def load(kind: str, which: str = "dev", folder: Path = HERE) -> list[Group]:
    """The groups of ``kind`` ("answers" or "resumes") in set ``which`` (dev, dev2, holdout or
    all); a set that ``kind`` does not have is empty."""
    chosen = SETS if which == "all" else (which,)
    groups: list[Group] = []
    for name in chosen:
        if name not in FILES[kind]:
            continue
        path = folder / FILES[kind][name]
        if not path.exists():
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        key, members = ("questions", "answers") if kind == "answers" else ("jobs", "resumes")
        for raw in data[key]:
            prompt = {k: v for k, v in raw.items() if k != members}
            group = Group(raw["id"], data.get("set", name), prompt)
            group.items = [Item(m["id"], raw["id"], float(m["grade"]), m["why"],
                                m["text"].strip()) for m in raw[members]]
            groups.append(group)
    return groups


# --- metrics -------------------------------------------------------------------------------------


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span (10, 20, 20 -> 1, 2.5, 2.5)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rho: Pearson's correlation of the average ranks. A constant side carries no
    ordering at all and scores 0 (rather than undefined): a scorer that gives every item the
    same number has ranked nothing."""
    if len(xs) != len(ys):
        raise ValueError("xs and ys differ in length")
    if len(xs) < 2:
        raise ValueError("at least two items are needed")
    rx, ry = average_ranks(xs), average_ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        return 0.0
    return cov / math.sqrt(vx * vy)


@dataclass(frozen=True)
class Inversion:
    better: str  # the id with the higher expert grade
    worse: str
    better_grade: float
    worse_grade: float
    better_score: float
    worse_score: float


def inversions(grades: Mapping[str, float], scores: Mapping[str, float],
               gap: float = CLEAR_GAP) -> list[Inversion]:
    """Clear pairs (grades at least ``gap`` apart) that the scores order the other way or tie."""
    found = []
    for a, b in combinations(sorted(grades), 2):
        if abs(grades[a] - grades[b]) < gap:
            continue
        better, worse = (a, b) if grades[a] > grades[b] else (b, a)
        if scores[better] <= scores[worse]:
            found.append(Inversion(better, worse, grades[better], grades[worse], scores[better],
                                   scores[worse]))
    return found


@dataclass
class Report:
    """How one scorer ranks one set."""

    scorer: str
    set: str
    n: int
    group_rho: dict[str, float]
    mean_rho: float
    pooled_rho: float
    inversions: list[Inversion]


def evaluate(scorer: str, which: str, groups: Iterable[Group],
             scores: Mapping[str, float]) -> Report:
    """rho per group and its mean, rho over every item pooled, and the clear-pair inversions."""
    groups = list(groups)
    group_rho: dict[str, float] = {}
    found: list[Inversion] = []
    all_grades: list[float] = []
    all_scores: list[float] = []
    for group in groups:
        grades = {item.id: item.grade for item in group.items}
        mine = {item.id: scores[item.id] for item in group.items}
        group_rho[group.id] = spearman(list(grades.values()), [mine[i] for i in grades])
        found += inversions(grades, mine)
        all_grades += grades.values()
        all_scores += [mine[i] for i in grades]
    mean = sum(group_rho.values()) / len(group_rho) if group_rho else float("nan")
    pooled = spearman(all_grades, all_scores) if len(all_grades) >= 2 else float("nan")
    return Report(scorer, which, len(all_grades), group_rho, mean, pooled, found)
