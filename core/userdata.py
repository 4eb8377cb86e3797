"""Which collections hold user data: remembered in the database, so export and deletion reach
them even after the plugin that declared them is disabled.

Every collection a plugin declares with an ``owner_field`` is recorded (name, owner field,
private fields, plugin) in ``user_data_collections`` when the app prepares the database. A user's
export and deletion walk the enabled plugins' declarations and every recorded one: data written
while a plugin was enabled is never orphaned by turning the plugin off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo import UpdateOne

from lightninghire.registry import CollectionSpec

COLLECTION = "user_data_collections"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,100}$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,100}$")


def record(db: Any, specs: Iterable[CollectionSpec], now: datetime) -> None:
    """Upsert one record per declared user-data collection (one round trip, repeatable)."""
    ops = [UpdateOne({"_id": spec.name},
                     {"$set": {"ownerField": spec.owner_field, "plugin": spec.plugin,
                               "privateFields": list(spec.private_fields), "lastSeenAt": now},
                      "$setOnInsert": {"firstSeenAt": now}}, upsert=True)
           for spec in specs if spec.owner_field]
    if ops:
        db[COLLECTION].bulk_write(ops, ordered=False)


def owned_collections(db: Any, declared: dict[str, CollectionSpec]) -> list[CollectionSpec]:
    """The enabled plugins' user-data collections, then every recorded one no enabled plugin
    declares (a disabled plugin's). A collection declared now is described by its declaration."""
    found = [spec for spec in declared.values() if spec.owner_field]
    for doc in db[COLLECTION].find({}):
        name, owner = doc.get("_id"), doc.get("ownerField")
        if name in declared or not isinstance(name, str) or not _NAME.match(name):
            continue
        if not isinstance(owner, str) or not _FIELD.match(owner):
            continue
        private = tuple(f for f in doc.get("privateFields") or () if isinstance(f, str))
        found.append(CollectionSpec(name, (), owner, str(doc.get("plugin", "?")), private))
    return found
