"""AI tasks: what a plugin asks a model to do, and the registry that names them.

An ``AiTask`` bundles everything the client needs to run one kind of request anywhere: a prompt
builder for real models, a marshmallow schema that every answer must pass, and an ``offline``
implementation that answers from the inputs alone (no network, deterministic) so the feature
works with no key at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from lightninghire.errors import StartupError, ValidationFailed

TASK_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

PromptBuilder = Callable[[Mapping[str, Any]], tuple[str, str]]
OfflineAnswer = Callable[[Mapping[str, Any]], dict[str, Any]]
TextAnswer = Callable[[Mapping[str, Any], str], dict[str, Any]]
OfflineStream = Callable[[Mapping[str, Any]], Iterable[str]]


class AiOutput(Schema):
    """A convenient base for output schemas: models add stray keys, which are dropped rather
    than failing validation (set it on nested schemas too)."""

    class Meta:
        unknown = EXCLUDE


def _schema(schema: type[Schema] | Schema) -> Schema:
    return schema() if isinstance(schema, type) else schema


@dataclass(frozen=True)
class AiTask:
    """One named AI task (``"<plugin>.<what>"``, e.g. ``"notes.summarize"``).

    - ``prompt(inputs) -> (system, user)``: the text sent to a model. The client appends the
      output shape (from ``output_schema``) and the JSON-only instruction itself.
    - ``output_schema``: every answer, from any provider, is loaded through it.
    - ``offline(inputs) -> dict``: the no-network answer; must be useful, not a placeholder.
    - ``input_schema``: validates (and fills defaults of) the inputs before anything runs.
    - ``examples``: sample inputs; tests and docs run the offline answer on them.
    - ``text_answer(inputs, text) -> dict`` and ``offline_stream(inputs) -> Iterable[str]``
      (both or neither): a task that can stream (``AiClient.stream``). The model then answers
      in plain text, sent on piece by piece, and ``text_answer`` turns the finished text into
      the output (validated by ``output_schema``); offline, ``offline_stream`` yields the text
      in pieces as it is composed.
    """

    name: str
    description: str
    prompt: PromptBuilder
    output_schema: type[Schema] | Schema
    offline: OfflineAnswer
    input_schema: type[Schema] | Schema | None = None
    max_tokens: int = 1024
    temperature: float = 0.2
    counts_as_ai_action: bool = True
    examples: tuple[Mapping[str, Any], ...] = field(default=(), repr=False)
    text_answer: TextAnswer | None = None
    offline_stream: OfflineStream | None = None

    @property
    def streams(self) -> bool:
        """Whether the task can be streamed (``AiClient.stream``)."""
        return self.text_answer is not None

    def load_inputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Validated inputs; ``ValidationFailed`` (400) names the offending fields."""
        if not isinstance(inputs, Mapping):
            raise ValidationFailed({"_schema": ["The inputs must be an object."]})
        if self.input_schema is None:
            return dict(inputs)
        try:
            return _schema(self.input_schema).load(dict(inputs))
        except ValidationError as exc:
            fields = exc.normalized_messages()
            raise ValidationFailed(fields, f"Invalid input for AI task {self.name}.") from None

    def load_output(self, data: Any) -> dict[str, Any]:
        """The answer through ``output_schema``; raises marshmallow's ``ValidationError``."""
        if not isinstance(data, Mapping):
            raise ValidationError({"_schema": ["Expected a JSON object."]})
        return _schema(self.output_schema).load(dict(data), unknown=EXCLUDE)

    def answer_offline(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The offline answer, with every string and list cut to the lengths the output schema
        allows (``fit_output``): an extractive answer quoting long inputs stays valid."""
        return fit_output(self.output_schema, self.offline(inputs))

    def check(self) -> None:
        """Reject a malformed declaration at registration time (``StartupError``)."""
        where = f"AI task {self.name!r}"
        if not TASK_NAME.match(self.name):
            raise StartupError(f"{where}: the name must look like 'plugin.task' (lowercase)")
        for attribute in ("prompt", "offline"):
            if not callable(getattr(self, attribute)):
                raise StartupError(f"{where}: {attribute} must be callable")
        if (self.text_answer is None) != (self.offline_stream is None):
            raise StartupError(f"{where}: text_answer and offline_stream go together")
        for attribute in ("text_answer", "offline_stream"):
            value = getattr(self, attribute)
            if value is not None and not callable(value):
                raise StartupError(f"{where}: {attribute} must be callable")
        for attribute in ("output_schema", "input_schema"):
            value = getattr(self, attribute)
            if value is None and attribute == "input_schema":
                continue
            if not (isinstance(value, Schema) or (isinstance(value, type)
                                                  and issubclass(value, Schema))):
                raise StartupError(f"{where}: {attribute} must be a marshmallow Schema")
        if not 1 <= self.max_tokens <= 200_000:
            raise StartupError(f"{where}: max_tokens must be between 1 and 200000")
        if not 0 <= self.temperature <= 2:
            raise StartupError(f"{where}: temperature must be between 0 and 2")


class AiTaskRegistry:
    """``tasks.add(AiTask(...))``; filled through the ``register_ai_tasks`` hook.

    Like the core's other registries it knows which plugin added each task (``owner`` is set by
    the plugin host before each plugin's hook runs), so a clash names both plugins.
    """

    def __init__(self, tasks: Iterable[AiTask] = (), *, owner: str = "?") -> None:
        self.owner = owner
        self._tasks: dict[str, AiTask] = {}
        self._owners: dict[str, str] = {}
        for task in tasks:
            self.add(task)

    def add(self, task: AiTask) -> AiTask:
        if not isinstance(task, AiTask):
            raise StartupError(f"plugin {self.owner!r}: register AiTask objects, not {task!r}")
        task.check()
        if task.name in self._tasks:
            raise StartupError(f"AI task {task.name!r} is registered by both plugin "
                               f"{self._owners[task.name]!r} and plugin {self.owner!r}")
        self._tasks[task.name] = task
        self._owners[task.name] = self.owner
        return task

    def get(self, name: str) -> AiTask:
        try:
            return self._tasks[name]
        except KeyError:
            # A plugin asking for a task nobody registered is a programming error, not bad input.
            raise LookupError(f"no AI task named {name!r} is registered") from None

    def owner_of(self, name: str) -> str:
        return self._owners[name]

    def __contains__(self, name: object) -> bool:
        return name in self._tasks

    def __iter__(self) -> Iterator[AiTask]:
        return iter(self._tasks.values())

    def __len__(self) -> int:
        return len(self._tasks)

    def names(self) -> list[str]:
        return sorted(self._tasks)


def verify_offline(task: AiTask, inputs: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run ``task.offline`` on ``inputs`` (or on each of its ``examples``) and return the answers,
    each validated by the output schema: the check a plugin's own tests should make."""
    samples = [inputs] if inputs is not None else list(task.examples)
    if not samples:
        raise ValueError(f"AI task {task.name!r} has no examples; pass inputs")
    return [task.load_output(task.answer_offline(task.load_inputs(sample))) for sample in samples]


def examples_markdown(tasks: Iterable[AiTask]) -> str:
    """Each task's offline answer on each of its examples, as Markdown (input -> output): the
    section a plugin's docs show, kept current by a test comparing the two."""
    blocks = []
    for task in tasks:
        blocks.append(f"### `{task.name}`\n\n{task.description}\n")
        for number, (example, answer) in enumerate(
                zip(task.examples, verify_offline(task), strict=True), start=1):
            blocks.append(f"Example {number}, input:\n\n```json\n{_json(example)}\n```\n\n"
                          f"Offline output:\n\n```json\n{_json(answer)}\n```\n")
    return "\n".join(blocks)


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when one is near the end,
    with an ellipsis; line breaks are kept (unlike ``lightninghire.text.shorten``)."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "\u2026"[:limit]
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" \n\t,;:-") + "\u2026"


