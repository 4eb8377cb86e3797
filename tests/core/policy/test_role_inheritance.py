"""Issue 18 #16: every role includes the member permissions (its own account), through Casbin
role inheritance, so a user whose only role is ``mentor`` (or ``admin``) is not locked out of
``/api/me``."""

from __future__ import annotations

import pytest

from lightninghire.account.schemas import ROLES
from lightninghire.policy import CORE_POLICY, PolicyEngine
from lightninghire.testing import assert_ok


@pytest.mark.parametrize("role", ROLES)
def test_every_role_alone_holds_the_member_permissions(role):
    engine = PolicyEngine(CORE_POLICY)
    assert engine.allowed([role], "account", "read")
    assert engine.allowed([role], "account", "write")


@pytest.mark.parametrize("role", ROLES)
def test_a_user_with_only_that_role_reads_and_edits_its_own_account(make_app, role):
    caller = make_app(plugins=["interview"]).api_caller(roles=[role])
    assert assert_ok(caller.get("/api/me"))["roles"] == [role]
    assert assert_ok(caller.patch("/api/me", json={"name": "Only " + role}))["name"] == "Only " + role
    assert_ok(caller.get("/api/settings"))
    assert_ok(caller.get("/api/entitlements"))
