"""Checkout and portal: what the real SDK sends to Stripe, and the refusals."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok, free_port
from tests.plugins.billing.conftest import PRICES, billing_settings


def test_plan_checkout_creates_the_customer_and_a_trial_session_without_card(
        stripe_app, fake_stripe, stripe_client):
    caller = stripe_app.api_caller(email="ada@example.com", name="Ada Lovelace")
    user_id = str(caller.user["_id"])
    data = assert_ok(caller.post("/api/billing/checkout", json={"plan": "pro_monthly"}))
    assert data["url"].startswith("https://checkout.stripe.test/c/pay/cs_test_")
    assert data["sessionId"] in data["url"]

    sent = fake_stripe.checkouts[-1]
    assert sent["mode"] == "subscription"
    assert sent["line_items[0][price]"] == PRICES["pro_monthly"]
    assert sent["client_reference_id"] == user_id
    assert sent["subscription_data[trial_period_days]"] == "7"
    assert sent["payment_method_collection"] == "if_required"
    assert sent["subscription_data[trial_settings][end_behavior][missing_payment_method]"] == \
        "cancel"
    assert sent["subscription_data[metadata][userId]"] == user_id
    assert sent["success_url"].startswith("http://testserver/")
    # The customer exists at Stripe (localstripe), tagged with the user, and is linked once.
    customer = stripe_client.v1.customers.retrieve(sent["customer"])
    assert customer.email == "ada@example.com" and customer.metadata["userId"] == user_id
    assert_ok(caller.post("/api/billing/checkout", json={"plan": "pro_annual"}))
    assert fake_stripe.checkouts[-1]["customer"] == sent["customer"]
    assert fake_stripe.checkouts[-1]["line_items[0][price]"] == PRICES["pro_annual"]
    assert assert_ok(caller.get("/api/billing"))["hasBillingAccount"] is True


def test_pack_checkout_is_a_one_off_payment(stripe_app, fake_stripe):
    caller = stripe_app.api_caller()
    assert_ok(caller.post("/api/billing/checkout", json={"pack": "job_seeker"}))
    sent = fake_stripe.checkouts[-1]
    assert sent["mode"] == "payment"
    assert sent["line_items[0][price]"] == PRICES["job_seeker"]
    assert sent["metadata[pack]"] == "job_seeker"
    assert "subscription_data[trial_period_days]" not in sent
    assert "payment_method_collection" not in sent


def test_checkout_body_is_validated(stripe_app, fake_stripe):
    caller = stripe_app.api_caller()
    for body in ({}, {"plan": "pro_monthly", "pack": "starter"}, {"plan": "gold"},
                 {"pack": "x" * 500}, {"plan": "pro_monthly", "coupon": "FREE"}):
        assert_error(caller.post("/api/billing/checkout", json=body), 400, "VALIDATION")
    assert fake_stripe.checkouts == []


def test_plans_follow_the_account_type(stripe_app, fake_stripe):
    seeker = stripe_app.api_caller()
    assert_error(seeker.post("/api/billing/checkout", json={"plan": "recruiter_pro"}), 400,
                 "PLAN_NOT_AVAILABLE")
    recruiter = stripe_app.api_caller(user_type="recruiter")
    assert_error(recruiter.post("/api/billing/checkout", json={"plan": "pro_monthly"}), 400,
                 "PLAN_NOT_AVAILABLE")
    assert_ok(recruiter.post("/api/billing/checkout", json={"plan": "recruiter_pro"}))
    assert fake_stripe.checkouts[-1]["line_items[0][price]"] == PRICES["recruiter_pro"]


def test_a_missing_price_is_a_clear_error(make_app, fake_stripe):
    settings = billing_settings(fake_stripe)
    del settings["plugins.billing.price_power"]
    caller = make_app(plugins=["plans", "billing"], settings=settings).api_caller()
    error = assert_error(caller.post("/api/billing/checkout", json={"pack": "power"}), 503,
                         "PRICE_NOT_CONFIGURED")
    assert "price_power" in error["message"]


def test_stripe_unreachable_is_a_502_and_nothing_is_linked(make_app, fake_stripe):

    settings = billing_settings(fake_stripe)
    settings["plugins.billing.stripe_api_base"] = f"http://127.0.0.1:{free_port()}"
    harness = make_app(plugins=["plans", "billing"], settings=settings)
    caller = harness.api_caller()
    assert_error(caller.post("/api/billing/checkout", json={"plan": "pro_monthly"}), 502,
                 "PAYMENTS_UNAVAILABLE")
    assert harness.db["billing_accounts"].count_documents({"customerId": {"$exists": True}}) == 0


def test_checkout_needs_a_signed_in_caller(stripe_app):
    result = stripe_app.client.simulate_post("/api/billing/checkout", json={"plan": "pro_monthly"})
    assert_error(result, 401, "UNAUTHENTICATED")


def test_portal_needs_a_billing_account_then_answers_a_url(stripe_app, fake_stripe):
    caller = stripe_app.api_caller()
    assert_error(caller.post("/api/billing/portal"), 409, "NO_BILLING_ACCOUNT")
    assert_ok(caller.post("/api/billing/checkout", json={"pack": "starter"}))
    customer = fake_stripe.checkouts[-1]["customer"]
    data = assert_ok(caller.post("/api/billing/portal"))
    assert data["url"].startswith("https://billing.stripe.test/p/session/bps_")
    assert fake_stripe.portals[-1] == {"customer": customer,
                                       "return_url": "http://testserver/settings/billing"}
    # Another user has their own (absent) billing account.
    assert_error(stripe_app.api_caller().post("/api/billing/portal"), 409, "NO_BILLING_ACCOUNT")


def test_portal_through_a_browser_session(stripe_app):
    caller = stripe_app.session_caller()
    assert_error(caller.post("/api/billing/portal"), 409, "NO_BILLING_ACCOUNT")
    assert_ok(caller.post("/api/billing/checkout", json={"pack": "starter"}))
    assert assert_ok(caller.post("/api/billing/portal"))["url"]
