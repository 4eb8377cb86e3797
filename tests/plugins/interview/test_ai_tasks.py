"""The plugin's AI tasks: offline answers validate and are useful."""

from __future__ import annotations

import pytest

from lightninghire.testing import verify_offline
from lightninghire_plugins.interview.mock import ai as mock_ai
from lightninghire_plugins.interview.questions import bank
from lightninghire_plugins.interview.sessions import ai as session_ai
from lightninghire_plugins.interview.star import EXAMPLE_QUESTION, EXAMPLE_STRONG, EXAMPLE_WEAK
from lightninghire_plugins.interview.stories import ai as story_ai

TASKS = (*mock_ai.TASKS, *story_ai.TASKS, *session_ai.TASKS)


@pytest.mark.parametrize("task", TASKS, ids=lambda task: task.name)
def test_offline_answers_pass_their_schemas(task):
    assert verify_offline(task)


def test_tasks_are_registered_and_run_offline_through_the_client(make_app):
    services = make_app(plugins=["plans", "interview"]).services
    for task in TASKS:
        assert task.name in services.ai.tasks
    strong = services.ai.run(mock_ai.SCORE, {"question": EXAMPLE_QUESTION,
                                             "answer": EXAMPLE_STRONG}).data
    weak = services.ai.run(mock_ai.SCORE, {"question": EXAMPLE_QUESTION,
                                           "answer": EXAMPLE_WEAK}).data
    assert strong["overall"] >= 8 and weak["overall"] <= 4
    assert all(strong["scores"][k] > weak["scores"][k] for k in strong["scores"])


def test_technical_answers_are_scored_on_coverage_not_star():
    question = "How would you implement an LRU cache?"
    thorough = ("First I would combine a hash map with a doubly linked list, because lookups "
                "and moves must both be O(1). On get, I move the node to the front; on put, I "
                "insert at the front and evict the tail when the size exceeds the capacity. "
                "Edge cases: a capacity of 0, and updating an existing key. For example, with "
                "capacity 2, put a, put b, get a, put c evicts b. The trade-off is extra memory "
                "for the pointers; alternatively an ordered dict gives the same behaviour.")
    thin = "I would use a cache and remove old things when it gets full."
    [score] = [task for task in mock_ai.TASKS if task.name == mock_ai.SCORE]
    rich = score.offline({"question": question, "answer": thorough,
                                     "category": "technical", "keyPoints": []})
    poor = score.offline({"question": question, "answer": thin,
                                     "category": "technical", "keyPoints": []})
    assert rich["overall"] > poor["overall"] + 3
    assert any(flag.startswith("missed:") for flag in poor["flags"])
    assert "[To round it out" in poor["improvedAnswer"]


def test_generated_questions_fit_role_type_and_job_description():
    answer = mock_ai.generate_offline(mock_ai.GenerateIn().load({
        "company": "Acme", "role": "Account Executive", "interviewType": "phone_screen",
        "count": 6, "jobDescription": "You will own a territory pipeline and close "
                                      "mid-market deals."}))
    texts = [q["text"] for q in answer["questions"]]
    assert texts[0] == "Why do you want to join Acme as a Account Executive?"
    assert any("job description mentions" in t for t in texts)
    role_specific = {q.text for q in bank.questions() if q.roles and "sales" not in q.roles}
    assert not role_specific & set(texts)  # no engineering or data questions for sales


def test_bank_has_three_hundred_questions_across_six_categories_with_stable_ids():
    questions = bank.questions()
    assert len(questions) >= 300
    assert {q.category for q in questions} == {"behavioral", "technical", "situational",
                                              "culture_fit", "case", "system_design"}
    assert len({q.id for q in questions}) == len(questions)
    assert bank.question_id(questions[0].category, questions[0].text) == questions[0].id


def test_story_generate_and_build_keep_the_users_facts():
    draft = story_ai.generate_offline(story_ai.GenerateIn().load({
        "description": "We had a big outage at Northwind and customers were complaining. I "
                       "noticed the database was overloaded and I added an index."}))
    assert "Northwind" in draft["situation"]
    assert "task" in draft["missing"] and draft["task"].startswith("[Task")
    built = story_ai.build_offline(story_ai.BuildIn().load({
        "context": "at Northwind the checkout was failing", "goal": "fix it before launch",
        "steps": ["profiled the service", "added a cache"], "outcome": "errors fell by 90%",
        "learning": "to load test early"}))
    assert built["action"] == "First, I profiled the service. Finally, I added a cache."
    assert built["task"] == "My goal was to fix it before launch."
    assert built["result"].endswith("I learned to load test early.") and not built["missing"]
