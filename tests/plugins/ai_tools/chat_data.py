"""A job seeker's real stored data, made through the HTTP API of the interview, jobsearch and
outreach plugins: what the chat tests ask questions about."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lightninghire.testing import assert_ok
from lightninghire_plugins.interview.star import EXAMPLE_STRONG, EXAMPLE_WEAK

PLUGINS = ["plans", "ai_tools", "interview", "jobsearch", "outreach"]
RESUME = ("Dana Kim - Senior Software Engineer\n7 years of experience building backend "
          "services in Python and PostgreSQL on AWS. Rebuilt the claims platform of a health "
          "insurer, moving claims flows to Kafka; cut p95 latency by 60%.")
STORY = {"title": "Checkout rescue", "situation": "At Northwind checkout failed under load.",
         "task": "My job was to fix it by the code freeze.",
         "action": "I profiled it, then I added a cache and moved emails to a queue.",
         "result": "Latency fell 80% and we took 41,000 orders.",
         "competencies": ["Problem solving", "Leadership"]}


def iso(when: Any) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(caller: Any, clock: Any) -> dict[str, Any]:
    """Applications, interviews (a past one, a later one stored first, then the next one), a
    live session started now, a completed mock, a contact with a follow-up, a story, a resume."""
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    made: dict[str, Any] = {}
    made["acme"] = assert_ok(caller.post("/api/applications", json={
        "company": "Acme", "role": "Backend Engineer", "status": "interviewing"}), 201)
    assert_ok(caller.post("/api/applications", json={
        "company": "Initech", "role": "Data Engineer", "status": "applied"}), 201)
    made["globex"] = assert_ok(caller.post("/api/applications", json={
        "company": "Globex", "role": "Staff Engineer", "status": "offer",
        "salary": "$185,000 base + 10% bonus",
        "offerDeadline": iso(now + timedelta(days=9))}), 201)
    made["past"] = assert_ok(caller.post("/api/interviews", json={
        "startsAt": iso(now - timedelta(days=3)), "company": "Initech", "role": "Data Engineer",
        "type": "phone_screen"}), 201)
    made["later"] = assert_ok(caller.post("/api/interviews", json={
        "startsAt": iso(now + timedelta(days=6, hours=3)), "company": "Globex",
        "role": "Staff Engineer", "type": "system_design"}), 201)
    made["next"] = assert_ok(caller.post("/api/interviews", json={
        "startsAt": iso(now + timedelta(days=4, hours=2)), "company": "Acme",
        "role": "Backend Engineer", "type": "technical"}), 201)
    made["session"] = assert_ok(caller.post("/api/sessions", json={
        "company": "Acme", "role": "Backend Engineer", "title": "Acme interview practice"}), 201)
    mock = assert_ok(caller.post("/api/mock-interview", json={
        "company": "Stripe", "role": "Senior Backend Engineer", "interviewType": "behavioral"}),
        201)
    for question, answer in zip(mock["questions"], (EXAMPLE_STRONG, EXAMPLE_WEAK, EXAMPLE_WEAK),
                                strict=False):
        assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/answers",
                              json={"questionId": question["id"], "answer": answer}), 201)
    made["mock"] = assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/complete"))
    made["contact"] = assert_ok(caller.post("/api/contacts", json={
        "name": "Dana Kim", "company": "Acme", "title": "Engineering Manager",
        "contactType": "hiring_manager", "warmth": "warm",
        "nextFollowUpAt": iso(now + timedelta(days=2))}), 201)
    made["story"] = assert_ok(caller.post("/api/stories", json=STORY), 201)
    made["resume"] = assert_ok(caller.post("/api/resumes", json={"name": "Backend resume",
                                                                 "content": RESUME}), 201)
    return made
