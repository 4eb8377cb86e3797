"""The billing plugin: Stripe subscriptions and trials, credit packs and the credit ledger,
the Stripe webhook, and the billing facts the entitlement engine asks for."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from lightninghire.api import AI_ACTION_COMPLETED, hookimpl
from lightninghire_plugins.billing.config import BillingConfig, BillingSettingsSchema
from lightninghire_plugins.billing.gateway import StripeGateway
from lightninghire_plugins.billing.notices import Notices
from lightninghire_plugins.billing.replenish import Replenisher
from lightninghire_plugins.billing.resources import (
    BillingResource,
    CheckoutResource,
    CreditsResource,
    PortalResource,
    StripeWebhookResource,
)
from lightninghire_plugins.billing.schemas import BillingStatusSchema, CreditsSchema
from lightninghire_plugins.billing.service import BillingService
from lightninghire_plugins.billing.store import (
    ACCOUNTS,
    EVENTS,
    INDEXES,
    LEDGER,
    PRIVATE_FIELDS,
    AccountStore,
    EventStore,
)
from lightninghire_plugins.billing.webhooks import WebhookHandler

log = logging.getLogger("lightninghire.billing")
# It sells the tiers the plans plugin declares.
plugin_requires = ("plans",)
plugin_settings = BillingSettingsSchema
plugin_events = {"emits": ("billing.changed",), "listens": {"core": (AI_ACTION_COMPLETED,)}}


REPLENISH_TASK = "billing-auto-replenish"


@dataclass
class Billing:
    config: BillingConfig
    service: BillingService
    webhooks: WebhookHandler
    replenisher: Replenisher


def billing_of(services: Any) -> Billing:
    """The app's billing objects, built once per app (hooks and routes share them)."""
    return services.state("billing", _build_billing)


def _build_billing(services: Any) -> Billing:
    config = BillingConfig.from_settings(services.plugin_settings("billing"),
                                         services.settings.http.public_url)
    accounts = AccountStore(services.db[ACCOUNTS], services.db[LEDGER], services.clock,
                            changed=services.invalidation.invalidate)
    gateway = (StripeGateway(config.secret_key, config.api_base,
                             retries=config.max_network_retries)
               if config.secret_key else None)
    service = BillingService(config, accounts, services.clock, gateway)

    def announce(user_id: str, payload: dict[str, Any]) -> None:
        services.events.emit("billing.changed", payload, user_id=user_id)

    notices = Notices(
        user_of=lambda uid: services.users.get(uid, ("email", "name", "disabled")),
        mail=services.mail, announce=announce,
        billing_url=f"{services.settings.http.public_url.rstrip('/')}/settings/billing")
    replenisher = Replenisher(config, accounts, services.clock, gateway, notices,
                              defer=services.background.defer)
    service.replenisher = replenisher
    webhooks = WebhookHandler(config, service, accounts,
                              EventStore(services.db[EVENTS], services.clock), services.clock,
                              announce=announce, replenisher=replenisher, notices=notices)
    return Billing(config, service, webhooks, replenisher)


@hookimpl
def register_collections(collections: Any) -> None:
    collections.add(ACCOUNTS, indexes=INDEXES[ACCOUNTS], owner_field="userId",
                    private_fields=PRIVATE_FIELDS)
    collections.add(LEDGER, indexes=INDEXES[LEDGER], owner_field="userId")
    # Stripe events are the payment audit trail: kept, and not part of a user's export.
    collections.add(EVENTS, indexes=INDEXES[EVENTS])


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    billing = billing_of(services)
    routes.add("/api/billing", BillingResource(billing.service))
    routes.add("/api/billing/checkout", CheckoutResource(billing.service))
    routes.add("/api/billing/portal", PortalResource(billing.service))
    routes.add("/api/credits", CreditsResource(billing.service))
    routes.add("/api/stripe/webhook", StripeWebhookResource(billing.webhooks))


@hookimpl
def register_tasks(tasks: Any, services: Any) -> None:
    def run(context: Any = None) -> dict[str, int]:
        """Finish credit auto-replenish attempts whose worker did not (a crash, Stripe down, a
        payment still processing)."""
        return billing_of(services).replenisher.run_stale(limit=50)

    tasks.add(REPLENISH_TASK, schedule="*/5 * * * *", run=run, lease_seconds=600)


@hookimpl
def register_schemas(spec: Any) -> None:
    spec.add("BillingStatus", BillingStatusSchema)
    spec.add("Credits", CreditsSchema)


@hookimpl
def startup(services: Any) -> None:
    config = billing_of(services).config
    if not config.enabled:
        log.info("billing: no Stripe secret key, self-hosted mode (billing off)")
        return
    if not config.webhook_secret:
        log.warning("billing: plugins.billing.stripe_webhook_secret is not set; Stripe webhooks "
                    "will be refused and subscriptions will not update")
    missing = [name for name in ("pro_monthly", "pro_annual", "recruiter_pro", "starter",
                                 "job_seeker", "power") if not config.price_for(name)]
    if missing:
        log.warning("billing: no Stripe price configured for %s (plugins.billing.price_<name>)",
                    ", ".join(missing))


@hookimpl
def register_policy(policy: Any, services: Any) -> None:
    # Configured, billing sells the plans: features show their own upgrade hints instead of
    # the self-hosted one.
    if billing_of(services).config.enabled:
        policy.sells_plans()


@hookimpl
def entitlement_facts(user: dict[str, Any], services: Any) -> dict[str, Any] | None:
    return billing_of(services).service.facts(str(user["_id"]))


@hookimpl
def handle_event(event: Any, services: Any) -> None:
    # The AI client announces each completed AI action (lightninghire.ai.AI_ACTION_COMPLETED).
    if event.name == AI_ACTION_COMPLETED and event.user_id:
        # The credit balance depends on the user's id alone (this plugin's entitlement_facts),
        # and the request's entitlement check has just cached it: no read for most users.
        balance = services.entitlements.facts_for({"_id": event.user_id}).credit_balance
        billing_of(services).service.on_ai_action(
            event.user_id, event.payload, known_balance=balance,
            user_of=lambda uid: services.users.get(uid, ("providerKeys", "tier", "roles")))
