"""``create_app``: build every service once, let each enabled plugin register, return the app."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import falcon
from pymongo.errors import PyMongoError

from lightninghire import hookspecs, logs, userdata
from lightninghire.account.parts import account_of
from lightninghire.account.users import COLLECTION as USERS
from lightninghire.account.users import UserDirectory
from lightninghire.ai import AI_ACTION_COMPLETED, AiClient, AiResult, AiTask, action_payload
from lightninghire.background import Background
from lightninghire.clock import Clock
from lightninghire.config import Settings, load_settings, redact_url
from lightninghire.db import Database
from lightninghire.errors import StartupError
from lightninghire.events import EventBus
from lightninghire.fetch import FetchLimits, UrlFetcher
from lightninghire.http import errors as http_errors
from lightninghire.http.auth import CronSecretAuthenticator
from lightninghire.http.jsonio import json_handler
from lightninghire.http.middleware import (
    BodyLimitMiddleware,
    ClientIpMiddleware,
    CorsMiddleware,
    RequestIdMiddleware,
    RequestLimitsMiddleware,
    SecurityHeadersMiddleware,
)
from lightninghire.http.pipeline import Pipeline
from lightninghire.invalidation import EPOCHS, Board, UserCache, UserInvalidation, board_path
from lightninghire.mail import Mailer, Transport
from lightninghire.plugins import PluginHost
from lightninghire.policy import CORE_POLICY, PermissionStage, PolicyEngine, entitlements
from lightninghire.policy.engine import member_lines, parse_line
from lightninghire.policy.entitlements import (
    EntitlementEngine,
    Facts,
    UsageRecorder,
    facts_from,
)
from lightninghire.policy.ratelimit import COLLECTION as RATE_LIMITS
from lightninghire.policy.ratelimit import MemoryRateLimitStore, RateLimitStore
from lightninghire.policy.stages import Counter, EntitlementStage, RateLimitStage
from lightninghire.services import Services
from lightninghire.tasks import TaskRunner

log = logging.getLogger(__name__)


class LightningHireApp(falcon.App):
    """A ``falcon.App`` that keeps its services and runs the plugins' shutdown hooks once."""

    services: Services
    _closed = False

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for _plugin, _ in self.services.plugins.call_each(
                "shutdown", on_error=_log_shutdown_failure, app=self, services=self.services):
            pass
        # What the answers did not wait for is finished before the process goes.
        self.services.close()


def ai_client_for(services: Services) -> AiClient:
    """The app's AI client: BYOK keys come from the account part (decrypted per call), and each
    completed AI action is announced as an ``ai.action_completed`` event (``action_payload``)."""

    def byok_key(user: Mapping[str, Any], provider: str) -> str | None:
        return account_of(services).account.provider_key(user, provider)

    def on_action(user: Mapping[str, Any], task: AiTask, result: AiResult) -> None:
        # The bus logs a failing handler and goes on: the user keeps the answer.
        services.events.emit(AI_ACTION_COMPLETED, action_payload(result), user_id=str(user["_id"]))

    client = AiClient.from_settings(services.settings, db=services.db, clock=services.clock,
                                    byok_key=byok_key, on_action=on_action)
    client.meter.defer = services.background.defer  # metering is written after the answer
    return client


def _log_shutdown_failure(plugin: str, exc: Exception) -> None:
    log.error("plugin %s: shutdown failed", plugin, exc_info=exc)


def build_services(
    settings: Settings,
    *,
    extra_plugins: Mapping[str, object] | None = None,
    clock: Clock | None = None,
    mail_transport: Transport | None = None,
    record_events: bool = False,
    background_threads: bool = True,
) -> Services:
    """Load the plugins and fill every registry; no network I/O happens here.

    ``background_threads=False`` (the test harness) runs deferred work and usage flushes only
    when drained, in the caller's thread."""
    host = PluginHost(settings, hookspecs, extra=extra_plugins)
    host.load()
    clock = clock or Clock()
    # An unreachable or stalled database fails the request (503 DB_UNAVAILABLE) well before
    # gunicorn's worker timeout would kill it without an answer.
    wait_ms = settings.database.timeout_ms
    db = Database(settings.database.uri or "mongodb://127.0.0.1:27017/", settings.database.name,
                  serverSelectionTimeoutMS=wait_ms, connectTimeoutMS=wait_ms,
                  socketTimeoutMS=max(wait_ms, (settings.server.timeout - 2) * 1000))
    background = Background(threaded=background_threads)
    invalidation = UserInvalidation(Board(board_path(db.uri, db.name)), db[EPOCHS], clock,
                                    settings.auth.principal_cache_sync_seconds)
    mail = Mailer.from_settings(settings, db=db, clock=clock, transport=mail_transport)
    mail.defer = background.defer
    for name in host.user_plugins():
        # A plugin's own mail_templates/ folder is served as "<plugin>/<template>".
        mail.add_templates(name, host.plugin(name), required=False)
    services = Services(
        settings=settings,
        plugins=host,
        db=db,
        clock=clock,
        events=EventBus(lambda event: host.call_each("handle_event", event=event,
                                                     on_error=EventBus.log_failure,
                                                     services=services),
                        clock.now, record=record_events,
                        deliver_deferred=_deferred_delivery(host, lambda: services),
                        defer=background.defer, declared=host.declared_events(),
                        strict=record_events),
        mail=mail,
        background=background,
        invalidation=invalidation,
    )
    services.authenticators["cron"] = CronSecretAuthenticator(settings.auth.cron_secret)
    services.users = UserDirectory(db[USERS])
    services.ai = ai_client_for(services)
    services.fetcher = UrlFetcher(FetchLimits.from_settings(settings.fetch))
    # Order matters: what resources are built with (policy, tasks, the engines) comes first,
    # routes last.
    for hook, argname, registry in (
        ("register_collections", "collections", services.collections),
        ("register_schemas", "spec", services.schemas),
        ("register_policy", "policy", services.policy),
        ("register_preferences", "preferences", services.preferences),
        ("register_authenticators", "authenticators", services.authenticators),
        ("register_tasks", "tasks", services.tasks),
        ("register_ai_tasks", "tasks", services.ai.tasks),
    ):
        _register(host, hook, argname, registry, services)
    services.policy.apply_caps()
    services.policy_engine = _policy_engine(services)
    services.entitlements = _entitlements(services, threaded=background_threads)
    services.task_runner = TaskRunner(services.db, clock, services.tasks.specs)
    _register(host, "register_routes", "routes", services.routes, services)
    services.schemas.check_operations(services.routes.operations())
    return services


