"""Outreach messages: AI drafts per channel and purpose, statuses, follow-ups, caps, owners."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lightninghire.testing import assert_error, assert_ok, verify_offline
from lightninghire_plugins.outreach import user_context
from lightninghire_plugins.outreach.messages.drafting import DRAFT_TASK, offline
from tests.plugins.outreach.conftest import add_contact, draft, run_task


def test_the_offline_drafter_answers_its_examples_within_its_schema():
    verify_offline(DRAFT_TASK)


def test_an_email_draft_uses_the_contact_the_purpose_and_the_senders_profile(sam):
    dana = add_contact(sam)
    message = draft(sam, dana["id"], context="I read your post on the claims platform rebuild")
    assert message["status"] == "draft" and message["aiProvider"] == "offline"
    assert message["contactName"] == "Dana Kim" and message["channel"] == "email"
    assert message["subject"] == "Senior Backend Engineer question about Acme Health"
    body = message["body"]
    assert body.startswith("Hi Dana,\n\nI'm Sam Rivera, currently Backend Engineer.")
    assert "I read your post on the claims platform rebuild." in body
    assert "20-minute call" in body and "the team at Acme Health" in body
    assert body.endswith("Best regards,\nSam Rivera\nBackend Engineer")  # cold: formal sign-off
    assert assert_ok(sam.get(f"/api/outreach/{message['id']}")) == message


@pytest.mark.parametrize("purpose", ["connection_request", "informational_interview",
                                     "referral_ask", "follow_up", "thank_you", "reconnect",
                                     "congrats"])
@pytest.mark.parametrize("warmth", ["cold", "warm", "hot"])
def test_every_channel_keeps_its_rules_for_every_purpose_and_warmth(purpose, warmth):
    contact = {"name": "Priya Patel", "company": "Northwind Retail", "title": "Data Lead",
               "contactType": "alumni", "warmth": warmth, "notes": "Loves dashboards"}
    sender = {"name": "Sam Rivera", "role": "Backend Engineer",
              "targetRole": "Senior Backend Engineer with a very long title for the test"}
    for channel in ("linkedin_connection", "linkedin_dm", "email", "phone", "in_person"):
        inputs = DRAFT_TASK.load_inputs({"contact": contact, "purpose": purpose,
                                         "channel": channel, "sender": sender,
                                         "context": "We met at the PyData Berlin meetup " * 3})
        answer = DRAFT_TASK.output_schema().load(offline(inputs))
        body = answer["body"]
        assert "Priya" in body
        assert "{" not in body and "  " not in body and " ." not in body
        assert bool(answer["subject"]) == (channel == "email")
        if channel == "linkedin_connection":
            assert len(body) < 300 and "\n" not in body
        if channel == "phone":
            assert ("Opening:" in body and "Key points:" in body and "Ask:" in body)
        if channel == "in_person":
            assert body.startswith('Open with: "Hi Priya') and "The ask:" in body
        if channel == "email":
            assert body.endswith("Sam Rivera\nBackend Engineer")


def test_a_warm_contact_gets_a_direct_message_built_on_the_users_detail():
    inputs = DRAFT_TASK.load_inputs({
        "contact": {"name": "Dana Kim", "company": "Acme Health", "warmth": "hot"},
        "purpose": "congrats", "channel": "linkedin_dm", "sender": {"name": "Sam Rivera"},
        "context": "Your promotion to Director."})
    assert offline(inputs) == {"subject": "", "body": (
        "Hi Dana! Congratulations on your promotion to Director! Acme Health is lucky to have "
        "you. Let's catch up when things settle.\n\nSam")}


def test_the_prompt_for_real_models_carries_the_rules_and_the_template():
    inputs = DRAFT_TASK.load_inputs({
        "contact": {"name": "Dana Kim", "company": "Acme Health", "warmth": "warm",
                    "contactType": "hiring_manager", "notes": "Ran the PyData talk"},
        "purpose": "referral_ask", "channel": "linkedin_connection",
        "sender": {"name": "Sam Rivera", "targetRole": "Data Analyst"},
        "template": {"subject": "", "body": "Hi Dana, quick question."}})
    system, user = DRAFT_TASK.prompt(inputs)
    assert "Never invent facts" in system
    assert "under 300 characters" in user and "referral" in user
    assert "Dana Kim at Acme Health (hiring manager)" in user
    assert "targeting Data Analyst roles" in user and "Ran the PyData talk" in user
    assert user.endswith("Hi Dana, quick question.")


def test_a_draft_from_a_template_is_that_template_rendered_for_the_contact(pro_sam):
    sam = pro_sam
    dana = add_contact(sam)
    message = draft(sam, dana["id"], "referral_ask", templateId="email-referral-ask")
    assert message["templateId"] == "email-referral-ask"
    assert message["subject"] == "Referral for Senior Backend Engineer at Acme Health?"
    assert message["body"].startswith("Hi Dana,\n\nI hope you're doing well.")
    connection = draft(sam, dana["id"], "connection_request", "linkedin_connection",
                       templateId="linkedin-connection-request", context="x " * 200)
    assert len(connection["body"]) < 300 and connection["subject"] == ""
    assert_error(sam.post("/api/outreach", json={
        "contactId": dana["id"], "purpose": "thank_you", "channel": "email",
        "templateId": "no-such-template"}), 404, "NOT_FOUND")


def test_drafts_are_capped_at_2_for_free_and_each_is_an_ai_action(app, sam):
    dana = add_contact(sam)
    draft(sam, dana["id"])
    draft(sam, dana["id"], "thank_you", "linkedin_dm")
    error = assert_error(sam.post("/api/outreach", json={
        "contactId": dana["id"], "purpose": "congrats", "channel": "email"}),
        402, "PAYMENT_REQUIRED")
    assert error["feature"] == "outreach_messages" and error["limit"] == 2
    features = assert_ok(sam.get("/api/entitlements"))["features"]
    assert features["ai_actions"]["currentUsage"] == 2
    assert app.db["ai_calls"].count_documents({"task": "outreach.draft_message"}) == 2


def test_bad_draft_requests_are_refused(sam):
    dana = add_contact(sam)
    for body in ({"contactId": dana["id"], "purpose": "bribe", "channel": "email"},
                 {"contactId": dana["id"], "purpose": "congrats", "channel": "fax"},
                 {"contactId": "123", "purpose": "congrats", "channel": "email"},
                 {"contactId": dana["id"], "purpose": "congrats", "channel": "email",
                  "context": "x" * 1001},
                 {"contactId": dana["id"], "purpose": "congrats", "channel": "email",
                  "tone": "casual"}):
        assert_error(sam.post("/api/outreach", json=body), 400, "VALIDATION")
    assert assert_ok(sam.get("/api/outreach"))["items"] == []


def test_another_users_contact_and_messages_are_404(app, sam):
    dana = add_contact(sam)
    message = draft(sam, dana["id"])
    other = app.api_caller()
    assert_error(other.post("/api/outreach", json={
        "contactId": dana["id"], "purpose": "congrats", "channel": "email"}), 404, "NOT_FOUND")
    for base in ("/api/outreach", "/api/messages"):
        for result in (other.get(f"{base}/{message['id']}"),
                       other.patch(f"{base}/{message['id']}", json={"body": "mine"}),
                       other.post(f"{base}/{message['id']}/send", json={}),
                       other.delete(f"{base}/{message['id']}")):
            assert_error(result, 404, "NOT_FOUND")
        assert assert_ok(other.get(base))["items"] == []
    assert assert_ok(sam.get(f"/api/messages/{message['id']}")) == message  # the alias


def test_a_draft_is_edited_marked_sent_then_replied(app, sam, clock):
    dana = add_contact(sam)
    message = draft(sam, dana["id"], "connection_request", "linkedin_dm")
    edited = assert_ok(sam.patch(f"/api/outreach/{message['id']}",
                                 json={"body": "  Hi Dana, great to meet you!  "}))
    assert edited["body"] == "Hi Dana, great to meet you!" and edited["subject"] == ""

    sent = assert_ok(sam.patch(f"/api/outreach/{message['id']}", json={"status": "sent"}))
    assert sent["status"] == "sent" and sent["sentAt"] == sent["updatedAt"]
    assert sent["followUpAt"] == _iso(clock.now() + timedelta(days=7))  # LinkedIn: ~7 days
    contact = assert_ok(sam.get(f"/api/contacts/{dana['id']}"))
    assert contact["lastContactedAt"] == sent["sentAt"]
    assert contact["nextFollowUpAt"] == sent["followUpAt"]
    assert_error(sam.patch(f"/api/outreach/{message['id']}", json={"body": "changed"}),
                 409, "CONFLICT")
    assert [e.name for e in app.events if e.name.startswith("outreach.")] == ["outreach.sent"]

    clock.advance(days=2)
    replied = assert_ok(sam.patch(f"/api/outreach/{message['id']}", json={"status": "replied"}))
    assert replied["status"] == "replied" and replied["followUpAt"] is None
    assert replied["repliedAt"] == _iso(clock.now())
    contact = assert_ok(sam.get(f"/api/contacts/{dana['id']}"))
    assert contact["lastContactedAt"] == replied["repliedAt"]
    assert contact["nextFollowUpAt"] is None
    assert [m["id"] for m in assert_ok(sam.get("/api/outreach?status=replied"))["items"]] \
        == [message["id"]]

    other = draft(sam, dana["id"], "thank_you", "phone")
    assert_error(sam.patch(f"/api/outreach/{other['id']}", json={"status": "replied"}),
                 409, "CONFLICT")
    assert_error(sam.patch(f"/api/outreach/{other['id']}", json={"status": "bounced"}),
                 400, "VALIDATION")
    assert assert_ok(sam.delete(f"/api/outreach/{other['id']}")) == {"deleted": True}
    assert_error(sam.get(f"/api/outreach/{other['id']}"), 404, "NOT_FOUND")


def test_a_follow_up_reminder_arrives_once_when_due_and_never_after_a_reply(app, sam, clock):
    dana = add_contact(sam)
    waiting = draft(sam, dana["id"], "referral_ask", "email")
    assert_ok(sam.patch(f"/api/outreach/{waiting['id']}", json={"status": "sent"}))

    clock.advance(days=4, hours=23)
    assert run_task(app, clock)["followUps"] == 0
    assert assert_ok(sam.get("/api/outreach?followUpDue=true"))["items"] == []
    clock.advance(hours=1)  # e-mail: ~5 days
    assert [m["id"] for m in assert_ok(sam.get("/api/outreach?followUpDue=true"))["items"]] \
        == [waiting["id"]]
    assert run_task(app, clock)["followUps"] == 1
    assert run_task(app, clock)["followUps"] == 0  # once
    [note] = assert_ok(sam.get("/api/notifications"))["items"]
    assert note["type"] == "outreach_follow_up" and note["title"] == "Follow up with Dana Kim"
    assert "referral ask (email)" in note["body"]
    assert note["url"] == f"/outreach/{waiting['id']}"
    due = [e for e in app.events if e.name == "outreach.follow_up_due"]
    assert [e.payload["messageId"] for e in due] == [waiting["id"]]


def test_a_replied_message_and_a_muted_user_get_no_reminder(app, sam, clock):
    dana = add_contact(sam)
    replied = draft(sam, dana["id"], "referral_ask", "email")
    assert_ok(sam.patch(f"/api/outreach/{replied['id']}", json={"status": "sent"}))
    assert_ok(sam.patch(f"/api/outreach/{replied['id']}", json={"status": "replied"}))
    muted = app.api_caller(name="Muted")
    app.db["users"].update_one({"_id": muted.user["_id"]}, {"$set": {
        "settings": {"notifications": {"outreachFollowUps": False}}}})
    lee = add_contact(muted, name="Lee Chen", email="lee@example.com")
    quiet = draft(muted, lee["id"], "thank_you", "linkedin_dm")
    assert_ok(muted.patch(f"/api/outreach/{quiet['id']}", json={"status": "sent"}))
    clock.advance(days=8)
    assert run_task(app, clock)["followUps"] == 1  # the muted user's message is due...
    assert assert_ok(muted.get("/api/notifications"))["items"] == []  # ...but not shown
    assert assert_ok(sam.get("/api/notifications"))["items"] == []


def test_only_email_is_sent_only_by_job_seekers_and_only_with_an_address(app, sam):
    dana = add_contact(sam)
    dm = draft(sam, dana["id"], "congrats", "linkedin_dm")
    assert_error(sam.post(f"/api/outreach/{dm['id']}/send", json={}), 409, "CONFLICT")
    no_address = add_contact(sam, name="Lee Chen", email=None)
    email = draft(sam, no_address["id"], "congrats", "email")
    error = assert_error(sam.post(f"/api/outreach/{email['id']}/send", json={}), 400,
                         "VALIDATION")
    assert "contactId" in error["fields"]
    assert assert_ok(sam.get(f"/api/outreach/{email['id']}"))["status"] == "draft"
    assert_error(sam.post(f"/api/outreach/{email['id']}/send", json={"sendAt": "soon"}),
                 400, "VALIDATION")

    recruiter = app.api_caller(user_type="recruiter")
    candidate = add_contact(recruiter)
    copy_only = draft(recruiter, candidate["id"], "connection_request", "email")
    assert_error(recruiter.post(f"/api/outreach/{copy_only['id']}/send", json={}),
                 403, "FORBIDDEN")
    assert app.mail == []


def test_user_context_holds_contacts_and_recent_outreach(app, sam):
    assert user_context(sam.user, app.services) is None
    dana = add_contact(sam, tags=["alumni"])
    message = draft(sam, dana["id"], "reconnect", "linkedin_dm")
    assert_ok(sam.patch(f"/api/outreach/{message['id']}", json={"status": "sent"}))
    context = user_context(sam.user, app.services)
    assert context["contacts"] == [{
        "name": "Dana Kim", "company": "Acme Health", "title": "Engineering Manager",
        "contactType": "hiring_manager", "warmth": "cold", "tags": ["alumni"],
        "lastContactedAt": _iso(app.services.clock.now()).replace(".000Z", "Z"),
        "nextFollowUpAt": _iso(app.services.clock.now() + timedelta(days=7)).replace(".000Z",
                                                                                     "Z")}]
    [recent] = context["recentOutreach"]
    assert recent["contactName"] == "Dana Kim" and recent["status"] == "sent"
    assert recent["purpose"] == "reconnect" and recent["channel"] == "linkedin_dm"
    assert user_context(app.create_user(), app.services) is None  # nobody else's data


def _iso(value) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
