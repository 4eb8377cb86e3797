"""Issue 18 #16: every role includes the member permissions (its own account), through Casbin
role inheritance, so a user whose only role is ``mentor`` (or ``admin``) is not locked out of
``/api/me``."""

from __future__ import annotations

import pytest

from lightninghire.policy import CORE_POLICY, PolicyEngine
from lightninghire.policy.engine import member_lines
from lightninghire.testing import assert_ok

# The roles the plans and interview plugins declare, and the core's own.
ROLES = ("jobseeker", "recruiter", "mentor", "admin", "super_admin")


def test_the_roles_are_declared_by_the_plugins(make_app):
    declared = make_app(plugins=["plans", "interview"]).services.policy.plans.roles
    assert set(ROLES) <= set(declared)
    assert "jobseeker" not in make_app(plugins=[]).services.policy.plans.roles


@pytest.mark.parametrize("role", ROLES)
def test_every_role_alone_holds_the_member_permissions(role):
    engine = PolicyEngine([*CORE_POLICY, *member_lines(ROLES)])
    assert engine.allowed([role], "account", "read")
    assert engine.allowed([role], "account", "write")


@pytest.mark.parametrize("role", ROLES)
def test_a_user_with_only_that_role_reads_and_edits_its_own_account(make_app, role):
    caller = make_app(plugins=["plans", "interview"]).api_caller(roles=[role])
    assert assert_ok(caller.get("/api/me"))["roles"] == [role]
    assert assert_ok(caller.patch("/api/me", json={"name": "Only " + role}))["name"] == "Only " + role
    assert_ok(caller.get("/api/settings"))
    assert_ok(caller.get("/api/entitlements"))
