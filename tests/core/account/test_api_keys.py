"""API keys: minted once, listed without secrets, revoked at once, scoped to their owner."""

from __future__ import annotations

import re

import pytest

from lightninghire.testing import assert_error, assert_ok

# The product's tiers, user types and roles are declared by the plans plugin (mentor by the
# interview plugin); the core names none of them.
PRODUCT = ["plans", "interview"]



@pytest.fixture
def h(make_app):
    return make_app(plugins=PRODUCT)


def test_a_pro_user_mints_a_key_shown_once(h, clock):
    caller = h.session_caller(tier="pro")
    data = assert_ok(caller.post("/api/me/api-keys", json={"name": "CLI"}), 201)
    assert re.fullmatch(r"lh_live_[A-Za-z0-9]{40}", data["key"])
    assert data["prefix"] == data["key"][:12] and data["name"] == "CLI"
    assert data["createdAt"].endswith("Z") and data["lastUsedAt"] is None
    listed = assert_ok(caller.get("/api/me/api-keys"))
    assert [k["id"] for k in listed] == [data["id"]]
    assert "key" not in listed[0] and data["key"] not in caller.get("/api/me/api-keys").text
    # The key acts as its user.
    me = h.client.simulate_get("/api/me", headers={"Authorization": f"Bearer {data['key']}"})
    assert assert_ok(me)["id"] == str(caller.user["_id"])


def test_a_free_user_gets_402_with_an_upgrade_hint(h):
    caller = h.session_caller()
    error = assert_error(caller.post("/api/me/api-keys", json={"name": "CLI"}), 402,
                         "PAYMENT_REQUIRED")
    # Self-hosted (no Stripe key): the way up is the user's own provider key.
    assert "OpenAI or Anthropic key" in error["upgradeHint"]


@pytest.mark.parametrize("tier", ["pro", "byok", "credits", "recruiter_pro"])
def test_paid_tiers_may_mint(h, tier):
    caller = h.session_caller(tier=tier)
    assert_ok(caller.post("/api/me/api-keys", json={"name": "k"}), 201)


def test_a_saved_provider_key_makes_a_free_user_byok(h):
    caller = h.session_caller()
    assert_ok(caller.put("/api/settings/provider-keys/openai", json={"apiKey": "sk-test-123456789"}))
    assert_ok(caller.post("/api/me/api-keys", json={"name": "byok"}), 201)


def test_revoking_a_key_refuses_it_on_the_very_next_request(h):
    caller = h.session_caller(tier="pro")
    key = assert_ok(caller.post("/api/me/api-keys", json={"name": "doomed"}), 201)
    bearer = {"Authorization": f"Bearer {key['key']}"}
    assert_ok(h.client.simulate_get("/api/me", headers=bearer))
    assert_ok(caller.delete(f"/api/me/api-keys/{key['id']}"))
    assert_error(h.client.simulate_get("/api/me", headers=bearer), 401, "UNAUTHENTICATED")
    assert assert_ok(caller.get("/api/me/api-keys")) == []


def test_another_users_key_id_is_404_and_survives(h):
    owner = h.api_caller(tier="pro")
    other = h.session_caller(tier="pro")
    key_id = str(h.db["api_keys"].find_one({"userId": str(owner.user["_id"])})["_id"])
    assert_error(other.delete(f"/api/me/api-keys/{key_id}"), 404, "NOT_FOUND")
    assert_error(other.delete("/api/me/api-keys/not-an-id"), 404, "NOT_FOUND")
    assert_ok(owner.get("/api/me"))


@pytest.mark.parametrize("token", [
    "lh_live_" + "A" * 40,            # well-formed, never minted
    "lh_live_short",
    "lh_test_whatever",
    "not-a-key-at-all",
])
def test_forged_keys_are_401(h, token):
    result = h.client.simulate_get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert_error(result, 401, "UNAUTHENTICATED")


def test_last_used_is_written_at_most_once_a_minute(h, clock):
    caller = h.api_caller(tier="pro")
    keys = h.db["api_keys"]
    assert_ok(caller.get("/api/me"))
    first = keys.find_one()["lastUsedAt"]
    assert first == clock.now()
    clock.advance(seconds=30)
    assert_ok(caller.get("/api/me"))
    assert keys.find_one()["lastUsedAt"] == first
    clock.advance(seconds=31)
    assert_ok(caller.get("/api/me"))
    assert keys.find_one()["lastUsedAt"] == clock.now()


def test_key_names_are_validated(h):
    caller = h.session_caller(tier="pro")
    assert_error(caller.post("/api/me/api-keys", json={}), 400, "VALIDATION")
    assert_error(caller.post("/api/me/api-keys", json={"name": "x" * 81}), 400, "VALIDATION")
