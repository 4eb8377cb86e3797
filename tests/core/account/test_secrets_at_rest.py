"""Read the database itself: no password, session token, API key or provider key in the clear."""

from __future__ import annotations

from bson import json_util

from lightninghire.testing import TEST_PASSWORD, assert_ok


def everything(h) -> str:
    db = h.db.mongo
    return "\n".join(json_util.dumps(list(db[name].find())) for name in db.list_collection_names())


def test_no_secret_is_stored_in_the_clear(make_app):
    h = make_app(plugins=[])
    signup = h.client.simulate_post("/api/auth/signup", json={
        "email": "secretive@example.com", "password": TEST_PASSWORD, "name": "S"})
    session_token = signup.cookies["lh_session"].value
    caller = h.session_caller(h.account.users.by_email("secretive@example.com"))
    provider_key = "sk-provider-key-0123456789abcdef"
    assert_ok(caller.put("/api/settings/provider-keys/openai", json={"apiKey": provider_key}))
    api_key = assert_ok(caller.post("/api/me/api-keys", json={"name": "k"}), 201)["key"]
    dump = everything(h)
    for secret in (TEST_PASSWORD, session_token, caller.secret, api_key, provider_key,
                   api_key.removeprefix("lh_live_")):
        assert secret not in dump
    user = h.db["users"].find_one({"email": "secretive@example.com"})
    assert user["passwordHash"].startswith("$argon2id$")
