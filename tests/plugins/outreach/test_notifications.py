"""The in-app inbox: events from other plugins become notifications, filtered by preferences."""

from __future__ import annotations

import types
from datetime import datetime, timedelta
from typing import Any

import pytest
from marshmallow import Schema, fields

from lightninghire.api import endpoint, hookimpl
from lightninghire.testing import assert_error, assert_ok


class EmitIn(Schema):
    name = fields.String(required=True)
    payload = fields.Dict(load_default=dict)


class EmitResource:
    """What another plugin does: emit a domain event for the caller."""

    def __init__(self, events: Any) -> None:
        self.events = events

    @endpoint(body=EmitIn)
    def on_post(self, req: Any, resp: Any) -> dict[str, bool]:
        body = req.context.body
        self.events.emit(body["name"], body["payload"], user_id=req.context.principal.user_id)
        return {"emitted": True}


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    routes.add("/api/test-emit", EmitResource(services.events))


# A stand-in for the plugins that emit these events (each declares what it emits).
EMITTER = types.SimpleNamespace(__name__="emitter", register_routes=register_routes,
                                plugin_events={"emits": (
                                    "interview.reminder_due", "mentorship.booked",
                                    "mentorship.cancelled", "digest.ready", "billing.changed",
                                    "lead.captured", "booking.changed")})


@pytest.fixture
def inbox(make_app):
    return make_app(plugins=["plans", "outreach", "emitter"], extra_plugins={"emitter": EMITTER})


def emit(caller, name: str, **payload: Any) -> None:
    assert_ok(caller.post("/api/test-emit", json={"name": name, "payload": payload}))


def items(caller, query: str = "") -> list[dict[str, Any]]:
    return assert_ok(caller.get(f"/api/notifications{query}"))["items"]


def test_events_of_other_plugins_become_notifications(inbox):
    ada = inbox.session_caller(name="Ada")
    # The payloads the interview plugin emits (its reminders and mentorship bookings).
    emit(ada, "interview.reminder_due", interviewId="1", offset="1h", title="Onsite",
         company="Acme", startsAt="2030-01-05T09:00:00+00:00", timeZone="Europe/Paris",
         localStart="2030-01-05 10:00 CET", link="https://meet.example.com/x", location="")
    emit(ada, "mentorship.booked", bookingId="2", startsAt="2030-01-06T15:30:00+00:00",
         durationMinutes=30, mentorName="Grace", role="mentee")
    emit(ada, "mentorship.cancelled", bookingId="2", startsAt="2030-01-06T15:30:00+00:00",
         durationMinutes=30, mentorName="Grace", role="mentor", cancelledBy="mentee")
    emit(ada, "mentorship.booked", bookingId="3",
         notification={"title": "Session moved", "body": "Now on Friday.", "url": "/b/1"})
    emit(ada, "digest.ready", count=3)
    emit(ada, "billing.changed", tier="pro")
    emit(ada, "lead.captured", email="x@example.com")  # not ours: ignored
    emit(ada, "booking.changed", status="rescheduled")  # nothing emits it: no longer heard
    got = [(n["type"], n["title"], n["body"], n["url"]) for n in items(ada)]
    assert got == [
        ("billing_changed", "Your plan changed", "You are now on the pro plan.", None),
        ("digest_ready", "Your job digest is ready", "3 new jobs match your searches.", None),
        ("booking_changed", "Session moved", "Now on Friday.", "/b/1"),
        ("booking_changed", "Mentorship session cancelled",
         "Your session with a mentee on Sun Jan 06, 15:30 UTC was cancelled by the mentee.",
         None),
        ("booking_changed", "Mentorship session booked",
         "Your session with Grace on Sun Jan 06, 15:30 UTC is booked.", None),
        ("interview_reminder", "Interview in 1 hour: Onsite",
         "Onsite with Acme starts 2030-01-05 10:00 CET.", "https://meet.example.com/x"),
    ]
    assert assert_ok(ada.get("/api/notifications/unread-count")) == {"count": 6}


def test_sparse_payloads_still_make_readable_notifications(inbox):
    ada = inbox.api_caller(name="Ada")
    emit(ada, "interview.reminder_due", company="Acme")
    emit(ada, "mentorship.booked")
    emit(ada, "billing.changed", status="past_due")
    emit(ada, "digest.ready")
    got = [(n["title"], n["body"]) for n in items(ada)]
    assert got == [
        ("Your job digest is ready", "New jobs match your searches."),
        ("Your subscription changed", "Subscription status: past_due."),
        ("Mentorship session booked", "Your session is booked."),
        ("Upcoming interview with Acme", "Your interview with Acme is coming up: time to prepare."),
    ]


