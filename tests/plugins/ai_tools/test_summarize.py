"""``ai_tools.summarize_text`` answers usefully offline: an extractive summary that quotes the
text, distinct key points and keywords; deterministic; docs/ai_tools.md shows its real answers."""

from __future__ import annotations

from lightninghire.api import sentences
from lightninghire_plugins.ai_tools import summarize as summarize_task
from tests.plugins.offline_tasks import (
    assert_deterministic_on_examples,
    assert_docs_show_offline_answers,
    run,
)


def test_the_task_is_deterministic_and_valid_on_its_examples():
    assert_deterministic_on_examples(summarize_task.TASK)


def test_docs_show_the_offline_answers_the_code_gives_today():
    assert_docs_show_offline_answers(summarize_task.TASK, "ai_tools.md")


# -- ai_tools.summarize_text---------------------------------------------------------------------

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


