"""Scheduled interviews: CRUD, time zones, reminders once each, .ics and the calendar feed."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from lightninghire.testing import TaskRunner, assert_error, assert_ok


def _at(clock, **delta):
    return (clock.now() + timedelta(**delta)).isoformat().replace("+00:00", "Z")


def _schedule(caller, clock, **body):
    return assert_ok(caller.post("/api/interviews", json={
        "startsAt": _at(clock, days=2), "company": "Acme", "role": "Engineer",
        "type": "technical", "interviewers": [{"name": "Dana Kim", "title": "EM"}],
        "link": "https://meet.example.com/abc", **body}), 201)


def test_schedule_list_update_and_time_zones(make_app, clock):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    later = _schedule(caller, clock, startsAt=_at(clock, days=5))
    soon = _schedule(caller, clock, title="Onsite, round 2")
    assert later["title"] == "Acme technical interview" and later["timeZone"] == "UTC"
    upcoming = assert_ok(caller.get("/api/interviews"))["items"]
    assert [i["id"] for i in upcoming] == [soon["id"], later["id"]]
    # A local time without offset is read in the given zone.
    paris = _schedule(caller, clock, startsAt="2099-06-01T10:00:00", timeZone="Europe/Paris")
    assert paris["startsAt"] == "2099-06-01T08:00:00.000Z"
    assert paris["localStart"].startswith("2099-06-01 10:00")
    moved = assert_ok(caller.patch(f"/api/interviews/{paris['id']}",
                                   json={"durationMinutes": 90}))
    assert moved["endsAt"] == "2099-06-01T09:30:00.000Z"
    assert assert_ok(caller.get("/api/interviews", params={"when": "past"}))["items"] == []
    for body in ({"startsAt": "soon"}, {"startsAt": _at(clock, days=1), "timeZone": "Mars/Base"},
                 {"startsAt": _at(clock, days=1), "link": "ftp://x"},
                 {"startsAt": _at(clock, days=1), "type": "coffee"}):
        assert_error(caller.post("/api/interviews", json=body), 400, "VALIDATION")


def test_reminders_go_out_24h_and_1h_before_once_each(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    event = _schedule(caller, clock, startsAt=_at(clock, hours=30))
    late = _schedule(caller, clock, startsAt=_at(clock, minutes=40))  # booked at short notice
    runner = TaskRunner(harness.db, clock, harness.services.tasks.specs)
    first = runner.run("interview-reminders")
    assert first.summary == {"processed": 2, "sent": 1, "skipped": 1}
    due = harness.services.events.named("interview.reminder_due")
    assert [(e.payload["interviewId"], e.payload["offset"]) for e in due] == [(late["id"], "1h")]
    assert due[0].user_id == str(caller.user["_id"])
    clock.advance(hours=7)
    runner.run("interview-reminders")
    runner.run("interview-reminders")  # idempotent
    clock.advance(hours=22, minutes=30)
    runner.run("interview-reminders")
    due = [e.payload for e in harness.services.events.named("interview.reminder_due")
           if e.payload["interviewId"] == event["id"]]
    assert [p["offset"] for p in due] == ["24h", "1h"]
    assert due[0]["link"] == "https://meet.example.com/abc"
    assert assert_ok(caller.get(f"/api/interviews/{event['id']}"))["remindersSent"] == ["24h",
                                                                                       "1h"]
    # Moving the interview re-arms its reminders.
    assert_ok(caller.patch(f"/api/interviews/{event['id']}", json={"startsAt": _at(clock,
                                                                                   hours=5)}))
    runner.run("interview-reminders")
    again = [e for e in harness.services.events.named("interview.reminder_due")
             if e.payload["interviewId"] == event["id"]]
    assert len(again) == 3 and again[-1].payload["offset"] == "24h"


def test_ics_export_and_private_calendar_feed(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    caller, other = harness.api_caller(), harness.api_caller()
    event = _schedule(caller, clock, notes="Bring the portfolio; ask about on-call.")
    ics = caller.get(f"/api/interviews/{event['id']}/ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    body = ics.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:{event['id']}@testserver" in body and "SUMMARY:Acme technical interview" in body
    assert "portfolio\\; ask" in body and "Dana Kim (EM)" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    # A calendar library reads back what we wrote: one event, UTC times, the text unescaped.
    [parsed] = Calendar.from_ical(body).walk("VEVENT")
    assert str(parsed["UID"]) == f"{event['id']}@testserver"
    assert parsed.decoded("DTSTART") == clock.now().replace(microsecond=0) + timedelta(days=2)
    assert parsed.decoded("DTSTART").utcoffset() == timedelta(0)
    assert parsed.decoded("DTEND") - parsed.decoded("DTSTART") == timedelta(hours=1)
    assert parsed.decoded("DTSTAMP") == clock.now().replace(microsecond=0)
    assert str(parsed["DESCRIPTION"]) == ("Interviewers: Dana Kim (EM)\n"
                                          "Link: https://meet.example.com/abc\n"
                                          "Bring the portfolio; ask about on-call.")
    [alarm] = parsed.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=1)
    assert_error(other.get(f"/api/interviews/{event['id']}/ics"), 404, "NOT_FOUND")
    feed = assert_ok(caller.post("/api/interviews/calendar-token"), 201)
    assert feed["url"] == f"http://testserver/api/interviews/calendar/{feed['token']}"
    public = harness.client.simulate_get(f"/api/interviews/calendar/{feed['token']}")
    assert public.status_code == 200 and f"UID:{event['id']}@" in public.text
    assert feed["token"] not in str(list(harness.db["interview_calendar_tokens"].find()))
    rotated = assert_ok(caller.post("/api/interviews/calendar-token"), 201)
    assert_error(harness.client.simulate_get(f"/api/interviews/calendar/{feed['token']}"), 404,
                 "NOT_FOUND")
    assert_ok(caller.delete("/api/interviews/calendar-token"))
    assert_error(harness.client.simulate_get(f"/api/interviews/calendar/{rotated['token']}"),
                 404, "NOT_FOUND")


def test_ics_text_escapes_folds_and_reads_back_unchanged(make_app, clock):
    """Commas, semicolons, backslashes, new lines and multi-byte text survive a round trip, and
    no folded line is longer than 75 octets or splits a UTF-8 sequence."""
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    title = "Café, ünïcode; back\\slash — round 2"
    notes = "Line one;\nline two, with \u2018quotes\u2019 " + "é" * 80
    event = _schedule(caller, clock, title=title, notes=notes, location="Room 4, Floor 2")
    body = caller.get(f"/api/interviews/{event['id']}/ics").content
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # each physical line is whole UTF-8
    [parsed] = Calendar.from_ical(body).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == title
    assert str(parsed["LOCATION"]) == "Room 4, Floor 2"
    assert str(parsed["DESCRIPTION"]).endswith(notes)
    assert b"SUMMARY:Caf\xc3\xa9\\, \xc3\xbcn\xc3\xafcode\\; back\\\\slash" in body


def test_other_users_interviews_are_404(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    owner, other = harness.api_caller(), harness.api_caller()
    event = _schedule(owner, clock)
    for method, body in (("GET", None), ("PATCH", {"title": "x"}), ("DELETE", None)):
        assert_error(other.request(method, f"/api/interviews/{event['id']}", json=body), 404,
                     "NOT_FOUND")
    assert assert_ok(other.get("/api/interviews"))["items"] == []
    assert assert_ok(owner.delete(f"/api/interviews/{event['id']}")) == {"deleted": True}


def test_start_times_outside_2000_to_2100_are_refused_with_a_clear_message(make_app, clock):
    """Issue 18, finding 7: 9999-12-31T23:59:59Z was stored (then every read failed) and
    0001-01-01 in a zone west of UTC answered 500."""
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    for body in ({"startsAt": "9999-12-31T23:59:59Z"},
                 {"startsAt": "0001-01-01T00:00:00", "timeZone": "America/New_York"},
                 {"startsAt": "0001-01-01T00:00:00Z", "timeZone": "America/Los_Angeles"},
                 {"startsAt": "0001-01-01T00:00:00+05:00"},
                 {"startsAt": "1999-12-31T23:59:59Z"},
                 {"startsAt": "2101-01-01T00:00:00Z"}):
        error = assert_error(caller.post("/api/interviews", json=body), 400, "VALIDATION")
        assert "2000" in error["fields"]["startsAt"][0], error
    assert harness.db["interview_events"].count_documents({}) == 0
    event = _schedule(caller, clock)
    error = assert_error(caller.patch(f"/api/interviews/{event['id']}",
                                      json={"startsAt": "9999-12-31T23:59:59Z"}), 400,
                         "VALIDATION")
    assert "2100" in error["fields"]["startsAt"][0]
    # The edges of the window are fine.
    assert_ok(caller.post("/api/interviews", json={"startsAt": "2000-01-01T00:00:00Z"}), 201)
    assert_ok(caller.post("/api/interviews", json={"startsAt": "2100-12-31T23:00:00Z"}), 201)


def test_reads_survive_rows_stored_before_the_window_existed(make_app, clock):
    """Rows stored by the old code (far future, year 1 in a zone west of UTC) no longer break
    the list, the item, its .ics and the calendar feed."""
    from datetime import UTC, datetime

    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    good = _schedule(caller, clock)
    user_id = str(caller.user["_id"])
    base = {"userId": user_id, "durationMinutes": 60, "company": "", "role": "", "type": None,
            "applicationId": None, "location": "", "link": None, "notes": "",
            "title": "Old row", "interviewers": [], "reminded24hAt": None,
            "reminded1hAt": None, "createdAt": clock.now(), "updatedAt": clock.now()}
    far = harness.db["interview_events"].insert_one({
        **base, "timeZone": "Pacific/Kiritimati",
        "startsAt": datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)}).inserted_id
    early = harness.db["interview_events"].insert_one({
        **base, "timeZone": "America/Los_Angeles",
        "startsAt": datetime(1, 1, 1, tzinfo=UTC)}).inserted_id
    for when in ("upcoming", "past"):
        assert_ok(caller.get("/api/interviews", params={"when": when}))
    listed = {i["id"]: i for i in assert_ok(caller.get("/api/interviews",
                                                       params={"when": "all"}))["items"]}
    assert set(listed) == {good["id"], str(far), str(early)}
    assert listed[str(far)]["startsAt"] == "9999-12-31T23:59:59.000Z"
    for row in (far, early):
        assert assert_ok(caller.get(f"/api/interviews/{row}"))["id"] == str(row)
        ics = caller.get(f"/api/interviews/{row}/ics")
        assert ics.status_code == 200 and "BEGIN:VEVENT" in ics.text
    feed = assert_ok(caller.post("/api/interviews/calendar-token"), 201)
    public = harness.client.simulate_get(f"/api/interviews/calendar/{feed['token']}")
    assert public.status_code == 200 and public.text.count("BEGIN:VEVENT") == 2  # good, far
    # And the old row can be repaired.
    fixed = assert_ok(caller.patch(f"/api/interviews/{far}", json={
        "startsAt": _at(clock, days=3), "timeZone": "UTC"}))
    assert fixed["startsAt"] == _at(clock, days=3).replace("Z", ".000Z")


def test_pages_walk_every_interview_once_in_order_by_a_position_cursor(make_app, clock):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    # Two at the same minute: the cursor's id breaks the tie, so neither is skipped or repeated.
    upcoming = [_schedule(caller, clock, startsAt=_at(clock, days=d))["id"] for d in (3, 1, 2, 2, 4)]
    past_ids = [_schedule(caller, clock, startsAt=_at(clock, days=d))["id"] for d in (1, 1, 2)]
    clock.advance(days=3)  # now six of them are past, two still upcoming

    def walk(when):
        seen, cursor = [], None
        while True:
            params = {"when": when, "limit": "2", **({"cursor": cursor} if cursor else {})}
            page = assert_ok(caller.get("/api/interviews", params=params))
            seen += page["items"]
            cursor = page["nextCursor"]
            if cursor is None:
                return seen

    every = walk("all")
    assert len(every) == 8 and len({i["id"] for i in every}) == 8
    assert [i["startsAt"] for i in every] == sorted(i["startsAt"] for i in every)
    past = walk("past")
    assert [i["startsAt"] for i in past] == sorted((i["startsAt"] for i in past), reverse=True)
    assert {i["id"] for i in past} | {i["id"] for i in walk("upcoming")} >= set(past_ids)
    assert set(upcoming) <= {i["id"] for i in every}
    assert_error(caller.get("/api/interviews", params={"cursor": "12"}), 400, "VALIDATION")
