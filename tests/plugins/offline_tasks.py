"""Checks every offline AI task's tests make: its examples are valid and deterministic, its
prompt carries the input, and the plugin's docs show the answers the code gives today."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lightninghire.api import AiTask
from lightninghire.testing import examples_markdown, verify_offline

DOCS = Path(__file__).resolve().parents[2] / "docs"


def run(task: AiTask, **inputs: Any) -> dict[str, Any]:
    """The task's offline answer to ``inputs``, checked against its output schema."""
    (answer,) = verify_offline(task, inputs)
    return answer


def assert_deterministic_on_examples(task: AiTask) -> None:
    assert task.examples and verify_offline(task) == verify_offline(task)
    system, user = task.prompt(task.load_inputs(task.examples[0]))
    assert system and next(iter(task.examples[0].values())) in user


def assert_docs_show_offline_answers(task: AiTask, doc: str) -> None:
    # Regenerate with: python -c "from lightninghire.ai import examples_markdown; \
    #   from <the task's module> import TASK; print(examples_markdown([TASK]))"
    assert examples_markdown([task]) in (DOCS / doc).read_text(encoding="utf-8")
