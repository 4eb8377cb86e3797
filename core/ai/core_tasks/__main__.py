"""``python -m lightninghire.ai.core_tasks``: print the offline examples section of docs/ai.md."""

from lightninghire.ai.core_tasks import examples_markdown

print(examples_markdown(), end="")
