"""Subscriptions end to end: Checkout -> signed webhook -> GET /api/entitlements, and the tier
rules for trials, cancellation, past_due and non-payment."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from lightninghire.testing import SmtpTransport, assert_error, assert_ok
from tests.plugins.billing.conftest import (
    checked_out_and_subscribed,
    completed_session,
    stripe_subscribes,
)


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _subscribe(stripe_app, fake_stripe, stripe_client, webhooks, caller, plan="pro_monthly"):
    """Checkout through the API, Stripe completes it, the webhook arrives."""
    data = assert_ok(caller.post("/api/billing/checkout", json={"plan": plan}))
    checkout = fake_stripe.checkouts[-1]
    sub = stripe_subscribes(stripe_client, checkout["customer"], plan, str(caller.user["_id"]))
    session = completed_session(checkout, data["sessionId"], subscription=sub["id"])
    assert assert_ok(webhooks.send("checkout.session.completed", session)) == {
        "received": True, "duplicate": False}
    return sub


def test_checkout_then_webhook_makes_the_user_pro(stripe_app, fake_stripe, stripe_client,
                                                 webhooks):
    caller = stripe_app.api_caller()
    before = assert_ok(caller.get("/api/entitlements"))
    assert before["isPro"] is False and before["features"]["ai_actions"]["limit"] == 10
    assert_error(caller.post("/api/me/api-keys", json={"name": "ci"}), 402, "PAYMENT_REQUIRED")

    sub = _subscribe(stripe_app, fake_stripe, stripe_client, webhooks, caller)

    after = assert_ok(caller.get("/api/entitlements"))
    assert after["isPro"] is True and after["tier"] == "pro" and after["role"] == "pro"
    assert after["subscriptionStatus"] == "active"
    assert after["currentPeriodEnd"] == _iso(sub["current_period_end"])
    assert after["features"]["ai_actions"]["limit"] is None
    assert_ok(caller.post("/api/me/api-keys", json={"name": "ci"}), 201)
    billing = assert_ok(caller.get("/api/billing"))
    assert billing["plan"] == "pro_monthly" and billing["tier"] == "pro"
    assert billing["trialAvailable"] is False and billing["cancelAtPeriodEnd"] is False
    # Subscribed already: a second checkout for a plan is refused (the portal changes plans).
    assert_error(caller.post("/api/billing/checkout", json={"plan": "pro_annual"}), 409,
                 "ALREADY_SUBSCRIBED")
    # Someone else is untouched.
    assert assert_ok(stripe_app.api_caller().get("/api/entitlements"))["isPro"] is False


def test_cancellation_keeps_pro_until_the_period_ends(stripe_app, fake_stripe, stripe_client,
                                                      webhooks, clock):
    caller = stripe_app.api_caller()
    sub = _subscribe(stripe_app, fake_stripe, stripe_client, webhooks, caller)
    # Cancel at period end in the portal: Stripe says so in an update.
    updated = stripe_client.v1.subscriptions.update(
        sub["id"], params={"cancel_at_period_end": True}).to_dict()
    assert_ok(webhooks.send("customer.subscription.updated", updated))
    billing = assert_ok(caller.get("/api/billing"))
    assert billing["cancelAtPeriodEnd"] is True and billing["tier"] == "pro"
    # Cancelled outright: still Pro to the end of the paid period, then free.
    deleted = stripe_client.v1.subscriptions.cancel(sub["id"]).to_dict()
    assert_ok(webhooks.send("customer.subscription.deleted", deleted))
    period_end = datetime.fromtimestamp(sub["current_period_end"], UTC)
    clock.set(period_end - timedelta(minutes=1))
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isPro"] is True and ent["subscriptionStatus"] == "canceled"
    clock.set(period_end + timedelta(seconds=1))
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isPro"] is False and ent["tier"] == "free"
    assert ent["features"]["ai_actions"]["limit"] == 10
    assert assert_ok(caller.get("/api/billing"))["tier"] == "free"
    # Free again: a new subscription may start (without a second trial).
    assert_ok(caller.post("/api/billing/checkout", json={"plan": "pro_annual"}))
    assert "subscription_data[trial_period_days]" not in fake_stripe.checkouts[-1]


def test_a_trial_is_pro_until_it_ends_without_a_card(stripe_app, fake_stripe, stripe_client,
                                                     webhooks, clock):
    caller = stripe_app.api_caller()
    sub = checked_out_and_subscribed(caller, fake_stripe, stripe_client)
    trial_end = int((clock.now() + timedelta(days=7)).timestamp())
    trialing = {**sub, "status": "trialing", "trial_end": trial_end,
                "current_period_end": trial_end}
    assert_ok(webhooks.send("customer.subscription.created", trialing))
    billing = assert_ok(caller.get("/api/billing"))
    assert billing["subscriptionStatus"] == "trialing" and billing["tier"] == "pro"
    assert billing["trialEnd"] == _iso(trial_end)
    # Day 7 without a card: Stripe cancels the trial (end_behavior = cancel).
    clock.set(datetime.fromtimestamp(trial_end, UTC))
    ended = {**trialing, "status": "canceled", "ended_at": trial_end, "canceled_at": trial_end}
    assert_ok(webhooks.send("customer.subscription.deleted", ended))
    assert assert_ok(caller.get("/api/entitlements"))["isPro"] is False


def test_the_trial_ending_notice_mails_the_user_once(stripe_app, fake_stripe, stripe_client,
                                                     webhooks, clock, smtp_server):
    """``customer.subscription.trial_will_end`` (three days before): one mail through the
    project's outbox to a real SMTP server, whatever the redeliveries."""
    server = smtp_server()
    stripe_app.services.mail.transport = SmtpTransport.from_url(server.url())
    caller = stripe_app.api_caller(email="grace@example.com", name="Grace")
    sub = checked_out_and_subscribed(caller, fake_stripe, stripe_client)
    trial_end = int((clock.now() + timedelta(days=3)).timestamp())
    trialing = {**sub, "status": "trialing", "trial_end": trial_end,
                "current_period_end": trial_end}
    payload = json.dumps(webhooks.event("customer.subscription.trial_will_end", trialing))
    assert_ok(webhooks.post(payload, webhooks.sign(payload)))
    [mail] = server.delivered
    assert mail.rcpt_tos == ["grace@example.com"]
    assert mail.email["Subject"] == "Your Pro (monthly) trial ends soon"
    text = mail.body("plain")
    when = datetime.fromtimestamp(trial_end, UTC).strftime("%B %d, %Y")
    assert "Hi Grace" in text and f"trial ends on {when}" in text and "nothing is" in text
    assert mail.email["List-Unsubscribe"] is None  # transactional: about the user's payments
    # The state is kept as for any subscription event.
    assert assert_ok(caller.get("/api/billing"))["subscriptionStatus"] == "trialing"
    stored = stripe_app.db["billing_events"].find_one(
        {"type": "customer.subscription.trial_will_end"})
    assert stored["status"] == "processed" and stored["mailed"] == "sent"
    # A replay, and a second notice for the same trial under another event id: no more mail.
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is True
    assert_ok(webhooks.send("customer.subscription.trial_will_end", trialing))
    assert len(server.delivered) == 1
    # A notice for another user's trial mails that user only.
    other = stripe_app.api_caller(email="alan@example.com", name="Alan")
    other_sub = checked_out_and_subscribed(other, fake_stripe, stripe_client)
    assert_ok(webhooks.send("customer.subscription.trial_will_end", {
        **other_sub, "status": "trialing", "trial_end": trial_end}))
    assert [m.rcpt_tos for m in server.delivered] == [["grace@example.com"],
                                                        ["alan@example.com"]]


