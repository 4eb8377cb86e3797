"""Issue 18 #5 and #6: text that is not text, and nesting that exhausts recursion, are 400s in
the envelope on every route (they used to be 500s): refused centrally where JSON is read, and
in the one place that evaluates user-written expressions (outreach templates)."""

from __future__ import annotations

import itertools
import json

import pytest
from marshmallow import fields

from lightninghire.testing import assert_error, assert_ok
from tests.security.conftest import admin

_ADDRESSES = (f"198.51.{i >> 8 & 255}.{i & 255}" for i in itertools.count(1))
LONE = "\udc00"
DEEP = 10_000


def _body_ops(harness):
    return [op for op in harness.services.routes.operations()
            if op.options.body is not None and not op.options.raw_body]


def _send(caller, method, path, data, **headers):
    """JSON with \\u escapes, as a client's encoder writes an unpaired surrogate."""
    return caller.request(method, path, body=json.dumps(data),
                          headers={"Content-Type": "application/json", **headers})


def _path(op):
    path = op.path
    for name in op.path_params:
        path = path.replace("{" + name + "}", "0" * 24 if name == "id" else "x")
    return path


def _first_text_field(schema):
    for name, field in schema.fields.items():
        if isinstance(field, fields.String) and not field.dump_only:
            return field.data_key or name
    return None


def test_an_unpaired_surrogate_in_a_string_field_is_400_naming_it_on_every_route(shared):
    caller = admin(shared)
    checked, wrong = 0, []
    for op in _body_ops(shared):
        name = _first_text_field(op.options.body)
        if name is None:
            continue
        checked += 1
        body = {name: f"Ada{LONE}"}
        result = _send(caller, op.method, _path(op), [body] if op.options.body.many else body,
                       **{"X-Forwarded-For": next(_ADDRESSES)})
        error = (result.json or {}).get("error") or {}
        named = name in json.dumps(error.get("fields") or {})
        if result.status_code != 400 or error.get("code") != "VALIDATION" or not named:
            wrong.append((op.method, op.path, name, result.status_code, result.text[:160]))
    assert checked > 50
    assert wrong == []


@pytest.mark.parametrize(("body", "fields_"), [
    ({"name": "Ada" + LONE}, {"name": [...]}),
    ({"profile": {"currentRole": "Engineer" + LONE}}, {"profile": {"currentRole": [...]}}),
    ({"profile": {"targetRoles": ["ok", "\ud800"]}}, {"profile": {"targetRoles": {"1": [...]}}}),
    ({"profile": {"x" + LONE: "key"}}, {"profile": [...]}),
])
def test_the_refusal_names_the_field_however_deep(shared, body, fields_):
    caller = shared.api_caller()
    error = assert_error(_send(caller, "PATCH", "/api/me", body), 400, "VALIDATION")

    def shape(value):
        return {k: shape(v) for k, v in value.items()} if isinstance(value, dict) else [...]

    assert shape(error["fields"]) == fields_, error
    assert "surrogate" in error["message"]
    # A real astral character (a surrogate *pair* in JSON) is text and is kept.
    assert assert_ok(caller.patch("/api/me", json={"name": "Ada \U0001f600"}))["name"] == "Ada \U0001f600"


def _nested(depth):
    return '{"name": ' + "[" * depth + "]" * depth + "}"


def test_json_nested_ten_thousand_deep_is_400_on_every_route(shared):
    caller = admin(shared)
    raw = _nested(DEEP)
    wrong = []
    for op in _body_ops(shared):
        result = caller.request(op.method, _path(op), body=raw,
                                headers={"Content-Type": "application/json",
                                         "X-Forwarded-For": next(_ADDRESSES)})
        error = (result.json or {}).get("error") or {}
        if result.status_code != 400 or error.get("code") != "INVALID_JSON":
            wrong.append((op.method, op.path, result.status_code, result.text[:160]))
    assert wrong == []
    # The raw-body route that parses JSON itself (unsubscribe) uses the same parser.
    result = shared.client.simulate_post("/api/unsubscribe", body=raw,
                                         headers={"Content-Type": "application/json"})
    assert_error(result, 400, "INVALID_JSON")


def test_the_depth_limit_is_64_levels(shared):
    caller = shared.api_caller()
    over = assert_error(caller.patch("/api/me", body=_nested(64),
                                     headers={"Content-Type": "application/json"}),
                        400, "INVALID_JSON")
    assert "64" in over["message"]
    # 63 levels inside the object is within the limit: validation, not the parser, refuses it.
    assert_error(caller.patch("/api/me", body=_nested(63),
                              headers={"Content-Type": "application/json"}), 400, "VALIDATION")


# Each within the field's length cap (body 5,000 characters, subject 300).
DEEP_TEMPLATES = {
    "brackets": "{{ " + "(" * 2400 + "my_name" + ")" * 2400 + " }}",
    "filters": "{{ my_name" + "|upper" * 800 + " }}",
    "conditions": "{{ " + "my_name if my_name else " * 190 + "my_name }}",
    "negations": "{{ " + "not " * 1200 + "my_name }}",
    "blocks": "{% if my_name %}" * 180 + "x" + "{% endif %}" * 180,
    "filters_300": "{{ my_name" + "|lower" * 300 + " }}",  # parses, but Python cannot compile it
}
DEEP_SUBJECT = "{{ " + "(" * 140 + "my_name" + ")" * 140 + " }}"


@pytest.mark.parametrize("kind", sorted(DEEP_TEMPLATES))
def test_deeply_nested_outreach_templates_are_400(shared, kind):
    caller = shared.api_caller(tier="pro")
    source = DEEP_TEMPLATES[kind]
    for method, path, body in [
        ("POST", "/api/templates", {"name": "Deep", "body": source}),
        ("POST", "/api/templates/preview", {"body": source}),
        ("POST", "/api/templates/preview", {"subject": DEEP_SUBJECT, "body": "Hi"}),
    ]:
        error = assert_error(caller.request(method, path, json=body), 400, "VALIDATION")
        assert "nests more than" in json.dumps(error["fields"]), error
    made = assert_ok(caller.post("/api/templates", json={"name": "Fine", "body": "Hi"}), 201)
    error = assert_error(caller.patch(f"/api/templates/{made['id']}", json={"body": source}),
                         400, "VALIDATION")
    assert "body" in error["fields"]
