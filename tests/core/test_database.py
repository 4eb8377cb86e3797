"""The database service against the real embedded server (nx-27017) through pymongo."""

from __future__ import annotations

import os

import pytest
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from lightninghire.db import Database
from lightninghire.embedded import EmbeddedMongo
from lightninghire.registry import CollectionSpec
from lightninghire.testing import assert_error, assert_ok


def test_each_test_gets_a_fresh_database(harness):
    # Registered collections exist (their indexes are created), but hold nothing yet.
    assert "scratch" not in harness.db.mongo.list_collection_names()
    assert harness.db["users"].count_documents({}) == 0
    harness.db["scratch"].insert_one({"n": 1})
    assert harness.db["scratch"].count_documents({}) == 1


def test_registered_indexes_are_created_and_enforced_idempotently(lh_settings):
    db = Database(lh_settings.database.uri, lh_settings.database.name)
    spec = CollectionSpec("people", (IndexModel([("email", ASCENDING)], unique=True),), "userId",
                          "test")
    db.ensure_collections([spec])
    db.ensure_collections([spec])  # a restart creates nothing twice
    db["people"].insert_one({"email": "a@example.com"})
    with pytest.raises(DuplicateKeyError):
        db["people"].insert_one({"email": "a@example.com"})
    db.close()


def test_datetimes_come_back_utc_aware_and_serialize_with_z(harness, clock):
    harness.db["stamps"].insert_one({"at": clock.now()})
    stored = harness.db["stamps"].find_one()["at"]
    assert stored == clock.now() and stored.utcoffset().total_seconds() == 0


def test_a_forked_process_gets_its_own_client(lh_settings):
    db = Database(lh_settings.database.uri, lh_settings.database.name)
    db["forks"].insert_one({"from": "parent"})
    parent_client = db.client
    pid = os.fork()
    if pid == 0:  # child: must not reuse the parent's sockets
        code = 0
        try:
            if db.client is parent_client:
                code = 3
            else:
                db["forks"].insert_one({"from": "child"})
        except Exception:
            code = 4
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert db["forks"].count_documents({}) == 2
    db.close()


def test_health_reports_the_database_down_as_503(make_app):
    from lightninghire.embedded import free_port

    harness = make_app(settings={"database.uri": f"mongodb://127.0.0.1:{free_port()}/",
                                 "database.timeout_ms": 200}, prepare_database=False)
    error = assert_error(harness.client.simulate_get("/api/health"), 503, "DB_UNAVAILABLE")
    assert error["health"]["db"] == "down"


def test_an_unreachable_database_at_startup_is_named(lh_settings):
    from lightninghire import StartupError, create_app
    from lightninghire.embedded import free_port

    settings = lh_settings.with_overrides({
        "database.uri": f"mongodb://admin:pw@127.0.0.1:{free_port()}/", "database.timeout_ms": 200})
    with pytest.raises(StartupError, match=r"database at mongodb://admin:\*+@127") as caught:
        create_app(settings)
    assert ":pw@" not in str(caught.value)


def test_health_reports_status_version_plugins_and_db(make_app):
    data = assert_ok(make_app(plugins=["hello"]).client.simulate_get("/api/health"))
    assert data == {"status": "ok", "version": data["version"], "plugins": ["hello"], "db": "up"}


def test_embedded_server_keeps_data_across_restarts(tmp_path):
    folder = tmp_path / "data"
    with EmbeddedMongo(folder) as server:
        db = Database(server.uri, "persisted")
        db["things"].insert_one({"name": "kept"})
        db.close()
    with EmbeddedMongo(folder) as server:
        db = Database(server.uri, "persisted")
        assert db["things"].find_one({}, {"_id": 0}) == {"name": "kept"}
        db.close()
    assert (folder / "nx-27017.log").exists()


def test_building_stores_opens_no_connection_until_first_use(lh_settings):
    db = Database(lh_settings.database.uri, lh_settings.database.name)
    users = db["users"]  # what a store keeps from app build time
    assert db._client is None  # nothing connected yet: safe to fork after this
    users.insert_one({"n": 1})
    assert db._client is not None and users.count_documents({}) == 1
    db.close()
