"""Credits: packs bought through Checkout unlock full access; each AI action drains the balance
atomically (never below zero); the ledger lists every movement."""

from __future__ import annotations

import threading

import pytest
from marshmallow import fields

from lightninghire.api import AI_ACTION_COMPLETED, AiOutput
from lightninghire.testing import assert_error, assert_ok
from tests.plugins.billing.conftest import (
    Webhooks,
    billing_settings,
    completed_session,
    stripe_subscribes,
)


def _buy(caller, fake_stripe, webhooks: Webhooks, pack: str = "starter") -> None:
    data = assert_ok(caller.post("/api/billing/checkout", json={"pack": pack}))
    session = completed_session(fake_stripe.checkouts[-1], data["sessionId"])
    assert_ok(webhooks.send("checkout.session.completed", session))


def _ai_action(harness, user, task="interview.score_answer", **result) -> None:
    """What the AI client does after a successful AI action: emit ``ai.action_completed``."""
    payload = {"task": task, "provider": "openai", "model": "gpt", "byok": False,
               "callId": "call-1", **result}
    harness.services.events.emit(AI_ACTION_COMPLETED, payload, user_id=str(user["_id"]))


class EchoOut(AiOutput):
    text = fields.String(required=True)


@pytest.fixture
def priced_app(make_app, fake_stripe, clock):
    """Billing where an AI action costs 40 credits (the cost is configurable)."""
    harness = make_app(plugins=["plans", "billing"],
                       settings=billing_settings(fake_stripe, credits_per_ai_action=40))
    return harness, Webhooks(harness, clock)


def test_a_pack_unlocks_full_access_and_ai_actions_drain_it(priced_app, fake_stripe):
    harness, webhooks = priced_app
    caller = harness.api_caller()
    _buy(caller, fake_stripe, webhooks)
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["hasCredits"] is True and ent["creditBalance"] == 100 and ent["role"] == "pro"
    assert ent["isPro"] is False and ent["features"]["ai_actions"]["limit"] is None
    assert_ok(caller.post("/api/me/api-keys", json={"name": "with credits"}), 201)

    balances = []
    for _ in range(4):  # the last one finds nothing left and is not an error
        _ai_action(harness, caller.user)
        balances.append(assert_ok(caller.get("/api/credits"))["balance"])
    assert balances == [60, 20, 0, 0]

    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["hasCredits"] is False and ent["features"]["ai_actions"]["limit"] == 10
    assert_error(caller.post("/api/me/api-keys", json={"name": "again"}), 402, "PAYMENT_REQUIRED")
    credits = assert_ok(caller.get("/api/credits"))
    assert credits["creditsPerAiAction"] == 40
    assert [(e["kind"], e["amount"], e["balanceAfter"]) for e in credits["items"]] == [
        ("ai_action", -20, 0), ("ai_action", -40, 20), ("ai_action", -40, 60),
        ("purchase", 100, 100)]
    assert credits["items"][0]["task"] == "interview.score_answer"
    assert credits["items"][-1]["pack"] == "starter"
    assert {p["id"]: p["credits"] for p in credits["packs"]} == {
        "starter": 100, "job_seeker": 500, "power": 2000}
    assert all(p["available"] for p in credits["packs"])


