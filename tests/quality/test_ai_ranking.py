"""Issue 20's targets on the labelled dev set (``bench/quality/``): every offline scorer, driven
through the product's own path on the real app, ranks the expert-graded items with a mean
Spearman rho >= 0.8 per group (question or job) and no clear-pair inversion (two items of one
group graded >= 3 apart, ordered the other way or tied). ``bench/ai_quality.py`` prints the
same figures, with the holdout set, for a person to read.
"""

from __future__ import annotations

import pytest

from bench.quality import ranking, scorers

TARGET_RHO = 0.8


@pytest.mark.parametrize("scorer", scorers.SCORERS)
def test_scorer_ranks_like_the_expert_on_the_dev_set(make_app, scorer):
    groups = ranking.load(scorers.kind_of(scorer), "dev")
    scored = scorers.RUNNERS[scorer](make_app(), groups)
    report = ranking.evaluate(scorer, "dev", groups, {k: v.score for k, v in scored.items()})
    inverted = [f"{i.better} (grade {i.better_grade:g}, score {i.better_score:g}) <= {i.worse} "
                f"(grade {i.worse_grade:g}, score {i.worse_score:g})" for i in report.inversions]
    per_group = ", ".join(f"{g} {r:+.2f}" for g, r in report.group_rho.items())
    assert report.mean_rho >= TARGET_RHO and not inverted, (
        f"{scorer}: mean rho {report.mean_rho:+.2f} (per group: {per_group}); "
        f"{len(inverted)} clear-pair inversions:\n" + "\n".join(inverted))