def test_past_due_keeps_pro_for_the_grace_period_then_an_invoice_paid_restores_it(
        stripe_app, fake_stripe, stripe_client, webhooks, clock):
    caller = stripe_app.api_caller()
    sub = _subscribe(stripe_app, fake_stripe, stripe_client, webhooks, caller)
    assert_ok(webhooks.send("customer.subscription.updated", {**sub, "status": "past_due"}))
    assert assert_ok(caller.get("/api/entitlements"))["isPro"] is True
    clock.advance(days=6, hours=23)
    # A second past_due update does not restart the grace period.
    assert_ok(webhooks.send("customer.subscription.updated", {**sub, "status": "past_due"}))
    assert assert_ok(caller.get("/api/entitlements"))["isPro"] is True
    clock.advance(hours=2)
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isPro"] is False and ent["subscriptionStatus"] == "past_due"
    # The retry succeeds: invoice.paid makes billing re-read the subscription (active at Stripe).
    invoice = {"id": "in_test_1", "object": "invoice", "customer": sub["customer"],
               "subscription": sub["id"], "status": "paid"}
    assert_ok(webhooks.send("invoice.paid", invoice))
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isPro"] is True and ent["subscriptionStatus"] == "active"


def test_invoice_events_re_read_the_subscription_from_stripe(stripe_app, fake_stripe,
                                                            stripe_client, webhooks):
    caller = stripe_app.api_caller()
    sub = _subscribe(stripe_app, fake_stripe, stripe_client, webhooks, caller)
    # A change at Stripe whose own event has not arrived yet...
    stripe_client.v1.subscriptions.update(sub["id"], params={"cancel_at_period_end": True})
    # ...shows after a failed-payment event (new API shape: the subscription under ``parent``).
    invoice = {"id": "in_test_2", "object": "invoice", "customer": sub["customer"],
               "parent": {"subscription_details": {"subscription": sub["id"]}}}
    assert_ok(webhooks.send("invoice.payment_failed", invoice))
    assert assert_ok(caller.get("/api/billing"))["cancelAtPeriodEnd"] is True