def test_the_balance_never_goes_negative_under_concurrency(make_app, fake_stripe, clock):
    harness = make_app(plugins=["plans", "billing"],
                       settings=billing_settings(fake_stripe, credits_per_ai_action=7))
    caller = harness.api_caller()
    _buy(caller, fake_stripe, Webhooks(harness, clock))  # 100 credits: 14 x 7, then 2
    start = threading.Barrier(24)

    def spend() -> None:
        start.wait()
        _ai_action(harness, caller.user)

    threads = [threading.Thread(target=spend) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert assert_ok(caller.get("/api/credits"))["balance"] == 0
    spent = [e["amount"] for e in harness.db["billing_credit_ledger"].find({"kind": "ai_action"})]
    assert sorted(spent) == [-7] * 14 + [-2]
    assert harness.db["billing_accounts"].find_one({})["creditBalance"] == 0


def test_an_ai_action_of_a_user_without_credits_costs_no_read(db_commands, priced_app):
    harness, _webhooks = priced_app
    caller = harness.api_caller()
    assert_ok(caller.get("/api/entitlements"))  # the request's entitlement check reads the facts
    with db_commands.capture(harness.services.db.name) as sent:
        _ai_action(harness, caller.user)
    assert sent == []
    assert harness.db["billing_credit_ledger"].count_documents({}) == 0


def test_covered_users_spend_no_credits(stripe_app, fake_stripe, stripe_client, webhooks):
    # BYOK call, admin-granted Pro, super-admin: nothing taken.
    for options, result in (({}, {"byok": True, "provider": "byok-openai"}),
                            ({"tier": "pro"}, {}), ({"roles": ["super_admin"]}, {})):
        caller = stripe_app.api_caller(**options)
        _buy(caller, fake_stripe, webhooks)
        _ai_action(stripe_app, caller.user, **result)
        assert assert_ok(caller.get("/api/credits"))["balance"] == 100
    # Pro by subscription: nothing taken either.
    caller = stripe_app.api_caller()
    _buy(caller, fake_stripe, webhooks)
    customer = fake_stripe.checkouts[-1]["customer"]
    sub = stripe_subscribes(stripe_client, customer, "pro_monthly", str(caller.user["_id"]))
    assert_ok(webhooks.send("customer.subscription.created", sub))
    _ai_action(stripe_app, caller.user)
    assert assert_ok(caller.get("/api/credits"))["balance"] == 100
    # A free user without credits: no error, no ledger line.
    broke = stripe_app.api_caller()
    _ai_action(stripe_app, broke.user)
    assert assert_ok(broke.get("/api/credits"))["items"] == []


def test_the_ledger_is_paginated_and_private(priced_app, fake_stripe):
    harness, webhooks = priced_app
    caller = harness.api_caller()
    _buy(caller, fake_stripe, webhooks, pack="job_seeker")
    for _ in range(3):
        _ai_action(harness, caller.user)
    page = assert_ok(caller.get("/api/credits", params={"limit": "2"}))
    assert [e["amount"] for e in page["items"]] == [-40, -40] and page["nextCursor"]
    rest = assert_ok(caller.get("/api/credits", params={"cursor": page["nextCursor"]}))
    assert [e["amount"] for e in rest["items"]] == [-40, 500] and rest["nextCursor"] is None
    other = assert_ok(harness.api_caller().get("/api/credits"))
    assert other["balance"] == 0 and other["items"] == []
    assert_error(caller.get("/api/credits", params={"limit": "0"}), 400, "VALIDATION")
    assert_error(caller.get("/api/credits", params={"cursor": "nope"}), 400, "VALIDATION")
    assert_error(caller.get("/api/credits", params={"sort": "asc"}), 400, "VALIDATION")


def test_account_export_and_deletion_reach_billing_data(stripe_app, fake_stripe, webhooks):
    caller = stripe_app.session_caller()
    _buy(caller, fake_stripe, webhooks)
    exported = caller.get("/api/account/export")
    assert exported.status_code == 200, exported.text
    assert "billing_credit_ledger" in exported.text and "creditRefs" not in exported.text
    user_id = str(caller.user["_id"])
    from lightninghire.testing import TEST_PASSWORD

    assert_ok(caller.delete("/api/account", json={"password": TEST_PASSWORD}))
    for name in ("billing_accounts", "billing_credit_ledger"):
        assert stripe_app.db[name].count_documents({"userId": user_id}) == 0


def test_the_ai_client_announces_actions_to_billing(priced_app, fake_stripe):
    ai = pytest.importorskip("lightninghire.api")
    echo = ai.AiTask(name="test.echo", description="Echo a text.",
                     prompt=lambda inputs: ("Echo.", inputs["text"]), output_schema=EchoOut,
                     offline=lambda inputs: {"text": inputs["text"]})

    harness, webhooks = priced_app
    caller = harness.api_caller()
    _buy(caller, fake_stripe, webhooks)
    client = harness.services.ai  # the app's client, as every plugin's AI route uses it
    client.tasks.add(echo)  # answered offline
    client.run("test.echo", {"text": "Acme rebuilds its claims platform."}, user=caller.user)
    credits = assert_ok(caller.get("/api/credits"))
    assert credits["balance"] == 60 and credits["items"][0]["task"] == "test.echo"
    (debit,) = harness.db["billing_credit_ledger"].find({"kind": "ai_action"})
    assert debit["aiCallId"]  # the debit links to its ai_calls document
