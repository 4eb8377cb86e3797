"""The hello plugin tests itself with the fixtures LightningHire registers with pytest."""

from __future__ import annotations

import json

from lightninghire.testing import assert_error, assert_ok


def test_greets_by_name_with_configurable_text(make_app):
    harness = make_app(plugins=["hello"], settings={"plugins.hello.greeting": "Howdy {name}"})
    result = harness.client.simulate_get("/api/hello", params={"name": "Grace"})
    assert assert_ok(result) == {"message": "Howdy Grace"}


def test_rejects_unknown_and_oversized_query_parameters(make_app):
    client = make_app(plugins=["hello"]).client
    assert_error(client.simulate_get("/api/hello", params={"name": "x" * 81}), 400, "VALIDATION")
    assert_error(client.simulate_get("/api/hello", params={"nam": "typo"}), 400, "VALIDATION")


def test_greetings_need_a_signed_in_caller(make_app):
    client = make_app(plugins=["hello"]).client
    result = client.simulate_post("/api/hello/greetings", body=json.dumps({"name": "Ada"}),
                                  headers={"Content-Type": "application/json"})
    assert_error(result, 401, "UNAUTHENTICATED")


def test_tidy_task_deletes_only_greetings_past_retention(make_app, clock):
    harness = make_app(plugins=["hello"], settings={"plugins.hello.retention_days": 30})
    greetings = harness.db["hello_greetings"]
    greetings.insert_one({"userId": "u1", "name": "old", "message": "Hi", "createdAt": clock.now()})
    clock.advance(days=20)
    greetings.insert_one({"userId": "u1", "name": "new", "message": "Hi", "createdAt": clock.now()})
    clock.advance(days=11)
    result = harness.services.tasks.specs["hello-tidy"].run()
    assert result == {"processed": 1}
    assert [g["name"] for g in greetings.find()] == ["new"]


def test_greetings_are_stored_listed_and_capped_for_free_users(make_app):
    harness = make_app(plugins=["plans", "hello"])  # plans declares the tiers the caps name
    caller = harness.api_caller()
    for name in ("Ada", "Grace", "Linus"):
        assert_ok(caller.post("/api/hello/greetings", json={"name": name}), 201)
    refused = caller.post("/api/hello/greetings", json={"name": "Ken"})
    assert_error(refused, 402, "PAYMENT_REQUIRED")
    page = assert_ok(caller.get("/api/hello/greetings", params={"limit": "2"}))
    assert [g["name"] for g in page["items"]] == ["Linus", "Grace"] and page["nextCursor"]
    rest = assert_ok(caller.get("/api/hello/greetings", params={"cursor": page["nextCursor"]}))
    assert [g["name"] for g in rest["items"]] == ["Ada"] and rest["nextCursor"] is None
    # Another user sees none of them.
    assert assert_ok(harness.api_caller().get("/api/hello/greetings"))["items"] == []


def test_pro_users_store_unlimited_greetings(make_app):
    caller = make_app(plugins=["hello"]).api_caller(tier="pro")
    for i in range(5):
        assert_ok(caller.post("/api/hello/greetings", json={"name": f"n{i}"}), 201)
