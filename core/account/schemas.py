"""Request and response schemas of the account domains (auth, me, API keys, settings, admin)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from lightninghire.fields import Timestamp
from lightninghire.pagination import PageQuery
from lightninghire.policy.plans import PlanBook

PROVIDERS = ("openai", "anthropic")
THEMES = ("system", "light", "dark")



def email_field() -> fields.Email:
    return fields.Email(required=True, validate=validate.Length(max=254))

ShortText = validate.Length(min=1, max=120)


def _timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Not a known IANA time zone (e.g. Europe/Paris).") from exc


class LoginSchema(Schema):
    email = email_field()
    password = fields.String(required=True, validate=validate.Length(min=1, max=256),
                             load_only=True)


class UserSchema(Schema):
    id = fields.String()
    email = fields.String()
    name = fields.String()
    userType = fields.String()
    roles = fields.List(fields.String())
    tier = fields.String()
    createdAt = Timestamp()
    updatedAt = Timestamp()
    lastLoginAt = Timestamp(allow_none=True)
    profile = fields.Dict(metadata={"description": "The profile fields the enabled plugins "
                                                   "declare (register_preferences)."})


class SessionSchema(Schema):
    user = fields.Nested(UserSchema)
    expiresAt = Timestamp()
    csrfToken = fields.String(metadata={"description": "Send as X-CSRF-Token on cookie writes "
                                                       "when no Origin header is sent."})


class ApiKeyCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))


class ApiKeySchema(Schema):
    id = fields.String()
    name = fields.String()
    prefix = fields.String()
    createdAt = Timestamp()
    lastUsedAt = Timestamp(allow_none=True)
    key = fields.String(metadata={"description": "The secret, present only in the creation answer"})


class ProviderKeySchema(Schema):
    apiKey = fields.String(required=True, validate=validate.Length(min=8, max=400), load_only=True)


class AccountDeleteSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(min=1, max=256),
                             load_only=True)


class PasswordChangeSchema(Schema):
    currentPassword = fields.String(required=True, validate=validate.Length(max=256))
    newPassword = fields.String(required=True, validate=validate.Length(max=256))


class AdminUserSchema(UserSchema):
    disabled = fields.Boolean()


SETTINGS_FIELDS: dict[str, Any] = {
    "timezone": fields.String(validate=_timezone),
    "theme": fields.String(validate=validate.OneOf(THEMES)),
    "marketingOptIn": fields.Boolean(),
    "analyticsOptOut": fields.Boolean(),
    "providerKeys": fields.Dict(dump_only=True, metadata={
        "description": "Saved BYOK keys per provider: {last4, updatedAt}; never the key."}),
}


@dataclass(frozen=True)
class AccountSchemas:
    """The schemas whose choices come from declarations (user types, tiers, roles,
    preferences): built once per app, after the plugins declared them."""

    signup: type[Schema]
    me_patch: type[Schema]
    settings: type[Schema]
    admin_query: type[Schema]
    admin_patch: type[Schema]


def _choice(names: tuple[str, ...] | list[str], **options: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(names), **options)


def account_schemas(plans: PlanBook, preference_fields: dict[str, Any],
                    profile: type[Schema]) -> AccountSchemas:
    user_types = tuple(plans.user_types)
    tiers = tuple(plans.tiers)
    roles = plans.roles
    signup = Schema.from_dict({
        "email": email_field(),
        "password": fields.String(required=True, validate=validate.Length(max=256),
                                  load_only=True),
        "name": fields.String(required=True, validate=ShortText),
        "userType": _choice(user_types, load_default=plans.default_user_type),
    }, name="SignupSchema")
    settings = Schema.from_dict({**SETTINGS_FIELDS, **preference_fields}, name="SettingsSchema")
    query = type("AdminUserQuery", (PageQuery,), {
        "q": fields.String(validate=validate.Length(max=120)),
        "tier": _choice(tiers),
        "userType": _choice(user_types),
    })
    patch = Schema.from_dict({
        "tier": _choice(tiers),
        "roles": fields.List(fields.String(validate=validate.OneOf(roles)),
                             validate=validate.Length(min=1, max=len(roles))),
        "userType": _choice(user_types),
        "disabled": fields.Boolean(),
    }, name="AdminUserPatchSchema")
    me_patch = Schema.from_dict({"name": fields.String(validate=ShortText),
                                 "profile": fields.Nested(profile)}, name="MePatchSchema")
    return AccountSchemas(signup, me_patch, settings, query, patch)
