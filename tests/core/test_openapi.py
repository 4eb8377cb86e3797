"""The OpenAPI document and the offline interactive reference."""

from __future__ import annotations

import pytest

from lightninghire.testing import assert_error


@pytest.fixture
def api(make_app):
    return make_app(plugins=["hello"]).client


def test_document_is_openapi_3_1_with_every_enabled_route(api):
    document = api.simulate_get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert {"/api/health", "/api/hello", "/api/hello/greetings"} <= set(document["paths"])
    assert set(document["paths"]["/api/hello/greetings"]) == {"get", "post"}
    assert "/api/docs" not in document["paths"]  # the page itself is not part of the API


def test_document_has_the_three_security_schemes(api):
    schemes = api.simulate_get("/api/openapi.json").json["components"]["securitySchemes"]
    assert schemes["session"] == {"type": "apiKey", "in": "cookie", "name": "lh_session",
                                  "description": "Session cookie set by sign-in."}
    assert schemes["api_key"]["scheme"] == "bearer"
    assert schemes["cron"]["scheme"] == "bearer"


def test_operations_describe_body_response_errors_and_security(api):
    document = api.simulate_get("/api/openapi.json").json
    post = document["paths"]["/api/hello/greetings"]["post"]
    body_ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref == "#/components/schemas/GreetingIn"
    assert document["components"]["schemas"]["GreetingIn"]["required"] == ["name"]
    success = post["responses"]["201"]["content"]["application/json"]["schema"]
    # `data` is the response schema, or null when a responder returns nothing.
    assert success["properties"]["data"] == {
        "anyOf": [{"$ref": "#/components/schemas/HelloGreeting"}, {"type": "null"}]}
    assert {"400", "401", "413", "415"} <= set(post["responses"])
    assert post["security"] == [{"session": []}, {"api_key": []}]
    public = document["paths"]["/api/hello"]["get"]
    assert public["security"] == []
    assert [p["name"] for p in public["parameters"]] == ["name"]
    assert document["paths"]["/api/hello/greetings"]["get"]["summary"] == (
        "The caller's greetings, newest first.")


def test_docs_page_and_its_assets_are_served_by_the_app(api):
    page = api.simulate_get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace("lang=", "")  # no CDN: every asset is ours
    for asset, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "text/css"),
                        ("init.js", "javascript")):
        result = api.simulate_get(f"/api/docs/{asset}")
        assert result.status_code == 200 and kind in result.headers["content-type"]
        assert len(result.content) > 0
    assert "/api/openapi.json" in api.simulate_get("/api/docs/init.js").text


def test_only_known_docs_assets_are_served(api):
    assert_error(api.simulate_get("/api/docs/..%2f..%2fconfig.py"), 404, "NOT_FOUND")
    assert_error(api.simulate_get("/api/docs/LICENSE"), 404, "NOT_FOUND")
