"""The hello plugin, tested through HTTP with the fixtures LightningHire registers with pytest
(``make_app``, ``clock``, ``db_commands``...): a real app on a real database, nothing mocked.
It imports the core through ``lightninghire.api`` and ``lightninghire.testing`` only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lightninghire.api import StartupError
from lightninghire.testing import TEST_CRON_SECRET, TEST_PASSWORD, assert_error, assert_ok

GREETINGS = "/api/hello/greetings"


@pytest.fixture
def app(make_app):
    """hello with the plans plugin, which declares the tiers its cap names."""
    return make_app(plugins=["plans", "hello"])


# -- routes, schemas, endpoint options ------------------------------------------------------------

def test_greets_by_name_with_the_default_text(make_app):
    client = make_app(plugins=["hello"]).client
    assert assert_ok(client.simulate_get("/api/hello", params={"name": "Grace"})) == {
        "message": "Hello, Grace!"}
    assert assert_ok(client.simulate_get("/api/hello")) == {"message": "Hello, world!"}


def test_rejects_unknown_and_oversized_input(app):
    client, caller = app.client, app.api_caller()
    assert_error(client.simulate_get("/api/hello", params={"name": "x" * 81}), 400, "VALIDATION")
    assert_error(client.simulate_get("/api/hello", params={"nam": "typo"}), 400, "VALIDATION")
    assert_error(caller.post(GREETINGS, json={"name": "Ada", "admin": True}), 400, "VALIDATION")
    assert_error(caller.post(GREETINGS, json={"name": ""}), 400, "VALIDATION")
    assert_error(caller.post(GREETINGS, json={}), 400, "VALIDATION")
    assert_error(caller.get(GREETINGS, params={"limit": "1000"}), 400, "VALIDATION")
    assert app.db["hello_greetings"].count_documents({}) == 0


def test_the_public_post_is_rate_limited_per_client(app):
    client = app.client
    for _ in range(10):
        assert_ok(client.simulate_post("/api/hello", json={"name": "Ada"}))
    refused = client.simulate_post("/api/hello", json={"name": "Ada"})
    assert_error(refused, 429, "RATE_LIMIT")
    assert int(refused.headers["Retry-After"]) > 0


def test_greetings_need_a_signed_in_caller(app):
    assert_error(app.client.simulate_post(GREETINGS, json={"name": "Ada"}), 401,
                 "UNAUTHENTICATED")
    assert_error(app.client.simulate_get(GREETINGS), 401, "UNAUTHENTICATED")


def test_the_openapi_document_names_the_schemas_and_the_route_docs(app):
    document = app.client.simulate_get("/api/openapi.json").json
    paths, schemas = document["paths"], document["components"]["schemas"]
    assert set(paths[GREETINGS]) == {"get", "post"}
    assert set(paths[GREETINGS + "/{id}"]) == {"get", "patch", "delete"}
    post = paths[GREETINGS]["post"]
    assert post["summary"] == "Store a greeting for the caller."
    assert "3 greetings" in post["description"] and {"201", "402"} <= set(post["responses"])
    assert post["tags"] == ["hello"]  # the plugin's name, by default
    assert schemas["HelloGreeting"]["properties"]["createdAt"]
    assert schemas["GreetingIn"]["properties"]["name"]["maxLength"] == 80
    assert {p["name"] for p in paths[GREETINGS]["get"]["parameters"]} == {"limit", "cursor", "name"}
    assert paths["/api/hello"]["post"]["description"].startswith("Nothing is stored.")
    assert "429" in paths["/api/hello"]["post"]["responses"]
    assert paths["/api/hello/stats"]["get"]["summary"] == "Greeting counts, for admins."


# -- the collection: owned, paginated, indexed ----------------------------------------------------

def test_greetings_are_created_read_renamed_and_deleted_by_their_owner(app):
    caller = app.api_caller(tier="pro")
    created = assert_ok(caller.post(GREETINGS, json={"name": "Ada"}), 201)
    assert (created["name"], created["message"]) == ("Ada", "Hello, Ada!")
    item = f"{GREETINGS}/{created['id']}"
    assert assert_ok(caller.get(item)) == created
    renamed = assert_ok(caller.patch(item, json={"name": "Grace"}))
    assert (renamed["name"], renamed["message"]) == ("Grace", "Hello, Grace!")
    assert assert_ok(caller.get(item))["message"] == "Hello, Grace!"
    assert assert_ok(caller.delete(item)) == {"deleted": True}
    assert_error(caller.get(item), 404, "NOT_FOUND")
    stored = app.db["hello_greetings"].find_one({})
    assert stored is None


def test_another_users_greeting_is_404_like_a_missing_one(app):
    owner, other = app.api_caller(), app.api_caller()
    greeting = assert_ok(owner.post(GREETINGS, json={"name": "Ada"}), 201)
    item = f"{GREETINGS}/{greeting['id']}"
    for result in (other.get(item), other.patch(item, json={"name": "Eve"}), other.delete(item),
                   owner.get(f"{GREETINGS}/not-an-id"), owner.get(f"{GREETINGS}/{'0' * 24}")):
        error = assert_error(result, 404, "NOT_FOUND")
        assert error["message"] == "No such greeting."
    assert assert_ok(other.get(GREETINGS))["items"] == []
    assert assert_ok(owner.get(item))["name"] == "Ada"  # untouched


def test_lists_paginate_newest_first_and_filter_by_name(app, clock):
    caller = app.api_caller(tier="pro")
    for name in ("Ada", "Grace", "Linus", "Ada"):
        assert_ok(caller.post(GREETINGS, json={"name": name}), 201)
        clock.advance(seconds=1)
    page = assert_ok(caller.get(GREETINGS, params={"limit": "3"}))
    assert [g["name"] for g in page["items"]] == ["Ada", "Linus", "Grace"] and page["nextCursor"]
    rest = assert_ok(caller.get(GREETINGS, params={"cursor": page["nextCursor"]}))
    assert [g["name"] for g in rest["items"]] == ["Ada"] and rest["nextCursor"] is None
    adas = assert_ok(caller.get(GREETINGS, params={"name": "Ada"}))["items"]
    assert [g["name"] for g in adas] == ["Ada", "Ada"]


def test_the_collection_and_its_indexes_exist_at_startup(app):
    indexes = app.db["hello_greetings"].index_information().values()
    keys = [[field for field, _direction in index["key"]] for index in indexes]
    assert ["userId", "createdAt"] in keys and ["createdAt"] in keys
    spec = app.services.collections.specs["hello_greetings"]
    assert (spec.owner_field, spec.plugin) == ("userId", "hello")


def test_listing_is_one_query_of_the_callers_documents(db_commands, make_app):
    app = make_app(plugins=["hello"])  # after db_commands: its listener sees the app's client
    caller = app.api_caller()
    assert_ok(caller.post(GREETINGS, json={"name": "Ada"}), 201)
    with db_commands.capture(app.services.db.name) as sent:
        assert_ok(caller.get(GREETINGS))
    greetings = [c for c in sent if c.collection == "hello_greetings"]
    assert [c.name for c in greetings] == ["find"]
    assert greetings[0].filter == {"userId": str(caller.user["_id"])}


# -- the capped feature -------------------------------------------------------------------------

def test_free_accounts_store_three_greetings_then_get_402_with_an_upgrade_hint(app):
    caller = app.api_caller()  # the default user type starts on the free tier
    for name in ("Ada", "Grace", "Linus"):
        assert_ok(caller.post(GREETINGS, json={"name": name}), 201)
    error = assert_error(caller.post(GREETINGS, json={"name": "Ken"}), 402, "PAYMENT_REQUIRED")
    assert (error["feature"], error["limit"], error["used"]) == ("hello_greetings", 3, 3)
    # The plans plugin's wording while no plugin sells plans; billing's selling shows ours.
    assert error["upgradeHint"].startswith("Greetings: ")
    assert app.db["hello_greetings"].count_documents({}) == 3
    # The cap is per user, and deleting does not give a "total" allowance back.
    assert_ok(app.api_caller().post(GREETINGS, json={"name": "Ken"}), 201)
    first = assert_ok(caller.get(GREETINGS))["items"][0]
    assert_ok(caller.delete(f"{GREETINGS}/{first['id']}"))
    assert_error(caller.post(GREETINGS, json={"name": "Ken"}), 402, "PAYMENT_REQUIRED")


def test_the_entitlements_route_shows_the_cap(app):
    caller = app.api_caller()
    assert_ok(caller.post(GREETINGS, json={"name": "Ada"}), 201)
    feature = assert_ok(caller.get("/api/entitlements"))["features"]["hello_greetings"]
    assert (feature["label"], feature["window"]) == ("Greetings", "total")
    assert (feature["allowed"], feature["currentUsage"], feature["remaining"]) == (True, 1, 2)
    pro = assert_ok(app.api_caller(tier="pro").get("/api/entitlements"))
    assert pro["features"]["hello_greetings"]["limit"] is None


def test_pro_accounts_store_unlimited_greetings(app):
    caller = app.api_caller(tier="pro")
    for i in range(5):
        assert_ok(caller.post(GREETINGS, json={"name": f"n{i}"}), 201)


def test_without_the_plans_plugin_the_stored_tier_still_meets_the_cap(make_app):
    harness = make_app(plugins=["hello"])
    caller = harness.api_caller(tier="free")
    for i in range(3):
        assert_ok(caller.post(GREETINGS, json={"name": f"n{i}"}), 201)
    error = assert_error(caller.post(GREETINGS, json={"name": "n3"}), 402, "PAYMENT_REQUIRED")
    # No plugin sells plans and none declares the self-hosted wording: the feature's own hint.
    assert error["upgradeHint"] == "Upgrade to Pro to store unlimited greetings."
    assert (error["feature"], error["limit"], error["used"]) == ("hello_greetings", 3, 3)


# -- a permission for one role --------------------------------------------------------------------

def test_only_admins_read_the_stats(app):
    member = app.api_caller(tier="pro")
    assert_ok(member.post(GREETINGS, json={"name": "Ada"}), 201)
    assert_error(member.get("/api/hello/stats"), 403, "FORBIDDEN")
    assert_error(app.client.simulate_get("/api/hello/stats"), 401, "UNAUTHENTICATED")
    admin = app.api_caller(roles=["admin"])
    assert assert_ok(admin.get("/api/hello/stats")) == {"stored": 1, "saidSinceStart": 1}
    assert assert_ok(app.api_caller(roles=["super_admin"]).get("/api/hello/stats"))["stored"] == 1


# -- per-app state --------------------------------------------------------------------------------

def test_state_is_per_app_not_per_process(make_app):
    first, second = make_app(plugins=["hello"]), make_app(plugins=["hello"])
    for _ in range(2):
        assert_ok(first.client.simulate_get("/api/hello"))
    assert_ok(second.client.simulate_get("/api/hello"))
    stats = "/api/hello/stats"
    assert assert_ok(first.api_caller(roles=["admin"]).get(stats))["saidSinceStart"] == 2
    assert assert_ok(second.api_caller(roles=["admin"]).get(stats))["saidSinceStart"] == 1


# -- settings -------------------------------------------------------------------------------------

def test_settings_come_typed_from_the_plugins_table(make_app, clock):
    # Overrides stand in for [plugins.hello] and LIGHTNINGHIRE_PLUGINS__HELLO__* (text, as the
    # environment gives it: the schema makes it an integer).
    harness = make_app(plugins=["plans", "cron", "hello"],
                       settings={"plugins.hello.greeting": "Howdy {name}",
                                 "plugins.hello.retention_days": "45"})
    assert assert_ok(harness.client.simulate_get("/api/hello", params={"name": "Grace"})) == {
        "message": "Howdy Grace"}
    greetings = harness.db["hello_greetings"]
    greetings.insert_one({"userId": "u1", "name": "kept", "message": "Hi",
                          "createdAt": clock.now() - timedelta(days=40)})
    assert run_tidy(harness)["processed"] == 0  # 40 days < 45


@pytest.mark.parametrize(("key", "value", "says"), [
    ("retention_days", "soon", "setting retention_days: Not a valid integer"),
    ("retention_days", 0, "setting retention_days"),
    ("greeting", "Hello!", "setting greeting: Must contain {name}"),
    ("greeting", "Hi {nam}", "setting greeting: Use {name} as the only field"),
    ("greting", "Hi {name}", "greting"),
])
def test_a_bad_setting_stops_startup_naming_plugin_and_key(make_app, key, value, says):
    with pytest.raises(StartupError, match=r"plugin 'hello': ") as raised:
        make_app(plugins=["hello"], settings={f"plugins.hello.{key}": value})
    assert says in str(raised.value)


# -- the scheduled task ---------------------------------------------------------------------------

def run_tidy(harness):
    result = harness.client.simulate_get(
        "/api/cron/hello-tidy", headers={"Authorization": f"Bearer {TEST_CRON_SECRET}"})
    return assert_ok(result)


def test_tidy_runs_on_schedule_deletes_only_old_greetings_and_is_idempotent(make_app, clock):
    harness = make_app(plugins=["plans", "cron", "hello"])
    spec = harness.services.tasks.specs["hello-tidy"]
    assert (spec.schedule, spec.plugin) == ("0 * * * *", "hello")  # hourly, UTC
    caller = harness.api_caller(tier="pro")
    assert_ok(caller.post(GREETINGS, json={"name": "old"}), 201)
    clock.advance(days=20)
    assert_ok(caller.post(GREETINGS, json={"name": "new"}), 201)
    clock.advance(days=11)
    assert run_tidy(harness)["processed"] == 1
    assert run_tidy(harness)["processed"] == 0  # a repeated run changes nothing
    assert [g["name"] for g in assert_ok(caller.get(GREETINGS))["items"]] == ["new"]
    assert_error(harness.client.simulate_get("/api/cron/hello-tidy"), 401, "UNAUTHENTICATED")


# -- events ---------------------------------------------------------------------------------------

def test_storing_a_greeting_emits_the_declared_event(app):
    caller = app.api_caller()
    greeting = assert_ok(caller.post(GREETINGS, json={"name": "Ada"}), 201)
    greeted = [e for e in app.events if e.name == "hello.greeted"]
    assert len(greeted) == 1
    assert greeted[0].user_id == str(caller.user["_id"])
    assert greeted[0].payload == {"name": "Ada", "greetingId": greeting["id"]}
    assert "hello.greeted" in app.services.plugins.declared_events()


def test_a_deleted_users_greetings_go_with_the_account(app):
    caller, other = app.session_caller(tier="pro"), app.api_caller(tier="pro")
    assert_ok(caller.post(GREETINGS, json={"name": "Ada"}), 201)
    assert_ok(other.post(GREETINGS, json={"name": "Kept"}), 201)
    assert_ok(caller.delete("/api/account", json={"password": TEST_PASSWORD}))
    assert "user.deleted" in [e.name for e in app.events]
    assert [g["name"] for g in app.db["hello_greetings"].find()] == ["Kept"]


def test_the_user_deleted_handler_forgets_the_users_greetings_itself(app):
    """The hook on its own: the account part emits user.deleted, hello deletes (idempotently)."""
    caller, other = app.api_caller(tier="pro"), app.api_caller(tier="pro")
    assert_ok(caller.post(GREETINGS, json={"name": "Ada"}), 201)
    assert_ok(other.post(GREETINGS, json={"name": "Kept"}), 201)
    for _ in range(2):
        app.services.events.emit("user.deleted", {"email": caller.user["email"]},
                                 user_id=str(caller.user["_id"]))
    assert [g["name"] for g in app.db["hello_greetings"].find()] == ["Kept"]


# -- the CLI command ------------------------------------------------------------------------------

def test_the_cli_command_prints_the_stored_count(app, capsys):
    import argparse
    import json

    import lightninghire_hello
    from lightninghire.api import CommandRegistry

    assert_ok(app.api_caller(tier="pro").post(GREETINGS, json={"name": "Ada"}), 201)
    registry = CommandRegistry()
    lightninghire_hello.register_commands(registry)
    parser = argparse.ArgumentParser(prog="lightninghire")
    sub = parser.add_subparsers(dest="command", required=True)
    registry.commands["hello"].configure(sub.add_parser("hello"))
    args = parser.parse_args(["hello", "stats"])
    assert registry.commands["hello"].run(args, app.services) == 0
    assert json.loads(capsys.readouterr().out) == {"stored": 1}
