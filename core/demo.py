"""``lightninghire demo`` (and ``serve --demo``): a demo user and every plugin's sample data, so
a fresh install has something to explore. Run again, it updates the same data and gives the
demo user a new password."""

from __future__ import annotations

import secrets
import sys
from typing import Any, TextIO

from lightninghire.config import Settings
from lightninghire.services import Services

DEMO_EMAIL = "demo@example.com"
DEMO_NAME = "Dana Demo"


def load_demo(settings: Settings, out: TextIO | None = None) -> dict[str, Any]:
    """Build the app on ``settings``' database (collections, indexes, shipped content), load the
    demo data, print the credentials to ``out`` (stderr by default) and close again."""
    from lightninghire.app import create_app

    app = create_app(settings)
    try:
        return load_into(app.services, out)
    finally:
        app.close()


def load_into(services: Services, out: TextIO | None = None) -> dict[str, Any]:
    from lightninghire.account.parts import account_of
    from lightninghire.account.passwords import hash_password, password_problem

    out = out or sys.stderr
    users = account_of(services).users
    password = secrets.token_urlsafe(12)
    while password_problem(password, DEMO_EMAIL):  # as any user's: never a weak one
        password = secrets.token_urlsafe(12)
    # The declared default user type, on a tier with every feature open (plans are data).
    plans = services.policy.plans
    user_type = plans.default_user_type
    tier = plans.showcase_tier(user_type)
    user = users.by_email(DEMO_EMAIL)
    if user is None:
        user = users.create(email=DEMO_EMAIL, password=password, name=DEMO_NAME,
                            user_type=user_type, tier=tier)
    else:
        user = users.update(user["_id"], {"passwordHash": hash_password(password), "tier": tier,
                                          "disabled": False}) or user
    loaded: dict[str, Any] = {}
    for plugin, result in services.plugins.call_each("load_sample_data", user=user,
                                                     services=services):
        if result:
            loaded[plugin] = result
    public = services.settings.http.public_url
    summary = ", ".join(f"{key}={value}" for counts in loaded.values()
                        for key, value in counts.items()) or "nothing (no plugin ships samples)"
    print(f"lightninghire: demo data loaded: {summary}\n"
          f"lightninghire: demo user {DEMO_EMAIL}, password {password} ({tier or 'no'} tier)\n"
          f"lightninghire: sign in with POST {public}/api/auth/login, or in {public}/api/docs",
          file=out, flush=True)
    return {"email": DEMO_EMAIL, "password": password, "loaded": loaded}
