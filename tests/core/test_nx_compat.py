"""The embedded database keeps standard MongoDB semantics where nx-27017 alone would not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError


def test_dates_written_by_update_operators_stay_dates(harness, clock):
    things = harness.db["things"]
    now = clock.now()
    thing_id = things.insert_one({"createdAt": now, "meta": {}}).inserted_id
    things.update_one({"_id": thing_id}, {"$set": {"seenAt": now, "meta.at": now},
                                          "$max": {"latest": now}})
    updated = things.find_one_and_update({"_id": thing_id},
                                         {"$set": {"expiresAt": now + timedelta(days=1)}},
                                         return_document=ReturnDocument.AFTER)
    assert updated["seenAt"] == now and updated["meta"]["at"] == now
    assert updated["latest"] == now and updated["expiresAt"] == now + timedelta(days=1)
    # ...and compare as dates in queries.
    assert things.count_documents({"expiresAt": {"$gt": now}}) == 1
    assert things.count_documents({"seenAt": {"$lt": now}}) == 0


def test_booleans_written_by_update_operators_stay_booleans(harness):
    flags = harness.db["flags"]
    flags.insert_one({"_id": 1, "prefs": {}})
    flags.update_one({"_id": 1}, {"$set": {"on": True, "off": False, "prefs.mail": False}})
    doc = flags.find_one({"_id": 1})
    assert (doc["on"], doc["off"], doc["prefs"]["mail"]) == (True, False, False)
    assert type(doc["off"]) is bool
    assert flags.count_documents({"off": False, "on": True}) == 1


def test_a_capped_upsert_refuses_at_the_cap_like_mongodb(harness):
    counters = harness.db["counters"]
    for _ in range(2):
        counters.update_one({"_id": "k", "n": {"$lt": 2}}, {"$inc": {"n": 1}}, upsert=True)
    with pytest.raises(DuplicateKeyError):
        counters.update_one({"_id": "k", "n": {"$lt": 2}}, {"$inc": {"n": 1}}, upsert=True)
    assert counters.find_one({"_id": "k"})["n"] == 2


def test_ttl_expiry_is_paced_like_mongodbs_monitor_not_run_on_every_read(harness):
    """neosqlite alone purges a TTL collection before every read (a scan: ~46 ms per lookup at
    100,000 documents); the embedded server here purges at most once a minute, as MongoDB's TTL
    monitor does, so an expired document may still be read for up to a minute."""
    from datetime import UTC, datetime

    from pymongo import ASCENDING, IndexModel

    leases = harness.db["paced_ttl"]
    leases.create_indexes([IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0)])
    leases.insert_one({"_id": "warm", "expiresAt": datetime(2999, 1, 1, tzinfo=UTC)})
    leases.find_one({"_id": "warm"})  # a purge may run once here ...
    leases.insert_one({"_id": "old", "expiresAt": datetime(2000, 1, 1, tzinfo=UTC)})
    for _ in range(3):  # ... but not again on each of these reads
        assert leases.find_one({"_id": "old"}) is not None
