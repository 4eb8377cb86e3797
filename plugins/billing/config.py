"""The billing plugin's settings (``[plugins.billing]``): a schema the plugin host loads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, fields, validate

# Subscription plans: which tier each grants and which user type may buy it.
PLANS: dict[str, dict[str, str]] = {
    "pro_monthly": {"tier": "pro", "userType": "jobseeker", "label": "Pro (monthly)"},
    "pro_annual": {"tier": "pro", "userType": "jobseeker", "label": "Pro (annual)"},
    "recruiter_pro": {"tier": "recruiter_pro", "userType": "recruiter", "label": "Recruiter Pro"},
}

# Credit packs (PRODUCT.md §6.3): credits never expire. Prices are Stripe's; these are for display.
PACKS: dict[str, dict[str, Any]] = {
    "starter": {"label": "Starter", "credits": 100, "priceUsd": 1.99},
    "job_seeker": {"label": "Job Seeker", "credits": 500, "priceUsd": 7.99},
    "power": {"label": "Power", "credits": 2000, "priceUsd": 24.99},
}


def _optional_text(**metadata: Any) -> fields.String:
    return fields.String(load_default="", allow_none=True, metadata=metadata)


class _BillingSettings(Schema):
    """``[plugins.billing]``. ``env`` names the conventional variable the host reads when the
    key is not set by ``LIGHTNINGHIRE_PLUGINS__BILLING__<KEY>`` or an override."""

    stripe_secret_key = _optional_text(env="STRIPE_SECRET_KEY",
                                       description="unset: self-hosted, nothing is sold")
    stripe_webhook_secret = _optional_text(env="STRIPE_WEBHOOK_SECRET")
    stripe_api_base = _optional_text(description="another Stripe API (localstripe in tests)")
    stripe_max_network_retries = fields.Integer(load_default=2, validate=validate.Range(min=0))
    trial_days = fields.Integer(load_default=7, validate=validate.Range(min=0))
    credits_per_ai_action = fields.Integer(load_default=1, validate=validate.Range(min=1))
    past_due_grace_days = fields.Integer(load_default=7, validate=validate.Range(min=0))
    webhook_tolerance_seconds = fields.Integer(load_default=300, validate=validate.Range(min=1))
    success_url = _optional_text()
    cancel_url = _optional_text()
    portal_return_url = _optional_text()


# Plus one Stripe price id per plan and per pack: price_pro_monthly, price_starter, ...
BillingSettingsSchema = _BillingSettings.from_dict(
    {f"price_{item}": _optional_text(description=f"Stripe price id of {item}")
     for item in (*PLANS, *PACKS)}, name="BillingSettingsSchema")


@dataclass(frozen=True)
class BillingConfig:
    """``stripe_secret_key`` unset = self-hosted: billing is off and nothing is sold."""

    secret_key: str | None
    webhook_secret: str | None
    api_base: str | None
    max_network_retries: int = 2
    prices: dict[str, str] = field(default_factory=dict)  # plan or pack -> Stripe price id
    trial_days: int = 7
    credits_per_ai_action: int = 1
    past_due_grace_days: int = 7
    webhook_tolerance_seconds: int = 300
    success_url: str = ""
    cancel_url: str = ""
    portal_return_url: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.secret_key)

    def price_for(self, item: str) -> str | None:
        return self.prices.get(item)

    def plan_of_price(self, price_id: str | None) -> str | None:
        for name, price in self.prices.items():
            if price == price_id and name in PLANS:
                return name
        return None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], public_url: str) -> BillingConfig:
        """From the loaded ``[plugins.billing]`` (``BillingSettingsSchema``: typed, defaulted)."""
        base = public_url.rstrip("/")
        prices = {name: str(settings[f"price_{name}"]) for name in (*PLANS, *PACKS)
                  if settings.get(f"price_{name}")}
        return cls(
            secret_key=settings.get("stripe_secret_key") or None,
            webhook_secret=settings.get("stripe_webhook_secret") or None,
            api_base=settings.get("stripe_api_base") or None,
            max_network_retries=settings["stripe_max_network_retries"],
            prices=prices,
            trial_days=settings["trial_days"],
            credits_per_ai_action=settings["credits_per_ai_action"],
            past_due_grace_days=settings["past_due_grace_days"],
            webhook_tolerance_seconds=settings["webhook_tolerance_seconds"],
            success_url=settings.get("success_url")
            or f"{base}/settings/billing?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=settings.get("cancel_url") or f"{base}/settings/billing?checkout=cancelled",
            portal_return_url=settings.get("portal_return_url") or f"{base}/settings/billing",
        )
