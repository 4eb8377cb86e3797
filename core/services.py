"""The services ``create_app`` builds once and injects into every plugin's hooks and resources."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from lightninghire.ai import AiClient
from lightninghire.background import Background
from lightninghire.clock import Clock
from lightninghire.config import Settings
from lightninghire.db import Database
from lightninghire.events import EventBus
from lightninghire.fetch import UrlFetcher
from lightninghire.invalidation import UserInvalidation
from lightninghire.mail import Mailer
from lightninghire.policy.engine import PolicyEngine
from lightninghire.policy.entitlements import EntitlementEngine
from lightninghire.registry import (
    CollectionRegistry,
    PolicyRegistry,
    PreferenceRegistry,
    RouteTable,
    SchemaRegistry,
    TaskRegistry,
)

T = TypeVar("T")

if TYPE_CHECKING:
    from lightninghire.account.users import UserDirectory
    from lightninghire.http.auth import Authenticator
    from lightninghire.plugins import PluginHost
    from lightninghire.tasks import TaskRunner


@dataclass
class Services:
    settings: Settings
    plugins: PluginHost
    db: Database
    clock: Clock
    events: EventBus
    mail: Mailer
    # The one client for model calls; build_services replaces this keyless offline default with
    # AiClient.for_services(services) (BYOK through the account part, credits through a hook).
    ai: AiClient = field(default_factory=AiClient)
    routes: RouteTable = field(default_factory=RouteTable)
    schemas: SchemaRegistry = field(default_factory=SchemaRegistry)
    collections: CollectionRegistry = field(default_factory=CollectionRegistry)
    tasks: TaskRegistry = field(default_factory=TaskRegistry)
    policy: PolicyRegistry = field(default_factory=PolicyRegistry)
    # Declared user preferences (notifications, emails): the account's settings build on them.
    preferences: PreferenceRegistry = field(default_factory=PreferenceRegistry)
    # Casbin decisions over policy's lines, core's and the deployer's file (set by build_services).
    policy_engine: PolicyEngine | None = None
    # Feature caps and usage (set by build_services).
    entitlements: EntitlementEngine | None = None
    # Auth modes -> how a request proves it (filled by the core; the account part adds session
    # and api_key). A mode with no authenticator never authenticates anyone.
    authenticators: dict[str, Authenticator] = field(default_factory=dict)
    # Read-only account lookups for plugins: get, by_email, many, find (set by build_services).
    users: UserDirectory | None = None
    # Per-plugin objects built once per Services (``state(name, factory)``).
    _state: dict[str, Any] = field(default_factory=dict, repr=False)
    _state_lock: Any = field(default_factory=threading.RLock, repr=False)
    # Runs registered tasks under their leases (set by build_services).
    task_runner: TaskRunner | None = None
    # Call ``invalidation.invalidate(user_id)`` after any write that changes what a cached
    # principal or entitlement says about a user (tier, roles, credits, a revoked credential).
    invalidation: UserInvalidation | None = None
    # Work the answer does not need: ``background.defer(fn, *args)`` runs it after the request.
    background: Background = field(default_factory=lambda: Background(threaded=False))
    # Fetches URLs users give, refusing non-public addresses (``[fetch]``; set by build_services).
    fetcher: UrlFetcher = field(default_factory=UrlFetcher)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("lightninghire"))

    def close(self) -> None:
        """Finish what the answers did not wait for (deferred work, buffered usage counts),
        then release the database client and the revocation board. Safe to call twice."""
        self.background.close()
        if self.entitlements is not None:
            self.entitlements.recorder.close()
        self.db.close()
        if self.invalidation is not None:
            self.invalidation.board.close()

    def plugin_settings(self, name: str) -> dict[str, Any]:
        """The plugin's ``[plugins.<name>]`` settings, loaded through its ``plugin_settings``
        schema (typed, defaults applied); a copy."""
        return self.plugins.plugin_settings(name)

    def state(self, name: str, factory: Callable[[Services], T]) -> T:
        """The object ``name`` of this app, built by ``factory(services)`` on first use and the
        same object afterwards: what a plugin's routes, tasks and hooks share (never module
        state: one process may build many apps, as the tests do). Thread-safe: built once even
        when two threads ask at once; a factory may itself ask for other state. Name it after
        the plugin (``"notes.store"``)."""
        try:
            return self._state[name]
        except KeyError:
            pass
        with self._state_lock:
            if name not in self._state:
                self._state[name] = factory(self)
            return self._state[name]
