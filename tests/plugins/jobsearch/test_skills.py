"""``jobsearch.extract_skills`` answers usefully offline: skills with categories and
nice-to-haves, seniority and years; deterministic; docs/jobsearch.md shows its real answers."""

from __future__ import annotations

import pytest

from lightninghire_plugins.jobsearch import skills as skills_task
from tests.plugins.offline_tasks import (
    assert_deterministic_on_examples,
    assert_docs_show_offline_answers,
    run,
)


def test_the_task_is_deterministic_and_valid_on_its_examples():
    assert_deterministic_on_examples(skills_task.TASK)


def test_docs_show_the_offline_answers_the_code_gives_today():
    assert_docs_show_offline_answers(skills_task.TASK, "jobsearch.md")


# -- jobsearch.extract_skills---------------------------------------------------------------------

def test_a_job_post_gives_skills_nice_to_haves_and_seniority():
    answer = run(skills_task.TASK, text=skills_task.EXAMPLE_JOB)
    names = [skill["name"] for skill in answer["skills"]]
    assert {"Python", "FastAPI", "PostgreSQL", "Kafka", "Kubernetes", "AWS", "SQL",
            "REST APIs", "Mentoring"} <= set(names)
    assert answer["niceToHave"] == ["Go", "Rust", "Terraform"] and names[-3:] == ["Go", "Rust",
                                                                                  "Terraform"]
    assert (answer["kind"], answer["seniority"], answer["yearsOfExperience"]) == ("job", "senior", 5)
    assert answer["evidence"] == "title: Senior Backend Engineer - Payments"
    kafka = next(s for s in answer["skills"] if s["name"] == "Kafka")
    # Under "What you will do", not "Requirements": asked, but not a hard requirement.
    assert (kafka["category"], kafka["kind"], kafka["required"]) == ("backend", "skill", False)


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


