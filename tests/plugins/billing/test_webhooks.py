"""The Stripe webhook: signatures on the raw body, idempotency by event id, ordering, audit."""

from __future__ import annotations

import json
import threading

import pytest

from lightninghire.testing import assert_error, assert_ok, free_port
from tests.plugins.billing.conftest import (
    Webhooks,
    billing_settings,
    checked_out_and_subscribed,
    completed_session,
    stripe_subscribes,
)


def _pack_event(webhooks: Webhooks, caller, fake_stripe, pack: str = "starter") -> str:
    """A signed ``checkout.session.completed`` for a credit pack the caller checked out."""
    data = assert_ok(caller.post("/api/billing/checkout", json={"pack": pack}))
    session = completed_session(fake_stripe.checkouts[-1], data["sessionId"])
    return json.dumps(webhooks.event("checkout.session.completed", session))


def _balance(caller) -> int:
    return assert_ok(caller.get("/api/credits"))["balance"]


def test_a_valid_signature_is_accepted_and_the_event_kept_for_audit(stripe_app, fake_stripe,
                                                                   webhooks):
    caller = stripe_app.api_caller()
    payload = _pack_event(webhooks, caller, fake_stripe)
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload))) == {
        "received": True, "duplicate": False}
    assert _balance(caller) == 100
    event = json.loads(payload)
    stored = stripe_app.db["billing_events"].find_one({"_id": event["id"]})
    assert stored["payload"] == payload and stored["status"] == "processed"
    assert stored["type"] == "checkout.session.completed"
    assert stored["userId"] == str(caller.user["_id"])


def test_bad_signatures_are_refused_and_nothing_is_recorded(stripe_app, fake_stripe, webhooks,
                                                            clock):
    caller = stripe_app.api_caller()
    payload = _pack_event(webhooks, caller, fake_stripe)
    good = webhooks.sign(payload)
    now = int(clock.now().timestamp())
    tampered = payload.replace('"starter"', '"power"')
    assert tampered != payload
    cases = [
        (tampered, good),                                         # body changed after signing
        (payload, webhooks.sign(payload, secret="whsec_wrong")),  # another endpoint's secret
        (payload, webhooks.sign(payload, timestamp=now - 301)),   # stale: replay of old capture
        (payload, webhooks.sign(payload, timestamp=now + 301)),   # from the future
        (payload, None),                                          # no header
        (payload, "t=abc,v1=nope"),                               # garbage
        (payload, good.replace("v1=", "v0=")),                    # no v1 signature
    ]
    for body, signature in cases:
        assert_error(webhooks.post(body, signature), 400, "INVALID_SIGNATURE")
    assert stripe_app.db["billing_events"].count_documents({}) == 0
    assert _balance(caller) == 0
    # Within the tolerance it passes.
    assert_ok(webhooks.post(payload, webhooks.sign(payload, timestamp=now - 299)))
    assert _balance(caller) == 100


def test_a_signed_body_that_is_not_an_event_is_refused(stripe_app, webhooks):
    for body, code in (("[1, 2]", "INVALID_EVENT"), ("not json", "INVALID_JSON"),
                       ('{"id": 5, "type": "x"}', "INVALID_EVENT")):
        assert_error(webhooks.post(body, webhooks.sign(body)), 400, code)


def test_a_replayed_event_answers_200_and_does_nothing(stripe_app, fake_stripe, webhooks):
    caller = stripe_app.api_caller()
    payload = _pack_event(webhooks, caller, fake_stripe)
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is False
    for _ in range(2):
        assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is True
    assert _balance(caller) == 100
    stored = stripe_app.db["billing_events"].find_one({})
    assert stored["deliveries"] == 3 and stored["attempts"] == 1


def test_concurrent_duplicate_deliveries_have_exactly_one_effect(stripe_app, fake_stripe,
                                                                 webhooks):
    caller = stripe_app.api_caller()
    payload = _pack_event(webhooks, caller, fake_stripe, pack="power")
    signature = webhooks.sign(payload)
    results: list[dict] = []
    start = threading.Barrier(8)

    def deliver() -> None:
        start.wait()
        results.append(assert_ok(webhooks.post(payload, signature)))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r["duplicate"] for r in results) == [False] + [True] * 7
    assert _balance(caller) == 2000
    ledger = assert_ok(caller.get("/api/credits"))["items"]
    assert [(e["kind"], e["amount"]) for e in ledger] == [("purchase", 2000)]


