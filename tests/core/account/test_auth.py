"""Session auth through the HTTP API: sign-up, sign-in, sign-out, session lookup, CSRF."""

from __future__ import annotations

import pytest

from lightninghire.testing import TEST_PASSWORD, assert_error, assert_ok

SIGNUP = {"email": "AdaLove@Example.COM", "password": TEST_PASSWORD, "name": "Ada"}

# The product's tiers, user types and roles are declared by the plans plugin (mentor by the
# interview plugin); the core names none of them.
PRODUCT = ["plans", "interview"]



@pytest.fixture
def h(make_app):
    return make_app(plugins=PRODUCT)


def cookie_of(result):
    return result.cookies["lh_session"]


def test_signup_creates_the_account_and_signs_in(h):
    result = h.client.simulate_post("/api/auth/signup", json=SIGNUP)
    data = assert_ok(result, 201)
    assert data["user"]["email"] == "adalove@example.com"  # normalized
    assert data["user"]["userType"] == "jobseeker" and data["user"]["tier"] == "free"
    assert data["user"]["roles"] == ["jobseeker"]
    assert data["user"]["createdAt"].endswith("Z")
    cookie = cookie_of(result)
    assert cookie.http_only and cookie.secure and cookie.same_site == "Lax" and cookie.path == "/"
    me = h.client.simulate_get("/api/me", headers={"Cookie": f"lh_session={cookie.value}"})
    assert assert_ok(me)["email"] == "adalove@example.com"
    assert [e.name for e in h.events] == ["user.signed_up"]


def test_recruiters_start_on_the_recruiter_free_tier(h):
    data = assert_ok(h.client.simulate_post("/api/auth/signup",
                                            json={**SIGNUP, "userType": "recruiter"}), 201)
    assert (data["user"]["tier"], data["user"]["roles"]) == ("recruiter_free", ["recruiter"])


def test_cookie_secure_can_be_turned_off_for_local_http(make_app):
    h = make_app(plugins=PRODUCT, settings={"auth.cookie_secure": False})
    assert not cookie_of(h.client.simulate_post("/api/auth/signup", json=SIGNUP)).secure


def test_duplicate_signup_is_409_whatever_the_case(h):
    assert_ok(h.client.simulate_post("/api/auth/signup", json=SIGNUP), 201)
    again = h.client.simulate_post("/api/auth/signup", json={**SIGNUP, "email": "ADALOVE@example.com"})
    assert_error(again, 409, "EMAIL_TAKEN")


@pytest.mark.parametrize(("password", "reason"), [
    ("short", "at least 10"),
    ("aaaaaaaaaaaa", "too easy"),
    ("password123", "too easy"),
    ("adalove-secret-words", "email address"),
])
def test_weak_passwords_are_refused(h, password, reason):
    error = assert_error(h.client.simulate_post("/api/auth/signup",
                                                json={**SIGNUP, "password": password}),
                         400, "VALIDATION")
    assert reason in error["fields"]["password"][0]


@pytest.mark.parametrize("body", [
    {"email": "adalove@example.com", "name": "Ada"},
    {"email": "not-an-email", "password": TEST_PASSWORD, "name": "Ada"},
    {**SIGNUP, "tier": "pro"},
    {**SIGNUP, "roles": ["super_admin"]},
    {**SIGNUP, "userType": "admin"},
    {**SIGNUP, "name": "x" * 500},
])
def test_bad_signup_bodies_are_400_and_create_nothing(h, body):
    assert_error(h.client.simulate_post("/api/auth/signup", json=body), 400, "VALIDATION")
    assert h.db["users"].count_documents({}) == 0


def test_login_sets_a_new_session(h):
    user = h.create_user("grace@example.com")
    result = h.client.simulate_post("/api/auth/login",
                                    json={"email": "GRACE@example.com", "password": TEST_PASSWORD})
    data = assert_ok(result)
    assert data["user"]["id"] == str(user["_id"]) and data["csrfToken"]
    assert data["user"]["lastLoginAt"] is not None


