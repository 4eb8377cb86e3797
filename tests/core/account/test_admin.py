"""Admin routes: super_admin only, through the Casbin permission stage."""

from __future__ import annotations

import pytest

from lightninghire.testing import assert_error, assert_ok

# The product's tiers, user types and roles are declared by the plans plugin (mentor by the
# interview plugin); the core names none of them.
PRODUCT = ["plans", "interview"]



@pytest.fixture
def h(make_app):
    return make_app(plugins=PRODUCT)


@pytest.fixture
def admin(h):
    return h.api_caller(roles=["super_admin"], name="Root")


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/admin/users"), ("GET", "/api/users"), ("GET", "/api/admin/stats"),
    ("PATCH", "/api/admin/users/65a000000000000000000001"),
])
def test_members_are_forbidden_and_strangers_unauthenticated(h, method, path):
    member = h.api_caller(tier="pro")
    body = {"tier": "pro"} if method == "PATCH" else None
    assert_error(member.request(method, path, json=body), 403, "FORBIDDEN")
    assert_error(h.client.simulate_request(method, path, json=body), 401, "UNAUTHENTICATED")


def test_search_filters_and_paginates(h, admin):
    for i in range(5):
        h.create_user(f"searchable{i}@example.com", name=f"Person {i}")
    h.create_user("recruiter@example.com", user_type="recruiter")
    page = assert_ok(admin.get("/api/admin/users", params={"q": "searchable", "limit": "2"}))
    assert len(page["items"]) == 2 and page["nextCursor"]
    rest = assert_ok(admin.get("/api/admin/users", params={"q": "SEARCHABLE", "limit": "10",
                                                           "cursor": page["nextCursor"]}))
    emails = {u["email"] for u in page["items"] + rest["items"]}
    assert emails == {f"searchable{i}@example.com" for i in range(5)}
    recruiters = assert_ok(admin.get("/api/users", params={"userType": "recruiter"}))
    assert [u["email"] for u in recruiters["items"]] == ["recruiter@example.com"]
    assert "passwordHash" not in admin.get("/api/admin/users").text
    # Regex metacharacters are searched literally.
    assert assert_ok(admin.get("/api/admin/users", params={"q": ".*"}))["items"] == []


def test_patch_sets_tier_roles_and_disables(h, admin):
    target = h.session_caller()
    path = f"/api/admin/users/{target.user['_id']}"
    data = assert_ok(admin.patch(path, json={"tier": "pro", "roles": ["jobseeker", "mentor"]}))
    assert (data["tier"], data["roles"]) == ("pro", ["jobseeker", "mentor"])
    assert_error(admin.patch(path, json={"tier": "platinum"}), 400, "VALIDATION")
    assert_error(admin.patch(path, json={"passwordHash": "x"}), 400, "VALIDATION")
    assert assert_ok(admin.patch(path, json={"disabled": True}))["disabled"] is True
    assert_error(target.get("/api/me"), 401, "UNAUTHENTICATED")
    assert_error(admin.patch("/api/admin/users/65a000000000000000000001", json={"tier": "pro"}),
                 404, "NOT_FOUND")


def test_stats_count_users(h, admin, clock):
    h.create_user(tier="pro")
    h.create_user(user_type="recruiter")
    stats = assert_ok(admin.get("/api/admin/stats"))
    assert stats["users"] == 3
    assert stats["byTier"] == {"free": 1, "pro": 1, "recruiter_free": 1}
    assert stats["byUserType"] == {"jobseeker": 2, "recruiter": 1}
    assert stats["signupsLast7Days"] == 3


def test_a_deployer_policy_file_can_grant_admin_reads(make_app, tmp_path):
    policy = tmp_path / "policy.csv"
    policy.write_text("# support staff may look, not touch\np, mentor, admin, read\n")
    h = make_app(plugins=PRODUCT, settings={"policy.file": str(policy)})
    mentor = h.api_caller(roles=["jobseeker", "mentor"])
    assert_ok(mentor.get("/api/admin/stats"))
    assert_error(mentor.patch(f"/api/admin/users/{mentor.user['_id']}", json={"tier": "pro"}),
                 403, "FORBIDDEN")


def test_a_deployer_policy_file_can_deny(make_app, tmp_path):
    policy = tmp_path / "policy.csv"
    policy.write_text("p, jobseeker, account, write, deny\n")
    h = make_app(plugins=PRODUCT, settings={"policy.file": str(policy)})
    seeker = h.api_caller(tier="pro")
    assert_ok(seeker.get("/api/me"))
    assert_error(seeker.patch("/api/me", json={"name": "x"}), 403, "FORBIDDEN")
