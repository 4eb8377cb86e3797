"""Sending outreach through the core outbox to a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from datetime import timedelta

from lightninghire.testing import assert_error, assert_ok
from tests.plugins.outreach.conftest import add_contact, draft, run_task


def test_an_email_arrives_from_the_platform_with_the_user_as_reply_to(app, sam, smtp, clock):
    smtp.start()
    dana = add_contact(sam)
    message = draft(sam, dana["id"], "referral_ask", "email")
    sent = assert_ok(sam.post(f"/api/outreach/{message['id']}/send", json={}))
    assert sent["status"] == "sent" and sent["deliveryStatus"] == "sent"
    assert sent["sentAt"] == sent["scheduledAt"] and sent["lastError"] is None

    [delivered] = smtp.delivered
    mail_from, rcpt_tos = delivered.mail_from, delivered.rcpt_tos
    assert rcpt_tos == ["dana@example.com"]
    assert mail_from == "no-reply@localhost"  # the platform sends; replies go to the user
    [mail] = [d.email for d in smtp.delivered]
    assert mail["To"] == "Dana Kim <dana@example.com>"
    assert mail["Reply-To"] == "Sam Rivera <sam@example.com>"
    assert mail["Subject"] == message["subject"]
    assert mail["X-Entity-Ref-ID"] == f"outreach-{message['id']}"
    # Recipients can opt out of all outreach mail sent through LightningHire.
    assert mail["List-Unsubscribe"].startswith("<http://testserver/api/unsubscribe?token=")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == message["body"] + "\n"

    contact = assert_ok(sam.get(f"/api/contacts/{dana['id']}"))
    assert contact["lastContactedAt"] == sent["sentAt"]
    assert contact["nextFollowUpAt"] == sent["followUpAt"]
    assert [e.name for e in app.events if e.name.startswith("outreach.")] == ["outreach.sent"]
    assert_error(sam.post(f"/api/outreach/{message['id']}/send", json={}), 409, "CONFLICT")
    assert len(smtp.delivered) == 1


def test_a_failed_send_waits_in_the_outbox_and_is_delivered_when_the_server_is_back(
        app, sam, smtp, clock):
    dana = add_contact(sam)
    message = draft(sam, dana["id"], "informational_interview", "email")
    waiting = assert_ok(sam.post(f"/api/outreach/{message['id']}/send", json={}))
    # The server is down: nothing is lost, the message waits for the outbox's next attempt.
    assert waiting["status"] == "scheduled" and waiting["deliveryStatus"] == "queued"
    assert "cannot connect" in waiting["lastError"]
    assert_error(sam.patch(f"/api/outreach/{message['id']}", json={"body": "x"}), 409,
                 "CONFLICT")
    assert_error(sam.patch(f"/api/outreach/{message['id']}", json={"status": "draft"}), 409,
                 "CONFLICT")
    assert_error(sam.delete(f"/api/outreach/{message['id']}"), 409, "CONFLICT")
    assert run_task(app, clock) == {"dispatched": 0, "deferred": 0, "synced": 1, "sent": 0,
                                    "failed": 0, "followUps": 0}

    smtp.start()
    clock.advance(minutes=1)
    assert app.services.mail.deliver_due()["sent"] == 1  # the core's mail-outbox task
    assert run_task(app, clock)["sent"] == 1
    done = assert_ok(sam.get(f"/api/outreach/{message['id']}"))
    assert done["status"] == "sent" and done["deliveryStatus"] == "sent"
    assert done["sentAt"] == _iso(clock.now()) and done["lastError"] is None
    assert done["followUpAt"] == _iso(clock.now() + timedelta(days=5))
    [mail] = [d.email for d in smtp.delivered]
    assert mail["Reply-To"] == "Sam Rivera <sam@example.com>"
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == message["body"] + "\n"
    assert [e.name for e in app.events if e.name.startswith("outreach.")] == ["outreach.sent"]  # once


def test_a_refused_recipient_marks_the_message_failed_and_tells_the_user(app, sam, smtp, clock):
    smtp.start()
    smtp.recorder.rcpt_reply = "550 5.1.1 No such user"
    dana = add_contact(sam)
    message = draft(sam, dana["id"], "thank_you", "email")
    failed = assert_ok(sam.post(f"/api/outreach/{message['id']}/send", json={}))
    assert failed["status"] == "failed" and failed["deliveryStatus"] == "dead"
    assert "550" in failed["lastError"]
    [note] = assert_ok(sam.get("/api/notifications"))["items"]
    assert note["type"] == "outreach_failed"
    assert note["title"] == "Your email to Dana Kim was not sent"
    assert assert_ok(sam.get(f"/api/contacts/{dana['id']}"))["lastContactedAt"] is None

    # Fixed (a new address), edited and sent again.
    smtp.recorder.rcpt_reply = None
    assert_ok(sam.patch(f"/api/contacts/{dana['id']}", json={"email": "dana.kim@example.com"}))
    assert_ok(sam.patch(f"/api/outreach/{message['id']}", json={"subject": "Thanks again"}))
    again = assert_ok(sam.post(f"/api/outreach/{message['id']}/send", json={}))
    assert again["status"] == "sent" and again["lastError"] is None
    [mail] = [d.email for d in smtp.delivered]
    assert mail["To"] == "Dana Kim <dana.kim@example.com>" and mail["Subject"] == "Thanks again"


def test_a_scheduled_send_goes_out_at_its_time_and_can_be_cancelled_before(
        app, sam, smtp, clock):
    smtp.start()
    dana = add_contact(sam)
    later = draft(sam, dana["id"], "reconnect", "email")
    cancelled = draft(sam, dana["id"], "congrats", "email")
    at = _iso(clock.now() + timedelta(hours=2))
    naive = (clock.now() + timedelta(hours=2)).replace(tzinfo=None).isoformat()  # read as UTC
    scheduled = assert_ok(sam.post(f"/api/outreach/{later['id']}/send", json={"sendAt": at}))
    assert scheduled["status"] == "scheduled" and scheduled["scheduledAt"] == at
    assert scheduled["deliveryStatus"] is None
    assert assert_ok(sam.post(f"/api/outreach/{cancelled['id']}/send",
                              json={"sendAt": naive}))["scheduledAt"] == at
    back = assert_ok(sam.patch(f"/api/outreach/{cancelled['id']}", json={"status": "draft"}))
    assert back["status"] == "draft" and back["scheduledAt"] is None

    clock.advance(hours=1, minutes=59)
    assert run_task(app, clock)["dispatched"] == 0 and smtp.delivered == []
    clock.advance(minutes=1)
    assert run_task(app, clock) == {"dispatched": 1, "deferred": 0, "synced": 0, "sent": 1,
                                    "failed": 0, "followUps": 0}
    assert run_task(app, clock)["dispatched"] == 0  # once
    [mail] = [d.email for d in smtp.delivered]
    assert mail["Subject"] == later["subject"] and mail["Reply-To"] == "Sam Rivera <sam@example.com>"
    assert assert_ok(sam.get(f"/api/outreach/{later['id']}"))["status"] == "sent"
    assert assert_ok(sam.get(f"/api/outreach/{cancelled['id']}"))["status"] == "draft"
    assert_error(sam.post(f"/api/outreach/{cancelled['id']}/send",
                          json={"sendAt": _iso(clock.now() + timedelta(days=400))}),
                 400, "VALIDATION")


def test_a_recipient_who_opted_out_is_not_mailed(app, sam, smtp):
    smtp.start()
    app.services.mail.unsubscribe("DANA@example.com", "outreach")
    dana = add_contact(sam)
    message = draft(sam, dana["id"], "follow_up", "email")
    failed = assert_ok(sam.post(f"/api/outreach/{message['id']}/send", json={}))
    assert failed["status"] == "failed" and failed["deliveryStatus"] == "suppressed"
    assert failed["lastError"] == "The recipient has unsubscribed from outreach email."
    assert smtp.delivered == []


def _iso(value) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
