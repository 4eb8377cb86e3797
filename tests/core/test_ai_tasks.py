"""AI tasks and their registry, the structured-output helpers, backoff and configuration."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from lightninghire.ai import (
    AiConfig,
    AiOutput,
    AiTask,
    AiTaskRegistry,
    OutputProblem,
    backoff_delay,
    describe,
    parse_object,
    verify_offline,
)
from lightninghire.ai.jsonout import problems_text
from lightninghire.ai.providers import failure_for_status, retry_after_seconds
from lightninghire.errors import StartupError, ValidationFailed


class Out(AiOutput):
    title = fields.String(required=True, validate=validate.Length(1, 40))
    level = fields.String(validate=validate.OneOf(["low", "high"]))
    score = fields.Integer(required=True, validate=validate.Range(1, 5))
    tags = fields.List(fields.String(), validate=validate.Length(max=3))


class In(Schema):
    text = fields.String(required=True)
    limit = fields.Integer(load_default=2)


def make_task(**overrides) -> AiTask:
    values = {"name": "demo.rate", "description": "Rates a text.", "prompt": lambda i: ("s", "u"),
              "output_schema": Out, "input_schema": In,
              "offline": lambda i: {"title": i["text"][:40], "score": min(5, len(i["text"]))},
              "examples": ({"text": "abc"},)}
    return AiTask(**{**values, **overrides})


def test_a_task_loads_inputs_with_defaults_and_rejects_bad_ones():
    task = make_task()
    assert task.load_inputs({"text": "hi"}) == {"text": "hi", "limit": 2}
    with pytest.raises(ValidationFailed) as caught:
        task.load_inputs({"limit": "many"})
    assert set(caught.value.extra["fields"]) == {"text", "limit"}
    with pytest.raises(ValidationFailed):
        task.load_inputs(["not", "a", "mapping"])  # type: ignore[arg-type]


def test_outputs_drop_unknown_keys_but_enforce_the_schema():
    task = make_task()
    assert task.load_output({"title": "T", "score": 3, "chatter": "x"}) == {"title": "T", "score": 3}
    with pytest.raises(ValidationError):
        task.load_output({"title": "T", "score": 9})
    with pytest.raises(ValidationError):
        task.load_output(["T"])


def test_verify_offline_runs_every_example_through_the_schemas():
    assert verify_offline(make_task()) == [{"title": "abc", "score": 3}]
    assert verify_offline(make_task(), {"text": "x"}) == [{"title": "x", "score": 1}]
    with pytest.raises(ValidationError):
        verify_offline(make_task(offline=lambda i: {"title": ""}))
    with pytest.raises(ValueError, match="no examples"):
        verify_offline(make_task(examples=()))


@pytest.mark.parametrize(("overrides", "problem"), [
    ({"name": "NoDots"}, "plugin.task"),
    ({"name": "demo."}, "plugin.task"),
    ({"offline": None}, "offline must be callable"),
    ({"prompt": "text"}, "prompt must be callable"),
    ({"output_schema": dict}, "output_schema must be a marshmallow Schema"),
    ({"input_schema": object()}, "input_schema must be a marshmallow Schema"),
    ({"max_tokens": 0}, "max_tokens"),
    ({"temperature": 3}, "temperature"),
])
def test_malformed_tasks_stop_startup(overrides, problem):
    with pytest.raises(StartupError, match=problem):
        AiTaskRegistry([make_task(**overrides)])


def test_the_registry_names_both_plugins_on_a_clash():
    tasks = AiTaskRegistry(owner="interview")
    tasks.add(make_task())
    tasks.owner = "coach"
    with pytest.raises(StartupError, match="both plugin 'interview' and plugin 'coach'"):
        tasks.add(make_task())
    with pytest.raises(StartupError, match="AiTask objects"):
        tasks.add({"name": "demo.x"})  # type: ignore[arg-type]
    assert tasks.names() == ["demo.rate"] and "demo.rate" in tasks and len(tasks) == 1
    assert tasks.owner_of("demo.rate") == "interview" and next(iter(tasks)).name == "demo.rate"
    with pytest.raises(LookupError):
        tasks.get("demo.other")


def test_a_schema_is_described_for_the_model():
    assert describe(Out) == (
        "{\n"
        '  "title": string, required, 1 to 40 characters,\n'
        '  "level": string, one of "low" | "high",\n'
        '  "score": integer, required, 1 to 5,\n'
        '  "tags": [string], at most 3 items\n'
        "}")


@pytest.mark.parametrize(("text", "expected"), [
    ('{"a": 1}', {"a": 1}),
    ('```json\n{"a": 1}\n```', {"a": 1}),
    ('```\n{"a": 1}\n```', {"a": 1}),
    ('Sure! {"a": {"b": [1, 2]}} Anything else?', {"a": {"b": [1, 2]}}),
])
def test_json_is_found_in_what_models_actually_send(text, expected):
    assert parse_object(text) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("no json here", "no JSON object"),
    ('{"a": 1,', "not valid JSON (Expecting property name"),
    ("[1, 2]", "a JSON list, not an object"),
    ("", "no JSON object"),
])
def test_unusable_replies_are_explained_without_quoting_them(text, problem):
    with pytest.raises(OutputProblem, match=problem.replace("(", r"\(")) as caught:
        parse_object(text)
    assert text not in caught.value.detail or not text


def test_validation_errors_become_short_lines():
    assert problems_text({"title": ["Missing data for required field."],
                          "tags": {0: ["Not a valid string."]},
                          "_schema": ["Bad."]}) == (
        "title: Missing data for required field.\ntags.0: Not a valid string.\n_schema: Bad.")


@pytest.mark.parametrize(("attempt", "retry_after", "delay"), [
    (1, None, 0.5), (2, None, 1.0), (3, None, 2.0), (5, None, 8.0), (9, None, 8.0),
    (1, 3.0, 3.0), (1, 0.0, 0.0), (1, 8.0, 8.0), (1, 8.5, None),
])
def test_backoff_is_exponential_capped_and_respects_retry_after(attempt, retry_after, delay):
    assert backoff_delay(attempt, retry_after) == delay


@pytest.mark.parametrize(("status", "kind", "retryable"), [
    (429, "rate_limited", True), (500, "server_error", True), (529, "server_error", True),
    (409, "server_error", True), (408, "timeout", True), (401, "key_rejected", False),
    (403, "key_rejected", False), (400, "rejected", False), (404, "rejected", False),
])
def test_http_statuses_are_classified(status, kind, retryable):
    failure = failure_for_status(status, {"Retry-After": "4"})
    assert (failure.kind, failure.retryable, failure.status) == (kind, retryable, status)


def test_retry_after_forms():
    assert retry_after_seconds({"Retry-After": "2"}) == 2.0
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # past
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_config_defaults_read_from_a_partial_section_and_hide_keys():
    config = AiConfig.from_section({"openai_api_key": "sk-hidden-1234", "openai_model": ""})
    assert config.provider == "auto" and config.openai_model == "gpt-4o-mini"
    assert config.anthropic_model == "claude-haiku-4-5" and config.max_retries == 2
    assert config.base_url("openai") is None and config.platform_key("openai") == "sk-hidden-1234"
    assert "sk-hidden" not in repr(config)
    with pytest.raises(ValueError, match=r"ai\.provider"):
        AiConfig(provider="mistral")
    with pytest.raises(ValueError, match="positive"):
        AiConfig(timeout_seconds=0)
