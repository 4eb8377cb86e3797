"""A plugin for the policy tests: metered features in each window, a failing AI step, and a
rate-limited public route. It uses only the public plugin API."""

from __future__ import annotations

from typing import Any

from lightninghire import UpstreamUnavailable, endpoint, hookimpl

# Its caps name the product's tiers: the plans plugin declares them.
plugin_requires = ("plans",)

FEATURES = {
    "mock_interviews": {"label": "Mock interviews", "window": "week", "ai_action": True,
                        "limits": {"free": 3}},
    "job_searches": {"label": "Job searches", "window": "day", "limits": {"free": 10}},
    "applications": {"label": "Job applications", "window": "total",
                     "limits": {"free": 20, "recruiter_free": 0, "recruiter_pro": 0}},
    "tailor_to_job": {"label": "Tailor resume to job", "window": "total",
                      "limits": {"free": 0}},
    "contacts": {"label": "Contacts", "window": "total", "limits": {"free": 15}},
}


class Use:
    """One resource for every feature: the route's ``feature=`` default says which."""

    def on_post(self, req: Any, resp: Any) -> dict[str, str]:
        return {"used": req.context.operation.options.feature}


class Broken:
    @endpoint(feature="mock_interviews")
    def on_post(self, req: Any, resp: Any) -> None:
        raise UpstreamUnavailable("The AI provider failed.", code="AI_UNAVAILABLE")


class Crash:
    @endpoint(feature="contacts")
    def on_post(self, req: Any, resp: Any) -> None:
        raise RuntimeError("bug")


class Refuse:
    @endpoint(feature="contacts")
    def on_post(self, req: Any, resp: Any) -> None:
        from lightninghire import Conflict

        raise Conflict("Duplicate contact.")


class Limited:
    @endpoint(auth="public", rate_limit="10/15m")
    def on_post(self, req: Any, resp: Any) -> dict[str, bool]:
        return {"accepted": True}


class PerUser:
    @endpoint(rate_limit="2/1m per user")
    def on_get(self, req: Any, resp: Any) -> dict[str, bool]:
        return {"ok": True}


@hookimpl
def register_policy(policy: Any) -> None:
    for key, spec in FEATURES.items():
        policy.add_feature(key=key, upgrade_hint=f"Upgrade to Pro for unlimited {key}.", **spec)


@hookimpl
def register_routes(routes: Any) -> None:
    for key in FEATURES:
        routes.add(f"/api/metered/{key}", Use(), feature=key)
    routes.add("/api/metered-broken", Broken())
    routes.add("/api/metered-crash", Crash())
    routes.add("/api/metered-refuse", Refuse())
    routes.add("/api/limited", Limited())
    routes.add("/api/per-user", PerUser())
