"""The OpenAPI 3.1 document, built from the registered routes and schemas (apispec)."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from lightninghire.registry import Operation, SchemaRegistry, openapi_name

SESSION_COOKIE = "lh_session"
SECURITY_SCHEMES = {
    "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                "description": "Session cookie set by sign-in."},
    "api_key": {"type": "http", "scheme": "bearer", "bearerFormat": "lh_live_...",
                "description": "Personal API key: `Authorization: Bearer lh_live_...`."},
    "cron": {"type": "http", "scheme": "bearer",
             "description": "Shared scheduler secret: `Authorization: Bearer $CRON_SECRET`."},
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["ok", "error"],
    "properties": {
        "ok": {"const": False},
        "error": {
            "type": "object",
            "required": ["message", "code"],
            "properties": {
                "message": {"type": "string"},
                "code": {"type": "string"},
                "fields": {"type": "object"},
                "upgradeHint": {"type": "string"},
                "requestId": {"type": "string"},
            },
        },
    },
}
_ERRORS_BY_STAGE = {
    "400": "Invalid input (code VALIDATION, BAD_REQUEST or INVALID_JSON).",
    "401": "Not authenticated (code UNAUTHENTICATED).",
    "402": "Entitlement cap reached (code PAYMENT_REQUIRED, with upgradeHint).",
    "403": "Not allowed (code FORBIDDEN).",
    "404": "Not found, or not yours (code NOT_FOUND).",
    "413": "Body too large (code PAYLOAD_TOO_LARGE).",
    "415": "Body is not JSON (code UNSUPPORTED_MEDIA_TYPE).",
    "429": "Rate limited (code RATE_LIMIT, with Retry-After).",
}


def _schema_name(schema: Schema) -> str:
    return openapi_name(schema)


def build_openapi(operations: list[Operation], schemas: SchemaRegistry, *, title: str,
                  version: str, server_url: str | None = None) -> dict[str, Any]:
    spec = APISpec(title=title, version=version, openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "LightningHire API. Every answer is an envelope: "
                                        "`{ok: true, data}` or `{ok: false, error: {message, code}}`."})
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    spec.components.schema("Error", ERROR_SCHEMA)
    for name, schema in schemas.schemas.items():
        spec.components.schema(name, schema=schema)
    named = {(s if isinstance(s, type) else type(s)): n for n, s in schemas.schemas.items()}

    def ref(schema: Schema) -> dict[str, Any]:
        # Unnamed schemas are registered under their class name the first time they appear.
        name = named.get(type(schema)) or _schema_name(schema)
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=type(schema))
        return {"$ref": f"#/components/schemas/{name}"}

    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        options = op.options
        if options.hidden:
            continue
        operation: dict[str, Any] = {
            "operationId": op.operation_id,
            "tags": list(options.tags) or [op.plugin],
            "summary": options.summary or f"{op.method} {op.path}",
        }
        if options.description:
            operation["description"] = options.description
        parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                      for name in op.path_params]
        if options.query is not None:
            parameters.append({"in": "query", "schema": options.query})
        if parameters:
            operation["parameters"] = parameters
        if options.raw_body:
            operation["requestBody"] = {
                "required": False,
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        if options.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(options.body)}},
            }
        data_schema: dict[str, Any] = ref(options.response) if options.response else {}
        if options.response is not None and options.response.many:
            data_schema = {"type": "array", "items": data_schema}
        if options.response is not None:
            # A responder may return None: the envelope then carries `data: null`.
            data_schema = {"anyOf": [data_schema, {"type": "null"}]}
        success = {
            "description": "Success.",
            "content": {"application/json": {"schema": {
                "type": "object", "required": ["ok"],
                "properties": {"ok": {"const": True}, "data": data_schema},
            }}},
        }
        if options.raw and options.media_type:
            success = {"description": "Success.",
                       "content": {options.media_type: {"schema": {"type": "string"}}}}
        responses: dict[str, Any] = {str(options.status): success}
        for status, text in _ERRORS_BY_STAGE.items():
            if _applies(status, op):
                responses[status] = {"description": text, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        operation["responses"] = responses
        if options.auth == ("public",):
            operation["security"] = []
        elif options.auth == ("optional",):
            operation["security"] = [{}, {"session": []}, {"api_key": []}]
        else:
            operation["security"] = [{mode: []} for mode in options.auth]
        paths.setdefault(op.path, {})[op.method.lower()] = operation
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)
    document = spec.to_dict()
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document


def _applies(status: str, op: Operation) -> bool:
    options = op.options
    return {
        "400": options.body is not None or options.query is not None or bool(op.path_params),
        "401": options.auth != ("public",),  # optional: sent credentials must be valid
        "402": options.feature is not None,
        "403": options.permission is not None,
        "404": bool(op.path_params),
        "413": options.body is not None,
        "415": options.body is not None,
        "429": options.rate_limit is not None,
    }[status]