def test_a_new_account_is_welcomed_through_the_core_signup_event(inbox):
    result = inbox.client.simulate_post("/api/auth/signup", json={
        "email": "new@example.com", "password": "a long enough passphrase 42", "name": "New"})
    assert result.status_code == 201, result.text
    caller = inbox.session_caller(inbox.db["users"].find_one({"email": "new@example.com"}),
                                  password="a long enough passphrase 42")
    [welcome] = items(caller)
    assert welcome["type"] == "welcome" and welcome["read"] is False


def test_preferences_turned_off_in_settings_stop_those_notifications(inbox):
    ada = inbox.session_caller(name="Ada")
    assert_ok(ada.patch("/api/settings", json={"notifications": {"digestReady": False,
                                                                 "billing": False}}))
    emit(ada, "digest.ready", count=1)
    emit(ada, "billing.changed", status="past_due")
    emit(ada, "interview.reminder_due")
    assert [n["type"] for n in items(ada)] == ["interview_reminder"]
    assert_ok(ada.patch("/api/settings", json={"notifications": {"digestReady": True}}))
    emit(ada, "digest.ready", items=["a", "b"])
    assert items(ada)[0]["body"] == "2 new jobs match your searches."


def test_unread_come_first_across_pages_and_read_state_can_change(inbox, clock):
    ada = inbox.api_caller(name="Ada")
    for n in range(5):
        emit(ada, "digest.ready", notification={"title": f"N{n}"})
        clock.advance(minutes=1)
    ids = {n["title"]: n["id"] for n in items(ada)}
    for title in ("N1", "N3"):
        marked = assert_ok(ada.patch(f"/api/notifications/{ids[title]}", json={"read": True}))
        assert marked["read"] is True and marked["readAt"]

    order, cursor = [], None
    while True:
        page = assert_ok(ada.get("/api/notifications?limit=2"
                                 + (f"&cursor={cursor}" if cursor else "")))
        order.append([n["title"] for n in page["items"]])
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert order == [["N4", "N2"], ["N0", "N3"], ["N1"]]
    assert [n["title"] for n in items(ada, "?unread=true&limit=3")] == ["N4", "N2", "N0"]
    first = assert_ok(ada.get("/api/notifications?unread=true&limit=3"))
    assert first["nextCursor"] is None
    # Exactly a page of unread: the next page starts with the read ones.
    page = assert_ok(ada.get("/api/notifications?limit=3"))
    assert [n["title"] for n in page["items"]] == ["N4", "N2", "N0"] and page["nextCursor"] == "r"
    rest = assert_ok(ada.get("/api/notifications?limit=3&cursor=r"))
    assert [n["title"] for n in rest["items"]] == ["N3", "N1"] and rest["nextCursor"] is None

    assert assert_ok(ada.patch(f"/api/notifications/{ids['N3']}", json={"read": False}))[
        "readAt"] is None
    assert assert_ok(ada.get("/api/notifications/unread-count")) == {"count": 4}
    assert assert_ok(ada.post("/api/notifications/read-all")) == {"updated": 4}
    assert assert_ok(ada.get("/api/notifications/unread-count")) == {"count": 0}
    assert assert_ok(ada.delete(f"/api/notifications/{ids['N0']}")) == {"deleted": True}
    assert len(items(ada)) == 4
    assert_error(ada.get("/api/notifications?cursor=zzz"), 400, "VALIDATION")
    assert_error(ada.patch(f"/api/notifications/{ids['N1']}", json={"read": "maybe"}),
                 400, "VALIDATION")


def test_another_users_notifications_are_404_and_never_listed(inbox):
    ada, bob = inbox.api_caller(name="Ada"), inbox.api_caller(name="Bob")
    emit(ada, "digest.ready", count=2)
    [note] = items(ada)
    assert_error(bob.patch(f"/api/notifications/{note['id']}", json={"read": True}),
                 404, "NOT_FOUND")
    assert_error(bob.delete(f"/api/notifications/{note['id']}"), 404, "NOT_FOUND")
    assert items(bob) == []
    assert assert_ok(bob.post("/api/notifications/read-all")) == {"updated": 0}
    assert items(ada)[0]["read"] is False
    assert_error(bob.delete("/api/notifications/not-an-id"), 404, "NOT_FOUND")


def test_events_without_a_user_or_for_a_deleted_user_are_ignored(inbox):
    inbox.emit("digest.ready", {"count": 1})
    inbox.emit("digest.ready", {"count": 1}, user_id="0" * 24)
    assert inbox.db["outreach_notifications"].count_documents({}) == 0


# -- expiry and clearing (issue 21, point 13) ---------------------------------------------------

def _count(caller) -> int:
    return assert_ok(caller.get("/api/notifications/unread-count"))["count"]


