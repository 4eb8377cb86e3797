"""POST /api/telemetry and GET /api/telemetry/stats."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from lightninghire.testing import TEST_PASSWORD, assert_error, assert_ok

BATCH = {"events": [{"name": "page.view", "props": {"path": "/dashboard", "ms": 120}},
                    {"name": "mock.started", "props": {"type": "behavioral"},
                     "ts": "2031-01-01T10:00:00Z"}],
         "anonymousId": "anon_1234abcd"}


def post(client, body, **headers):
    return client.simulate_post("/api/telemetry", body=json.dumps(body),
                                headers={"Content-Type": "application/json", **headers})


def test_anonymous_events_are_stored_with_a_ttl_and_nothing_else(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    data = assert_ok(post(harness.client, BATCH, **{"X-Forwarded-For": "203.0.113.9"}), 202)
    assert data == {"accepted": 2, "dropped": 0, "reason": None}
    docs = list(harness.db["telemetry_events"].find({}, {"_id": 0}).sort("name", 1))
    assert [d["name"] for d in docs] == ["mock.started", "page.view"]
    stored = docs[1]
    assert set(stored) == {"name", "props", "clientTs", "userId", "anonymousId", "receivedAt",
                           "day", "expiresAt"}  # no IP address, no user agent
    assert stored["props"] == {"path": "/dashboard", "ms": 120}
    assert stored["userId"] is None and stored["anonymousId"] == "anon_1234abcd"
    assert stored["expiresAt"] == clock.now() + timedelta(days=90)
    assert docs[0]["clientTs"].isoformat().startswith("2031-01-01T10:00:00")
    ttl = [info for info in harness.db["telemetry_events"].index_information().values()
           if info["key"] == [("expiresAt", 1)]]
    assert ttl and ttl[0].get("expireAfterSeconds") == 0


def test_retention_is_configurable(make_app, clock):
    harness = make_app(plugins=["plans", "cron"], settings={"plugins.cron.telemetry_retention_days": 7})
    assert_ok(post(harness.client, BATCH), 202)
    doc = harness.db["telemetry_events"].find_one()
    assert doc["expiresAt"] == clock.now() + timedelta(days=7)


def test_signed_in_callers_events_carry_their_user_id(make_app):
    harness = make_app(plugins=["plans", "cron"])
    for caller in (harness.session_caller(), harness.api_caller()):
        result = caller.post("/api/telemetry", json={"events": [{"name": "page.view"}]})
        assert assert_ok(result, 202)["accepted"] == 1
        doc = harness.db["telemetry_events"].find_one({"userId": str(caller.user["_id"])})
        assert doc is not None and doc["anonymousId"] is None


def test_bad_or_cross_site_credentials_make_the_batch_anonymous(make_app):
    harness = make_app(plugins=["plans", "cron"])
    caller = harness.session_caller()
    cross_site = {"Cookie": caller.headers["Cookie"], "Origin": "https://evil.example"}
    assert_ok(post(harness.client, BATCH, **cross_site), 202)
    assert_ok(post(harness.client, BATCH, Cookie="lh_session=forged"), 202)
    owners = [doc["userId"] for doc in harness.db["telemetry_events"].find()]
    assert owners == [None] * 4


def test_users_who_opted_out_of_analytics_are_not_recorded(make_app):
    harness = make_app(plugins=["plans", "cron"])
    caller = harness.api_caller()
    assert_ok(caller.patch("/api/settings", json={"analyticsOptOut": True}))
    data = assert_ok(caller.post("/api/telemetry", json=BATCH), 202)
    assert data == {"accepted": 0, "dropped": 2, "reason": "opted-out"}
    assert harness.db["telemetry_events"].count_documents({}) == 0


@pytest.mark.parametrize("header", [{"DNT": "1"}, {"Sec-GPC": "1"}])
def test_do_not_track_is_honoured(make_app, header):
    harness = make_app(plugins=["plans", "cron"])
    data = assert_ok(post(harness.client, BATCH, **header), 202)
    assert (data["accepted"], data["reason"]) == (0, "do-not-track")
    assert harness.db["telemetry_events"].count_documents({}) == 0


@pytest.mark.parametrize("body", [
    {},
    {"events": []},
    {"events": [{"name": "page.view"}] * 51},
    {"events": [{"name": "page.view"}], "extra": 1},
    {"events": [{"name": "page.view", "userEmail": "a@b.c"}]},
    {"events": [{"name": "1starts-with-digit"}]},
    {"events": [{"name": "x" * 65}]},
    {"events": [{"name": "page.view", "props": {"nested": {"email": "a@b.c"}}}]},
    {"events": [{"name": "page.view", "props": {"list": [1, 2]}}]},
    {"events": [{"name": "page.view", "props": {"text": "x" * 501}}]},
    {"events": [{"name": "page.view", "props": {f"k{i}": i for i in range(21)}}]},
    {"events": [{"name": "page.view", "props": {"bad key": 1}}]},
    {"events": [{"name": "page.view", "ts": "yesterday"}]},
    {"events": [{"name": "page.view"}], "anonymousId": "short"},
    {"events": [{"name": "page.view"}], "anonymousId": "has spaces in it"},
])
def test_invalid_batches_are_rejected_whole(make_app, body):
    harness = make_app(plugins=["plans", "cron"])
    assert_error(post(harness.client, body), 400, "VALIDATION")
    assert harness.db["telemetry_events"].count_documents({}) == 0


def test_a_batch_over_the_size_cap_is_rejected(make_app):
    harness = make_app(plugins=["plans", "cron"])
    props = {f"k{i}": "x" * 95 for i in range(19)}  # ~2 KB per event, under the event cap
    body = {"events": [{"name": "page.view", "props": props}] * 20}  # ~40 KB in all
    error = assert_error(post(harness.client, body), 400, "VALIDATION")
    assert "events" in error["fields"]


def test_ingest_is_rate_limited_per_ip(make_app):
    harness = make_app(plugins=["plans", "cron"])
    small = {"events": [{"name": "page.view"}]}
    for _ in range(60):
        assert post(harness.client, small).status_code == 202
    refused = post(harness.client, small)
    assert_error(refused, 429, "RATE_LIMIT")
    assert int(refused.headers["Retry-After"]) > 0


def test_admins_see_aggregated_counts(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    assert_ok(post(harness.client, BATCH), 202)
    clock.advance(days=1)
    assert_ok(post(harness.client, {"events": [{"name": "page.view"}] * 3}), 202)
    admin = harness.api_caller(roles=["super_admin"])
    stats = assert_ok(admin.get("/api/telemetry/stats", params={"days": "7"}))
    assert stats["total"] == 5
    assert stats["events"] == [{"name": "page.view", "count": 4},
                               {"name": "mock.started", "count": 1}]
    assert [day["count"] for day in stats["byDay"]] == [2, 3]
    assert stats["from"] < stats["to"]
    only = assert_ok(admin.get("/api/telemetry/stats", params={"name": "mock.started"}))
    assert only["total"] == 1
    today = assert_ok(admin.get("/api/telemetry/stats", params={"days": "1"}))
    assert today["total"] == 3 and "T00:00:00" in today["from"]
    clock.advance(days=7)
    assert assert_ok(admin.get("/api/telemetry/stats"))["total"] == 0


def test_stats_are_for_admins_only(make_app):
    harness = make_app(plugins=["plans", "cron"])
    assert_error(harness.api_caller().get("/api/telemetry/stats"), 403, "FORBIDDEN")
    assert_error(harness.client.simulate_get("/api/telemetry/stats"), 401, "UNAUTHENTICATED")
    admin = harness.api_caller(roles=["super_admin"])
    assert_error(admin.get("/api/telemetry/stats", params={"days": "91"}), 400, "VALIDATION")


def test_events_are_in_the_account_export_and_go_with_the_account(make_app):
    harness = make_app(plugins=["plans", "cron"])
    leaving, staying = harness.api_caller(), harness.api_caller()
    for caller in (leaving, staying):
        assert_ok(caller.post("/api/telemetry", json=BATCH), 202)
    exported = assert_ok(leaving.get("/api/account/export"))["collections"]["telemetry_events"]
    assert sorted(doc["name"] for doc in exported["documents"]) == ["mock.started", "page.view"]
    assert_ok(leaving.delete("/api/account", json={"password": TEST_PASSWORD}))
    owners = {doc["userId"] for doc in harness.db["telemetry_events"].find()}
    assert owners == {str(staying.user["_id"])}
