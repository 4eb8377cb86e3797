"""The built-in account part: users, the session and API-key authenticators, and the auth, me,
user, users, account, settings and admin routes. A plugin like any other, but not disableable.

Route map (the seed names the domains; this is the mapping chosen here):

- ``/api/auth/{signup,login,logout,session}`` — sign-up, sign-in, sign-out, session lookup
- ``/api/me`` (and its alias ``/api/user``) — the caller's profile; ``/api/me/api-keys``
- ``/api/settings`` — preferences; ``/api/settings/provider-keys/{provider}`` — BYOK keys
- ``/api/account`` — summary and deletion; ``/api/account/export``; ``/api/account/password``
- ``/api/admin/users``, ``/api/admin/users/{id}``, ``/api/admin/stats`` — super_admin only;
  ``/api/users`` is the admin user search under the seed's plural name
"""

from __future__ import annotations

from typing import Any

from lightninghire.account import apikeys, schemas, sessions, users
from lightninghire.account import resources as r
from lightninghire.account.parts import Account, account_of
from lightninghire.account.service import AUTH_EVENT_INDEXES, AUTH_EVENTS
from lightninghire.hookspecs import hookimpl
from lightninghire.policy.ratelimit import COLLECTION as RATE_LIMITS
from lightninghire.policy.ratelimit import RateLimitStore
from lightninghire.services import Services

__all__ = ["Account", "account_of"]

# Events this built-in part emits (docs/plugins.md, "Events").
plugin_events = {"emits": ("user.signed_up", "user.deleted")}


@hookimpl
def register_collections(collections: Any) -> None:
    collections.add(users.COLLECTION, indexes=users.INDEXES)
    # Looked up by the credential's hash on every cache miss: that is what a cluster shards by.
    collections.add(sessions.COLLECTION, indexes=sessions.INDEXES, owner_field="userId",
                    shard_key="tokenHash",
                    private_fields=("tokenHash",))
    collections.add(apikeys.COLLECTION, indexes=apikeys.INDEXES, owner_field="userId",
                    shard_key="hash",
                    private_fields=("hash",))
    collections.add(AUTH_EVENTS, indexes=AUTH_EVENT_INDEXES)
    collections.add(RATE_LIMITS, indexes=RateLimitStore.INDEXES)


@hookimpl(trylast=True)
def register_authenticators(authenticators: dict[str, Any], services: Services) -> None:
    # Defaults: called after every plugin, they fill only the modes no plugin provided.
    account = account_of(services)
    authenticators.setdefault("session", account.session_auth)
    authenticators.setdefault("api_key", account.key_auth)


@hookimpl
def register_routes(routes: Any, services: Services) -> None:
    a = account_of(services)
    # Choices the plugins declared (user types, tiers, roles, preferences): known by now.
    declared = schemas.account_schemas(services.policy.plans,
                                       services.preferences.schema_fields(),
                                       services.preferences.profile_schema())
    routes.add("/api/auth/signup", r.declared_options(r.SignupResource(a.auth, a.cookies),
                                                      "on_post", body=declared.signup))
    routes.add("/api/auth/login", r.LoginResource(a.auth, a.cookies))
    routes.add("/api/auth/logout", r.LogoutResource(a.sessions, a.cookies))
    routes.add("/api/auth/session", r.SessionResource(a.sessions))
    me = r.declared_options(r.MeResource(a.account), "on_patch", body=declared.me_patch)
    routes.add("/api/me", me)
    routes.add("/api/user", me)
    keys = r.ApiKeysResource(a.account, a.keys)
    routes.add_collection("/api/me/api-keys", keys)
    settings = r.SettingsResource(a.account)
    r.declared_options(settings, "on_get", response=declared.settings)
    r.declared_options(settings, "on_patch", body=declared.settings, response=declared.settings)
    routes.add("/api/settings", settings)
    routes.add("/api/settings/provider-keys/{provider}", r.ProviderKeysResource(a.account),
               suffix="item")
    account = r.AccountResource(a.account, a.cookies)
    routes.add("/api/account", account)
    routes.add("/api/account/export", account, suffix="export")
    routes.add("/api/account/password", account, suffix="password")
    admin_users = r.AdminUsersResource(a.admin)
    r.declared_options(admin_users, "on_get", query=declared.admin_query)
    r.declared_options(admin_users, "on_patch_item", body=declared.admin_patch)
    routes.add("/api/admin/users", admin_users)
    routes.add("/api/users", admin_users)
    routes.add("/api/admin/users/{id}", admin_users, suffix="item")
    routes.add("/api/admin/stats", r.AdminStatsResource(a.admin))


@hookimpl
def register_commands(commands: Any) -> None:
    from lightninghire.account.cli import register

    register(commands)
