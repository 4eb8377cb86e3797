"""``interview.score_star`` scores a behavioural answer on the STAR rubric offline, with
specific feedback; deterministic; docs/interview.md shows its real answers."""

from __future__ import annotations

from lightninghire_plugins.interview import star as star_task
from tests.plugins.offline_tasks import (
    assert_deterministic_on_examples,
    assert_docs_show_offline_answers,
    run,
)


def test_the_task_is_deterministic_and_valid_on_its_examples():
    assert_deterministic_on_examples(star_task.TASK)


def test_docs_show_the_offline_answers_the_code_gives_today():
    assert_docs_show_offline_answers(star_task.TASK, "interview.md")


# -- interview.score_star-----------------------------------------------------------------------

def scores(answer):
    return {d["name"]: d["score"] for d in answer["dimensions"]}


def test_a_strong_star_answer_scores_high_with_reasons():
    answer = run(star_task.TASK, question=star_task.EXAMPLE_QUESTION,
                 answer=star_task.EXAMPLE_STRONG)
    assert scores(answer) == {"situation": 5, "task": 5, "action": 5, "result": 5, "clarity": 4}
    assert answer["overall"] == 4.8 and answer["improvements"] == []
    feedback = {d["name"]: d["feedback"] for d in answer["dimensions"]}
    assert "profiled, added, moved, wrote" in feedback["action"]
    assert "41,000 orders" in feedback["result"] and "learned" in feedback["result"]


def test_a_vague_team_answer_scores_low_and_says_what_to_add():
    answer = run(star_task.TASK, question=star_task.EXAMPLE_QUESTION,
                 answer=star_task.EXAMPLE_WEAK)
    assert scores(answer) == {"situation": 3, "task": 1, "action": 1, "result": 2, "clarity": 1}
    assert answer["overall"] == 1.6 and len(answer["improvements"]) == 5
    feedback = {d["name"]: d["feedback"] for d in answer["dimensions"]}
    assert "\u201cWe\u201d appears 2 times" in feedback["action"]
    assert "no number" in feedback["result"] and "basically, kind of" in feedback["clarity"]


def test_an_answer_that_ignores_the_question_or_runs_long_loses_clarity():
    rambling = " ".join([star_task.EXAMPLE_STRONG] * 5)
    answer = run(star_task.TASK, question="How do you mentor junior colleagues?",
                 answer=rambling)
    clarity = next(d for d in answer["dimensions"] if d["name"] == "clarity")
    assert clarity["score"] == 2
    assert "too long" in clarity["feedback"] and "question's words" in clarity["feedback"]
