"""Templates: the shipped set, user templates validated before saving, the render preview."""

from __future__ import annotations

import pytest

from lightninghire.testing import assert_error, assert_ok
from lightninghire_plugins.outreach.templates.service import system_templates
from tests.plugins.outreach.conftest import add_contact

MINE = {"name": "Coffee ask", "channel": "email", "purpose": "informational_interview",
        "subject": "Coffee{% if contact_company %} at {{ contact_company }}{% endif %}?",
        "body": "Hi {{ contact_first_name | default('there') }},\n\n{{ context }}\n\n"
                "{{ my_name }}"}


def test_system_templates_ship_with_the_plugin_and_are_filterable(sam):
    listing = assert_ok(sam.get("/api/templates/system"))
    ids = {t["id"] for t in listing["items"]}
    assert {"email-referral-ask", "linkedin-connection-request",
            "phone-informational-interview"} <= ids
    assert all(t["system"] for t in listing["items"])
    assert "contact_first_name" in listing["variables"]
    emails = assert_ok(sam.get("/api/templates/system?channel=email"))["items"]
    assert emails and {t["channel"] for t in emails} == {"email"}
    referral = assert_ok(sam.get("/api/templates/email-referral-ask"))
    assert referral["purpose"] == "referral_ask" and "my_target_role" in referral["variables"]
    assert_error(sam.get("/api/templates/no-such-template"), 404, "NOT_FOUND")


def test_every_shipped_template_renders_for_an_empty_and_a_full_contact(sam):
    dana = add_contact(sam)
    for template_id, template in system_templates().items():
        for body in ({"templateId": template_id},
                     {"templateId": template_id, "contactId": dana["id"], "context": "x"}):
            preview = assert_ok(sam.post("/api/templates/preview", json=body))
            assert preview["body"].strip(), template_id
            assert "{{" not in preview["body"] and "{%" not in preview["body"]
            assert bool(preview["subject"]) == (template["channel"] == "email")


def test_a_user_template_is_saved_listed_changed_and_deleted(sam):
    created = assert_ok(sam.post("/api/templates", json=MINE), 201)
    assert created["system"] is False
    assert created["variables"] == ["contact_company", "contact_first_name", "context",
                                    "my_name"]
    assert assert_ok(sam.get("/api/templates"))["items"] == [created]
    assert assert_ok(sam.get("/api/templates?channel=phone"))["items"] == []
    changed = assert_ok(sam.patch(f"/api/templates/{created['id']}",
                                  json={"body": "Hello {{ contact_name }}"}))
    assert changed["variables"] == ["contact_company", "contact_name"]
    assert assert_ok(sam.get(f"/api/templates/{created['id']}")) == changed
    assert assert_ok(sam.delete(f"/api/templates/{created['id']}")) == {"deleted": True}
    assert_error(sam.get(f"/api/templates/{created['id']}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"body": "Hi {{ first_name }}"}, "body", "Unknown variable: first_name"),
    ({"subject": "{{ salary }} talk", "body": "Hi"}, "subject", "Unknown variable: salary"),
    ({"body": "Hi {{ contact_name "}, "body", "syntax error"),
    ({"body": "{% for i in range(9) %}x{% endfor %}"}, "body", "not allowed"),
    ({"body": "{{ contact_name.__class__ }}"}, "body", "not allowed"),
    ({"body": "{{ contact_name | attr('x') }}"}, "body", "Unknown filter"),
    ({"body": "{% set x = 1 %}"}, "body", "not allowed"),
    ({"body": "Hi", "subject": "Hello", "channel": "linkedin_dm"}, "subject", "subject"),
])
def test_a_template_with_an_unknown_variable_or_construct_is_refused(sam, body, field, words):
    error = assert_error(sam.post("/api/templates", json={**MINE, **body}), 400, "VALIDATION")
    assert words in error["fields"][field][0]
    assert assert_ok(sam.get("/api/templates"))["items"] == []  # nothing saved


def test_an_edit_is_validated_again_and_system_templates_are_read_only(sam):
    created = assert_ok(sam.post("/api/templates", json=MINE), 201)
    error = assert_error(sam.patch(f"/api/templates/{created['id']}",
                                   json={"body": "{{ nope }}"}), 400, "VALIDATION")
    assert "nope" in error["fields"]["body"][0]
    assert assert_ok(sam.get(f"/api/templates/{created['id']}"))["body"] == MINE["body"]
    assert_error(sam.patch("/api/templates/email-referral-ask", json={"name": "Mine"}),
                 403, "FORBIDDEN")
    assert_error(sam.delete("/api/templates/email-referral-ask"), 403, "FORBIDDEN")
    assert_error(sam.post("/api/templates", json={**MINE, "extra": 1}), 400, "VALIDATION")
    assert_error(sam.post("/api/templates", json={**MINE, "body": "x" * 5001}), 400,
                 "VALIDATION")


def test_preview_renders_for_a_contact_and_names_what_had_no_value(sam):
    dana = add_contact(sam)
    preview = assert_ok(sam.post("/api/templates/preview", json={
        "templateId": "email-referral-ask", "contactId": dana["id"],
        "values": {"my_target_role": "Staff Engineer"}}))
    assert preview["subject"] == "Referral for Staff Engineer at Acme Health?"
    assert preview["body"].startswith("Hi Dana,\n\n")
    assert "as Backend Engineer" in preview["body"] and preview["body"].endswith("Sam Rivera")
    assert preview["missing"] == ["context"]

    unsaved = assert_ok(sam.post("/api/templates/preview", json={
        "body": "Hi {{ contact_first_name | default('there') }} from {{ my_first_name }}"}))
    assert unsaved == {"subject": "", "body": "Hi there from Sam",
                       "variables": ["contact_first_name", "my_first_name"],
                       "missing": ["contact_first_name"]}
    assert_error(sam.post("/api/templates/preview", json={"body": "{{ x }}"}), 400, "VALIDATION")
    assert_error(sam.post("/api/templates/preview", json={}), 400, "VALIDATION")
    assert_error(sam.post("/api/templates/preview", json={"body": "Hi", "values": {"x": "1"}}),
                 400, "VALIDATION")


def test_another_users_template_and_contact_are_404(app, sam):
    mine = assert_ok(sam.post("/api/templates", json=MINE), 201)
    dana = add_contact(sam)
    other = app.api_caller()
    for result in (other.get(f"/api/templates/{mine['id']}"),
                   other.patch(f"/api/templates/{mine['id']}", json={"name": "x"}),
                   other.delete(f"/api/templates/{mine['id']}"),
                   other.post("/api/templates/preview", json={"templateId": mine["id"]}),
                   other.post("/api/templates/preview", json={"body": "Hi",
                                                              "contactId": dana["id"]})):
        assert_error(result, 404, "NOT_FOUND")
    assert assert_ok(other.get("/api/templates"))["items"] == []


def test_free_accounts_save_3_templates_and_a_refused_one_spends_nothing(sam):
    for n in range(3):
        # A template refused for an unknown variable does not use up one of the three.
        assert_error(sam.post("/api/templates", json={**MINE, "body": "{{ nope }}"}), 400,
                     "VALIDATION")
        assert_ok(sam.post("/api/templates", json={**MINE, "name": f"T{n}"}), 201)
    error = assert_error(sam.post("/api/templates", json=MINE), 402, "PAYMENT_REQUIRED")
    assert error["feature"] == "email_templates" and error["limit"] == 3
