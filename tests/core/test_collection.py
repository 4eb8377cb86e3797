"""The collection resource, owned documents, the id helper and per-plugin default tags."""

from __future__ import annotations

import pytest
from bson import ObjectId

from lightninghire import NotFound, StartupError, endpoint
from lightninghire.documents import object_id_or_404
from lightninghire.http.collection import CollectionResource
from lightninghire.pagination import given
from lightninghire.registry import RouteTable
from lightninghire.testing import assert_error, assert_ok
from tests.core import collection_plugin


@pytest.fixture
def harness(make_app):
    return make_app(plugins=["plans", "hello", "notes"], extra_plugins={"notes": collection_plugin})


def test_create_get_patch_delete_round_trip(harness):
    me = harness.api_caller()
    made = assert_ok(me.post("/api/test-notes", json={"text": "call Ada"}), 201)
    assert made == {"id": made["id"], "text": "call Ada", "pinned": False}
    path = f"/api/test-notes/{made['id']}"
    assert assert_ok(me.get(path)) == made
    changed = assert_ok(me.patch(path, json={"pinned": True}))
    assert changed == {**made, "pinned": True}
    assert assert_ok(me.get(path))["pinned"] is True
    assert assert_ok(me.delete(path)) == {"deleted": True}
    assert_error(me.get(path), 404, "NOT_FOUND")
    assert_error(me.delete(path), 404, "NOT_FOUND")


def test_another_users_document_is_404_for_every_item_responder(harness):
    owner, other = harness.api_caller(), harness.api_caller()
    note = assert_ok(owner.post("/api/test-notes", json={"text": "mine"}), 201)
    path = f"/api/test-notes/{note['id']}"
    for result in (other.get(path), other.patch(path, json={"text": "yours now"}),
                   other.delete(path)):
        error = assert_error(result, 404, "NOT_FOUND")
        assert error["message"] == "No such note."
        assert "mine" not in result.text
    assert assert_ok(other.get("/api/test-notes"))["items"] == []
    assert assert_ok(owner.get(path)) == note  # untouched by the other user's attempts
    # A malformed id answers exactly like an unknown one.
    for bad in ("nope", "0" * 24, "z" * 24):
        assert assert_error(owner.get(f"/api/test-notes/{bad}"), 404,
                            "NOT_FOUND")["message"] == "No such note."


def test_list_paginates_newest_first_with_a_cursor_and_filters(harness):
    me = harness.api_caller(tier="pro")
    ids = [assert_ok(me.post("/api/test-notes", json={"text": f"n{i}", "pinned": i % 2 == 0}),
                     201)["id"] for i in range(5)]
    first = assert_ok(me.get("/api/test-notes", params={"limit": 2}))
    assert [n["id"] for n in first["items"]] == ids[::-1][:2]
    second = assert_ok(me.get("/api/test-notes",
                              params={"limit": 2, "cursor": first["nextCursor"]}))
    third = assert_ok(me.get("/api/test-notes",
                             params={"limit": 2, "cursor": second["nextCursor"]}))
    assert [n["id"] for n in second["items"] + third["items"]] == ids[::-1][2:]
    assert third["nextCursor"] is None
    pinned = assert_ok(me.get("/api/test-notes", params={"pinned": "true"}))
    assert [n["text"] for n in pinned["items"]] == ["n4", "n2", "n0"]
    error = assert_error(me.get("/api/test-notes", params={"limit": 500}), 400, "VALIDATION")
    assert "limit" in error["fields"]


def test_declared_options_apply_feature_schemas_and_auth(harness):
    me = harness.api_caller()  # free tier: three notes in all
    error = assert_error(me.post("/api/test-notes", json={"text": "x", "colour": "red"}),
                         400, "VALIDATION")
    assert error["fields"] == {"colour": ["Unknown field."]}
    for i in range(3):
        assert_ok(me.post("/api/test-notes", json={"text": f"n{i}"}), 201)
    error = assert_error(me.post("/api/test-notes", json={"text": "one more"}),
                         402, "PAYMENT_REQUIRED")
    assert error["upgradeHint"]
    assert_error(harness.client.simulate_get("/api/test-notes"), 401, "UNAUTHENTICATED")


