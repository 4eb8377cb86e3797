"""Credit auto-replenish: opted in, a spend under the threshold buys the chosen pack off-session
with the saved card, on the background worker, once at a time; a refused payment pauses it and
tells the user. The SDK talks to localstripe (PaymentIntents with ``off_session``/``confirm``)
through the recording server of conftest."""

from __future__ import annotations

import json

import pytest

from lightninghire.api import AI_ACTION_COMPLETED
from lightninghire.testing import TaskRunner, assert_error, assert_ok
from tests.plugins.billing.conftest import (
    Webhooks,
    billing_settings,
    completed_session,
    save_card,
)

ON = {"enabled": True, "threshold": 50, "pack": "job_seeker"}


@pytest.fixture
def app(make_app, fake_stripe, clock):
    """Billing (an AI action costs 40 credits) and the outreach inbox."""
    fake_stripe.reset()
    harness = make_app(plugins=["plans", "billing", "outreach"],
                       settings=billing_settings(fake_stripe, credits_per_ai_action=40))
    return harness, Webhooks(harness, clock)


def _buy_starter(harness, webhooks, fake_stripe, stripe_client, card="4242424242424242"):
    """A user who bought 100 credits through Checkout, with the card saved on the customer."""
    caller = harness.api_caller(email=f"ada{len(fake_stripe.checkouts)}@example.com",
                                name="Ada")
    data = assert_ok(caller.post("/api/billing/checkout", json={"pack": "starter"}))
    checkout = fake_stripe.checkouts[-1]
    assert checkout["payment_intent_data[setup_future_usage]"] == "off_session"
    if card:
        save_card(stripe_client, checkout["customer"], card)
    assert_ok(webhooks.send("checkout.session.completed",
                            completed_session(checkout, data["sessionId"])))
    return caller, checkout["customer"]


def _spend(harness, caller) -> None:
    """What the AI client does after an AI action (inside the request that made it)."""
    harness.services.events.emit(AI_ACTION_COMPLETED, {
        "task": "interview.score_answer", "provider": "openai", "model": "gpt", "byok": False,
        "callId": "call-1"}, user_id=str(caller.user["_id"]))


def _account(harness, caller) -> dict:
    return harness.db["billing_accounts"].find_one({"userId": str(caller.user["_id"])})


def _credits(caller) -> dict:
    return assert_ok(caller.get("/api/credits"))


def test_a_spend_under_the_threshold_buys_the_pack_off_session_in_the_background(
        app, fake_stripe, stripe_client):
    harness, webhooks = app
    caller, customer = _buy_starter(harness, webhooks, fake_stripe, stripe_client)
    answer = assert_ok(caller.patch("/api/billing", json={"autoReplenish": ON}))
    assert answer["autoReplenish"] == {**ON, "paused": False, "inFlight": False,
                                       "lastFailure": None, "lastReplenishedAt": None}

    _spend(harness, caller)  # 100 -> 60: above 50, nothing happens
    assert _account(harness, caller).get("replenish") is None
    _spend(harness, caller)  # 60 -> 20: under 50
    # The spend only claimed the top-up; no Stripe call was made on its path.
    assert fake_stripe.payment_intents == []
    attempt = _account(harness, caller)["replenish"]
    assert attempt["pack"] == "job_seeker"
    _spend(harness, caller)  # 20 -> 0 while one is in flight: no second top-up
    harness.services.background.drain()  # the background worker runs the charge

    [sent] = fake_stripe.payment_intents
    assert sent["off_session"] == "true" and sent["confirm"] == "true"
    assert sent["customer"] == customer and sent["payment_method"].startswith("pm_")
    assert (sent["amount"], sent["currency"]) == ("799", "usd")
    assert sent["metadata[replenishId]"] == attempt["id"]
    assert sent["Idempotency-Key"] == f"lightninghire-replenish-{attempt['id']}"

    credits = _credits(caller)
    assert credits["balance"] == 500
    top = credits["items"][0]
    assert (top["kind"], top["amount"], top["pack"], top["via"], top["balanceAfter"]) == (
        "purchase", 500, "job_seeker", "auto_replenish", 500)
    billing = assert_ok(caller.get("/api/billing"))["autoReplenish"]
    assert billing["inFlight"] is False and billing["lastReplenishedAt"]

    # Stripe's payment_intent.succeeded for the same payment credits nothing more.
    intent = stripe_client.v1.payment_intents.retrieve(
        _account(harness, caller)["autoReplenish"]["lastPaymentIntentId"]).to_dict()
    assert intent["status"] == "succeeded"
    assert_ok(webhooks.send("payment_intent.succeeded", intent))
    assert _credits(caller)["balance"] == 500
    stored = harness.db["billing_events"].find_one({"type": "payment_intent.succeeded"})
    assert stored["status"] == "processed" and stored["credited"] is False
    # A checkout's own PaymentIntent (no replenishId) is left to checkout.session.completed.
    assert_ok(webhooks.send("payment_intent.succeeded", {**intent, "metadata": {}}))
    assert harness.db["billing_events"].find_one(
        {"type": "payment_intent.succeeded", "status": "ignored"})