def test_cancellation_for_non_payment_ends_pro_at_once(stripe_app, fake_stripe, stripe_client,
                                                       webhooks):
    caller = stripe_app.api_caller()
    sub = _subscribe(stripe_app, fake_stripe, stripe_client, webhooks, caller)
    unpaid = {**sub, "status": "canceled", "cancellation_details": {"reason": "payment_failed"}}
    assert_ok(webhooks.send("customer.subscription.deleted", unpaid))
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isPro"] is False and ent["subscriptionStatus"] == "canceled"


def test_statuses_without_access(stripe_app, fake_stripe, stripe_client, webhooks):
    for status in ("incomplete", "incomplete_expired", "unpaid", "paused"):
        caller = stripe_app.api_caller()
        sub = checked_out_and_subscribed(caller, fake_stripe, stripe_client)
        assert_ok(webhooks.send("customer.subscription.updated", {**sub, "status": status}))
        ent = assert_ok(caller.get("/api/entitlements"))
        assert (ent["isPro"], ent["subscriptionStatus"]) == (False, status)


def test_recruiter_pro(stripe_app, fake_stripe, stripe_client, webhooks):
    caller = stripe_app.api_caller(user_type="recruiter")
    _subscribe(stripe_app, fake_stripe, stripe_client, webhooks, caller, plan="recruiter_pro")
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isPro"] is True and ent["tier"] == "recruiter_pro"
    assert assert_ok(caller.get("/api/billing"))["plan"] == "recruiter_pro"


def test_an_admin_granted_tier_is_not_taken_away(stripe_app):
    caller = stripe_app.api_caller(tier="pro")
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isPro"] is True
    assert assert_ok(caller.get("/api/billing"))["tier"] == "pro"


def test_subscription_events_find_the_user_by_metadata_when_no_customer_is_linked(
        stripe_app, stripe_client, webhooks):
    caller = stripe_app.api_caller()
    user_id = str(caller.user["_id"])
    customer = stripe_client.v1.customers.create(params={"email": "x@example.com"})
    sub = stripe_subscribes(stripe_client, customer.id, "pro_monthly", user_id)
    assert_ok(webhooks.send("customer.subscription.created", sub))
    assert assert_ok(caller.get("/api/entitlements"))["isPro"] is True
    assert assert_ok(caller.get("/api/billing"))["hasBillingAccount"] is True
    # An event for a customer nobody knows is recorded and answered, and changes nothing.
    stranger = stripe_client.v1.customers.create(params={"email": "y@example.com"})
    orphan = {**sub, "id": "sub_orphan", "customer": stranger.id, "metadata": {}}
    result = webhooks.send("customer.subscription.created", orphan)
    assert assert_ok(result)["duplicate"] is False
    assert stripe_app.db["billing_events"].find_one({"type": "customer.subscription.created",
                                                     "status": "unmatched"}) is not None
