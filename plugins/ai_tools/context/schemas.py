from __future__ import annotations

from marshmallow import Schema, fields


class UserContextQuery(Schema):
    """No parameters: unknown ones are refused like everywhere else."""


class UserContextSchema(Schema):
    sections = fields.Dict(keys=fields.String(), values=fields.Raw(),
                           metadata={"description": "Each enabled plugin's slice, by plugin name."})
    plugins = fields.List(fields.String())
    truncated = fields.Boolean(metadata={"description": "True when slices were cut to fit."})
    chars = fields.Integer(metadata={"description": "Size of `sections` as compact JSON."})
    maxChars = fields.Integer()
