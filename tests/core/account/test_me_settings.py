"""Profile, settings and BYOK provider keys."""

from __future__ import annotations

import pytest

from lightninghire.testing import assert_error, assert_ok

# The product's tiers, user types and roles are declared by the plans plugin (mentor by the
# interview plugin); the core names none of them.
PRODUCT = ["plans", "interview"]



@pytest.fixture
def caller(make_app):
    return make_app(plugins=PRODUCT).session_caller()


def test_me_and_its_user_alias_show_the_profile(caller):
    me = assert_ok(caller.get("/api/me"))
    assert me == assert_ok(caller.get("/api/user"))
    assert me["email"] == caller.user["email"] and "passwordHash" not in me


def test_onboarding_fields_are_saved_and_validated(caller):
    body = {"name": "Ada L.", "profile": {
        "currentRole": "Engineer", "searchStatus": "actively_looking",
        "targetRoles": ["Staff Engineer"], "dreamCompanies": ["Stripe"], "timeline": "asap",
        "minSalary": 150000, "targetSalary": 190000, "quickStart": "mock_interview",
        "activeOpportunityId": "65a000000000000000000001"}}
    data = assert_ok(caller.patch("/api/me", json=body))
    assert data["name"] == "Ada L." and data["profile"] == body["profile"]
    assert_ok(caller.patch("/api/me", json={"profile": {"timeline": "exploring"}}))
    profile = assert_ok(caller.get("/api/me"))["profile"]
    assert profile["timeline"] == "exploring" and profile["minSalary"] == 150000  # merged
    for bad in ({"profile": {"searchStatus": "bored"}}, {"profile": {"minSalary": -1}},
                {"profile": {"activeOpportunityId": "nope"}}, {"tier": "pro"},
                {"roles": ["super_admin"]}, {"email": "x@example.com"}):
        assert_error(caller.patch("/api/me", json=bad), 400, "VALIDATION")


def test_settings_have_defaults_and_merge_groups(make_app):
    # The preference groups are declared by the plugins that honour them: the default set.
    caller = make_app().session_caller()
    settings = assert_ok(caller.get("/api/settings"))
    assert settings["timezone"] == "UTC" and settings["notifications"]["digestReady"] is True
    assert settings["notifications"] == {
        "interviewReminders": True, "bookingChanges": True, "digestReady": True,
        "billing": True, "streaks": True, "outreachFollowUps": True}
    assert settings["emails"] == {"lifecycle": True, "digest": True, "streaks": True,
                                  "milestones": True, "weekly": True, "product": True}
    updated = assert_ok(caller.patch("/api/settings", json={
        "timezone": "Europe/Paris", "theme": "dark", "notifications": {"digestReady": False}}))
    assert updated["timezone"] == "Europe/Paris" and updated["theme"] == "dark"
    assert updated["notifications"]["digestReady"] is False
    assert updated["notifications"]["interviewReminders"] is True
    assert_error(caller.patch("/api/settings", json={"timezone": "Mars/Olympus"}), 400, "VALIDATION")
    assert_error(caller.patch("/api/settings", json={"providerKeys": {}}), 400, "VALIDATION")


def test_preferences_are_only_what_the_enabled_plugins_declare(make_app):
    bare = make_app(plugins=[]).session_caller()
    settings = assert_ok(bare.get("/api/settings"))
    assert "notifications" not in settings and "emails" not in settings
    assert_error(bare.patch("/api/settings", json={"notifications": {"digestReady": False}}),
                 400, "VALIDATION")
    outreach = make_app(plugins=["plans", "outreach"]).session_caller()
    notifications = assert_ok(outreach.get("/api/settings"))["notifications"]
    assert "outreachFollowUps" in notifications and "streaks" not in notifications
    assert_error(outreach.patch("/api/settings", json={"notifications": {"streaks": False}}),
                 400, "VALIDATION")


def test_provider_keys_show_only_the_last_four(caller):
    saved = assert_ok(caller.put("/api/settings/provider-keys/anthropic",
                                 json={"apiKey": "sk-ant-secret-value-WXYZ"}))
    assert saved["anthropic"]["last4"] == "WXYZ"
    text = caller.get("/api/settings").text
    assert "secret-value" not in text and "WXYZ" in text
    assert_ok(caller.delete("/api/settings/provider-keys/anthropic"))
    assert assert_ok(caller.get("/api/settings"))["providerKeys"] == {}
    assert_error(caller.delete("/api/settings/provider-keys/anthropic"), 404, "NOT_FOUND")
    assert_error(caller.put("/api/settings/provider-keys/mistral", json={"apiKey": "k" * 20}),
                 404, "NOT_FOUND")


def test_provider_keys_need_an_encryption_key(make_app):
    caller = make_app(plugins=PRODUCT, settings={"auth.encryption_key": ""}).session_caller()
    result = caller.put("/api/settings/provider-keys/openai", json={"apiKey": "sk-123456789"})
    assert_error(result, 503, "SERVICE_UNAVAILABLE")


def test_the_account_service_reads_a_provider_key_back(make_app):
    h = make_app(plugins=PRODUCT)
    caller = h.session_caller()
    assert_ok(caller.put("/api/settings/provider-keys/openai", json={"apiKey": "sk-live-abcdef12"}))
    user = h.account.users.by_id(caller.user["_id"])
    assert h.account.account.provider_key(user, "openai") == "sk-live-abcdef12"


def test_password_change_signs_out_other_sessions(make_app):
    from lightninghire.testing import TEST_PASSWORD

    h = make_app(plugins=PRODUCT)
    first = h.session_caller()
    second = h.session_caller(first.user)
    new = "a brand new passphrase"
    assert_error(first.post("/api/account/password", json={"currentPassword": "wrong-one-1",
                                                          "newPassword": new}), 400, "VALIDATION")
    assert_ok(first.post("/api/account/password", json={"currentPassword": TEST_PASSWORD,
                                                        "newPassword": new}))
    assert_ok(first.get("/api/me"))
    assert_error(second.get("/api/me"), 401, "UNAUTHENTICATED")
    login = h.client.simulate_post("/api/auth/login",
                                   json={"email": first.user["email"], "password": new})
    assert_ok(login)