def test_undeclared_responders_are_not_served_and_overrides_win(harness):
    me = harness.api_caller()
    note = assert_ok(me.post("/api/test-archive", json={"text": "old"}), 202)
    assert_error(me.get("/api/test-archive"), 405, "METHOD_NOT_ALLOWED")
    assert_error(me.patch(f"/api/test-archive/{note['id']}", json={"text": "new"}), 405,
                 "METHOD_NOT_ALLOWED")
    # on_get_item is declared for sessions only: an API key is refused.
    assert_error(me.get(f"/api/test-archive/{note['id']}"), 401, "UNAUTHENTICATED")
    assert assert_ok(me.delete(f"/api/test-archive/{note['id']}")) == {
        "id": note["id"], "deleted": True}


def test_openapi_operations_carry_summaries_schemas_and_tags(harness):
    paths = harness.client.simulate_get("/api/openapi.json").json["paths"]
    listing, create = paths["/api/test-notes"]["get"], paths["/api/test-notes"]["post"]
    assert listing["summary"] == "The caller's notes, newest first."
    data = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert data["properties"]["data"]["anyOf"][0] == {"$ref": "#/components/schemas/NoteOutPage"}
    assert {p["name"] for p in listing["parameters"]} >= {"limit", "cursor", "pinned"}
    assert create["summary"] == "Keep a note."
    assert create["description"] == "Three in all on the free tier."
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NoteIn"}
    assert set(create["responses"]) >= {"201", "402"}
    item = paths["/api/test-notes/{id}"]
    assert set(item) == {"get", "patch", "delete"}
    assert item["patch"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NotePatch"}
    assert "429" in item["delete"]["responses"]
    # A group's tags, else the owning plugin's name; a responder's own tags still win.
    assert {op["tags"][0] for op in item.values()} == {"notes"}
    assert paths["/api/test-archive"]["post"]["tags"] == ["notes"]  # the plugin is "notes"
    assert paths["/api/hello"]["get"]["tags"] == ["hello"]


def test_route_group_defaults_nest_and_end_with_the_block():
    class Thing:
        @endpoint()
        def on_get(self, req, resp):
            """Get."""

        @endpoint(tags="own")
        def on_post(self, req, resp):
            """Post."""

    routes = RouteTable()
    routes.owner = "plugin"
    with routes.group(tags="outer", auth="public"):
        routes.add("/api/a", Thing())
        with routes.group(tags="inner"):
            routes.add("/api/b", Thing())
    routes.add("/api/c", Thing())
    got = {(op.path, op.method): (op.options.tags, op.options.auth) for op in routes.operations()}
    assert got[("/api/a", "GET")] == (("outer",), ("public",))
    assert got[("/api/b", "GET")] == (("inner",), ("public",))
    assert got[("/api/b", "POST")] == (("own",), ("public",))
    assert got[("/api/c", "GET")] == (("plugin",), ("session", "api_key"))
    with pytest.raises(StartupError, match="route group"), routes.group(colour="red"):
        pass


def test_endpoints_naming_an_unknown_responder_is_refused():
    with pytest.raises(TypeError, match="on_put"):
        class Wrong(CollectionResource):
            endpoints = {"on_put": endpoint()}


def test_object_id_or_404():
    oid = ObjectId()
    assert object_id_or_404(str(oid)) == oid
    assert object_id_or_404(oid) is oid
    for bad in (None, 12, "", "x" * 24, str(oid)[:-1], str(oid) + "0"):
        with pytest.raises(NotFound, match=r"^No such interview\.$"):
            object_id_or_404(bad, "interview")


def test_given_keeps_only_the_filters_a_query_gives():
    query = {"status": "sent", "channel": None, "contactId": "", "limit": 20, "tag": 0}
    assert given(query, "status", "channel", "contactId", "tag", "absent") == {"status": "sent"}