def test_the_same_purchase_in_two_events_is_credited_once(stripe_app, fake_stripe, webhooks):
    caller = stripe_app.api_caller()
    data = assert_ok(caller.post("/api/billing/checkout", json={"pack": "starter"}))
    checkout = fake_stripe.checkouts[-1]
    # A delayed payment method: completed unpaid, then the money arrives.
    pending = completed_session(checkout, data["sessionId"], payment_status="unpaid")
    assert_ok(webhooks.send("checkout.session.completed", pending))
    assert _balance(caller) == 0
    paid = completed_session(checkout, data["sessionId"])
    assert_ok(webhooks.send("checkout.session.async_payment_succeeded", paid))
    assert_ok(webhooks.send("checkout.session.completed", paid))  # a distinct event, same session
    assert _balance(caller) == 100


def test_out_of_order_deleted_before_updated_stays_cancelled(stripe_app, fake_stripe,
                                                             stripe_client, webhooks, clock):
    caller = stripe_app.api_caller()
    sub = checked_out_and_subscribed(caller, fake_stripe, stripe_client)
    t0 = int(clock.now().timestamp())
    deleted = {**sub, "status": "canceled", "cancellation_details": {"reason": "payment_failed"}}
    # Stripe sent created (t0), updated (t0 + 5), deleted (t0 + 9); they arrive backwards.
    assert_ok(webhooks.send("customer.subscription.deleted", deleted, created=t0 + 9))
    assert_ok(webhooks.send("customer.subscription.updated", sub, created=t0 + 5))
    assert_ok(webhooks.send("customer.subscription.created", sub, created=t0))
    # Even an "updated" stamped the same second cannot revive a cancelled subscription.
    assert_ok(webhooks.send("customer.subscription.updated", sub, created=t0 + 9))
    ent = assert_ok(caller.get("/api/entitlements"))
    assert ent["isPro"] is False and ent["subscriptionStatus"] == "canceled"


def test_an_older_update_does_not_overwrite_a_newer_one(stripe_app, fake_stripe, stripe_client,
                                                        webhooks, clock):
    caller = stripe_app.api_caller()
    sub = checked_out_and_subscribed(caller, fake_stripe, stripe_client)
    t0 = int(clock.now().timestamp())
    assert_ok(webhooks.send("customer.subscription.updated",
                            {**sub, "cancel_at_period_end": True}, created=t0 + 5))
    assert_ok(webhooks.send("customer.subscription.updated", sub, created=t0))
    assert assert_ok(caller.get("/api/billing"))["cancelAtPeriodEnd"] is True


def test_a_failed_event_is_retried_by_the_next_delivery(make_app, fake_stripe, stripe_client,
                                                        clock):

    broken = billing_settings(fake_stripe)
    broken["plugins.billing.stripe_api_base"] = f"http://127.0.0.1:{free_port()}"
    down = make_app(plugins=["plans", "billing"], settings=broken)      # Stripe unreachable
    up = make_app(plugins=["plans", "billing"], settings=billing_settings(fake_stripe))  # same database
    caller = up.api_caller()
    data = assert_ok(caller.post("/api/billing/checkout", json={"plan": "pro_monthly"}))
    checkout = fake_stripe.checkouts[-1]
    sub = stripe_subscribes(stripe_client, checkout["customer"], "pro_monthly",
                            str(caller.user["_id"]))
    hooks_down, hooks_up = Webhooks(down, clock), Webhooks(up, clock)
    payload = json.dumps(hooks_down.event(
        "checkout.session.completed",
        completed_session(checkout, data["sessionId"], subscription=sub["id"])))
    # The subscription cannot be read: 502, the event is kept as failed, Stripe will retry.
    assert_error(hooks_down.post(payload, hooks_down.sign(payload)), 502, "PAYMENTS_UNAVAILABLE")
    stored = up.db["billing_events"].find_one({})
    assert stored["status"] == "failed" and "Unavailable" in stored["error"]
    assert assert_ok(caller.get("/api/entitlements"))["isPro"] is False
    # Stripe's retry is processed, not taken for a duplicate.
    assert assert_ok(hooks_up.post(payload, hooks_up.sign(payload)))["duplicate"] is False
    assert assert_ok(caller.get("/api/entitlements"))["isPro"] is True
    stored = up.db["billing_events"].find_one({})
    assert stored["status"] == "processed" and stored["attempts"] == 2


def test_unhandled_event_types_are_recorded_and_ignored(stripe_app, webhooks):
    assert_ok(webhooks.send("customer.created", {"id": "cus_123", "object": "customer"}))
    stored = stripe_app.db["billing_events"].find_one({"type": "customer.created"})
    assert stored["status"] == "ignored"


def test_the_webhook_is_public_but_off_without_a_webhook_secret(make_app, fake_stripe, clock):
    settings = billing_settings(fake_stripe)
    del settings["plugins.billing.stripe_webhook_secret"]
    harness = make_app(plugins=["plans", "billing"], settings=settings)
    hooks = Webhooks(harness, clock)
    payload = json.dumps(hooks.event("customer.created", {"id": "cus_1"}))
    assert_error(hooks.post(payload, hooks.sign(payload)), 409, "BILLING_DISABLED")


