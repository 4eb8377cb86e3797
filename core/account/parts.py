"""The account part's objects, built once per app (``account_of(services)``): its own module so
that the CLI, the demo loader and the AI client's key lookup reach them without importing the
part's hooks."""

from __future__ import annotations

from lightninghire.account import apikeys, sessions, users
from lightninghire.account.apikeys import ApiKeyAuthenticator, ApiKeyStore
from lightninghire.account.crypto import SecretBox
from lightninghire.account.resources import CookieJar
from lightninghire.account.service import AUTH_EVENTS, AccountService, AdminService, AuthService
from lightninghire.account.sessions import SessionAuthenticator, SessionStore
from lightninghire.account.users import UserStore
from lightninghire.config import allowed_origins, cookie_secure
from lightninghire.invalidation import UserCache
from lightninghire.policy.ratelimit import COLLECTION as RATE_LIMITS
from lightninghire.policy.ratelimit import RateLimitStore
from lightninghire.services import Services


class Account:
    """The account part's stores and services, built once per app from ``services``."""

    def __init__(self, services: Services) -> None:
        settings = services.settings
        db, clock = services.db, services.clock
        invalidation = services.invalidation
        policy, preferences = services.policy, services.preferences
        self.users = UserStore(db[users.COLLECTION], clock, invalidation,
                               plans=lambda: policy.plans)
        self.preferences = preferences
        self.sessions = SessionStore(db[sessions.COLLECTION], db[users.COLLECTION], clock,
                                     settings.auth.session_idle_days, settings.auth.session_max_days,
                                     invalidation)
        self.keys = ApiKeyStore(db[apikeys.COLLECTION], db[users.COLLECTION], clock, invalidation)
        # Who a credential is, per process: no database trip on the hot path (core/invalidation).
        self.principals = (UserCache(invalidation, clock,
                                     max_age_seconds=settings.auth.principal_cache_seconds)
                           if invalidation is not None and settings.auth.principal_cache_seconds > 0
                           else None)
        self.box = SecretBox(settings.auth.encryption_key)
        self.auth = AuthService(services, self.users, self.sessions,
                                RateLimitStore(db[RATE_LIMITS], clock), db[AUTH_EVENTS])
        self.account = AccountService(services, self.users, self.sessions, self.keys, self.box)
        self.admin = AdminService(services, self.users, self.sessions)
        self.cookies = CookieJar(cookie_secure(settings), settings.auth.session_max_days * 86400)
        # Cookie writes may come from the API's own origin, the CORS origins, or those listed.
        origins = allowed_origins(settings) + list(settings.http.cors_origins)
        self.session_auth = SessionAuthenticator(self.sessions, origins, self.principals)
        self.key_auth = ApiKeyAuthenticator(self.keys, self.principals)



def account_of(services: Services) -> Account:
    """One ``Account`` per services object (hooks run separately, they share it)."""
    return services.state("account", Account)
