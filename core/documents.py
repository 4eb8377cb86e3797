"""Documents owned by users: ids as the API speaks them, and owner-scoped reads and writes.

Every query filters by the owner, so another user's document is exactly as missing as an
unknown or malformed id: ``NotFound`` (404), never 403 and never its content. No HTTP here:
services use it, and ``lightninghire.http.collection`` serves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo.collection import Collection

from lightninghire.errors import NotFound
from lightninghire.pagination import paginate


def as_object_id(value: Any) -> ObjectId | None:
    """The ObjectId an API id names (24 hex digits), or ``None`` for anything else."""
    if isinstance(value, ObjectId):
        return value
    if isinstance(value, str) and len(value) == 24:
        try:
            return ObjectId(value)
        except (InvalidId, TypeError):
            return None
    return None


def object_id_or_404(value: Any, what: str = "document") -> ObjectId:
    """The ObjectId an API id names; anything else is ``NotFound("No such <what>.")``, the same
    answer as an unknown id (never a 400 or a 500)."""
    oid = as_object_id(value)
    if oid is None:
        raise NotFound(f"No such {what}.")
    return oid


class OwnedDocuments:
    """One collection of per-user documents, reached only through their owner.

    Offers the collection-resource protocol (``list``, ``create``, ``get``, ``update``,
    ``delete``, each taking the owner's id first) so it can serve ``CollectionResource`` as is;
    a service subclasses it, or holds one and uses ``find`` for its own operations.
    ``public(doc)`` shapes a stored document for the API (default: ``id`` string, no ``_id``
    nor owner field).
    """

    def __init__(self, collection: Collection[dict[str, Any]], *, what: str,
                 owner_field: str = "userId") -> None:
        self.collection = collection
        self.what = what
        self.owner_field = owner_field

    def public(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", self.owner_field)}
        out["id"] = str(doc["_id"])
        return out

    def mine(self, owner: str, id: Any) -> dict[str, Any]:
        """The filter that reaches one of ``owner``'s documents (404 for a malformed id)."""
        return {"_id": object_id_or_404(id, self.what), self.owner_field: owner}

    def find(self, owner: str, id: Any) -> dict[str, Any]:
        """The stored document; ``NotFound`` when it is unknown or another user's."""
        doc = self.collection.find_one(self.mine(owner, id))
        if doc is None:
            raise NotFound(f"No such {self.what}.")
        return doc

    def list(self, owner: str, query: Mapping[str, Any],
             filter: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A page of the owner's documents, newest first (``query`` carries ``limit`` and
        ``cursor``, as ``lightninghire.pagination.PageQuery`` loads them)."""
        return paginate(self.collection, {**(filter or {}), self.owner_field: owner},
                        limit=query["limit"], cursor=query.get("cursor"), transform=self.public)

    def get(self, owner: str, id: str) -> dict[str, Any]:
        return self.public(self.find(owner, id))

    def create(self, owner: str, body: Mapping[str, Any]) -> dict[str, Any]:
        doc = {**body, self.owner_field: owner}
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        return self.public(doc)

    def update(self, owner: str, id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        doc = self.find(owner, id)
        if changes:
            self.collection.update_one({"_id": doc["_id"], self.owner_field: owner},
                                       {"$set": dict(changes)})
        return self.public({**doc, **changes})

    def delete(self, owner: str, id: str) -> None:
        if not self.collection.delete_one(self.mine(owner, id)).deleted_count:
            raise NotFound(f"No such {self.what}.")