def test_unknown_email_and_wrong_password_answer_alike(h):
    h.create_user("grace@example.com")
    wrong = h.client.simulate_post("/api/auth/login",
                                   json={"email": "grace@example.com", "password": "wrong-password-1"})
    unknown = h.client.simulate_post("/api/auth/login",
                                     json={"email": "nobody@example.com", "password": TEST_PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert h.db["auth_events"].count_documents({"type": "login_failed"}) == 2


def test_failed_logins_are_throttled_per_account(h, clock):
    h.create_user("grace@example.com")
    bad = {"email": "grace@example.com", "password": "wrong-password-1"}
    for _ in range(5):
        assert_error(h.client.simulate_post("/api/auth/login", json=bad), 401,
                     "INVALID_CREDENTIALS")
    # Now even the right password waits: the account is under attack.
    good = {"email": "grace@example.com", "password": TEST_PASSWORD}
    throttled = h.client.simulate_post("/api/auth/login", json=good)
    assert_error(throttled, 429, "RATE_LIMIT")
    assert int(throttled.headers["retry-after"]) >= 1
    clock.advance(minutes=16)
    assert_ok(h.client.simulate_post("/api/auth/login", json=good))


def test_failed_logins_are_throttled_per_ip_across_accounts(make_app):
    h = make_app(plugins=PRODUCT, settings={"auth.login_failures_per_ip": 3})
    for i in range(3):
        h.client.simulate_post("/api/auth/login", remote_addr="198.51.100.4",
                               json={"email": f"u{i}@example.com", "password": "wrong-password-1"})
    blocked = h.client.simulate_post("/api/auth/login", remote_addr="198.51.100.4",
                                     json={"email": "u9@example.com", "password": "wrong-password-1"})
    assert_error(blocked, 429, "RATE_LIMIT")
    other_ip = h.client.simulate_post("/api/auth/login", remote_addr="198.51.100.5",
                                      json={"email": "u9@example.com", "password": "wrong-password-1"})
    assert_error(other_ip, 401, "INVALID_CREDENTIALS")


def test_session_endpoint_shows_the_session_or_null(h):
    assert h.client.simulate_get("/api/auth/session").json == {"ok": True, "data": None}
    caller = h.session_caller()
    data = assert_ok(caller.get("/api/auth/session"))
    assert data["user"]["email"] == caller.user["email"] and data["expiresAt"].endswith("Z")


def test_logout_revokes_the_session_server_side(h):
    caller = h.session_caller()
    assert_ok(caller.post("/api/auth/logout"))
    # The same cookie, replayed after sign-out, is dead.
    assert_error(caller.get("/api/me"), 401, "UNAUTHENTICATED")
    assert caller.get("/api/auth/session").json["data"] is None


def test_forged_cookie_is_401(h):
    result = h.client.simulate_get("/api/me", headers={"Cookie": "lh_session=forged-token-value"})
    assert_error(result, 401, "UNAUTHENTICATED")


def test_sessions_slide_while_used_and_expire_when_idle(h, clock):
    caller = h.session_caller()
    for _ in range(3):  # used every 10 days: stays alive past the 14-day idle limit
        clock.advance(days=10)
        assert_ok(caller.get("/api/me"))
    clock.advance(days=15)
    assert_error(caller.get("/api/me"), 401, "UNAUTHENTICATED")


def test_sessions_end_at_the_absolute_lifetime_however_busy(make_app, clock):
    h = make_app(plugins=PRODUCT, settings={"auth.session_max_days": 20})
    caller = h.session_caller()
    for _ in range(4):
        clock.advance(days=4)
        assert_ok(caller.get("/api/me"))
    clock.advance(days=5)  # 21 days after sign-in
    assert_error(caller.get("/api/me"), 401, "UNAUTHENTICATED")


def test_a_cross_origin_cookie_write_is_403(h):
    caller = h.session_caller()
    result = caller.patch("/api/me", json={"name": "Mallory"},
                          headers={"Origin": "https://evil.example"})
    assert_error(result, 403, "CSRF_FAILED")
    assert assert_ok(caller.get("/api/me"))["name"] != "Mallory"


def test_a_cookie_write_without_origin_needs_the_csrf_token(h):
    caller = h.session_caller()
    cookie_only = {"Cookie": caller.headers["Cookie"]}
    result = h.client.simulate_patch("/api/me", json={"name": "Eve"}, headers=cookie_only)
    assert_error(result, 403, "CSRF_FAILED")
    token = assert_ok(caller.get("/api/auth/session"))["csrfToken"]
    result = h.client.simulate_patch("/api/me", json={"name": "Eve"},
                                     headers={**cookie_only, "X-CSRF-Token": token})
    assert assert_ok(result)["name"] == "Eve"
    referer = h.client.simulate_patch("/api/me", json={"name": "Ref"}, headers={
        **cookie_only, "Referer": "http://testserver/settings"})
    assert assert_ok(referer)["name"] == "Ref"


def test_bearer_requests_need_no_csrf_token(h):
    caller = h.api_caller(tier="pro")
    assert assert_ok(caller.patch("/api/me", json={"name": "Scripted"}))["name"] == "Scripted"


def test_a_disabled_user_cannot_authenticate_by_any_mode(h):
    session = h.session_caller()
    key = h.api_caller(session.user)
    h.account.users.update(session.user["_id"], {"disabled": True})
    assert_error(session.get("/api/me"), 401, "UNAUTHENTICATED")
    assert_error(key.get("/api/me"), 401, "UNAUTHENTICATED")
    login = h.client.simulate_post("/api/auth/login",
                                   json={"email": session.user["email"], "password": TEST_PASSWORD})
    assert_error(login, 401, "INVALID_CREDENTIALS")
