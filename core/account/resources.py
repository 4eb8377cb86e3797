"""HTTP face of the account domains. Thin: options declared, the service does the work."""

from __future__ import annotations

import functools
from typing import Any

import falcon

from lightninghire.account import schemas as s
from lightninghire.account.apikeys import ApiKeyStore, public_key
from lightninghire.account.service import AccountService, AdminService, AuthService
from lightninghire.account.sessions import COOKIE, SessionStore, csrf_token_for
from lightninghire.account.users import public_user
from lightninghire.errors import NotFound
from lightninghire.http.endpoint import ENDPOINT_ATTR, endpoint, normalize_options, options_of

ACCOUNT_READ = "account:read"
ACCOUNT_WRITE = "account:write"


def _user(req: falcon.Request) -> dict[str, Any]:
    return req.context.principal.user


class CookieJar:
    """How the session cookie is written: HttpOnly, SameSite=Lax, Secure unless configured."""

    def __init__(self, secure: bool, max_age_seconds: int) -> None:
        self.secure = secure
        self.max_age = max_age_seconds

    def set(self, resp: falcon.Response, token: str) -> None:
        resp.set_cookie(COOKIE, token, max_age=self.max_age, path="/", secure=self.secure,
                        http_only=True, same_site="Lax")

    def clear(self, resp: falcon.Response) -> None:
        resp.unset_cookie(COOKIE, path="/", same_site="Lax")


def _session_view(user: dict[str, Any], session: dict[str, Any], token: str) -> dict[str, Any]:
    return {"user": public_user(user), "expiresAt": session["expiresAt"],
            "csrfToken": csrf_token_for(token)}


class SignupResource:
    def __init__(self, auth: AuthService, cookies: CookieJar) -> None:
        self.auth = auth
        self.cookies = cookies

    # body: the app's SignupSchema (declared user types), set by declared_options.
    @endpoint(auth="public", response=s.SessionSchema, status=201, tags=["auth"])
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Create an account and sign in (sets the session cookie)."""
        token, session, user = self.auth.signup(req.context.body, req.context.client_ip,
                                                req.user_agent)
        self.cookies.set(resp, token)
        return _session_view(user, session, token)


class LoginResource:
    def __init__(self, auth: AuthService, cookies: CookieJar) -> None:
        self.auth = auth
        self.cookies = cookies

    @endpoint(auth="public", body=s.LoginSchema, response=s.SessionSchema, tags=["auth"])
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Sign in with email and password (sets the session cookie)."""
        body = req.context.body
        token, session, user = self.auth.login(body["email"], body["password"],
                                               req.context.client_ip, req.user_agent)
        self.cookies.set(resp, token)
        return _session_view(user, session, token)