def _register(host: PluginHost, hook: str, argname: str, registry: Any,
              services: Services) -> None:
    for _plugin, _result in host.call_each(hook, owner_of=registry,
                                           **{argname: registry, "services": services}):
        pass


def _policy_engine(services: Services) -> PolicyEngine:
    """Core lines, each declared role's membership, then each plugin's lines and feature caps
    in order, then the deployer's file: the last word (``p2, <tier>, <feature>, 5`` changes a
    cap without code)."""
    plans = services.policy.plans
    engine = PolicyEngine(CORE_POLICY)
    engine.add_lines(member_lines(plans.roles), source="declared roles")
    for plugin, line in services.policy.lines:
        engine.add_lines([line], source=f"plugin {plugin!r} policy")
    for feature in services.policy.features.values():
        if feature.limits and not plans.tiers:
            log.warning("plugin %s caps feature %s, but no enabled plugin declares tiers: only "
                        "accounts whose stored tier is a capped column are capped, new accounts "
                        "are not (enable the plugin that declares the tiers)", feature.plugin,
                        feature.key)
        for tier, limit in feature.limits.items():
            if plans.tiers and tier not in plans.tiers:
                # Fail closed: an undeclared column would silently turn the feature into a
                # hard gate for everyone. (With no tier declared at all, only an account
                # whose stored tier, set by an admin, is a capped column is capped.)
                raise StartupError(f"plugin {feature.plugin!r}: feature {feature.key!r} caps "
                                   f"tier {tier!r}, which no enabled plugin declares")
            engine.set_cap(tier, feature.key, limit)
    _check_policy_roles(services)
    if services.settings.policy.file:
        engine.add_file(services.settings.policy.file)
        unknown = sorted(engine.cap_tiers() - set(plans.tiers)) if plans.tiers else []
        if unknown:
            raise StartupError(f"policy file {services.settings.policy.file}: p2 line for tier "
                               f"{unknown[0]!r}, which no enabled plugin declares")
    return engine


def _check_policy_roles(services: Services) -> None:
    """A plugin's ``p`` line for a role nobody declares (nor groups with ``g``) grants
    nothing: stop startup naming the plugin."""
    lines = [(plugin, parse_line(line)) for plugin, line in services.policy.lines]
    known = set(services.policy.plans.roles)
    known.update(parts[1] for _plugin, parts in lines if parts[0] == "g")
    for plugin, parts in lines:
        if parts[0] == "p" and parts[1] not in known:
            raise StartupError(f"plugin {plugin!r}: policy line {', '.join(parts)!r} names "
                               f"role {parts[1]!r}, which no enabled plugin declares")


def _check_permissions(services: Services, operations: list[Any]) -> None:
    """Fail closed: a route whose permission object no policy line mentions would answer 403
    to everyone but super admins; say so at startup instead."""
    assert services.policy_engine is not None
    objects = services.policy_engine.permission_objects()
    for op in operations:
        permission = op.options.permission
        if permission is not None and permission.obj not in objects:
            raise StartupError(f"{op.method} {op.path} (plugin {op.plugin!r}) needs permission "
                               f"{permission.obj}:{permission.action}, which no policy line "
                               f"mentions")


def _deferred_delivery(host: PluginHost, services: Any) -> Any:
    """Deliver ``handle_event_deferred`` only when some plugin implements it."""
    if not host.pm.hook.handle_event_deferred.get_hookimpls():
        return None
    return lambda event: host.call_each("handle_event_deferred", event=event,
                                        on_error=EventBus.log_failure, services=services())


