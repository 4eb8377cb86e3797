"""OWASP API2:2023, broken authentication: forged, expired, revoked credentials, disabled users,
cron secrets, brute force."""

from __future__ import annotations

import secrets
import string

import pytest

from lightninghire.testing import TEST_CRON_SECRET, TEST_PASSWORD, assert_error, assert_ok
from tests.security.conftest import admin, build_harness, close

BASE62 = string.ascii_letters + string.digits


@pytest.fixture
def h(lh_database_uri, clock):
    harness = build_harness(lh_database_uri, clock=clock)
    yield harness
    close(harness)


def _refused(client, headers):
    return assert_error(client.simulate_get("/api/me", headers=headers), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize("authorization", [
    "Bearer lh_live_" + "".join(secrets.choice(BASE62) for _ in range(40)),  # well-formed, unknown
    "Bearer lh_live_short",
    "Bearer " + "x" * 5000,
    "Basic dXNlcjpwYXNz",
    "Bearer",
    "Bearer " + TEST_CRON_SECRET,  # the cron secret is not a user credential
])
def test_forged_bearer_credentials_are_401(h, authorization):
    _refused(h.client, {"Authorization": authorization})


@pytest.mark.parametrize("cookie", ["lh_session=forged", "lh_session=" + "a" * 43,
                                    "lh_session=", "lh_session=%00%ff"])
def test_forged_session_cookies_are_401(h, cookie):
    _refused(h.client, {"Cookie": cookie})


def test_a_key_with_one_character_changed_is_401(h):
    caller = h.api_caller(tier="pro")
    assert_ok(caller.get("/api/me"))
    last = caller.secret[-1]
    tampered = caller.secret[:-1] + ("A" if last != "A" else "B")
    _refused(h.client, {"Authorization": f"Bearer {tampered}"})


def test_an_idle_session_expires_and_a_session_ends_at_its_absolute_lifetime(h, clock):
    idle = h.session_caller()
    clock.advance(days=14, seconds=1)  # auth.session_idle_days
    assert_error(idle.get("/api/me"), 401, "UNAUTHENTICATED")
    busy = h.session_caller()
    for _ in range(6):  # used every 13 days: the idle window slides, the absolute one does not
        clock.advance(days=13)
        assert_ok(busy.get("/api/me"))
    clock.advance(days=13)  # 91 days after sign-in > auth.session_max_days (90)
    assert_error(busy.get("/api/me"), 401, "UNAUTHENTICATED")


def test_revoked_keys_and_signed_out_sessions_are_401(h):
    caller = h.api_caller(tier="pro")
    doomed = assert_ok(caller.post("/api/me/api-keys", json={"name": "doomed"}), 201)
    doomed_auth = {"Authorization": f"Bearer {doomed['key']}"}
    assert_ok(h.client.simulate_get("/api/me", headers=doomed_auth))
    assert_ok(caller.delete(f"/api/me/api-keys/{doomed['id']}"))
    _refused(h.client, doomed_auth)
    browser = h.session_caller()
    assert_ok(browser.post("/api/auth/logout"))
    assert_error(browser.get("/api/me"), 401, "UNAUTHENTICATED")


def test_a_changed_password_ends_the_other_sessions(h):
    user = h.create_user()
    laptop, phone = h.session_caller(user), h.session_caller(user)
    assert_ok(laptop.post("/api/account/password", json={
        "currentPassword": TEST_PASSWORD, "newPassword": "an entirely new passphrase 42"}))
    assert_ok(laptop.get("/api/me"))
    assert_error(phone.get("/api/me"), 401, "UNAUTHENTICATED")


def test_a_disabled_user_cannot_authenticate_by_any_mode(h):
    boss = admin(h)
    user = h.create_user(tier="pro")
    by_key, by_cookie = h.api_caller(user), h.session_caller(user)
    assert_ok(boss.patch(f"/api/admin/users/{user['_id']}", json={"disabled": True}))
    assert_error(by_key.get("/api/me"), 401, "UNAUTHENTICATED")
    assert_error(by_cookie.get("/api/me"), 401, "UNAUTHENTICATED")
    login = h.client.simulate_post("/api/auth/login",
                                   json={"email": user["email"], "password": TEST_PASSWORD})
    assert login.status_code == 401 and "lh_session" not in login.cookies


def test_cron_routes_take_only_the_cron_secret(h):
    caller = h.api_caller(tier="pro", roles=["jobseeker", "super_admin"])
    assert_error(caller.get("/api/cron/lifecycle-emails"), 401, "UNAUTHENTICATED")
    for secret in ("", TEST_CRON_SECRET[:-1], TEST_CRON_SECRET + "x", TEST_CRON_SECRET.upper()):
        assert_error(h.client.simulate_get("/api/cron/lifecycle-emails",
                                           headers={"Authorization": f"Bearer {secret}"}),
                     401, "UNAUTHENTICATED")
    assert_ok(h.client.simulate_get("/api/cron/lifecycle-emails",
                                    headers={"Authorization": f"Bearer {TEST_CRON_SECRET}"}))


def test_password_guessing_is_throttled_even_for_the_right_password(h):
    user = h.create_user()
    for _ in range(5):  # auth.login_failures_per_account
        assert_error(h.client.simulate_post("/api/auth/login", json={
            "email": user["email"], "password": "wrong password guess"}), 401,
            "INVALID_CREDENTIALS")
    result = h.client.simulate_post("/api/auth/login", json={
        "email": user["email"], "password": TEST_PASSWORD})
    assert_error(result, 429, "RATE_LIMIT")
    assert int(result.headers["Retry-After"]) > 0


def test_an_unknown_email_and_a_wrong_password_answer_alike(h):
    user = h.create_user()
    wrong = h.client.simulate_post("/api/auth/login", json={"email": user["email"],
                                                            "password": "not the password"})
    unknown = h.client.simulate_post("/api/auth/login", json={"email": "nobody@example.com",
                                                              "password": "not the password"})
    assert (wrong.status_code, wrong.json["error"]) == (unknown.status_code, unknown.json["error"])
