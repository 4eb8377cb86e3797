"""Refunds and disputes take back the credits the charge bought: in proportion to what was
refunded or disputed, never below a zero balance, recorded in the ledger with the reason, once
per event. The payments, charges and refunds are real localstripe objects; the events are
signed like Stripe's."""

from __future__ import annotations

import json

import pytest

from lightninghire.api import AI_ACTION_COMPLETED
from lightninghire.testing import assert_ok
from tests.plugins.billing.conftest import (
    Webhooks,
    billing_settings,
    completed_session,
    paid_intent,
    save_card,
)

PRICE = {"starter": 199, "job_seeker": 799, "power": 2499}


@pytest.fixture
def app(make_app, fake_stripe, clock):
    fake_stripe.reset()
    harness = make_app(plugins=["plans", "billing"],
                       settings=billing_settings(fake_stripe, credits_per_ai_action=40))
    return harness, Webhooks(harness, clock)


def _buy(harness, webhooks, fake_stripe, stripe_client, pack="job_seeker", caller=None):
    """Checkout of a pack, paid by a real PaymentIntent; returns the caller and the payment."""
    caller = caller or harness.api_caller()
    data = assert_ok(caller.post("/api/billing/checkout", json={"pack": pack}))
    checkout = fake_stripe.checkouts[-1]
    card = save_card(stripe_client, checkout["customer"])
    intent = paid_intent(stripe_client, checkout["customer"], PRICE[pack], card)
    session = {**completed_session(checkout, data["sessionId"]),
               "payment_intent": intent["id"], "amount_total": intent["amount"]}
    assert_ok(webhooks.send("checkout.session.completed", session))
    return caller, intent


def _charge_of(stripe_client, intent) -> dict:
    """The payment's charge as an event carries it (refunds not expanded)."""
    latest = stripe_client.v1.payment_intents.retrieve(intent["id"]).latest_charge
    charge = stripe_client.v1.charges.retrieve(
        latest if isinstance(latest, str) else latest.id).to_dict()
    charge.pop("refunds", None)
    return charge


def _refund(stripe_client, intent, amount=None) -> dict:
    """Refund through Stripe, then the charge as ``charge.refunded`` carries it."""
    params = {"payment_intent": intent["id"], **({"amount": amount} if amount else {})}
    stripe_client.v1.refunds.create(params=params)
    return _charge_of(stripe_client, intent)


def _spend(harness, caller) -> None:
    harness.services.events.emit(AI_ACTION_COMPLETED, {
        "task": "interview.score_answer", "provider": "openai", "model": "gpt", "byok": False},
        user_id=str(caller.user["_id"]))


def _credits(caller) -> dict:
    return assert_ok(caller.get("/api/credits"))


def test_a_partial_then_full_refund_takes_back_credits_in_proportion(app, fake_stripe,
                                                                     stripe_client):
    harness, webhooks = app
    caller, intent = _buy(harness, webhooks, fake_stripe, stripe_client)  # 500 for 7.99
    bystander, _ = _buy(harness, webhooks, fake_stripe, stripe_client)
    charge = _refund(stripe_client, intent, amount=400)  # about half
    assert charge["amount_refunded"] == 400 and charge["payment_intent"] == intent["id"]
    payload = json.dumps(webhooks.event("charge.refunded", charge))
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is False
    credits = _credits(caller)
    assert credits["balance"] == 250  # 500 x 400 / 799, rounded down
    line = credits["items"][0]
    assert (line["kind"], line["amount"], line["reason"], line["balanceAfter"],
            line["shortfall"], line["pack"]) == ("refund", -250, "charge.refunded", 250, 0,
                                                 "job_seeker")
    # The same event again: a duplicate, nothing more taken.
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is True
    assert _credits(caller)["balance"] == 250

    charge = _refund(stripe_client, intent)  # the rest: amount_refunded is now 799
    assert charge["refunded"] is True
    assert_ok(webhooks.send("charge.refunded", charge))
    credits = _credits(caller)
    assert credits["balance"] == 0
    assert [(e["kind"], e["amount"]) for e in credits["items"]] == [
        ("refund", -250), ("refund", -250), ("purchase", 500)]
    # The same refund state announced by another event id takes nothing more.
    assert_ok(webhooks.send("charge.refunded", charge))
    assert len(_credits(caller)["items"]) == 3
    stored = harness.db["billing_events"].find_one(
        {"type": "charge.refunded"}, sort=[("receivedAt", -1), ("_id", -1)])
    assert stored["userId"] == str(caller.user["_id"])
    # Nobody else loses anything.
    assert _credits(bystander)["balance"] == 500


