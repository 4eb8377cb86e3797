"""How well the offline AI scorers rank what a hiring expert graded (issue 20).

Run by hand (the targets are also asserted by ``tests/quality/test_ai_ranking.py``)::

    .venv/bin/python bench/ai_quality.py [--set dev|dev2|holdout|all] [--scorer NAME] [--json] [--show]

The labelled data lives in ``bench/quality/``: interview answers (``answers*.toml``, a question
and five graded answers per group) and resumes (``resumes*.toml``, a posting and six graded
resumes per group); each file starts with the grading rubric. Every item is scored through the
product's own path on the full app (``create_app``, offline AI provider, the embedded database):
see ``bench/quality/scorers.py``.

Per scorer and set: n, Spearman's rho per group (question or job) and its mean, rho pooled over
every item, and the clear-pair inversions (two items of one group whose grades differ by ≥ 3
that the scorer orders the other way or ties). ``--show`` lists each inversion and a per-item
table. The issue's target: mean rho ≥ 0.8 and 0 inversions for every scorer.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import ranking, scorers  # the sibling folder, imported by path

TARGET_RHO = 0.8


def run(which: str, chosen: list[str], uri: str = "") -> list[dict[str, Any]]:
    """Score every item of the chosen sets with each chosen scorer; one result per (scorer, set)."""
    sets = ranking.SETS if which == "all" else (which,)
    results = []
    with scorers.bench_app(uri) as harness:
        for name in chosen:
            for one_set in sets:
                groups = ranking.load(scorers.kind_of(name), one_set)
                if not groups:
                    continue
                start = time.perf_counter()
                scored = scorers.RUNNERS[name](harness, groups)
                took = time.perf_counter() - start
                report = ranking.evaluate(name, one_set, groups,
                                          {k: v.score for k, v in scored.items()})
                items = [{"id": item.id, "group": group.id, "grade": item.grade,
                          "score": scored[item.id].score, "detail": scored[item.id].detail,
                          "why": item.why} for group in groups for item in group.items]
                results.append({**asdict(report), "seconds": round(took, 2), "items": items})
    return results


def _line(result: dict[str, Any]) -> str:
    met = result["mean_rho"] >= TARGET_RHO and not result["inversions"]
    return (f"{result['scorer']:<12} {result['set']:<8} n={result['n']:<3} "
            f"mean rho {result['mean_rho']:+.2f}  pooled rho {result['pooled_rho']:+.2f}  "
            f"inversions {len(result['inversions']):<3} {'target met' if met else 'below target'}"
            f"  ({result['seconds']:.1f} s)")


def show(result: dict[str, Any]) -> None:
    print(f"\n== {result['scorer']} / {result['set']}")
    print("   rho per group: " + ", ".join(f"{g} {r:+.2f}" for g, r in result["group_rho"].items()))
    for inv in result["inversions"]:
        print(f"   INVERSION {inv['better']} (grade {inv['better_grade']:g}, score "
              f"{inv['better_score']:g}) <= {inv['worse']} (grade {inv['worse_grade']:g}, "
              f"score {inv['worse_score']:g})")
    print(f"   {'item':<32} {'grade':>5} {'score':>6}  detail")
    group = None
    for item in result["items"]:
        if item["group"] != group:
            group = item["group"]
            print(f"   [{group}]")
        print(f"   {item['id']:<32} {item['grade']:>5g} {item['score']:>6g}  {item['detail'][:90]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="all", choices=(*ranking.SETS, "all"),
                        help="dev, dev2 (answers only), holdout (kept apart from tuning) or all (each "
                        "printed apart)")
    parser.add_argument("--scorer", action="append", choices=scorers.SCORERS,
                        help="one scorer (repeatable); all by default")
    parser.add_argument("--uri", default="", help="a MongoDB to use instead of nx-27017")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="inversions and per-item scores")
    args = parser.parse_args(argv)
    results = run(args.set, args.scorer or list(scorers.SCORERS), args.uri)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    print(f"target: mean rho >= {TARGET_RHO} and 0 clear-pair inversions (grade gap >= "
          f"{ranking.CLEAR_GAP})")
    for result in results:
        print(_line(result))
    if args.show:
        for result in results:
            show(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
