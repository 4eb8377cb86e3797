"""Billing test harness: the real Stripe SDK against localstripe (started here, stopped always),
behind a small local HTTP server that answers what localstripe lacks (Checkout Sessions, the
billing portal), records what the SDK sent, and forwards everything else to localstripe.
PaymentIntent creations are forwarded too, recorded with their idempotency key; a test may have
the server answer the next ones with a 503 before (Stripe never saw it) or after (the answer was
lost) forwarding them, which localstripe cannot do. Webhooks are signed with the SDK's own
helper."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest
import stripe

from lightninghire.testing import assert_ok, free_port

# Test values, not secrets of any deployment.
SECRET_KEY = "sk_test_lightninghire_billing"
WEBHOOK_SECRET = "whsec_test_lightninghire_billing"
PRICES = {"pro_monthly": "price_pro_monthly", "pro_annual": "price_pro_annual",
          "recruiter_pro": "price_recruiter_pro", "starter": "price_pack_starter",
          "job_seeker": "price_pack_job_seeker", "power": "price_pack_power"}
AMOUNTS = {"pro_monthly": (2900, "month"), "pro_annual": (29000, "year"),
           "recruiter_pro": (9900, "month")}

# localstripe keeps its state in /tmp/localstripe.pickle after every write; the tests start from
# scratch and never need it, so the dump is turned off (faster, and no file left behind).
_LOCALSTRIPE = ("import sys; import localstripe.resources as r; "
                "r.Store.dump_to_disk = lambda self: None; "
                "sys.argv = ['localstripe', '--port', sys.argv[1], '--from-scratch']; "
                "from localstripe.server import start; start()")


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - a loopback test server
            return
        except urllib.error.HTTPError:
            return  # it answers (401 without a key): up
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("localstripe did not start in time")


@dataclass
class FakeStripe:
    """What the SDK sent to the endpoints localstripe lacks."""

    localstripe: str
    checkouts: list[dict[str, str]] = field(default_factory=list)
    portals: list[dict[str, str]] = field(default_factory=list)
    # POST /v1/payment_intents: the form and the Idempotency-Key header of each.
    payment_intents: list[dict[str, str]] = field(default_factory=list)
    # Answer the next N PaymentIntent creations with a 503 without forwarding them ...
    refuse_payment_intents: int = 0
    # ... or forward them to localstripe and lose the answer (a 503 after the charge).
    lose_payment_intent_answers: int = 0
    url: str = ""

    def reset(self) -> None:
        self.checkouts.clear()
        self.portals.clear()
        self.payment_intents.clear()
        self.refuse_payment_intents = self.lose_payment_intent_answers = 0

    def forward(self, method: str, path: str, body: bytes | None,
                headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 - the loopback localstripe
            self.localstripe + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def exists(self, path: str, auth: str) -> bool:
        status, _ = self.forward("GET", path, None, {"Authorization": auth})
        return status == 200


def _make_handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, message: str) -> None:
            self._answer(status, json.dumps({"error": {"type": "invalid_request_error",
                                                       "message": message}}).encode())

        def _relay(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            form = dict(parse_qsl(body.decode())) if body else {}
            auth = self.headers.get("Authorization", "")
            if self.command == "POST" and self.path == "/v1/checkout/sessions":
                return self._checkout(form, auth)
            if self.command == "POST" and self.path == "/v1/billing_portal/sessions":
                return self._portal(form, auth)
            keep = {k: v for k, v in self.headers.items()
                    if k.lower() in ("authorization", "content-type", "idempotency-key",
                                     "stripe-version")}
            if self.command == "POST" and self.path == "/v1/payment_intents":
                fake.payment_intents.append(
                    {**form, "Idempotency-Key": self.headers.get("Idempotency-Key", "")})
                if fake.refuse_payment_intents:
                    fake.refuse_payment_intents -= 1
                    return self._error(503, "Service unavailable (test)")
                if fake.lose_payment_intent_answers:
                    fake.lose_payment_intent_answers -= 1
                    fake.forward(self.command, self.path, body, keep)
                    return self._error(503, "Service unavailable (test)")
            self._answer(*fake.forward(self.command, self.path, body, keep))

        def _checkout(self, form: dict[str, str], auth: str) -> None:
            fake.checkouts.append(form)
            price = form.get("line_items[0][price]", "")
            if not fake.exists(f"/v1/plans/{price}", auth):
                return self._error(400, f"No such price: '{price}'")
            if not fake.exists(f"/v1/customers/{form.get('customer', '')}", auth):
                return self._error(400, "No such customer")
            session_id = f"cs_test_{secrets.token_hex(12)}"
            metadata = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
            self._answer(200, json.dumps({
                "id": session_id, "object": "checkout.session", "mode": form.get("mode"),
                "customer": form.get("customer"), "status": "open", "payment_status": "unpaid",
                "client_reference_id": form.get("client_reference_id"), "metadata": metadata,
                "url": f"https://checkout.stripe.test/c/pay/{session_id}"}).encode())

        def _portal(self, form: dict[str, str], auth: str) -> None:
            fake.portals.append(form)
            if not fake.exists(f"/v1/customers/{form.get('customer', '')}", auth):
                return self._error(400, "No such customer")
            session_id = f"bps_{secrets.token_hex(12)}"
            self._answer(200, json.dumps({
                "id": session_id, "object": "billing_portal.session",
                "customer": form.get("customer"), "return_url": form.get("return_url"),
                "url": f"https://billing.stripe.test/p/session/{session_id}"}).encode())

        do_GET = do_POST = do_DELETE = _relay

    return Handler


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    """localstripe as a subprocess plus the recording front server; both always stopped."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", _LOCALSTRIPE, str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server: ThreadingHTTPServer | None = None
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/v1/customers", process)
        fake = FakeStripe(localstripe=f"http://127.0.0.1:{port}")
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(fake))
        fake.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        client = sdk_client(fake.url)
        product = client.v1.products.create(params={"name": "LightningHire"})
        for plan, (amount, interval) in AMOUNTS.items():
            client.v1.plans.create(params={"id": PRICES[plan], "product": product.id,
                                           "amount": amount, "currency": "usd",
                                           "interval": interval})
        for pack in ("starter", "job_seeker", "power"):  # one-off prices stand in as plans
            client.v1.plans.create(params={"id": PRICES[pack], "product": product.id,
                                           "amount": 199, "currency": "usd",
                                           "interval": "month"})
        yield fake
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sdk_client(url: str) -> stripe.StripeClient:
    """The SDK as the tests use it to play Stripe's side (customers, cards, subscriptions)."""
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": url}, max_network_retries=0)


