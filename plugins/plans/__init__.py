"""The plans plugin: LightningHire's tiers, user types, cap bypasses and upgrade-hint wording,
and the member profile's onboarding fields, as data. No routes and no collections: the core's
entitlement engine and account read these declarations, and the feature plugins (which name
these tiers in their caps) require this one.

Selling the plans is billing's business: when it is configured it says so
(``policy.sells_plans()``) and each feature's own upgrade hint shows; until then the
self-hosted hint below points users to what they can do without buying anything.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from lightninghire.api import ObjectIdString, hookimpl

# name -> declaration. Paid tiers lift numeric caps; a tier without its own caps line reads
# the column it takes its caps from (byok and credits read pro's, the recruiter columns fall
# back to the seeker ones, so a cap or hard gate written for pro also holds for them).
TIERS: dict[str, dict[str, Any]] = {
    "free": {"label": "Free", "user_type": "jobseeker"},
    "pro": {"label": "Pro", "unlimited": True, "user_type": "jobseeker", "flags": ("isPro",)},
    "byok": {"label": "BYOK", "unlimited": True, "caps_from": "pro", "user_type": "jobseeker",
             "flags": ("isByok",)},
    "credits": {"label": "Credits", "unlimited": True, "caps_from": "pro",
                "user_type": "jobseeker"},
    "recruiter_free": {"label": "Recruiter Free", "caps_from": "free", "user_type": "recruiter"},
    "recruiter_pro": {"label": "Recruiter Pro", "unlimited": True, "caps_from": "pro",
                      "user_type": "recruiter", "flags": ("isPro",)},
}
# name -> (starting tier, the column once caps are lifted, the sign-up default)
USER_TYPES: dict[str, tuple[str, str, bool]] = {
    "jobseeker": ("free", "pro", True),
    "recruiter": ("recruiter_free", "recruiter_pro", False),
}
# Caps of the core's own features (PRODUCT §2.1: the daily AI budget; API keys come with Pro).
CORE_CAPS: dict[str, dict[str, Any]] = {
    "ai_actions": {"limits": {"free": 10, "recruiter_free": 10},
                   "upgrade_hint": "Upgrade to Pro for unlimited AI actions."},
    "api_keys": {"limits": {"free": 0, "recruiter_free": 0},
                 "upgrade_hint": "API keys come with Pro, or with your own AI provider key "
                                 "(BYOK). Upgrade in Settings → Subscription, or add a provider "
                                 "key in Settings."},
}
SELF_HOSTED_HINT = ("{label}: add your own OpenAI or Anthropic key in Settings for "
                    "unlimited use.")


SEARCH_STATUSES = ("actively_looking", "casually_browsing", "employed_open")
# The docs name only the ends of the scale ("ASAP" .. "just exploring"); the middle is ours.
TIMELINES = ("asap", "1_3_months", "3_6_months", "6_12_months", "exploring")
QUICK_STARTS = ("dashboard", "pipeline", "mock_interview", "resume_manager")
_SHORT = validate.Length(min=1, max=120)


def profile_fields() -> dict[str, fields.Field]:
    """The optional, skippable onboarding fields of a member's profile (PRODUCT §1.2)."""
    return {
        "currentRole": fields.String(allow_none=True, validate=validate.Length(max=120)),
        "searchStatus": fields.String(allow_none=True, validate=validate.OneOf(SEARCH_STATUSES)),
        "targetRoles": fields.List(fields.String(validate=_SHORT),
                                   validate=validate.Length(max=20)),
        "dreamCompanies": fields.List(fields.String(validate=_SHORT),
                                      validate=validate.Length(max=50)),
        "timeline": fields.String(allow_none=True, validate=validate.OneOf(TIMELINES)),
        "minSalary": fields.Integer(allow_none=True, validate=validate.Range(0, 100_000_000)),
        "targetSalary": fields.Integer(allow_none=True, validate=validate.Range(0, 100_000_000)),
        "quickStart": fields.String(allow_none=True, validate=validate.OneOf(QUICK_STARTS)),
        "onboardingStep": fields.Integer(allow_none=True, validate=validate.Range(0, 4)),
        "onboardingCompleted": fields.Boolean(),
        # An application id of the jobsearch plugin; only its shape is checked here.
        "activeOpportunityId": ObjectIdString(allow_none=True),
    }


@hookimpl
def register_preferences(preferences: Any) -> None:
    # The product's member profile: every first-party plugin reads it (prompts, mails).
    for name, field in profile_fields().items():
        preferences.add_profile_field(name, field)


@hookimpl
def register_policy(policy: Any) -> None:
    for name, spec in TIERS.items():
        policy.add_tier(name, **spec)
    for name, (starting, upgraded, default) in USER_TYPES.items():
        policy.add_user_type(name, starting_tier=starting, upgraded_tier=upgraded,
                             default=default)
    # A saved provider key (BYOK) or a credit balance lifts numeric caps like a paid tier.
    policy.add_cap_bypass("provider_keys", flags=("isByok",))
    policy.add_cap_bypass("credit_balance")
    policy.set_plan_names(capped="free", uncapped="pro")
    policy.set_self_hosted_hint(SELF_HOSTED_HINT)
    for key, caps in CORE_CAPS.items():
        policy.add_caps(key, caps["limits"], upgrade_hint=caps["upgrade_hint"])
