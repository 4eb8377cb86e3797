"""``ai_tools.summarize_text`` answers usefully offline: an extractive summary that quotes the
text, distinct key points and keywords; deterministic; docs/ai_tools.md shows its real answers."""

from __future__ import annotations

from pathlib import Path

from lightninghire.api import sentences
from lightninghire.testing import examples_markdown, verify_offline
from lightninghire_plugins.ai_tools import summarize as summarize_task

DOCS = Path(__file__).resolve().parents[3] / "docs" / "ai_tools.md"


def run(task, **inputs):
    (answer,) = verify_offline(task, inputs)
    return answer


def test_the_task_is_deterministic_and_valid_on_its_examples():
    task = summarize_task.TASK
    assert task.examples and verify_offline(task) == verify_offline(task)
    system, user = task.prompt(task.load_inputs(task.examples[0]))
    assert system and next(iter(task.examples[0].values())) in user


def test_docs_show_the_offline_answers_the_code_gives_today():
    # Regenerate with: python -c "from lightninghire.ai import examples_markdown; \
    #   from lightninghire_plugins.ai_tools.summarize import TASK; print(examples_markdown([TASK]))"
    assert examples_markdown([summarize_task.TASK]) in DOCS.read_text(encoding="utf-8")


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