def test_notifications_expire_after_90_days_by_the_apps_clock(inbox, clock):
    ada = inbox.api_caller(name="Ada")
    emit(ada, "digest.ready", count=1)
    clock.advance(days=30)
    emit(ada, "billing.changed", tier="pro")
    old, new = sorted(items(ada), key=lambda n: n["createdAt"])
    assert old["expiresAt"] == _plus(old["createdAt"], days=90)
    clock.advance(days=60, seconds=-1)  # the first one has one second left
    assert len(items(ada)) == 2 and _count(ada) == 2
    clock.advance(seconds=1)  # day 90: the first one is gone everywhere, before any purge
    assert [n["id"] for n in items(ada)] == [new["id"]]
    assert [n["id"] for n in items(ada, "?unread=true")] == [new["id"]]
    assert _count(ada) == 1
    assert_error(ada.patch(f"/api/notifications/{old['id']}", json={"read": True}),
                 404, "NOT_FOUND")
    assert_error(ada.delete(f"/api/notifications/{old['id']}"), 404, "NOT_FOUND")
    assert assert_ok(ada.post("/api/notifications/read-all")) == {"updated": 1}
    assert _count(ada) == 0
    clock.advance(days=30)
    assert items(ada) == []
    # The database's own purge: a TTL index on expiresAt.
    ttl = [index for index in inbox.db["outreach_notifications"].index_information().values()
           if index["key"] == [("expiresAt", 1)]]
    assert [index.get("expireAfterSeconds") for index in ttl] == [0]


def _plus(stamp: str, **delta: float) -> str:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")) + timedelta(**delta)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_the_lifetime_is_configurable(make_app, clock):
    app = make_app(plugins=["plans", "outreach", "emitter"], extra_plugins={"emitter": EMITTER},
                   settings={"plugins.outreach.notification_days": 7})
    ada = app.api_caller(name="Ada")
    emit(ada, "digest.ready", count=1)
    [note] = items(ada)
    assert note["expiresAt"] == _plus(note["createdAt"], days=7)
    clock.advance(days=7)
    assert items(ada) == [] and _count(ada) == 0


def test_notifications_stored_before_expiry_existed_get_a_lifetime_at_startup(inbox, make_app,
                                                                                clock):
    ada = inbox.api_caller(name="Ada")
    emit(ada, "digest.ready", count=1)
    stored = inbox.db["outreach_notifications"]
    stored.update_many({}, {"$unset": {"expiresAt": ""}})  # as the previous release stored it
    assert items(ada) == []
    # The next start gives it the configured lifetime from then.
    again = make_app(plugins=["plans", "outreach", "emitter"],
                     extra_plugins={"emitter": EMITTER})
    ada = again.api_caller(inbox.db["users"].find_one({"_id": ada.user["_id"]}))
    assert len(items(ada)) == 1 and _count(ada) == 1
    clock.advance(days=90)
    assert items(ada) == []


def test_the_inbox_can_be_cleared_own_notifications_only(inbox):
    ada, bob = inbox.api_caller(name="Ada"), inbox.api_caller(name="Bob")
    for n in range(4):
        emit(ada, "digest.ready", notification={"title": f"A{n}"})
    emit(bob, "digest.ready", count=1)
    first = items(ada)[0]
    assert_ok(ada.patch(f"/api/notifications/{first['id']}", json={"read": True}))
    assert _count(ada) == 3
    # read=true: only the read ones; the unread stay, the badge unchanged.
    assert assert_ok(ada.delete("/api/notifications?read=true")) == {"deleted": 1, "more": False}
    assert len(items(ada)) == 3 and _count(ada) == 3
    assert assert_ok(ada.delete("/api/notifications")) == {"deleted": 3, "more": False}
    assert items(ada) == [] and _count(ada) == 0
    assert assert_ok(ada.delete("/api/notifications")) == {"deleted": 0, "more": False}
    # Bob's inbox is untouched.
    assert len(items(bob)) == 1 and _count(bob) == 1
    assert_error(ada.delete("/api/notifications?read=maybe"), 400, "VALIDATION")
    assert_error(ada.delete("/api/notifications?all=1"), 400, "VALIDATION")


def test_clearing_is_bounded_per_call(inbox, clock):
    ada = inbox.api_caller(name="Ada")
    user_id = str(ada.user["_id"])
    now = clock.now()
    # A long-neglected inbox (written as the service writes them; 1,000 events would be slow).
    inbox.db["outreach_notifications"].insert_many([
        {"userId": user_id, "type": "digest_ready", "title": f"N{n}", "body": "", "url": None,
         "read": False, "readAt": None, "source": "digest.ready", "createdAt": now,
         "expiresAt": now + timedelta(days=90)} for n in range(1003)])
    assert _count(ada) == 999  # the badge's own bound
    assert assert_ok(ada.delete("/api/notifications")) == {"deleted": 1000, "more": True}
    assert _count(ada) == 3
    assert assert_ok(ada.delete("/api/notifications")) == {"deleted": 3, "more": False}
    assert _count(ada) == 0
