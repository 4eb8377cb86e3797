"""The core's AI tasks answer usefully offline: extractive summaries, skills with seniority, STAR
scoring with specific feedback; deterministic; and docs/ai.md shows their real answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from lightninghire.ai import AiTaskRegistry, verify_offline
from lightninghire.ai.core_tasks import CORE_TASKS, examples_markdown, register
from lightninghire.ai.core_tasks import skills as skills_task
from lightninghire.ai.core_tasks import star as star_task
from lightninghire.ai.core_tasks import summarize as summarize_task
from lightninghire.ai.core_tasks.text import sentences

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ai.md"


def run(task, **inputs):
    (answer,) = verify_offline(task, inputs)
    return answer


@pytest.mark.parametrize("task", CORE_TASKS, ids=lambda t: t.name)
def test_every_core_task_is_deterministic_and_valid_on_its_examples(task):
    assert task.examples and verify_offline(task) == verify_offline(task)
    system, user = task.prompt(task.load_inputs(task.examples[0]))
    assert system and next(iter(task.examples[0].values())) in user


def test_the_core_tasks_register_under_the_core_prefix():
    tasks = AiTaskRegistry(owner="core")
    register(tasks)
    assert tasks.names() == ["core.extract_skills", "core.score_answer", "core.summarize_text"]


def test_docs_show_the_offline_answers_the_code_gives_today():
    # Regenerate with: python -m lightninghire.ai.core_tasks
    assert examples_markdown() in DOCS.read_text(encoding="utf-8")


# -- core.summarize_text ------------------------------------------------------------------------

def test_a_summary_quotes_the_most_central_sentences_and_adds_distinct_points():
    text = summarize_task.TASK.examples[0]["text"]
    answer = run(summarize_task.TASK, text=text, maxPoints=3)
    originals = sentences(text)
    assert answer["summary"].startswith("Acme Health is hiring a Senior Backend Engineer")
    assert all(point in originals for point in answer["keyPoints"])
    assert len(answer["keyPoints"]) == 3 and len(set(answer["keyPoints"])) == 3
    assert not any(point in answer["summary"] for point in answer["keyPoints"])
    assert answer["keywords"][:2] == ["claims platform", "Senior Backend Engineer"]


def test_meeting_notes_keep_decisions_and_drop_repetition():
    notes = ("We agreed to move the launch of the mobile app to April because the payment "
             "integration is late. Priya will finish the payment integration by March 28. "
             "Priya will finish the payment integration by March 28. QA needs one full week on "
             "the payment flow before launch. The budget stays the same.")
    answer = run(summarize_task.TASK, text=notes, maxPoints=2)
    assert answer["summary"].startswith("We agreed to move the launch of the mobile app to April")
    assert answer["keyPoints"] == ["Priya will finish the payment integration by March 28.",
                                   "QA needs one full week on the payment flow before launch."]
    assert "payment integration" in answer["keywords"]


def test_a_one_sentence_text_is_its_own_summary():
    answer = run(summarize_task.TASK, text="  Ship the beta on Friday.  ")
    assert answer == {"summary": "Ship the beta on Friday.", "keyPoints": [],
                      "keywords": ["beta", "Friday"]}


# -- core.extract_skills ------------------------------------------------------------------------

def test_a_job_post_gives_skills_nice_to_haves_and_seniority():
    answer = run(skills_task.TASK, text=skills_task.EXAMPLE_JOB)
    names = [skill["name"] for skill in answer["skills"]]
    assert {"Python", "FastAPI", "PostgreSQL", "Kafka", "Kubernetes", "AWS", "SQL",
            "REST APIs", "Mentoring"} <= set(names)
    assert answer["niceToHave"] == ["Go", "Rust", "Terraform"] and names[-3:] == ["Go", "Rust",
                                                                                  "Terraform"]
    assert (answer["kind"], answer["seniority"], answer["yearsOfExperience"]) == ("job", "senior", 5)
    assert answer["evidence"] == "title: Senior Backend Engineer - Payments"
    assert {"name": "Kafka", "category": "backend"} in answer["skills"]


def test_a_resume_gives_its_claimed_experience():
    answer = run(skills_task.TASK, text=skills_task.EXAMPLE_RESUME)
    assert answer["kind"] == "resume" and answer["niceToHave"] == []
    assert {"Tableau", "pandas", "BigQuery", "Excel", "Statistics", "Python"} <= {
        s["name"] for s in answer["skills"]}
    assert (answer["seniority"], answer["yearsOfExperience"], answer["evidence"]) == (
        "mid", 3, "3 years of experience")


def test_common_spellings_map_to_one_canonical_skill():
    answer = run(skills_task.TASK, text="k8s, Postgres, golang, JS, node.js, GCP, sklearn, CI/CD")
    assert [s["name"] for s in answer["skills"]] == [  # equally mentioned: in the text's order
        "Kubernetes", "PostgreSQL", "Go", "JavaScript", "Node.js", "Google Cloud", "scikit-learn",
        "CI/CD"]


def test_plain_english_is_not_mistaken_for_skills():
    text = ("We go to great lengths to react quickly. The rest of the team joined in Spring 2024 "
            "after our Series C, and R&D will sketch the swift plan in excel-like detail.")
    assert run(skills_task.TASK, text=text)["skills"] == []


@pytest.mark.parametrize(("text", "level"), [
    ("Staff Software Engineer\nBuild the platform.", "lead"),
    ("Principal Data Scientist\nLead research.", "principal"),
    ("Head of Engineering\nGrow the team.", "executive"),
    ("We are hiring a Junior Frontend Developer to join our team.", "junior"),
    ("Software Engineering Intern (Summer)\nLearn with us.", "intern"),
    ("You bring 10+ years of experience in payments.", "lead"),
    ("You bring 2-4 years of experience with Python.", "mid"),
    ("A friendly team building tools for nurses.", "unknown"),
])
def test_seniority_from_the_title_else_from_years(text, level):
    assert run(skills_task.TASK, text=text, kind="job")["seniority"] == level


# -- core.score_answer --------------------------------------------------------------------------

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
