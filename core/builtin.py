"""The core's own routes, registered through the same hooks as any plugin (and not disableable):
``/api/health``, ``/api/openapi.json`` and the interactive reference at ``/api/docs``."""

from __future__ import annotations

import mimetypes
from importlib import resources
from typing import Any

import falcon
from marshmallow import Schema, fields

from lightninghire import __version__
from lightninghire.ai import AI_ACTION_COMPLETED, AI_CALL_INDEXES, AI_CALLS
from lightninghire.config import allowed_origins
from lightninghire.errors import DatabaseUnavailable, NotFound
from lightninghire.hookspecs import hookimpl
from lightninghire.http.endpoint import endpoint
from lightninghire.http.openapi import build_openapi
from lightninghire.policy import entitlements
from lightninghire.policy.resources import EntitlementsResource, StatsResource, UsageResource
from lightninghire.services import Services

# The AI client (services.ai) announces each completed AI action.
plugin_events = {"emits": (AI_ACTION_COMPLETED,)}
SWAGGER_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css")
DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>LightningHire API reference</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
"""
# Kept out of the page so the Content-Security-Policy needs no 'unsafe-inline' script.
DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, withCredentials: true});
"""
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; font-src 'self' data:")


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok when every dependency answers"})
    version = fields.String()
    plugins = fields.List(fields.String(), metadata={"description": "enabled plugins, in order"})
    db = fields.String(metadata={"description": "up or down"})


class HealthResource:
    def __init__(self, services: Services) -> None:
        self.services = services

    @endpoint(auth="public", response=HealthSchema, tags=["core"])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> dict[str, Any]:
        """Liveness and database status."""
        db_up = self.services.db.ping()
        health = {
            "status": "ok" if db_up else "degraded",
            "version": __version__,
            "plugins": self.services.plugins.user_plugins(),
            "db": "up" if db_up else "down",
        }
        if not db_up:
            raise DatabaseUnavailable("The database is not answering.", health=health)
        return health


class OpenApiResource:
    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        # With no configured public URL, a page on http://localhost:PORT gets that server URL and
        # one on http://127.0.0.1:PORT this one: Swagger UI then calls its own origin.
        self._local = set(allowed_origins(settings)) if settings.public_url_is_default else set()
        self._documents: dict[str, bytes] = {}

    @endpoint(auth="public", raw=True, hidden=True)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The OpenAPI 3.1 document of every enabled route."""
        server_url = self.services.settings.http.public_url
        asked = f"{req.scheme}://{req.netloc}".lower()
        if asked in self._local:
            server_url = asked
        document = self._documents.get(server_url)
        if document is None:  # routes are fixed once the app is built
            from lightninghire.http.jsonio import dumps

            built = build_openapi(self.services.routes.operations(), self.services.schemas,
                                  title="LightningHire API", version=__version__,
                                  server_url=server_url)
            document = self._documents[server_url] = dumps(built).encode()
        resp.content_type = falcon.MEDIA_JSON
        resp.data = document
        resp.set_header("Cache-Control", "public, max-age=60")


class DocsResource:
    @endpoint(auth="public", raw=True, hidden=True)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = DOCS_PAGE
        resp.set_header("Content-Security-Policy", DOCS_CSP)

    @endpoint(auth="public", raw=True, hidden=True)
    def on_get_asset(self, req: falcon.Request, resp: falcon.Response, asset: str) -> None:
        if asset == "init.js":
            resp.content_type = "text/javascript"
            resp.text = DOCS_INIT
            return
        if asset not in SWAGGER_ASSETS:  # a fixed list: no path ever reaches the filesystem
            raise NotFound(f"No docs asset {asset!r}.")
        package = resources.files("lightninghire.http") / "static" / "swagger-ui" / asset
        resp.content_type = mimetypes.guess_type(asset)[0] or "application/octet-stream"
        resp.data = package.read_bytes()
        resp.set_header("Cache-Control", "public, max-age=86400")


@hookimpl(trylast=True)
def register_routes(routes: Any, services: Services) -> None:
    engine = services.entitlements
    routes.add("/api/entitlements", EntitlementsResource(engine))
    routes.add("/api/usage", UsageResource(engine))
    routes.add("/api/stats", StatsResource(engine))
    docs = DocsResource()
    routes.add("/api/health", HealthResource(services))
    routes.add("/api/openapi.json", OpenApiResource(services))
    routes.add("/api/docs", docs)
    routes.add("/api/docs/{asset}", docs, suffix="asset")


@hookimpl(trylast=True)
def register_tasks(tasks: Any, services: Services) -> None:
    mail = services.mail
    tasks.add("mail-outbox", schedule="* * * * *", run=lambda *_: mail.deliver_due(),
              lease_seconds=300, description="Deliver due mail from the outbox (retries with backoff).")
    tasks.add("mail-purge", schedule="17 3 * * *", run=lambda *_: mail.purge(), lease_seconds=300,
              description="Delete sent and suppressed outbox records past the retention.")


@hookimpl(trylast=True)
def register_collections(collections: Any) -> None:
    collections.add(entitlements.SLOTS, indexes=entitlements.SLOT_INDEXES, owner_field="userId")
    collections.add(entitlements.COUNTERS, indexes=entitlements.COUNTER_INDEXES,
                    owner_field="userId")
    # Metering of model calls belongs to the user too: exported and deleted with the account.
    collections.add(AI_CALLS, indexes=AI_CALL_INDEXES, owner_field="userId")


@hookimpl(trylast=True)
def register_policy(policy: Any) -> None:
    for feature in entitlements.core_features():
        policy.add_feature(**feature)


@hookimpl(trylast=True)
def register_schemas(spec: Any) -> None:
    spec.add("Health", HealthSchema)
