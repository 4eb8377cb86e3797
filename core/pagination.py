"""Cursor pagination for list endpoints: ``?limit=20&cursor=<opaque>`` -> ``{items, nextCursor}``.

The cursor is the last item's ObjectId: newest first, stable under inserts, one indexed query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from marshmallow import Schema, fields, validate
from pymongo import DESCENDING
from pymongo.collection import Collection

from lightninghire.errors import ValidationFailed

MAX_LIMIT = 100


class PageQuery(Schema):
    """Query parameters of every list endpoint; extend it for filters."""

    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=64))


def page_schema(item: type[Schema], name: str | None = None) -> type[Schema]:
    """``{items: [item], nextCursor: str | null}`` for the response schema of a list."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item)),
         "nextCursor": fields.String(allow_none=True)},
        name=name or f"{item.__name__.removesuffix('Schema')}Page",
    )


def given(query: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """The equality filters a list's query asks for: ``{key: value}`` for each of ``keys`` it
    gives a value (not ``None``, not empty). ``{"userId": uid, **given(query, "status")}``."""
    return {key: query[key] for key in keys if query.get(key)}


def paginate(collection: Collection[dict[str, Any]], filter: Mapping[str, Any], *, limit: int,
             cursor: str | None, transform: Callable[[dict[str, Any]], Any] | None = None,
             ) -> dict[str, Any]:
    query = dict(filter)
    if cursor:
        try:
            query["_id"] = {"$lt": ObjectId(cursor)}
        except (InvalidId, TypeError):
            raise ValidationFailed({"cursor": ["Not a valid cursor."]},
                                   "Invalid query: cursor: Not a valid cursor.") from None
    docs = list(collection.find(query).sort("_id", DESCENDING).limit(limit + 1))
    more = len(docs) > limit
    docs = docs[:limit]
    return {
        "items": [transform(d) for d in docs] if transform else docs,
        "nextCursor": str(docs[-1]["_id"]) if more else None,
    }
