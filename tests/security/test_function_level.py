"""OWASP API5:2023, broken function level authorization: admin, recruiter and mentor routes.

Every permission a route declares is listed here with the roles that hold it; a route with a
permission not listed fails the first test, so a new privileged route gets a row before it ships.
"""

from __future__ import annotations

import pytest

from lightninghire.testing import assert_error
from tests.security.conftest import admin, mentor, recruiter, seeker

# permission -> who holds it (super_admin holds everything: `p, super_admin, *, *`)
HOLDERS = {
    "account:read": {"jobseeker", "recruiter", "mentor"},
    "account:write": {"jobseeker", "recruiter", "mentor"},
    "outreach:send": {"jobseeker", "mentor"},
    "admin:read": set(),
    "admin:write": set(),
    "content:write": set(),
    "support:admin": set(),
    "requisitions:read": {"recruiter"},
    "requisitions:write": {"recruiter"},
    "candidates:read": {"recruiter"},
    "candidates:write": {"recruiter"},
    "mentorship:manage": {"mentor"},
}
CALLERS = {"jobseeker": seeker, "recruiter": recruiter, "mentor": mentor}


def _gated(harness):
    return [op for op in harness.services.routes.operations() if op.options.permission]


def _permission(op) -> str:
    return f"{op.options.permission.obj}:{op.options.permission.action}"


def _concrete(op) -> str:
    path = op.path
    for name in op.path_params:
        path = path.replace("{" + name + "}", "0" * 24)
    return path


def test_every_declared_permission_is_in_the_matrix(shared):
    assert {_permission(op) for op in _gated(shared)} <= set(HOLDERS)


@pytest.mark.parametrize("role", sorted(CALLERS))
def test_a_role_without_the_permission_gets_403_before_its_body_is_read(shared, role):
    caller = CALLERS[role](shared)
    allowed = []
    for op in _gated(shared):
        if role in HOLDERS[_permission(op)]:
            continue
        # No body at all: the refusal must come before validation (403, not 400).
        result = caller.request(op.method, _concrete(op))
        if result.status_code != 403 or result.json["error"]["code"] != "FORBIDDEN":
            allowed.append((op.method, op.path, result.status_code))
    assert allowed == []


def test_anonymous_callers_get_401_on_every_gated_route(shared):
    wrong = [(op.method, op.path, r.status_code) for op in _gated(shared)
             if (r := shared.client.simulate_request(op.method, _concrete(op))).status_code != 401]
    assert wrong == []


def test_the_admin_surfaces_answer_a_super_admin(shared):
    boss = admin(shared)
    for path in ("/api/admin/users", "/api/admin/stats", "/api/admin/content",
                 "/api/admin/support/tickets", "/api/feedback", "/api/telemetry/stats",
                 "/api/users"):
        assert boss.get(path).status_code == 200, path


def test_a_member_cannot_promote_itself(shared):
    member = seeker(shared, tier="free")
    assert_error(member.patch(f"/api/admin/users/{member.user['_id']}",
                              json={"roles": ["super_admin"], "tier": "pro"}), 403, "FORBIDDEN")
    assert shared.account.users.collection.find_one({"_id": member.user["_id"]})["tier"] == "free"


def test_a_seeker_cannot_reach_recruiter_data_even_with_a_recruiter_tier(shared):
    # Tier is billing, role is access: a seeker on recruiter_pro is still no recruiter.
    odd = shared.api_caller(tier="recruiter_pro")
    assert_error(odd.get("/api/roles"), 403, "FORBIDDEN")
    assert_error(odd.get("/api/candidates"), 403, "FORBIDDEN")
