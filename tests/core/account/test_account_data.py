"""Account export and deletion reach every enabled plugin's registered collections."""

from __future__ import annotations

import pytest

from lightninghire.testing import TEST_PASSWORD, assert_error, assert_ok


@pytest.fixture
def h(make_app):
    return make_app(plugins=["hello"])


def seed_greetings(h, user, names):
    for name in names:
        h.services.db["hello_greetings"].insert_one({
            "userId": str(user["_id"]), "name": name, "message": f"Hello, {name}!",
            "createdAt": h.services.clock.now()})


def test_export_holds_the_users_data_from_every_plugin_and_no_secrets(h):
    caller = h.session_caller(tier="pro")
    other = h.create_user()
    seed_greetings(h, caller.user, ["Ada", "Grace"])
    seed_greetings(h, other, ["Mallory"])
    assert_ok(caller.post("/api/me/api-keys", json={"name": "k"}), 201)
    assert_ok(caller.put("/api/settings/provider-keys/openai", json={"apiKey": "sk-secret-ABCD"}))
    result = caller.get("/api/account/export")
    data = assert_ok(result)
    greetings = data["collections"]["hello_greetings"]
    assert sorted(d["name"] for d in greetings["documents"]) == ["Ada", "Grace"]
    assert greetings["plugin"] == "hello" and greetings["truncated"] is False
    assert len(data["collections"]["api_keys"]["documents"]) == 1
    assert data["user"]["email"] == caller.user["email"]
    assert data["settings"]["providerKeys"]["openai"]["last4"] == "ABCD"
    for secret in ("passwordHash", "tokenHash", '"hash"', "ciphertext", "sk-secret", "Mallory"):
        assert secret not in result.text


def test_delete_needs_the_password(h):
    caller = h.session_caller()
    assert_error(caller.delete("/api/account", json={"password": "not-my-password"}), 400,
                 "VALIDATION")
    assert_error(caller.delete("/api/account"), 400, "VALIDATION")
    assert_ok(caller.get("/api/me"))


def test_delete_removes_every_owned_document_and_signs_out_everywhere(h):
    caller = h.session_caller(tier="pro")
    key = h.api_caller(caller.user)
    other = h.create_user()
    seed_greetings(h, caller.user, ["Ada"])
    seed_greetings(h, other, ["Kept"])
    data = assert_ok(caller.delete("/api/account", json={"password": TEST_PASSWORD}))
    assert data["deleted"]["hello_greetings"] == 1 and data["deleted"]["sessions"] >= 1
    user_id = caller.user["_id"]
    assert h.db["users"].count_documents({"_id": user_id}) == 0
    for name in ("hello_greetings", "sessions", "api_keys"):
        assert h.db[name].count_documents({"userId": str(user_id)}) == 0
    assert h.db["hello_greetings"].count_documents({"userId": str(other["_id"])}) == 1
    assert_error(caller.get("/api/me"), 401, "UNAUTHENTICATED")
    assert_error(key.get("/api/me"), 401, "UNAUTHENTICATED")
    assert [e.name for e in h.events][-1] == "user.deleted"
    assert h.mail[-1].to == caller.user["email"] and "deleted" in h.mail[-1].subject


def test_a_disabled_plugins_data_is_still_exported_and_deleted(make_app):
    """Issue 18 #17: user-data collections are recorded in the database when first declared, so
    turning a plugin off does not orphan what it stored."""
    before = make_app(plugins=["plans", "outreach"])
    owner, other = before.api_caller(tier="pro"), before.api_caller(tier="pro")
    for caller, name in ((owner, "Ada Contact"), (other, "Kept Contact")):
        assert_ok(caller.post("/api/contacts", json={"name": name}), 201)
    contacts = before.db["outreach_contacts"]

    def held_by(caller):
        user_id = caller.user["_id"]
        return contacts.count_documents({"userId": {"$in": [user_id, str(user_id)]}})

    assert held_by(owner) == held_by(other) == 1

    # Restarted without the plugin: its routes are gone, its data is not forgotten.
    after = make_app(plugins=["plans", "hello"])  # plans: the roles its users hold
    assert after.client.simulate_get("/api/contacts").status_code == 404
    caller = after.api_caller(owner.user)
    exported = assert_ok(caller.get("/api/account/export"))["collections"]
    assert [d["name"] for d in exported["outreach_contacts"]["documents"]] == ["Ada Contact"]
    assert exported["outreach_contacts"]["plugin"] == "outreach"
    deleted = assert_ok(caller.delete("/api/account", json={"password": TEST_PASSWORD}))["deleted"]
    assert deleted["outreach_contacts"] == 1
    assert held_by(owner) == 0 and held_by(other) == 1
    # What is recorded: name, owner field, plugin (private fields stay out of exports too).
    record = after.db["user_data_collections"].find_one({"_id": "api_keys"})
    assert (record["ownerField"], record["plugin"], record["privateFields"]) == (
        "userId", "account", ["hash"])