def billing_settings(fake: FakeStripe, **extra: Any) -> dict[str, Any]:
    settings = {"plugins.billing.stripe_secret_key": SECRET_KEY,
                "plugins.billing.stripe_webhook_secret": WEBHOOK_SECRET,
                "plugins.billing.stripe_api_base": fake.url,
                "plugins.billing.stripe_max_network_retries": 0}
    settings.update({f"plugins.billing.price_{name}": price for name, price in PRICES.items()})
    settings.update({f"plugins.billing.{key}": value for key, value in extra.items()})
    return settings


@pytest.fixture
def stripe_app(make_app: Callable[..., Any], fake_stripe: FakeStripe) -> Any:
    """An app with only the billing plugin, wired to the fake Stripe."""
    fake_stripe.reset()
    return make_app(plugins=["plans", "billing"], settings=billing_settings(fake_stripe))


@pytest.fixture
def stripe_client(fake_stripe: FakeStripe) -> stripe.StripeClient:
    return sdk_client(fake_stripe.url)


class Webhooks:
    """Sends Stripe events to the app, signed like Stripe signs them."""

    def __init__(self, harness: Any, clock: Any) -> None:
        self.harness = harness
        self.clock = clock

    def event(self, kind: str, obj: dict[str, Any], *, created: int | None = None,
              event_id: str | None = None) -> dict[str, Any]:
        return {"id": event_id or f"evt_{secrets.token_hex(12)}", "object": "event",
                "type": kind, "created": created or int(self.clock.now().timestamp()),
                "livemode": False, "api_version": "2026-10-28.endive",
                "data": {"object": obj}}

    def sign(self, payload: str, *, secret: str = WEBHOOK_SECRET,
             timestamp: int | None = None) -> str:
        stamp = timestamp if timestamp is not None else int(self.clock.now().timestamp())
        return stripe.WebhookSignature.generate_signature_header(payload, secret, stamp)

    def post(self, payload: str, signature: str | None) -> Any:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if signature is not None:
            headers["Stripe-Signature"] = signature
        return self.harness.client.simulate_post("/api/stripe/webhook", body=payload,
                                                 headers=headers)

    def send(self, kind: str, obj: dict[str, Any], **options: Any) -> Any:
        payload = json.dumps(self.event(kind, obj, **options))
        return self.post(payload, self.sign(payload))


