"""Self-hosted mode (no Stripe secret key): billing is off, clearly, and nothing else breaks."""

from __future__ import annotations

import json

from lightninghire.api import AI_ACTION_COMPLETED
from lightninghire.testing import assert_error, assert_ok
from tests.plugins.billing.conftest import WEBHOOK_SECRET, Webhooks


def test_billing_routes_say_billing_is_off(make_app, clock):
    harness = make_app(plugins=["plans", "billing"],
                       settings={"plugins.billing.stripe_webhook_secret": WEBHOOK_SECRET})
    caller = harness.api_caller()
    status = assert_ok(caller.get("/api/billing"))
    assert status["selfHosted"] is True and status["tier"] == "free"
    assert status["subscriptionStatus"] == "none" and status["creditBalance"] == 0
    for path, body in (("/api/billing/checkout", {"plan": "pro_monthly"}),
                       ("/api/billing/checkout", {"pack": "starter"}),
                       ("/api/billing/portal", None)):
        error = assert_error(caller.post(path, json=body), 409, "BILLING_DISABLED")
        assert "self-hosted" in error["message"]
    hooks = Webhooks(harness, clock)
    payload = json.dumps(hooks.event("customer.created", {"id": "cus_1"}))
    assert_error(hooks.post(payload, hooks.sign(payload)), 409, "BILLING_DISABLED")
    credits = assert_ok(caller.get("/api/credits"))
    assert credits["balance"] == 0 and not any(p["available"] for p in credits["packs"])


def test_entitlements_and_ai_actions_still_work(make_app):
    harness = make_app(plugins=["plans", "billing"])
    caller = harness.api_caller()
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isSelfHosted"] is True and ent["isPro"] is False
    assert "OpenAI or Anthropic key" in ent["features"]["ai_actions"]["upgradeHint"]
    harness.services.events.emit(AI_ACTION_COMPLETED, {
        "task": "ai_tools.summarize_text", "provider": "offline", "byok": False, "callId": None},
        user_id=str(caller.user["_id"]))
    assert assert_ok(caller.get("/api/credits"))["items"] == []
    # The OpenAPI document lists the billing routes even when billing is off.
    paths = harness.client.simulate_get("/api/openapi.json").json["paths"]
    assert {"/api/billing", "/api/billing/checkout", "/api/billing/portal", "/api/credits",
            "/api/stripe/webhook"} <= set(paths)


def test_configured_billing_sells_the_plans_and_features_show_their_own_hints(make_app):
    # No network here: a secret key alone makes billing declare that it sells plans.
    harness = make_app(plugins=["plans", "billing"],
                       settings={"plugins.billing.stripe_secret_key": "sk_test_only_configured"})
    assert harness.services.policy.plans.selling
    ent = assert_ok(harness.api_caller().get("/api/entitlements"))
    assert ent["isSelfHosted"] is False
    assert ent["features"]["ai_actions"]["upgradeHint"] == (
        "Upgrade to Pro for unlimited AI actions.")
    api_keys = assert_error(harness.api_caller().post("/api/me/api-keys", json={"name": "k"}),
                            402, "PAYMENT_REQUIRED")
    assert api_keys["upgradeHint"].startswith("API keys come with Pro")
