"""The benchmark's own arithmetic and data (``bench/quality/ranking.py``), on hand-computed
cases: average ranks, Spearman's rho with ties, clear-pair inversions, and the labelled sets'
shape (the sizes issue 20 asks for, grades in range, a clear pair in every group)."""

from __future__ import annotations

import math

import pytest

from bench.quality import ranking


def test_average_ranks_share_the_mean_rank_of_a_tie():
    assert ranking.average_ranks([10, 20, 20, 40]) == [1, 2.5, 2.5, 4]
    assert ranking.average_ranks([3, 1, 2]) == [3, 1, 2]
    assert ranking.average_ranks([5, 5, 5]) == [2, 2, 2]


def test_spearman_on_hand_computed_cases():
    assert ranking.spearman([1, 2, 3, 4], [1, 20, 300, 4000]) == pytest.approx(1.0)
    assert ranking.spearman([1, 2, 3, 4], [9, 7, 5, 3]) == pytest.approx(-1.0)
    # ranks y = 1, 2.5, 2.5, 4: cov 4.5, var x 5, var y 4.5 -> 4.5 / sqrt(22.5) = 3 / sqrt(10)
    assert ranking.spearman([1, 2, 3, 4], [10, 20, 20, 40]) == pytest.approx(3 / math.sqrt(10))
    # one swap among five: d^2 sum 2 -> 1 - 6*2 / (5*24) = 0.9
    assert ranking.spearman([1, 2, 3, 4, 5], [1, 2, 4, 3, 5]) == pytest.approx(0.9)


def test_a_constant_scorer_ranks_nothing():
    assert ranking.spearman([1, 2, 3], [7, 7, 7]) == 0.0


def test_spearman_refuses_mismatched_or_tiny_inputs():
    with pytest.raises(ValueError):
        ranking.spearman([1, 2], [1])
    with pytest.raises(ValueError):
        ranking.spearman([1], [1])


def test_inversions_count_reversed_and_tied_clear_pairs_only():
    grades = {"a": 9, "b": 5, "c": 2, "d": 7}
    scores = {"a": 1, "b": 5, "c": 1, "d": 0}
    found = ranking.inversions(grades, scores)
    # a>b reversed (gap 4), a=c tied (gap 7), d<c reversed (gap 5); b over c is right (gap 3);
    # a-d (gap 2) and b-d (gap 2) are not clear pairs, whatever their order.
    assert {(i.better, i.worse) for i in found} == {("a", "b"), ("a", "c"), ("d", "c")}
    tie = next(i for i in found if i.worse == "c" and i.better == "a")
    assert (tie.better_grade, tie.worse_grade, tie.better_score, tie.worse_score) == (9, 2, 1, 1)


def test_evaluate_reports_mean_and_pooled_rho():
    groups = []
    for gid, members in {"q1": [("x1", 9), ("x2", 5), ("x3", 2)],
                         "q2": [("y1", 8), ("y2", 3)]}.items():
        group = ranking.Group(gid, "dev", {})
        group.items = [ranking.Item(i, gid, g, "", "") for i, g in members]
        groups.append(group)
    scores = {"x1": 3.0, "x2": 2.0, "x3": 1.0, "y1": 1.5, "y2": 2.5}
    report = ranking.evaluate("s", "dev", groups, scores)
    assert report.n == 5
    assert report.group_rho == {"q1": pytest.approx(1.0), "q2": pytest.approx(-1.0)}
    assert report.mean_rho == pytest.approx(0.0)
    # pooled: grades 9 5 2 8 3 -> ranks 5 3 1 4 2; scores 3 2 1 1.5 2.5 -> ranks 5 3 1 2 4;
    # d^2 = 0 0 0 4 4 = 8 -> 1 - 6*8 / (5*24) = 0.6
    assert report.pooled_rho == pytest.approx(0.6)
    assert [(i.better, i.worse) for i in report.inversions] == [("y1", "y2")]


@pytest.mark.parametrize(("kind", "which", "groups", "per_group"), [
    ("answers", "dev", 8, 5), ("resumes", "dev", 4, 6), ("answers", "dev2", 6, 5),
    ("answers", "holdout", 3, 5), ("resumes", "holdout", 2, 6)])
def test_the_labelled_sets_have_the_sizes_the_issue_asks_for(kind, which, groups, per_group):
    loaded = ranking.load(kind, which)
    assert len(loaded) == groups
    ids = [item.id for group in loaded for item in group.items]
    assert len(ids) == len(set(ids))
    for group in loaded:
        assert group.set == which
        assert len(group.items) == per_group
        grades = [item.grade for item in group.items]
        assert all(1 <= g <= 10 for g in grades) and all(item.why and item.text
                                                        for item in group.items)
        assert max(grades) - min(grades) >= ranking.CLEAR_GAP  # every group has a clear pair
    assert len(ranking.load(kind, "all")) == sum(len(ranking.load(kind, one))
                                                 for one in ranking.SETS)
