"""Contact form, support tickets (signed in or not) and feedback."""

from __future__ import annotations

import pytest

from lightninghire.testing import TEST_PASSWORD, assert_error, assert_ok

CONTACT = {"name": "Grace Hopper", "email": "grace@example.com", "topic": "general",
           "subject": "Team plan", "message": "Do you have a plan for ten seekers?"}
TICKET = {"subject": "Cannot export", "message": "The export button does nothing.",
          "category": "bug"}


def test_a_contact_message_is_stored_routed_to_the_team_and_acknowledged(make_app):
    harness = make_app(plugins=["plans", "marketing"],
                       settings={"plugins.marketing.support_address": "help@lightninghire.test"})
    data = assert_ok(harness.client.simulate_post("/api/contact", json=CONTACT), 201)
    assert data["topic"] == "general" and data["respondBy"] is None
    [stored] = harness.db["marketing_contact_messages"].find()
    assert stored["message"] == CONTACT["message"] and stored["status"] == "new"
    team, ack = harness.mail
    assert team.to == "help@lightninghire.test" and team.reply_to == "grace@example.com"
    assert CONTACT["message"] in team.text
    assert ack.to == "grace@example.com" and ack.header("List-Unsubscribe") is None


def test_a_privacy_request_carries_its_30_day_deadline(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    data = assert_ok(harness.client.simulate_post(
        "/api/contact", json={**CONTACT, "topic": "privacy"}), 201)
    assert data["respondBy"] is not None
    stored = harness.db["marketing_contact_messages"].find_one()
    assert (stored["respondBy"] - stored["createdAt"]).days == 30
    assert "Respond by" in harness.mail[0].text and "30 days" in harness.mail[1].text


@pytest.mark.parametrize("change, field", [
    ({"topic": "lawsuit"}, "topic"), ({"email": "nope"}, "email"),
    ({"message": "x" * 5001}, "message"), ({"name": ""}, "name"), ({"phone": "1"}, "phone"),
])
def test_contact_input_is_bounded(make_app, change, field):
    harness = make_app(plugins=["plans", "marketing"])
    error = assert_error(harness.client.simulate_post("/api/contact",
                                                      json={**CONTACT, **change}), 400,
                         "VALIDATION")
    assert field in error["fields"]
    assert harness.db["marketing_contact_messages"].count_documents({}) == 0


def test_contact_is_rate_limited_per_ip_and_the_honeypot_stores_nothing(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    trapped = assert_ok(harness.client.simulate_post(
        "/api/contact", json={**CONTACT, "website": "x"}, remote_addr="203.0.113.9"), 201)
    assert trapped["id"] and harness.mail == []
    assert harness.db["marketing_contact_messages"].count_documents({}) == 0
    for _ in range(4):
        assert_ok(harness.client.simulate_post("/api/contact", json=CONTACT,
                                               remote_addr="203.0.113.9"), 201)
    assert_error(harness.client.simulate_post("/api/contact", json=CONTACT,
                                              remote_addr="203.0.113.9"), 429, "RATE_LIMIT")


def test_an_anonymous_ticket_needs_an_email_and_is_acknowledged(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    error = assert_error(harness.client.simulate_post("/api/support/tickets", json=TICKET), 400,
                         "VALIDATION")
    assert "email" in error["fields"]
    ticket = assert_ok(harness.client.simulate_post(
        "/api/support/tickets", json={**TICKET, "email": "Anon@Example.com"}), 201)
    assert (ticket["status"], ticket["priority"], ticket["email"]) == (
        "open", "normal", "anon@example.com")
    assert ticket["reference"].startswith("T-")
    stored = harness.db["marketing_support_tickets"].find_one()
    assert stored["userId"] is None
    team, ack = harness.mail
    assert ticket["reference"] in team.subject and ticket["reference"] in ack.subject
    assert ack.to == "anon@example.com"


def test_signed_in_tickets_belong_to_the_caller_and_only_to_them(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    ada = harness.api_caller(email="ada@example.com")
    mine = assert_ok(ada.post("/api/support/tickets",
                              json={**TICKET, "email": "someone@else.com"}), 201)
    assert mine["email"] == "ada@example.com"  # the account's address, not the body's
    assert harness.db["marketing_support_tickets"].find_one()["userId"] == str(ada.user["_id"])
    assert_ok(harness.client.simulate_post("/api/support/tickets",
                                           json={**TICKET, "email": "anon@example.com"}), 201)

    listed = assert_ok(ada.get("/api/support/tickets"))
    assert [t["id"] for t in listed["items"]] == [mine["id"]]
    assert assert_ok(ada.get(f"/api/support/tickets/{mine['id']}"))["messages"][0]["body"] == (
        TICKET["message"])
    closed = assert_ok(ada.patch(f"/api/support/tickets/{mine['id']}", json={"status": "closed"}))
    assert closed["status"] == "closed"
    assert assert_ok(ada.get("/api/support/tickets", params={"status": "open"}))["items"] == []

    bob = harness.api_caller()
    assert_error(bob.get(f"/api/support/tickets/{mine['id']}"), 404, "NOT_FOUND")
    assert_error(bob.patch(f"/api/support/tickets/{mine['id']}", json={"status": "open"}), 404,
                 "NOT_FOUND")
    assert assert_ok(bob.get("/api/support/tickets"))["items"] == []
    assert_error(ada.patch(f"/api/support/tickets/{mine['id']}", json={"status": "resolved"}),
                 400, "VALIDATION")
    assert_error(harness.client.simulate_get("/api/support/tickets"), 401, "UNAUTHENTICATED")


def test_a_session_ticket_needs_the_csrf_proof_like_any_cookie_write(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    caller = harness.session_caller()
    assert_ok(caller.post("/api/support/tickets", json=TICKET), 201)
    cross_site = caller.post("/api/support/tickets", json=TICKET,
                             headers={"Origin": "https://evil.example"})
    assert_error(cross_site, 403, "CSRF_FAILED")


def test_pro_tickets_are_priority_and_the_team_replies(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    pro = harness.api_caller(tier="pro")
    ticket = assert_ok(pro.post("/api/support/tickets", json=TICKET), 201)
    assert ticket["priority"] == "priority" and "[PRIORITY]" in harness.mail[0].subject

    admin = harness.api_caller(roles=["super_admin"])
    assert_error(pro.get("/api/admin/support/tickets"), 403, "FORBIDDEN")
    assert [t["id"] for t in assert_ok(admin.get("/api/admin/support/tickets"))["items"]] == [
        ticket["id"]]
    answered = assert_ok(admin.patch(f"/api/admin/support/tickets/{ticket['id']}",
                                     json={"status": "resolved", "reply": "Fixed, thanks!"}))
    assert answered["status"] == "resolved" and answered["messages"][-1]["author"] == "team"
    assert harness.mail[-1].to == pro.user["email"] and "Fixed, thanks!" in harness.mail[-1].text
    assert assert_ok(pro.get(f"/api/support/tickets/{ticket['id']}"))["status"] == "resolved"
    assert_error(admin.patch(f"/api/admin/support/tickets/{ticket['id']}", json={}), 400,
                 "VALIDATION")


def test_feedback_is_taken_signed_in_or_not_and_listed_for_the_team(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    assert_ok(harness.client.simulate_post("/api/feedback", json={
        "kind": "outdated_resource", "target": "cold-outreach-templates",
        "message": "Template 2 mentions an old feature.", "page": "/resources"}), 201)
    user = harness.api_caller()
    assert_ok(user.post("/api/feedback", json={"rating": 5}), 201)
    assert_error(user.post("/api/feedback", json={"kind": "general"}), 400, "VALIDATION")
    assert_error(user.post("/api/feedback", json={"rating": 6}), 400, "VALIDATION")
    assert_error(user.get("/api/feedback"), 403, "FORBIDDEN")

    admin = harness.api_caller(roles=["super_admin"])
    items = assert_ok(admin.get("/api/feedback"))["items"]
    assert [(f["kind"], f["userId"]) for f in items] == [
        ("general", str(user.user["_id"])), ("outdated_resource", None)]
    only = assert_ok(admin.get("/api/feedback", params={"kind": "outdated_resource"}))["items"]
    assert [f["target"] for f in only] == ["cold-outreach-templates"]


def test_a_users_tickets_and_leads_go_with_their_account(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    caller = harness.api_caller(email="gone@example.com")
    assert_ok(caller.post("/api/support/tickets", json=TICKET), 201)
    harness.client.simulate_post("/api/leads", json={
        "email": "gone@example.com", "source": "interview-prep-guide", "marketingOptIn": True})
    exported = assert_ok(caller.get("/api/account/export"))
    assert "marketing_support_tickets" in str(exported)
    assert_ok(caller.delete("/api/account", json={"password": TEST_PASSWORD}))
    assert harness.db["marketing_support_tickets"].count_documents({}) == 0
    assert harness.db["marketing_leads"].count_documents({}) == 0
    assert harness.db["marketing_lead_drips"].count_documents({}) == 0
