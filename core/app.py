"""``create_app``: build every service once, let each enabled plugin register, return the app."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import falcon
from pymongo.errors import PyMongoError

from lightninghire.clock import Clock
from lightninghire.config import Settings, load_settings, redact_url
from lightninghire.db import Database
from lightninghire.errors import StartupError
from lightninghire.events import EventBus
from lightninghire.http import errors as http_errors
from lightninghire.http.auth import CronSecretAuthenticator
from lightninghire.http.jsonio import json_handler
from lightninghire.http.middleware import (
    BodyLimitMiddleware,
    ClientIpMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
)
from lightninghire.http.pipeline import Pipeline
from lightninghire.mail import Mailer, Transport
from lightninghire.plugins import PluginHost
from lightninghire.policy import CORE_POLICY, PermissionStage, PolicyEngine
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
        self.services.db.close()


def _log_shutdown_failure(plugin: str, exc: Exception) -> None:
    log.error("plugin %s: shutdown failed", plugin, exc_info=exc)


def build_services(
    settings: Settings,
    *,
    extra_plugins: Mapping[str, object] | None = None,
    clock: Clock | None = None,
    mail_transport: Transport | None = None,
    record_events: bool = False,
) -> Services:
    """Load the plugins and fill every registry; no network I/O happens here."""
    host = PluginHost(settings, extra=extra_plugins)
    host.load()
    clock = clock or Clock()
    db = Database(settings.database.uri or "mongodb://127.0.0.1:27017/", settings.database.name,
                  serverSelectionTimeoutMS=settings.database.timeout_ms)
    mail = Mailer.from_settings(settings, db=db, clock=clock, transport=mail_transport)
    for name in host.user_plugins():
        # A plugin's own mail_templates/ folder is served as "<plugin>/<template>".
        mail.add_templates(name, host.pm.get_plugin(name), required=False)
    services = Services(
        settings=settings,
        plugins=host,
        db=db,
        clock=clock,
        events=EventBus(lambda event: host.call_each("handle_event", event=event,
                                                     on_error=EventBus.log_failure,
                                                     services=services),
                        clock.now, record=record_events),
        mail=mail,
    )
    services.authenticators["cron"] = CronSecretAuthenticator(settings.auth.cron_secret)
    # Order matters: collections and schemas first, routes last (resources may use the rest).
    for hook, argname, registry in (
        ("register_collections", "collections", services.collections),
        ("register_schemas", "spec", services.schemas),
        ("register_policy", "policy", services.policy),
        ("register_authenticators", "authenticators", services.authenticators),
        ("register_tasks", "tasks", services.tasks),
        ("register_routes", "routes", services.routes),
    ):
        for _plugin, _result in host.call_each(hook, owner_of=registry,
                                               **{argname: registry, "services": services}):
            pass
    services.policy_engine = _policy_engine(services)
    services.task_runner = TaskRunner(services.db, clock, services.tasks.specs)
    return services


def _policy_engine(services: Services) -> PolicyEngine:
    """Core lines, then each plugin's in order, then the deployer's file: the last word."""
    engine = PolicyEngine(CORE_POLICY)
    for plugin, line in services.policy.lines:
        engine.add_lines([line], source=f"plugin {plugin!r} policy")
    if services.settings.policy.file:
        engine.add_file(services.settings.policy.file)
    return engine


def create_app(
    settings: Settings | None = None,
    *,
    plugins: list[str] | None = None,
    extra_plugins: Mapping[str, object] | None = None,
    clock: Clock | None = None,
    mail_transport: Transport | None = None,
    record_events: bool = False,
    prepare_database: bool = True,
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
                              mail_transport=mail_transport, record_events=record_events)

    app = LightningHireApp(
        media_type=falcon.MEDIA_JSON,
        middleware=[
            RequestIdMiddleware(),
            ClientIpMiddleware(settings.http.trusted_proxies),
            BodyLimitMiddleware(settings.http.max_body_bytes),
            SecurityHeadersMiddleware(),
        ],
    )
    app.services = services
    app.req_options.strip_url_path_trailing_slash = True
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = json_handler()
    http_errors.install(app)

    pipeline = Pipeline(authenticators=services.authenticators,
                        max_body_bytes=settings.http.max_body_bytes,
                        permission=PermissionStage(services.policy_engine))
    operations = services.routes.operations()
    pipeline.check_declarations(operations)
    for path, ops in services.routes.by_path().items():
        try:
            app.add_route(path, pipeline.resource(ops))
        except ValueError as exc:  # Falcon's own template conflicts
            raise StartupError(f"route {path} (plugin {ops[0].plugin!r}): {exc}") from None

    if prepare_database:
        try:
            services.db.ensure_collections(services.collections.specs.values())
            services.mail.ensure_indexes()
            services.task_runner.ensure_indexes()
        except PyMongoError as exc:
            raise StartupError(f"the database at {redact_url(services.db.uri)} cannot be used: "
                               f"{type(exc).__name__}") from None
        for _plugin, _ in services.plugins.call_each("startup", app=app, services=services):
            pass
    return app
