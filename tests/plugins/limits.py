"""Inputs at the limits of a marshmallow schema: every string at its maximum length, every list
at its maximum count, in a few deterministic shapes of text (prose with numbers, one unbroken
token, many short lines, non-Latin text). Used to prove that offline AI answers stay within
their own output schemas whatever a caller sends within the input schema."""

from __future__ import annotations

import random
from typing import Any

from marshmallow import Schema, fields, validate

# Strings and lists the schema leaves unbounded (the route in front bounds them).
UNBOUNDED_TEXT = 5_000
UNBOUNDED_ITEMS = 5
# A long list proves nothing more than its first items do, and each item costs CPU.
MAX_ITEMS = 20
MAX_OBJECTS = 3  # items of a list of objects (50 job postings of 60,000 characters: 3 s)

_PROSE = (
    "I led the Northwind checkout team through a deadline when customers complained about "
    "latency; we profiled the service, added a cache, mentored two engineers, resolved a "
    "conflict with product, and shipped. Result: 80% faster, 41,000 orders, $2.5M revenue. "
    "Python PostgreSQL Kafka Kubernetes React Figma SQL stakeholders learned failed presented "
    "situation task action result because therefore however"
)
SHAPES = ("prose", "token", "lines", "unicode")


def text(length: int, shape: str, rng: random.Random) -> str:
    """Exactly ``length`` characters of one shape."""
    if length <= 0:
        return ""
    if shape == "token":
        return "x" * length
    if shape == "unicode":
        return ("\u0141\u00f3d\u017a \u00fcn\u00efc\u00f6d\u00e9 \u6570\u636e \u2014 "
                "\u201cquoted\u201d \u2022 " * (length // 20 + 1))[:length]
    vocabulary = _PROSE.split()
    parts: list[str] = []
    size = 0
    while size < length:
        sentence = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 25)))
        if shape == "lines":
            sentence = "- " + sentence
        else:
            sentence = sentence[:1].upper() + sentence[1:] + rng.choice(".!?")
        parts.append(sentence)
        size += len(sentence) + 1
    joined = ("\n" if shape == "lines" else " ").join(parts)
    return joined[:length].ljust(length, ".")


def _limits(field: fields.Field) -> tuple[Any, list[Any] | None]:
    """The field's maximum (length, count or value) and its choices, when it declares them."""
    high = choices = None
    for rule in field.validators:
        if isinstance(rule, validate.Length):
            high = rule.equal if rule.equal is not None else rule.max
        elif isinstance(rule, validate.Range):
            high = rule.max
        elif isinstance(rule, validate.OneOf):
            choices = list(rule.choices)
    return high, choices


def value(field: fields.Field, shape: str, rng: random.Random) -> Any:
    """The largest valid value of ``field`` that this module knows how to make, or ``None``."""
    high, choices = _limits(field)
    if choices:
        return rng.choice(choices)
    if isinstance(field, fields.Nested):
        item = largest(field.schema, shape, rng)
        return [item] * min(high or UNBOUNDED_ITEMS, MAX_OBJECTS) if field.many else item
    if isinstance(field, fields.List):
        cap = MAX_OBJECTS if isinstance(field.inner, fields.Nested) else MAX_ITEMS
        count = min(high if high is not None else UNBOUNDED_ITEMS, cap)
        items = [value(field.inner, shape, rng) for _ in range(count)]
        return [item for item in items if item is not None]
    if isinstance(field, fields.Email):
        return "a" * 60 + "@example.com"
    if isinstance(field, fields.Url):
        return "https://example.com/" + "a" * 200
    if isinstance(field, fields.Boolean):
        return rng.random() < 0.5
    if isinstance(field, fields.Integer):
        return int(high) if high is not None else 1_000_000
    if isinstance(field, (fields.Float, fields.Number)):
        return float(high) if high is not None else 1_000_000.0
    if isinstance(field, fields.DateTime):
        return "2030-12-31T23:00:00Z"
    if isinstance(field, fields.Date):
        return "2030-12-31"
    if isinstance(field, fields.String):
        return text(high if high is not None else UNBOUNDED_TEXT, shape, rng)
    return None  # Dict, Raw, custom fields: left to their defaults


def largest(schema: type[Schema] | Schema, shape: str, rng: random.Random) -> dict[str, Any]:
    """A body for ``schema`` with every field it declares at its limits."""
    schema = schema() if isinstance(schema, type) else schema
    body: dict[str, Any] = {}
    for name, field in schema.load_fields.items():
        made = value(field, shape, rng)
        if made is not None:
            body[field.data_key or name] = made
    return body


def largest_valid(task: Any, shape: str, rng: random.Random) -> dict[str, Any]:
    """Inputs of an AI task at their limits; a field this module cannot make (a required
    ``Dict``) or whose largest value breaks a cross-field rule keeps the task's example value."""
    from lightninghire.api import ValidationFailed

    base = dict(task.examples[0]) if task.examples else {}
    inputs = {**base, **largest(task.input_schema, shape, rng)}
    for _ in range(5):
        try:
            task.load_inputs(inputs)
        except ValidationFailed as exc:
            for key in exc.extra["fields"]:
                if key in base:
                    inputs[key] = base[key]
                else:
                    inputs.pop(key, None)
            continue
        return inputs
    raise AssertionError(f"no valid maximal inputs for {task.name}: {inputs!r:.300}")