def test_a_refund_never_takes_the_balance_below_zero(app, fake_stripe, stripe_client):
    harness, webhooks = app
    caller, intent = _buy(harness, webhooks, fake_stripe, stripe_client, pack="starter")
    _spend(harness, caller)
    _spend(harness, caller)  # 100 -> 20: 80 credits already used
    assert_ok(webhooks.send("charge.refunded", _refund(stripe_client, intent)))
    credits = _credits(caller)
    assert credits["balance"] == 0
    assert (credits["items"][0]["amount"], credits["items"][0]["shortfall"]) == (-20, 80)
    assert harness.db["billing_accounts"].find_one(
        {"userId": str(caller.user["_id"])})["creditBalance"] == 0
    # Credits bought later are not taken for the earlier shortfall.
    _buy(harness, webhooks, fake_stripe, stripe_client, pack="starter", caller=caller)
    assert _credits(caller)["balance"] == 100


def test_a_dispute_takes_back_the_disputed_share_once(app, fake_stripe, stripe_client):
    harness, webhooks = app
    caller, intent = _buy(harness, webhooks, fake_stripe, stripe_client)
    charge = _charge_of(stripe_client, intent)
    dispute = {"id": "dp_Test0001", "object": "dispute", "amount": 799, "currency": "usd",
               "charge": charge["id"], "payment_intent": intent["id"],
               "reason": "fraudulent", "status": "needs_response"}
    payload = json.dumps(webhooks.event("charge.dispute.created", dispute))
    assert_ok(webhooks.post(payload, webhooks.sign(payload)))
    credits = _credits(caller)
    assert credits["balance"] == 0
    line = credits["items"][0]
    assert (line["kind"], line["amount"], line["reason"]) == (
        "dispute", -500, "charge.dispute.created")
    stored = harness.db["billing_credit_ledger"].find_one({"kind": "dispute"})
    assert stored["disputeId"] == "dp_Test0001" and stored["chargeId"] == charge["id"]
    # Replayed, or refunded on top: never more than the purchase.
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is True
    assert_ok(webhooks.send("charge.refunded", _refund(stripe_client, intent)))
    assert len(_credits(caller)["items"]) == 2


def test_a_dispute_naming_only_the_charge_finds_its_payment_through_stripe(
        app, fake_stripe, stripe_client):
    harness, webhooks = app
    caller, intent = _buy(harness, webhooks, fake_stripe, stripe_client)
    dispute = {"id": "dp_Test0002", "object": "dispute", "amount": 400, "currency": "usd",
               "charge": _charge_of(stripe_client, intent)["id"], "reason": "general",
               "status": "needs_response"}
    assert_ok(webhooks.send("charge.dispute.created", dispute))
    assert _credits(caller)["balance"] == 250


def test_refunds_of_unknown_payments_and_malformed_amounts_change_nothing(app, fake_stripe,
                                                                         stripe_client):
    harness, webhooks = app
    caller, intent = _buy(harness, webhooks, fake_stripe, stripe_client)
    # A subscription invoice's charge, say: no credits were bought with it.
    assert_ok(webhooks.send("charge.refunded", {
        "id": "ch_Other01", "object": "charge", "amount": 2900, "amount_refunded": 2900,
        "payment_intent": "pi_Other01", "refunded": True}))
    assert harness.db["billing_events"].find_one({"type": "charge.refunded"})["status"] == \
        "ignored"
    assert_ok(webhooks.send("charge.refunded", {
        "id": "ch_Bad01", "object": "charge", "amount": 799, "amount_refunded": "799",
        "payment_intent": intent["id"]}))
    assert harness.db["billing_events"].find_one({"type": "charge.refunded",
                                                  "status": "rejected"})["error"] == \
        "data.object.amount_refunded is not an amount"
    assert_ok(webhooks.send("charge.refunded", {
        "id": "ch_Bad02", "object": "charge", "amount": 799, "amount_refunded": 799,
        "payment_intent": {"$ne": None}}))
    assert _credits(caller)["balance"] == 500
