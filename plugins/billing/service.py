"""Billing's domain logic: subscriptions -> tier, credits, checkout and portal. No HTTP here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from lightninghire.api import (
    AppError,
    BadRequest,
    Conflict,
    ServiceUnavailable,
    ValidationFailed,
)
from lightninghire_plugins.billing.config import PACKS, PLANS, BillingConfig
from lightninghire_plugins.billing.gateway import StripeGateway
from lightninghire_plugins.billing.store import AccountStore

# Stripe statuses that keep the paid tier outright; ``past_due`` and ``canceled`` are decided by
# dates (see ``grants``); every other status (incomplete, unpaid, paused, ...) grants nothing.
LIVE = frozenset({"active", "trialing"})
# A cancellation for these reasons ends access at once: no paid period remains to honour.
UNPAID_REASONS = frozenset({"payment_failed", "payment_disputed"})
# Tiers whose users never spend credits: their AI actions are already covered.
COVERED_TIERS = frozenset({"pro", "recruiter_pro", "byok"})


class BillingDisabled(AppError):
    """409: this server runs without Stripe (self-hosted), so nothing can be bought. A
    permanent state of this deployment, not an outage, so not a 5xx."""

    status, code = 409, "BILLING_DISABLED"
    default_message = ("Billing is off on this server (self-hosted: no Stripe key is configured). "
                       "Add your own OpenAI or Anthropic key in Settings for unlimited use.")


def from_epoch(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


def id_of(value: Any) -> str | None:
    """Stripe fields hold an id, or the object itself when expanded."""
    if isinstance(value, Mapping):
        return value.get("id")
    return value or None


class BillingService:
    def __init__(self, config: BillingConfig, store: AccountStore, clock: Any,
                 gateway: StripeGateway | None) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.gateway = gateway
        # Set by the plugin once built (``replenish.Replenisher``): told of every credit spend.
        self.replenisher: Any = None

    # -- subscriptions -> tier --------------------------------------------------------------------

    def subscription_state(self, sub: Mapping[str, Any]) -> dict[str, Any]:
        """The fields we keep of a Stripe subscription (old and new API shapes alike)."""
        items = (sub.get("items") or {}).get("data") or [{}]
        item = items[0] or {}
        price_id = id_of(item.get("price")) or id_of(item.get("plan")) or id_of(sub.get("plan"))
        metadata = sub.get("metadata") or {}
        plan = self.config.plan_of_price(price_id) or metadata.get("plan")
        if plan not in PLANS:
            plan = None
        # Since API 2025-03-31 the period lives on the items; older versions keep it on top.
        period_end = sub.get("current_period_end") or item.get("current_period_end")
        cancellation = sub.get("cancellation_details") or {}
        return {
            "id": sub["id"],
            "customerId": id_of(sub.get("customer")),
            "status": sub.get("status") or "incomplete",
            "priceId": price_id,
            "plan": plan,
            "tier": PLANS[plan]["tier"] if plan else "pro",
            "currentPeriodEnd": from_epoch(period_end),
            "trialEnd": from_epoch(sub.get("trial_end")),
            "cancelAtPeriodEnd": bool(sub.get("cancel_at_period_end")),
            "cancelAt": from_epoch(sub.get("cancel_at")),
            "canceledAt": from_epoch(sub.get("canceled_at")),
            "endedAt": from_epoch(sub.get("ended_at")),
            "cancellationReason": cancellation.get("reason"),
        }

    def grants(self, sub: Mapping[str, Any], now: datetime) -> bool:
        """Whether a stored subscription gives its paid tier at ``now``.

        active / trialing: yes. past_due: for ``past_due_grace_days`` after the first failed
        payment, while Stripe retries. canceled: until the paid period ends (a cancellation for
        non-payment ends it at once). Anything else: no.
        """
        status = sub.get("status")
        if status in LIVE:
            return True
        if status == "past_due":
            since = sub.get("pastDueSince") or now
            return now < since + timedelta(days=self.config.past_due_grace_days)
        if status == "canceled":
            end = sub.get("currentPeriodEnd")
            return (sub.get("cancellationReason") not in UNPAID_REASONS
                    and end is not None and now < end)
        return False

    def effective(self, account: Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
        """The subscription that speaks for the user, and whether it grants its tier now."""
        subs = list(((account or {}).get("subscriptions") or {}).values())
        if not subs:
            return None, False
        now = self.clock.now()
        far_past = datetime(1970, 1, 1, tzinfo=UTC)

        def rank(sub: dict[str, Any]) -> tuple[bool, datetime, datetime]:
            return (self.grants(sub, now), sub.get("currentPeriodEnd") or far_past,
                    sub.get("eventAt") or far_past)

        best = max(subs, key=rank)
        return best, self.grants(best, now)

    def facts(self, user_id: str) -> dict[str, Any] | None:
        """``entitlement_facts``: one indexed read of the user's billing account."""
        account = self.store.get(user_id)
        if account is None:
            return None
        sub, granting = self.effective(account)
        facts: dict[str, Any] = {"creditBalance": account.get("creditBalance", 0)}
        if sub is not None:
            facts["subscriptionStatus"] = sub["status"]
            facts["currentPeriodEnd"] = sub.get("currentPeriodEnd")
            if granting:
                facts["tier"] = sub["tier"]
                facts["validUntil"] = self.grant_ends(sub)
        return facts

    def grant_ends(self, sub: Mapping[str, Any]) -> datetime | None:
        """When a granting subscription stops granting by time alone (``None``: not by time)."""
        status = sub.get("status")
        if status == "past_due":
            since = sub.get("pastDueSince") or self.clock.now()
            return since + timedelta(days=self.config.past_due_grace_days)
        if status == "canceled":
            return sub.get("currentPeriodEnd")
        return None

    def status(self, user: Mapping[str, Any],
               account: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``GET /api/billing``."""
        if account is None:
            account = self.store.get(str(user["_id"])) or {}
        sub, granting = self.effective(account)
        sub = sub or {}
        return {
            "tier": sub["tier"] if granting else user.get("tier", "free"),
            "plan": sub.get("plan") if granting else None,
            "subscriptionStatus": sub.get("status", "none"),
            "trialEnd": sub.get("trialEnd"),
            "currentPeriodEnd": sub.get("currentPeriodEnd"),
            "cancelAtPeriodEnd": bool(sub.get("cancelAtPeriodEnd")),
            "creditBalance": account.get("creditBalance", 0),
            "trialAvailable": not account.get("trialUsed", False) and self.config.trial_days > 0,
            "hasBillingAccount": bool(account.get("customerId")),
            "selfHosted": not self.config.enabled,
            "autoReplenish": self.auto_replenish_state(account),
        }

    @staticmethod
    def auto_replenish_state(account: Mapping[str, Any]) -> dict[str, Any]:
        settings = account.get("autoReplenish") or {}
        attempt = account.get("replenish") or {}
        return {"enabled": bool(settings.get("enabled")), "threshold": settings.get("threshold"),
                "pack": settings.get("pack"), "paused": bool(settings.get("paused")),
                "inFlight": bool(attempt), "lastFailure": settings.get("lastFailure"),
                "lastReplenishedAt": settings.get("lastReplenishedAt")}

    def set_auto_replenish(self, user: Mapping[str, Any],
                           choice: Mapping[str, Any]) -> dict[str, Any]:
        """``PATCH /api/billing {autoReplenish}``: opt in (threshold, pack) or out. Opting in
        needs billing on, the pack on sale and a billing account (the card saved at a
        checkout pays the packs); opting in again lifts a pause."""
        user_id = str(user["_id"])
        account = self.store.get(user_id) or {}
        current = account.get("autoReplenish") or {}
        if choice["enabled"]:
            self._gateway()
            threshold = choice.get("threshold", current.get("threshold"))
            pack = choice.get("pack", current.get("pack"))
            if threshold is None or pack is None:
                raise ValidationFailed({"autoReplenish": [
                    "Give threshold and pack to turn auto-replenish on."]})
            self._price(str(pack))
            if not account.get("customerId"):
                raise Conflict("There is no billing account yet: buy a credit pack first (its "
                               "card pays the automatic top-ups).", code="NO_BILLING_ACCOUNT")
            settings = {"enabled": True, "threshold": int(threshold), "pack": str(pack)}
        else:
            settings = {"enabled": False,
                        **{k: choice[k] for k in ("threshold", "pack") if k in choice}}
        account = self.store.set_auto_replenish(user_id, settings)
        if settings["enabled"] and self.replenisher is not None \
                and self.replenisher.after_enable(user_id, settings["threshold"],
                                                  settings["pack"]):
            account = self.store.get(user_id) or account  # shows the top-up in flight
        return self.status(user, account)

    # -- Stripe Checkout and the portal -----------------------------------------------------------

    def _gateway(self) -> StripeGateway:
        if self.gateway is None:
            raise BillingDisabled()
        return self.gateway

    def _price(self, item: str) -> str:
        price = self.config.price_for(item)
        if not price:
            # The deployer's configuration is incomplete: the server's fault, so a 5xx.
            raise ServiceUnavailable(f"{item!r} cannot be bought here: no Stripe price is "
                                     f"configured for it (plugins.billing.price_{item}).",
                                     code="PRICE_NOT_CONFIGURED")
        return price

    def checkout(self, user: Mapping[str, Any], plan: str | None, pack: str | None) -> dict[str, Any]:
        """A Stripe Checkout Session URL: a subscription (with the trial, no card needed) or a
        one-off payment for a credit pack."""
        gateway = self._gateway()
        user_id = str(user["_id"])
        account = self.store.get(user_id) or {}
        if plan is not None:
            if PLANS[plan]["userType"] != user.get("userType", "jobseeker"):
                raise BadRequest(f"The {PLANS[plan]['label']} plan is not available for this "
                                 f"account type.", code="PLAN_NOT_AVAILABLE")
            sub, _granting = self.effective(account)
            if sub is not None and sub["status"] in (*LIVE, "past_due"):
                raise Conflict("You already have a subscription; change or cancel it in the "
                               "billing portal.", code="ALREADY_SUBSCRIBED")
        price = self._price(plan or str(pack))
        customer_id = account.get("customerId") or self._customer(user, gateway)
        metadata = {"userId": user_id, **({"plan": plan} if plan else {"pack": str(pack)})}
        params: dict[str, Any] = {
            "customer": customer_id, "client_reference_id": user_id,
            "line_items": [{"price": price, "quantity": 1}], "metadata": metadata,
            "success_url": self.config.success_url, "cancel_url": self.config.cancel_url,
        }
        if plan is not None:
            params["mode"] = "subscription"
            params["subscription_data"] = {"metadata": metadata}
            if self.config.trial_days and not account.get("trialUsed"):
                # The trial needs no card; without one when it ends, Stripe cancels it.
                params["subscription_data"]["trial_period_days"] = self.config.trial_days
                params["subscription_data"]["trial_settings"] = {
                    "end_behavior": {"missing_payment_method": "cancel"}}
                params["payment_method_collection"] = "if_required"
        else:
            params["mode"] = "payment"
            # The card is saved on the customer, so opted-in auto-replenish can use it later.
            params["payment_intent_data"] = {"metadata": metadata,
                                             "setup_future_usage": "off_session"}
        session = gateway.create_checkout_session(params)
        return {"url": session["url"], "sessionId": session["id"]}

    def _customer(self, user: Mapping[str, Any], gateway: StripeGateway) -> str:
        user_id = str(user["_id"])
        customer = gateway.create_customer(user_id, user.get("email"), user.get("name"))
        return self.store.link_customer(user_id, customer["id"])

    def portal(self, user: Mapping[str, Any]) -> dict[str, Any]:
        """A Stripe billing-portal URL (card, invoices, plan, cancellation)."""
        gateway = self._gateway()
        account = self.store.get(str(user["_id"])) or {}
        if not account.get("customerId"):
            raise Conflict("There is no billing account yet: start a subscription or buy credits "
                           "first.", code="NO_BILLING_ACCOUNT")
        session = gateway.create_portal_session(account["customerId"],
                                                self.config.portal_return_url)
        return {"url": session["url"]}

    # -- credits ----------------------------------------------------------------------------------

    def credits(self, user_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
        """``GET /api/credits``: the balance, the packs on sale and the ledger, newest first."""
        account = self.store.get(user_id) or {}
        page = self.store.history(user_id, limit, cursor)
        packs = [{"id": key, **pack, "available": bool(self.config.price_for(key))
                  and self.config.enabled} for key, pack in PACKS.items()]
        return {"balance": account.get("creditBalance", 0),
                "creditsPerAiAction": self.config.credits_per_ai_action,
                "packs": packs, **page}

    def add_pack(self, user_id: str, pack: str, ref: str, *,
                 payment_intent_id: str | None = None, amount_paid: int | None = None) -> bool:
        """Credit a paid pack once per Checkout Session. The PaymentIntent and the amount paid
        are kept on the ledger line: a refund or dispute of that payment finds it by them."""
        if pack not in PACKS:
            return False
        details: dict[str, Any] = {"pack": pack, "via": "checkout"}
        if payment_intent_id:
            details["paymentIntentId"] = payment_intent_id
        if amount_paid is not None:
            details["amountPaid"] = amount_paid
        return self.store.credit(user_id, PACKS[pack]["credits"], ref, **details)

    def on_ai_action(self, user_id: str, action: Mapping[str, Any],
                     user_of: Callable[[str], Mapping[str, Any] | None],
                     known_balance: float | None = None) -> int:
        """Deduct the credits of one AI action (the ``ai.action_completed`` payload); returns
        what was taken (0 when not charged).

        Not charged: calls on the user's own provider key (BYOK), users whose tier already
        covers AI (Pro by subscription or by an admin, BYOK), super-admins, and empty balances
        (never an error: the entitlement engine already allowed the call). ``known_balance``
        (what this request's entitlement check read) spares the reads for a user without
        credits; the user is read last, only for a user who has some.
        """
        if action.get("byok"):
            return 0
        if known_balance is not None and known_balance <= 0:
            return 0  # the facts this request already read say so: no read
        account = self.store.get(user_id)
        if not account or account.get("creditBalance", 0) <= 0:
            return 0
        if self.effective(account)[1]:
            return 0
        user = user_of(user_id) or {}
        if user.get("providerKeys") or user.get("tier") in COVERED_TIERS \
                or "super_admin" in user.get("roles", ()):
            return 0
        details: dict[str, Any] = {"task": str(action.get("task"))}
        call_id = action.get("callId")
        if call_id:
            details["aiCallId"] = str(call_id)
        taken = self.store.debit(user_id, self.config.credits_per_ai_action, **details)
        if self.replenisher is not None:
            # Under the threshold: claim a top-up (one conditional update); the charge itself
            # runs on the background worker, not on this request.
            self.replenisher.after_spend(user_id, account, taken)
        return taken