@pytest.fixture
def webhooks(stripe_app: Any, clock: Any) -> Webhooks:
    return Webhooks(stripe_app, clock)


def stripe_subscribes(client: stripe.StripeClient, customer_id: str, plan: str,
                      user_id: str) -> dict[str, Any]:
    """Stripe's side of a completed subscription checkout: a card, then an active subscription.

    (localstripe cannot model trials — it leaves them ``incomplete`` — so the paid path is
    played here; trials arrive as ``customer.subscription.*`` events in the tests.)
    """
    token = client.v1.tokens.create(params={"card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}})
    client.v1.customers.payment_sources.create(customer_id, params={"source": token.id})
    sub = client.v1.subscriptions.create(params={
        "customer": customer_id, "items": [{"plan": PRICES[plan]}],
        "metadata": {"userId": user_id, "plan": plan}})
    return sub.to_dict()


def checked_out_and_subscribed(caller: Any, fake_stripe: Any, client: stripe.StripeClient,
                               plan: str = "pro_monthly") -> dict[str, Any]:
    """The caller checks out ``plan`` and Stripe holds its active subscription (no webhook sent
    yet: each test sends the events it is about)."""
    assert_ok(caller.post("/api/billing/checkout", json={"plan": plan}))
    customer = fake_stripe.checkouts[-1]["customer"]
    return stripe_subscribes(client, customer, plan, str(caller.user["_id"]))


def completed_session(checkout: dict[str, str], session_id: str, *,
                      subscription: str | None = None,
                      payment_status: str = "paid") -> dict[str, Any]:
    """The ``checkout.session.completed`` object Stripe sends for what the SDK created."""
    metadata = {k[9:-1]: v for k, v in checkout.items() if k.startswith("metadata[")}
    return {"id": session_id, "object": "checkout.session", "mode": checkout["mode"],
            "customer": checkout["customer"], "client_reference_id":
            checkout["client_reference_id"], "metadata": metadata, "status": "complete",
            "payment_status": payment_status, "subscription": subscription}


def save_card(client: stripe.StripeClient, customer_id: str,
              number: str = "4242424242424242") -> str:
    """What a Checkout with ``setup_future_usage`` leaves on the customer: a saved card.
    (4000000000000341 attaches but every charge is declined; 4000002500003155 needs its
    holder to authenticate.)"""
    method = client.v1.payment_methods.create(params={"type": "card", "card": {
        "number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"}})
    client.v1.payment_methods.attach(method.id, params={"customer": customer_id})
    return str(method.id)


def paid_intent(client: stripe.StripeClient, customer_id: str, amount: int,
                card: str) -> dict[str, Any]:
    """Stripe's side of a paid Checkout for a pack: a confirmed PaymentIntent (so its charge
    can be refunded for real)."""
    return client.v1.payment_intents.create(params={
        "amount": amount, "currency": "usd", "customer": customer_id, "payment_method": card,
        "confirm": True}).to_dict()