def test_a_declined_card_pauses_auto_replenish_records_it_and_tells_the_user(
        app, fake_stripe, stripe_client):
    harness, webhooks = app
    caller, _customer = _buy_starter(harness, webhooks, fake_stripe, stripe_client,
                                     card="4000000000000341")
    assert_ok(caller.patch("/api/billing", json={"autoReplenish": ON}))
    _spend(harness, caller)
    _spend(harness, caller)  # under 50: the top-up is tried and declined
    harness.services.background.drain()

    assert len(fake_stripe.payment_intents) == 1
    state = assert_ok(caller.get("/api/billing"))["autoReplenish"]
    assert state["paused"] is True and state["enabled"] is True and state["inFlight"] is False
    assert state["lastFailure"]["code"] == "card_declined"
    assert _credits(caller)["balance"] == 20  # nothing bought
    [mail] = [m for m in harness.mail if "auto-replenish" in m.subject]
    assert mail.to == "ada0@example.com" and mail.subject == "Credit auto-replenish is paused"
    assert "Job Seeker credit pack" in mail.text
    [note] = assert_ok(caller.get("/api/notifications"))["items"]
    assert note["type"] == "billing_changed" and note["title"] == "Credit auto-replenish is paused"

    # Paused: further spends buy nothing.
    _spend(harness, caller)
    harness.services.background.drain()
    assert len(fake_stripe.payment_intents) == 1 and _credits(caller)["balance"] == 0
    # A new default card in the portal, then turned on again: the pause is lifted, the failure
    # kept, and the empty balance (which no spend can lower) is topped up at once.
    card = save_card(stripe_client, _customer)
    stripe_client.v1.customers.update(_customer, params={"invoice_settings": {
        "default_payment_method": card}})
    again = assert_ok(caller.patch("/api/billing", json={"autoReplenish": {"enabled": True}}))
    assert again["autoReplenish"]["paused"] is False and again["autoReplenish"]["inFlight"]
    assert again["autoReplenish"]["lastFailure"]["code"] == "card_declined"
    assert fake_stripe.payment_intents[-1]["payment_method"] == card
    assert _credits(caller)["balance"] == 500


def test_a_card_that_needs_its_holder_pauses_too(app, fake_stripe, stripe_client):
    harness, webhooks = app
    caller, _customer = _buy_starter(harness, webhooks, fake_stripe, stripe_client,
                                     card="4000002500003155")
    assert_ok(caller.patch("/api/billing", json={"autoReplenish": {**ON, "threshold": 90}}))
    _spend(harness, caller)  # 100 -> 60 < 90
    harness.services.background.drain()
    failure = assert_ok(caller.get("/api/billing"))["autoReplenish"]["lastFailure"]
    assert failure["code"] == "authentication_required"
    assert failure["paymentIntentId"].startswith("pi_")


def test_no_saved_card_pauses_without_a_charge(app, fake_stripe, stripe_client):
    harness, webhooks = app
    caller, _customer = _buy_starter(harness, webhooks, fake_stripe, stripe_client, card=None)
    assert_ok(caller.patch("/api/billing", json={"autoReplenish": {**ON, "threshold": 90}}))
    _spend(harness, caller)
    harness.services.background.drain()
    assert fake_stripe.payment_intents == []
    state = assert_ok(caller.get("/api/billing"))["autoReplenish"]
    assert state["paused"] is True and state["lastFailure"]["code"] == "no_payment_method"


def test_stripe_down_is_retried_by_the_task_with_the_same_idempotency_key(
        app, fake_stripe, stripe_client, clock):
    harness, webhooks = app
    caller, _customer = _buy_starter(harness, webhooks, fake_stripe, stripe_client)
    assert_ok(caller.patch("/api/billing", json={"autoReplenish": ON}))
    fake_stripe.refuse_payment_intents = 1
    _spend(harness, caller)
    _spend(harness, caller)
    harness.services.background.drain()
    assert len(fake_stripe.payment_intents) == 1 and _credits(caller)["balance"] == 20
    assert assert_ok(caller.get("/api/billing"))["autoReplenish"]["inFlight"] is True

    runner = TaskRunner(harness.db, clock, harness.services.tasks.specs)
    # The attempt's lease still holds: the task leaves it.
    assert runner.run("billing-auto-replenish").summary == {"processed": 0}
    clock.advance(minutes=3)
    result = runner.run("billing-auto-replenish")
    assert result.summary == {"processed": 1, "succeeded": 1}, result.to_dict()
    first, second = fake_stripe.payment_intents
    assert first["Idempotency-Key"] == second["Idempotency-Key"]
    assert _credits(caller)["balance"] == 520
    assert runner.run("billing-auto-replenish").summary == {"processed": 0}


