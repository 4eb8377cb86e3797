"""The plugin's settings, ``[plugins.hello]`` in lightninghire.toml (or
``LIGHTNINGHIRE_PLUGINS__HELLO__<KEY>``): typed, defaulted and checked at startup."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate


def _one_name_field(template: str) -> None:
    # Checked here, once, so a typo stops startup instead of failing every greeting with a 500.
    try:
        template.format(name="x")
    except (KeyError, IndexError, ValueError):
        raise ValidationError("Use {name} as the only field, e.g. 'Hello, {name}!'.") from None
    if "{name}" not in template:
        raise ValidationError("Must contain {name}.")


class HelloSettings(Schema):
    greeting = fields.String(load_default="Hello, {name}!",
                             validate=[validate.Length(min=1, max=200), _one_name_field])
    retention_days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=3650))
