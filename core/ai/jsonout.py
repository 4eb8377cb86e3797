"""Structured output: describe a marshmallow schema to a model, and read JSON back from its text.

Models are asked for one JSON object whose shape is written out from the task's output schema
(names, types, allowed values, ranges), so a task author declares the shape once. Replies are
read leniently (code fences and prose around the object are tolerated) and then validated
strictly by the schema.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

JSON_RULES = ("Reply with one JSON object only: no prose before or after it, no code fences. "
              "Use exactly the keys below; never invent facts that are not in the input.")

_TYPES: tuple[tuple[type[fields.Field], str], ...] = (
    (fields.Boolean, "boolean"),
    (fields.Integer, "integer"),
    (fields.Number, "number"),
    (fields.Email, "string (an email address)"),
    (fields.Url, "string (a URL)"),
    (fields.DateTime, "string (ISO-8601 date-time)"),
    (fields.Date, "string (ISO-8601 date)"),
    (fields.String, "string"),
    (fields.Dict, "object"),
)


class OutputProblem(ValueError):
    """The model's text is not usable: ``detail`` says why, in words safe to send back to it."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def instructions(schema: type[Schema] | Schema) -> str:
    """The JSON-only rule and the expected shape, appended to a task's system prompt."""
    return f"{JSON_RULES}\nShape:\n{describe(schema)}"


def describe(schema: type[Schema] | Schema, indent: int = 0) -> str:
    """A schema as a JSON-like outline a model can follow::

        {
          "summary": string, required, at most 400 characters,
          "keyPoints": [string], required, 1 to 5 items
        }
    """
    instance = schema() if isinstance(schema, type) else schema
    pad = "  " * (indent + 1)
    lines = []
    for name, field in instance.load_fields.items():
        key = field.data_key or name
        lines.append(f'{pad}"{key}": {_describe_field(field, indent + 1)}')
    return "{\n" + ",\n".join(lines) + "\n" + "  " * indent + "}"


def _describe_field(field: fields.Field, indent: int) -> str:
    notes = []
    if field.required:
        notes.append("required")
    elif field.allow_none:
        notes.append("or null")
    notes.extend(_constraints(field))
    description = field.metadata.get("description")
    if description:
        notes.append(str(description))
    return ", ".join([_type_of(field, indent), *notes])


def _type_of(field: fields.Field, indent: int) -> str:
    if isinstance(field, fields.Nested):
        inner = describe(field.schema, indent)
        return f"[{inner}]" if field.many else inner
    if isinstance(field, fields.List):
        return f"[{_describe_field(field.inner, indent)}]"
    for kind, text in _TYPES:
        if isinstance(field, kind):
            return text
    return "any JSON value"


def _constraints(field: fields.Field) -> list[str]:
    notes: list[str] = []
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            notes.append("one of " + " | ".join(json.dumps(choice) for choice in validator.choices))
        elif isinstance(validator, validate.Range):
            notes.append(_between(validator.min, validator.max, ""))
        elif isinstance(validator, validate.Length):
            unit = "items" if isinstance(field, fields.List | fields.Nested) else "characters"
            if validator.equal is not None:
                notes.append(f"exactly {validator.equal} {unit}")
            else:
                notes.append(_between(validator.min, validator.max, f" {unit}"))
    return [note for note in notes if note]


def _between(low: Any, high: Any, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}{unit}"
    if low is not None:
        return f"at least {low}{unit}"
    if high is not None:
        return f"at most {high}{unit}"
    return ""


def parse_object(text: str) -> dict[str, Any]:
    """The JSON object in a model's reply; ``OutputProblem`` when there is none.

    Tolerates what models add around JSON: a ```json fence, a sentence before or after.
    """
    candidate = _strip_fence(text.strip())
    try:
        value = json.loads(candidate)
    except json.JSONDecodeError as first:
        start, end = candidate.find("{"), candidate.rfind("}")
        if start < 0:
            raise OutputProblem("the reply contains no JSON object") from None
        try:
            value = json.loads(candidate[start:end + 1] if end > start else candidate[start:])
        except json.JSONDecodeError:
            # json's own message names a position, never the text itself.
            raise OutputProblem(f"the reply is not valid JSON ({first.msg} at line {first.lineno}, "
                                f"column {first.colno})") from None
    if not isinstance(value, dict):
        raise OutputProblem(f"the reply is a JSON {type(value).__name__}, not an object")
    return value


def _strip_fence(text: str) -> str:
    if text.startswith("```"):
        body = text.split("\n", 1)[1] if "\n" in text else ""
        return body.rsplit("```", 1)[0].strip()
    return text


def problems_text(messages: Mapping[str, Any] | list[Any] | str) -> str:
    """Marshmallow's error messages as short lines (``keyPoints.0: Not a valid string.``)."""
    lines: list[str] = []

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        elif isinstance(node, list) and all(isinstance(item, str) for item in node):
            lines.append(f"{prefix or 'the object'}: {' '.join(node)}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(f"{prefix}.{index}", value)
        else:
            lines.append(f"{prefix or 'the object'}: {node}")

    walk("", messages)
    return "\n".join(lines[:20])


def repair_request(problem: str) -> str:
    """The follow-up message of the one repair attempt."""
    return ("Your previous reply could not be used:\n" + problem + "\n"
            "Reply again with the corrected JSON object only, following the shape exactly.")