class LogoutResource:
    def __init__(self, sessions: SessionStore, cookies: CookieJar) -> None:
        self.sessions = sessions
        self.cookies = cookies

    @endpoint(auth="session", tags=["auth"])
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Sign out: the session is revoked server-side and the cookie cleared."""
        self.sessions.revoke(req.context.principal.extra["session"])
        self.cookies.clear(resp)


class SessionResource:
    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions

    @endpoint(auth="public", response=s.SessionSchema, tags=["auth"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any] | None:
        """The current session, or null when signed out."""
        token = req.cookies.get(COOKIE)
        found = self.sessions.lookup(token) if token else None
        if found is None or found[1].get("disabled"):
            return None
        session, user = found
        return _session_view(user, session, token)


class MeResource:
    def __init__(self, account: AccountService) -> None:
        self.account = account

    @endpoint(permission=ACCOUNT_READ, response=s.UserSchema, tags=["me"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """The signed-in user's profile."""
        return public_user(_user(req))

    # body: the app's MePatchSchema (declared profile fields), set by declared_options.
    @endpoint(permission=ACCOUNT_WRITE, response=s.UserSchema, tags=["me"])
    def on_patch(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Update name and onboarding profile: `{"name"?, "profile": {...}}`; profile fields given
        replace the stored ones, others are kept."""
        return public_user(self.account.update_me(_user(req), req.context.body))


class ApiKeysResource:
    def __init__(self, account: AccountService, keys: ApiKeyStore) -> None:
        self.account = account
        self.keys = keys

    @endpoint(permission=ACCOUNT_READ, response=s.ApiKeySchema(many=True), tags=["me"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> list[dict[str, Any]]:
        """The caller's API keys (never the secrets)."""
        return [public_key(doc) for doc in self.keys.list(_user(req)["_id"])]

    @endpoint(permission=ACCOUNT_WRITE, feature="api_keys", body=s.ApiKeyCreateSchema,
              response=s.ApiKeySchema, status=201, tags=["me"])
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Mint an API key; the secret is in this answer only (where the ``api_keys`` feature allows it)."""
        return self.account.mint_key(_user(req), req.context.body["name"])

    @endpoint(permission=ACCOUNT_WRITE, tags=["me"])
    def on_delete_item(self, req: falcon.Request, resp: falcon.Response, id: str) -> None:
        """Revoke an API key at once."""
        self.account.revoke_key(_user(req), id)


class SettingsResource:
    def __init__(self, account: AccountService) -> None:
        self.account = account

    # body and response: the app's SettingsSchema (declared preferences), set by
    # declared_options.
    @endpoint(permission=ACCOUNT_READ, tags=["settings"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Preferences, with saved provider keys shown by their last 4 characters."""
        return self.account.settings(_user(req))

    @endpoint(permission=ACCOUNT_WRITE, tags=["settings"])
    def on_patch(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Change preferences; nested groups merge key by key."""
        return self.account.update_settings(_user(req), req.context.body)


class ProviderKeysResource:
    def __init__(self, account: AccountService) -> None:
        self.account = account

    @endpoint(permission=ACCOUNT_WRITE, body=s.ProviderKeySchema, tags=["settings"])
    def on_put_item(self, req: falcon.Request, resp: falcon.Response, provider: str) -> Any:
        """Save your own OpenAI or Anthropic key (BYOK), encrypted at rest."""
        return self.account.save_provider_key(_user(req), _provider(provider),
                                              req.context.body["apiKey"])

    @endpoint(permission=ACCOUNT_WRITE, tags=["settings"])
    def on_delete_item(self, req: falcon.Request, resp: falcon.Response, provider: str) -> Any:
        """Forget a saved provider key."""
        return self.account.delete_provider_key(_user(req), _provider(provider))


def _provider(provider: str) -> str:
    if provider not in s.PROVIDERS:
        raise NotFound(f"Unknown provider {provider!r}; use one of {', '.join(s.PROVIDERS)}.")
    return provider


class AccountResource:
    def __init__(self, account: AccountService, cookies: CookieJar) -> None:
        self.account = account
        self.cookies = cookies

    @endpoint(permission=ACCOUNT_READ, response=s.UserSchema, tags=["account"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Account summary (same view as /api/me)."""
        return public_user(_user(req))

    @endpoint(permission=ACCOUNT_WRITE, body=s.AccountDeleteSchema, tags=["account"])
    def on_delete(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Delete the account and every document it owns, in every plugin (password required)."""
        deleted = self.account.delete(_user(req), req.context.body["password"])
        self.cookies.clear(resp)
        return {"deleted": deleted}

    @endpoint(permission=ACCOUNT_READ, tags=["account"])
    def on_get_export(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """All of the caller's data across enabled plugins, as JSON."""
        return self.account.export(_user(req))

    @endpoint(permission=ACCOUNT_WRITE, body=s.PasswordChangeSchema, tags=["account"])
    def on_post_password(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Change the password; every other session is signed out."""
        session = req.context.principal.extra.get("session")
        body = req.context.body
        self.account.change_password(_user(req), body["currentPassword"], body["newPassword"],
                                     keep_session=session["_id"] if session else None)


class AdminUsersResource:
    def __init__(self, admin: AdminService) -> None:
        self.admin = admin

    # query / body: the app's admin schemas (declared tiers, types, roles), set by
    # declared_options.
    @endpoint(permission="admin:read", tags=["admin"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Search users by email or name (super_admin)."""
        return self.admin.list_users(req.context.query)

    @endpoint(permission="admin:write", response=s.AdminUserSchema, tags=["admin"])
    def on_patch_item(self, req: falcon.Request, resp: falcon.Response, id: str) -> dict[str, Any]:
        """Set a user's tier, roles, type or disabled flag (super_admin)."""
        return self.admin.update_user(id, req.context.body)


class AdminStatsResource:
    def __init__(self, admin: AdminService) -> None:
        self.admin = admin

    @endpoint(permission="admin:read", tags=["admin"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """User counts by tier and type, recent sign-ups, live sessions (super_admin)."""
        return self.admin.stats()



def declared_options(resource: Any, attr: str, **changes: Any) -> Any:
    """Give one resource instance's responder options built from declarations (schemas whose
    choices the plugins declare), on top of its ``@endpoint`` ones: per app, not per class."""
    bound = getattr(resource, attr)

    @functools.wraps(bound)
    def responder(*args: Any, **kwargs: Any) -> Any:
        return bound(*args, **kwargs)

    setattr(responder, ENDPOINT_ATTR, {**options_of(bound), **normalize_options(changes)})
    setattr(resource, attr, responder)
    return resource