def _max_length(field: fields.Field) -> int | None:
    limits = [v.equal if v.equal is not None else v.max for v in field.validators
              if isinstance(v, validate.Length)]
    limits = [n for n in limits if n is not None]
    return min(limits) if limits else None


def _fit_value(field: fields.Field, value: Any) -> Any:
    if isinstance(field, fields.Nested):
        schema = field.schema
        if field.many and isinstance(value, list):
            return [fit_output(schema, item) for item in value]
        return fit_output(schema, value)
    if isinstance(field, fields.List) and isinstance(value, list):
        limit = _max_length(field)
        items = value[:limit] if limit is not None else value
        return [_fit_value(field.inner, item) for item in items]
    if isinstance(field, fields.String) and isinstance(value, str):
        limit = _max_length(field)
        return clip(value, limit) if limit is not None else value
    return value


def fit_output(schema: type[Schema] | Schema, data: Any) -> Any:
    """``data`` with each string cut (``clip``) and each list trimmed to the maximum length its
    field in ``schema`` declares, nested schemas included; everything else is left as it is
    (a wrong type or a value out of range still fails validation)."""
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    for name, spec in _schema(schema).load_fields.items():
        key = spec.data_key or name
        if key in out and out[key] is not None:
            out[key] = _fit_value(spec, out[key])
    return out
