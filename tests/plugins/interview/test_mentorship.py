"""Mentorship: mentor role, profiles and slots, matching, bookings (one per slot), cancel."""

from __future__ import annotations

import threading
from datetime import timedelta

from lightninghire.testing import assert_error, assert_ok


def _mentor(harness, clock, **profile):
    mentor = harness.api_caller(roles=["jobseeker", "mentor"])
    assert_ok(mentor.put("/api/mentorship/profile", json={
        "name": "Grace H.", "headline": "Staff engineer", "expertise": ["System design"],
        "roles": ["Backend Engineer", "Engineering Manager"], **profile}))
    starts = (clock.now() + timedelta(days=2)).isoformat()
    slots = assert_ok(mentor.post("/api/mentorship/slots", json={"slots": [
        {"startsAt": starts}, {"startsAt": (clock.now() + timedelta(days=3)).isoformat(),
                               "durationMinutes": 45}]}), 201)["items"]
    return mentor, slots


def test_only_mentors_manage_profiles_and_slots(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    seeker = harness.api_caller()
    assert_error(seeker.put("/api/mentorship/profile", json={"name": "Me"}), 403, "FORBIDDEN")
    assert_error(seeker.post("/api/mentorship/slots", json={"slots": [
        {"startsAt": clock.now().isoformat()}]}), 403, "FORBIDDEN")
    mentor, slots = _mentor(harness, clock)
    assert [s["booked"] for s in slots] == [False, False]
    past = assert_error(mentor.post("/api/mentorship/slots", json={"slots": [
        {"startsAt": (clock.now() - timedelta(hours=1)).isoformat()}]}), 400, "BAD_REQUEST")
    assert "future" in past["message"]
    assert len(assert_ok(mentor.get("/api/mentorship/profile"))["openSlots"]) == 2


def test_matching_ranks_mentors_by_target_roles(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    _mentor(harness, clock)
    _mentor(harness, clock, name="Ada L.", headline="Product lead", roles=["Product Manager"],
            expertise=["Roadmaps"])
    seeker = harness.api_caller()
    assert assert_ok(seeker.get("/api/mentors"))["items"][0]["matchScore"] is None  # no target yet
    # The profile is saved the one documented way, and matching reads it from there.
    assert_ok(seeker.patch("/api/me", json={"profile": {
        "targetRoles": ["Senior Backend Engineer"]}}))
    mentors = assert_ok(seeker.get("/api/mentors"))["items"]
    assert [m["name"] for m in mentors] == ["Grace H.", "Ada L."]
    assert "Backend Engineer" in mentors[0]["matchedOn"] and mentors[0]["matchScore"] > 0
    assert mentors[1]["matchScore"] == 0
    found = assert_ok(seeker.get("/api/mentors", params={"q": "product"}))["items"]
    assert [m["name"] for m in found] == ["Ada L."]
    by_skill = assert_ok(seeker.get("/api/mentors", params={"expertise": "Roadmaps"}))["items"]
    assert [m["name"] for m in by_skill] == ["Ada L."]


def test_book_cancel_and_both_sides_are_told(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    mentor, slots = _mentor(harness, clock)
    seeker, stranger = harness.api_caller(), harness.api_caller()
    booking = assert_ok(seeker.post("/api/mentorship/bookings",
                                    json={"slotId": slots[0]["id"], "topic": "Mock loop"}), 201)
    assert booking["status"] == "booked" and booking["role"] == "mentee"
    events = harness.services.events.named("mentorship.booked")
    assert {(e.user_id, e.payload["role"]) for e in events} == {
        (str(seeker.user["_id"]), "mentee"), (str(mentor.user["_id"]), "mentor")}
    assert_error(stranger.post("/api/mentorship/bookings", json={"slotId": slots[0]["id"]}),
                 409, "CONFLICT")
    assert_error(mentor.post("/api/mentorship/bookings", json={"slotId": slots[1]["id"]}), 400,
                 "BAD_REQUEST")
    assert_error(mentor.delete(f"/api/mentorship/slots/{slots[0]['id']}"), 409, "CONFLICT")
    as_mentor = assert_ok(mentor.get("/api/mentorship/bookings", params={"role": "mentor"}))
    assert [b["id"] for b in as_mentor["items"]] == [booking["id"]]
    assert as_mentor["items"][0]["role"] == "mentor"
    assert_error(stranger.get(f"/api/mentorship/bookings/{booking['id']}"), 404, "NOT_FOUND")
    assert_error(stranger.post(f"/api/mentorship/bookings/{booking['id']}/cancel"), 404,
                 "NOT_FOUND")
    cancelled = assert_ok(mentor.post(f"/api/mentorship/bookings/{booking['id']}/cancel"))
    assert cancelled["status"] == "cancelled"
    told = harness.services.events.named("mentorship.cancelled")
    assert {e.payload["cancelledBy"] for e in told} == {"mentor"} and len(told) == 2
    # The slot is open again.
    assert_ok(stranger.post("/api/mentorship/bookings", json={"slotId": slots[0]["id"]}), 201)
    assert_ok(mentor.delete(f"/api/mentorship/slots/{slots[1]['id']}"))


def test_a_double_booking_race_gives_one_201_and_one_409(make_app, clock):
    harness = make_app(plugins=["plans", "interview"])
    _, slots = _mentor(harness, clock)
    callers = [harness.api_caller(), harness.api_caller()]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def book(caller):
        barrier.wait()
        result = caller.post("/api/mentorship/bookings", json={"slotId": slots[0]["id"]})
        statuses.append(result.status_code)

    threads = [threading.Thread(target=book, args=(c,)) for c in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    assert harness.db["interview_mentor_bookings"].count_documents({}) == 1


def test_slot_times_outside_2000_to_2100_are_refused(make_app, clock):
    """Issue 18, finding 7 (same rule as /api/interviews): no slot in year 9999."""
    mentor, _ = _mentor(make_app(plugins=["plans", "interview"]), clock)
    for starts in ("9999-12-31T23:59:59+00:00", "2101-01-01T00:00:00+00:00"):
        error = assert_error(mentor.post("/api/mentorship/slots", json={"slots": [
            {"startsAt": starts}]}), 400, "VALIDATION")
        assert "2100" in str(error["fields"]), error
