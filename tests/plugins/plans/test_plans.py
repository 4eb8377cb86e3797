"""The plans plugin: LightningHire's tiers, user types and hints as data, required by every
plugin whose caps name them."""

from __future__ import annotations

import pytest

from lightninghire.api import StartupError
from lightninghire.testing import assert_ok


def test_the_feature_plugins_require_it(make_app):
    with pytest.raises(StartupError, match="plugin 'interview' requires plugin 'plans'"):
        make_app(plugins=["interview"])


def test_it_declares_the_product_tiers_user_types_and_profile(make_app):
    h = make_app(plugins=["plans"])
    plans = h.services.policy.plans
    assert set(plans.tiers) == {"free", "pro", "byok", "credits", "recruiter_free",
                                "recruiter_pro"}
    assert plans.default_user_type == "jobseeker"
    assert plans.starting_tier("recruiter") == "recruiter_free"
    assert {"jobseeker", "recruiter"} <= set(plans.roles)
    assert "minSalary" in h.services.preferences.profile


def test_entitlement_answers_for_free_pro_and_provider_key_users(make_app):
    h = make_app(plugins=["plans"])
    free = assert_ok(h.api_caller().get("/api/entitlements"))
    assert (free["isPro"], free["isByok"], free["role"], free["tier"]) == (
        False, False, "free", "free")
    assert free["features"]["ai_actions"]["limit"] == 10 and free["isSelfHosted"] is True
    assert free["features"]["api_keys"]["upgradeHint"].startswith("API keys: add your own")
    pro = assert_ok(h.api_caller(tier="recruiter_pro", user_type="recruiter").get(
        "/api/entitlements"))
    assert (pro["isPro"], pro["role"], pro["features"]["ai_actions"]["limit"]) == (
        True, "pro", None)
    keyed = h.create_user()
    keyed = h.account.users.update(keyed["_id"], {"providerKeys.openai": {"last4": "abcd"}})
    own = assert_ok(h.api_caller(keyed).get("/api/entitlements"))
    assert (own["isByok"], own["isPro"], own["role"], own["hasByokKeys"]) == (
        True, False, "pro", True)
