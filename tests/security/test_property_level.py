"""OWASP API3:2023, broken object property level authorization: no mass assignment.

Every operation that takes a JSON body is sent each field a client must never set (tier, roles,
owner, id, credit balance) and must answer 400 naming that field, as a super-admin (so every
permission passes and validation is what answers). Responses never carry secrets.
"""

from __future__ import annotations

import itertools

import pytest

from lightninghire.testing import assert_error, assert_ok
from tests.security.conftest import admin

FORBIDDEN = {"tier": "pro", "roles": ["super_admin"], "userId": "0" * 24, "_id": "0" * 24,
             "ownerId": "0" * 24, "creditBalance": 1_000_000}
# Operations whose own business is one of these names, and why.
LEGITIMATE = {
    ("PATCH", "/api/admin/users/{id}", "tier"): "super_admin sets tiers",
    ("PATCH", "/api/admin/users/{id}", "roles"): "super_admin sets roles",
    ("PUT", "/api/mentorship/profile", "roles"): "the job roles a mentor coaches, not access roles",
}
_ADDRESSES = (f"198.51.100.{i}" for i in itertools.count(1))


def _body_ops(harness):
    return [op for op in harness.services.routes.operations()
            if op.options.body is not None and not op.options.raw_body]


def test_there_are_body_operations_to_check(shared):
    assert len(_body_ops(shared)) > 60


def test_no_body_accepts_tier_role_owner_id_or_credit_fields(shared):
    caller = admin(shared)
    accepted = []
    for op in _body_ops(shared):
        path = op.path
        for name in op.path_params:
            path = path.replace("{" + name + "}", "0" * 24 if name == "id" else "x")
        for field, value in FORBIDDEN.items():
            if (op.method, op.path, field) in LEGITIMATE:
                continue
            body = [{field: value}] if op.options.body.many else {field: value}
            # Each request from its own address: per-IP limits are not what is under test.
            result = caller.request(op.method, path, json=body,
                                    headers={"X-Forwarded-For": next(_ADDRESSES)})
            error = result.json.get("error") or {}
            if result.status_code != 400 or field not in (error.get("fields") or {}):
                accepted.append((op.method, op.path, field, result.status_code,
                                 result.text[:160]))
    assert accepted == []


@pytest.mark.parametrize("path,body", [
    ("/api/me", {"profile": {"tier": "pro"}}),
    ("/api/me", {"profile": {"roles": ["super_admin"]}}),
    ("/api/me", {"email": "someone-else@example.com"}),
    ("/api/settings", {"notifications": {"tier": "pro"}}),
    ("/api/settings", {"providerKeys": {"openai": {"ciphertext": "x", "last4": "abcd"}}}),
])
def test_nested_and_identity_fields_are_refused_too(shared, path, body):
    caller = shared.api_caller(tier="free")
    assert_error(caller.patch(path, json=body), 400, "VALIDATION")
    me = assert_ok(caller.get("/api/me"))
    assert (me["tier"], me["roles"], me["email"]) == (
        "free", caller.user["roles"], caller.user["email"])


def test_answers_never_carry_hashes_or_secrets(shared):
    caller = shared.api_caller(tier="pro")
    minted = assert_ok(caller.post("/api/me/api-keys", json={"name": "shown once"}), 201)
    assert minted["key"].startswith("lh_live_")
    assert_ok(caller.put("/api/settings/provider-keys/openai", json={"apiKey": "sk-" + "z" * 40}))
    texts = [caller.get(path).text for path in (
        "/api/me", "/api/me/api-keys", "/api/settings", "/api/account", "/api/account/export")]
    for text in texts:
        for secret in (minted["key"], "z" * 40, "passwordHash", "keyHash", "tokenHash",
                       "ciphertext", "$argon2"):
            assert secret not in text, (secret, text[:300])