def test_a_claim_abandoned_by_a_crashed_worker_is_taken_over(stripe_app, fake_stripe, webhooks,
                                                             clock):
    caller = stripe_app.api_caller()
    payload = _pack_event(webhooks, caller, fake_stripe)
    event = json.loads(payload)
    # A worker claimed the event and died before applying it.
    stripe_app.db["billing_events"].insert_one({
        "_id": event["id"], "type": event["type"], "payload": payload, "status": "processing",
        "claimedAt": clock.now(), "attempts": 1, "deliveries": 1})
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is True
    assert _balance(caller) == 0
    clock.advance(minutes=6)  # past the 5-minute claim
    assert assert_ok(webhooks.post(payload, webhooks.sign(payload)))["duplicate"] is False
    assert _balance(caller) == 100


NOBODY = {"$ne": None}
CHECKOUT = {"id": "cs_test_injected", "object": "checkout.session", "mode": "payment",
            "customer": "cus_Injected01", "client_reference_id": None,
            "metadata": {"pack": "power"}, "status": "complete", "payment_status": "paid"}
SUBSCRIPTION = {"id": "sub_Injected01", "object": "subscription", "customer": "cus_Injected01",
                "status": "active", "metadata": {"plan": "pro_monthly"},
                "items": {"data": [{"price": {"id": "price_pro_monthly"}}]}}
INVOICE = {"id": "in_Injected01", "object": "invoice", "customer": "cus_Injected01",
           "parent": {"subscription_details": {"subscription": "sub_Injected01",
                                               "metadata": {"userId": NOBODY}}}}


@pytest.mark.parametrize(("kind", "obj", "field"), [
    ("checkout.session.completed", {**CHECKOUT, "metadata": {"pack": "power", "userId": NOBODY}},
     "data.object.metadata.userId"),
    ("checkout.session.completed", {**CHECKOUT, "client_reference_id": {"$gt": ""}},
     "data.object.client_reference_id"),
    ("checkout.session.completed", {**CHECKOUT, "customer": {"id": NOBODY},
                                    "client_reference_id": "0" * 24},
     "data.object.customer"),
    ("checkout.session.completed", {**CHECKOUT, "id": NOBODY, "metadata": {"userId": "0" * 24}},
     "data.object.id"),
    ("customer.subscription.updated", {**SUBSCRIPTION, "metadata": {"userId": NOBODY}},
     "data.object.metadata.userId"),
    ("customer.subscription.updated", {**SUBSCRIPTION, "id": "sub_a.b", "customer": NOBODY},
     "data.object.id"),
    ("customer.subscription.updated", {**SUBSCRIPTION, "current_period_end": "tomorrow"},
     "data.object.current_period_end"),
    ("invoice.paid", INVOICE, "data.object.parent.subscription_details.metadata.userId"),
], ids=["metadata-userId-object", "client-reference-object", "expanded-customer-id-object",
        "session-id-object", "subscription-metadata-userId-object", "dotted-subscription-id",
        "period-end-string", "invoice-metadata-userId-object"])
def test_signed_events_with_values_of_the_wrong_shape_change_nothing(stripe_app, fake_stripe,
                                                                      webhooks, kind, obj,
                                                                      field):
    """Issue 18, finding 9: a correctly signed event whose metadata.userId was {"$ne": null}
    credited the first billing account found. Every value taken from an event is checked
    before any query; a bad one rejects the event, recorded with the field it names."""
    victim = stripe_app.api_caller()
    assert_ok(victim.post("/api/billing/checkout", json={"pack": "starter"}))  # has an account
    before = list(stripe_app.db["billing_accounts"].find({}, {"_id": 0, "updatedAt": 0}))
    assert assert_ok(webhooks.send(kind, obj)) == {"received": True, "duplicate": False}
    assert list(stripe_app.db["billing_accounts"].find({}, {"_id": 0, "updatedAt": 0})) == before
    assert _balance(victim) == 0
    assert assert_ok(victim.get("/api/billing"))["tier"] == "free"
    assert stripe_app.db["billing_credit_ledger"].count_documents({}) == 0
    stored = stripe_app.db["billing_events"].find_one({"type": kind})
    assert stored["status"] == "rejected" and stored["error"].startswith(field), stored


def test_a_signed_event_with_a_non_integer_time_is_rejected_not_retried(stripe_app, webhooks):
    event = webhooks.event("checkout.session.completed", CHECKOUT)
    payload = json.dumps({**event, "created": "yesterday"})
    assert_ok(webhooks.post(payload, webhooks.sign(payload)))
    stored = stripe_app.db["billing_events"].find_one({"_id": event["id"]})
    assert stored["status"] == "rejected" and stored["error"] == "created is not a Unix time"