def _entitlements(services: Services, *, threaded: bool) -> EntitlementEngine:
    host = services.plugins
    plans = services.policy.plans
    assert services.invalidation is not None
    # The facts a plugin contributes (tier, credit balance) are read once per user and kept until
    # that user is invalidated: a plugin whose facts change calls
    # services.invalidation.invalidate(user_id) after writing.
    facts_cache = UserCache(services.invalidation, services.clock,
                            max_age_seconds=services.settings.auth.principal_cache_seconds or 60)

    def contributed(user: Mapping[str, Any]) -> tuple[str, Any, Any]:
        given = host.hook.entitlement_facts(user=user, services=services)
        # ``validUntil``: when time alone changes the answer (a cancelled period ends).
        return str(user["_id"]), given, (given or {}).get("validUntil")

    def facts_for(user: Mapping[str, Any]) -> Facts:
        if not host.pm.hook.entitlement_facts.get_hookimpls():
            return facts_from(user, None, plans)
        given = facts_cache.get(("facts", str(user["_id"])), lambda: contributed(user))
        return facts_from(user, given, plans)

    assert services.policy_engine is not None
    recorder = UsageRecorder(services.db[entitlements.COUNTERS],
                             flush_seconds=services.settings.policy.usage_flush_seconds,
                             threaded=threaded)
    return EntitlementEngine(
        services.policy.features, services.policy_engine.cap, services.db[entitlements.SLOTS],
        services.db[entitlements.COUNTERS], services.clock, facts_for, plans=plans,
        recorder=recorder)


def _rate_counter(services: Services) -> Counter:
    settings = services.settings
    backend = settings.http.rate_limit_backend
    if backend == "auto":
        backend = "memory" if settings.server.workers == 1 else "mongo"
    if backend == "memory":
        return MemoryRateLimitStore(services.clock)
    return RateLimitStore(services.db[RATE_LIMITS], services.clock)


def create_app(
    settings: Settings | None = None,
    *,
    plugins: list[str] | None = None,
    extra_plugins: Mapping[str, object] | None = None,
    clock: Clock | None = None,
    mail_transport: Transport | None = None,
    record_events: bool = False,
    prepare_database: bool = True,
    background_threads: bool = True,
) -> LightningHireApp:
    """Build the WSGI application.

    ``settings`` defaults to ``load_settings()`` (file and environment); ``plugins`` overrides the
    enabled list; ``extra_plugins`` hands in plugin objects by name (tests). With
    ``prepare_database=False`` nothing touches the database (``lightninghire routes``/``openapi``).
    """
    settings = settings or load_settings()
    if plugins is not None:
        settings = settings.with_overrides({"plugins.enabled": list(plugins)})
    services = build_services(settings, extra_plugins=extra_plugins, clock=clock,
                              mail_transport=mail_transport, record_events=record_events,
                              background_threads=background_threads)

    app = LightningHireApp(
        media_type=falcon.MEDIA_JSON,
        middleware=[
            RequestIdMiddleware(),
            RequestLimitsMiddleware(),
            ClientIpMiddleware(settings.http.trusted_proxies, settings.http.ipv6_prefix),
            BodyLimitMiddleware(settings.http.max_body_bytes),
            SecurityHeadersMiddleware(),
            CorsMiddleware(settings.http.cors_origins),
        ],
    )
    app.services = services
    app.req_options.strip_url_path_trailing_slash = True
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = json_handler()
    http_errors.install(app)

    assert services.policy_engine is not None and services.entitlements is not None
    pipeline = Pipeline(authenticators=services.authenticators,
                        max_body_bytes=settings.http.max_body_bytes,
                        rate_limit=RateLimitStage(_rate_counter(services)),
                        permission=PermissionStage(services.policy_engine),
                        entitlement=EntitlementStage(services.entitlements))
    operations = services.routes.operations()
    pipeline.check_declarations(operations)
    _check_permissions(services, operations)
    logs.protect_routes(op.path for op in operations)  # {token} path segments stay out of logs
    for op in operations:
        if op.options.feature is not None and op.options.feature not in services.policy.features:
            raise StartupError(f"{op.method} {op.path} (plugin {op.plugin!r}) declares feature "
                               f"{op.options.feature!r}, which no enabled plugin declares")
    for path, ops in services.routes.by_path().items():
        try:
            app.add_route(path, pipeline.resource(ops))
        except ValueError as exc:  # Falcon's own template conflicts
            raise StartupError(f"route {path} (plugin {ops[0].plugin!r}): {exc}") from None

    if prepare_database:
        try:
            services.db.ensure_collections(services.collections.specs.values())
            # Remembered, so a user's export and deletion still reach them if the plugin that
            # declared them is disabled later.
            userdata.record(services.db, services.collections.specs.values(),
                            services.clock.now())
            services.mail.ensure_indexes()
            services.ai.ensure_indexes()
            services.task_runner.ensure_indexes()
        except PyMongoError as exc:
            raise StartupError(f"the database at {redact_url(services.db.uri)} cannot be used: "
                               f"{type(exc).__name__}") from None
        for _plugin, _ in services.plugins.call_each("startup", app=app, services=services):
            pass
    return app
