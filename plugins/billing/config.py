"""The billing plugin's settings (``[plugins.billing]``), read once and checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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


def _positive_int(settings: Mapping[str, Any], key: str, default: int, minimum: int = 0) -> int:
    value = settings.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"plugins.billing.{key} must be an integer, not {value!r}") from None
    if number < minimum:
        raise ValueError(f"plugins.billing.{key} must be at least {minimum}")
    return number


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
        base = public_url.rstrip("/")
        prices = {name: str(settings[f"price_{name}"]) for name in (*PLANS, *PACKS)
                  if settings.get(f"price_{name}")}
        return cls(
            secret_key=settings.get("stripe_secret_key") or None,
            webhook_secret=settings.get("stripe_webhook_secret") or None,
            api_base=settings.get("stripe_api_base") or None,
            max_network_retries=_positive_int(settings, "stripe_max_network_retries", 2),
            prices=prices,
            trial_days=_positive_int(settings, "trial_days", 7),
            credits_per_ai_action=_positive_int(settings, "credits_per_ai_action", 1, minimum=1),
            past_due_grace_days=_positive_int(settings, "past_due_grace_days", 7),
            webhook_tolerance_seconds=_positive_int(settings, "webhook_tolerance_seconds", 300,
                                                    minimum=1),
            success_url=settings.get("success_url")
            or f"{base}/settings/billing?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=settings.get("cancel_url") or f"{base}/settings/billing?checkout=cancelled",
            portal_return_url=settings.get("portal_return_url") or f"{base}/settings/billing",
        )