def test_a_lost_answer_is_settled_by_the_payment_intent_webhook(app, fake_stripe,
                                                                stripe_client, clock):
    harness, webhooks = app
    caller, customer = _buy_starter(harness, webhooks, fake_stripe, stripe_client)
    assert_ok(caller.patch("/api/billing", json={"autoReplenish": ON}))
    fake_stripe.lose_payment_intent_answers = 1  # Stripe charged; we never heard back
    _spend(harness, caller)
    _spend(harness, caller)
    harness.services.background.drain()
    assert _credits(caller)["balance"] == 20
    intents = [pi.to_dict() for pi in stripe_client.v1.payment_intents.list().data]
    [intent] = [pi for pi in intents if pi["metadata"].get("replenishId")
                and pi["metadata"]["userId"] == str(caller.user["_id"])]
    assert intent["status"] == "succeeded" and intent["customer"] == customer
    payload = json.dumps(webhooks.event("payment_intent.succeeded", intent))
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is False
    assert _credits(caller)["balance"] == 520
    assert assert_ok(caller.get("/api/billing"))["autoReplenish"]["inFlight"] is False
    # The task finds nothing left to do.
    clock.advance(minutes=3)
    runner = TaskRunner(harness.db, clock, harness.services.tasks.specs)
    assert runner.run("billing-auto-replenish").summary == {"processed": 0}


def test_a_payment_failed_webhook_pauses_once(app, fake_stripe, stripe_client):
    harness, webhooks = app
    caller, customer = _buy_starter(harness, webhooks, fake_stripe, stripe_client)
    assert_ok(caller.patch("/api/billing", json={"autoReplenish": ON}))
    fake_stripe.refuse_payment_intents = 1
    _spend(harness, caller)
    _spend(harness, caller)
    harness.services.background.drain()
    attempt = _account(harness, caller)["replenish"]
    failed = {"id": "pi_FailedAsync01", "object": "payment_intent", "amount": 799,
              "customer": customer, "status": "requires_payment_method",
              "metadata": {"userId": str(caller.user["_id"]), "pack": "job_seeker",
                           "replenishId": attempt["id"], "kind": "auto_replenish"},
              "last_payment_error": {"code": "card_declined", "message": "Declined."}}
    for _ in range(2):  # two deliveries under two event ids: one pause, one mail
        assert_ok(webhooks.send("payment_intent.payment_failed", failed))
    state = assert_ok(caller.get("/api/billing"))["autoReplenish"]
    assert state["paused"] is True and state["lastFailure"]["code"] == "card_declined"
    assert len([m for m in harness.mail if "auto-replenish" in m.subject]) == 1


def test_the_choice_is_validated(app, fake_stripe, stripe_client, make_app):
    harness, webhooks = app
    newcomer = harness.api_caller()
    assert_error(newcomer.patch("/api/billing", json={"autoReplenish": ON}), 409,
                 "NO_BILLING_ACCOUNT")
    caller, _customer = _buy_starter(harness, webhooks, fake_stripe, stripe_client)
    for body in ({}, {"autoReplenish": {}}, {"autoReplenish": {**ON, "pack": "mega"}},
                 {"autoReplenish": {**ON, "threshold": 0}},
                 {"autoReplenish": {**ON, "threshold": "ten"}},
                 {"autoReplenish": {**ON, "extra": 1}}, {"autoReplenish": ON, "tier": "pro"},
                 {"autoReplenish": {"enabled": True}}):
        assert_error(caller.patch("/api/billing", json=body), 400, "VALIDATION")
    assert_ok(caller.patch("/api/billing", json={"autoReplenish": ON}))
    off = assert_ok(caller.patch("/api/billing", json={"autoReplenish": {"enabled": False}}))
    assert off["autoReplenish"]["enabled"] is False
    assert off["autoReplenish"]["threshold"] == 50  # kept for turning it on again
    _spend(harness, caller)
    _spend(harness, caller)
    harness.services.background.drain()
    assert fake_stripe.payment_intents == []
    # Self-hosted: nothing can be bought.
    hosted = make_app(plugins=["plans", "billing"]).api_caller()
    assert_error(hosted.patch("/api/billing", json={"autoReplenish": ON}), 409,
                 "BILLING_DISABLED")
