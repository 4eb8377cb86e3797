"""OWASP API1:2023, broken object-level authorization: every route with an id in its path.

Each route template with a path parameter is classified below, and a test fails when a new one
appears unclassified. For an owned resource, user A creates one, and user B then gets 404 from
every method of every route under it (with a body that passes validation, so the refusal is the
ownership check, not the schema); A's resource is unchanged afterwards. A random, well-formed id
is 404 for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from bson import ObjectId

from lightninghire.testing import AppHarness, Caller, assert_error, assert_ok
from tests.security.conftest import mentor, recruiter, seeker

JOB = ("We are hiring a senior backend engineer to build payment services in Python, "
       "PostgreSQL and Kafka; five years of experience.")
RESUME = ("Ada Lovelace. Backend engineer, six years of Python, PostgreSQL and Kafka; "
          "led the payments ledger migration.")


def _id(result: Any, status: int = 201, key: str = "id") -> str:
    return assert_ok(result, status)[key]


def _outreach(h: AppHarness, a: Caller) -> str:
    contact = _id(a.post("/api/contacts", json={"name": "Dana", "email": "dana@example.com"}))
    return _id(a.post("/api/outreach", json={"contactId": contact, "purpose": "follow_up",
                                             "channel": "email"}))


def _booking(h: AppHarness, a: Caller) -> str:
    host = mentor(h)
    assert_ok(host.put("/api/mentorship/profile", json={"name": "Grace H."}))
    starts = (h.services.clock.now() + timedelta(days=2)).isoformat()
    slot = assert_ok(host.post("/api/mentorship/slots", json={"slots": [{"startsAt": starts}]}),
                     201)["items"][0]["id"]
    return _id(a.post("/api/mentorship/bookings", json={"slotId": slot}))


def _slot(h: AppHarness, a: Caller) -> str:
    assert_ok(a.put("/api/mentorship/profile", json={"name": "Mentor A"}))
    starts = (h.services.clock.now() + timedelta(days=2)).isoformat()
    return assert_ok(a.post("/api/mentorship/slots", json={"slots": [{"startsAt": starts}]}),
                     201)["items"][0]["id"]


def _notification(h: AppHarness, a: Caller) -> str:
    # A domain event addressed to A, as the core emits it, feeds A's inbox.
    h.services.events.emit("user.signed_up", {"name": "A"}, user_id=str(a.user["_id"]))
    return assert_ok(a.get("/api/notifications"))["items"][0]["id"]


@dataclass(frozen=True)
class Owned:
    """A resource that belongs to one user: how A makes one, and what kind of user A and B are."""

    make: Callable[[AppHarness, Caller], str]
    caller: Callable[[AppHarness], Caller] = seeker
    # Routes under the template that B may legitimately reach with A's id (none so far).
    shared_ok: frozenset[str] = field(default_factory=frozenset)


OWNED: dict[str, Owned] = {
    "/api/analyze/{id}": Owned(lambda h, a: _id(a.post("/api/analyze", json={
        "job": {"description": JOB}, "resume": {"text": RESUME}}))),
    "/api/applications/{id}": Owned(lambda h, a: _id(a.post(
        "/api/applications", json={"company": "Acme", "role": "SRE"}))),
    "/api/builder-resumes/{id}": Owned(lambda h, a: _id(a.post("/api/builder-resumes", json={
        "name": "Main", "contact": {"fullName": "Ada Lovelace"}}))),
    "/api/candidates/{id}": Owned(lambda h, a: _id(a.post(
        "/api/candidates", json={"name": "Jane Candidate"})), recruiter),
    "/api/chat/conversations/{id}": Owned(lambda h, a: _id(a.post(
        "/api/chat", json={"message": "hello?"}), 200, "conversationId")),
    "/api/companies/watches/{id}": Owned(lambda h, a: _id(a.post(
        "/api/companies/watches", json={"name": "Acme"}))),
    "/api/contacts/{id}": Owned(lambda h, a: _id(a.post("/api/contacts", json={"name": "Dana"}))),
    "/api/interviews/{id}": Owned(lambda h, a: _id(a.post("/api/interviews", json={
        "startsAt": (h.services.clock.now() + timedelta(days=3)).isoformat()}))),
    "/api/jobs/saved-searches/{id}": Owned(lambda h, a: _id(a.post(
        "/api/jobs/saved-searches", json={"name": "Remote Python", "q": "python"}))),
    "/api/me/api-keys/{id}": Owned(lambda h, a: _id(a.post(
        "/api/me/api-keys", json={"name": "ci"}))),
    "/api/mentorship/bookings/{id}": Owned(_booking),
    "/api/mentorship/slots/{id}": Owned(_slot, mentor),
    "/api/messages/{id}": Owned(_outreach),
    "/api/mock-interview/{id}": Owned(lambda h, a: _id(a.post("/api/mock-interview", json={
        "company": "Stripe", "role": "Staff Engineer", "interviewType": "behavioral"}))),
    "/api/notifications/{id}": Owned(_notification),
    "/api/outreach/{id}": Owned(_outreach),
    "/api/question-groups/{id}": Owned(lambda h, a: _id(a.post("/api/question-groups", json={
        "name": "Onsite loop", "questions": [{"text": "Why this company, and why now?",
                                              "category": "culture_fit"}]}))),
    "/api/questions/{id}": Owned(lambda h, a: _id(a.post("/api/questions", json={
        "text": "Tell me about a time you disagreed with your manager.",
        "category": "behavioral"}))),
    "/api/resumes/{id}": Owned(lambda h, a: _id(a.post(
        "/api/resumes", json={"name": "Main", "content": RESUME}))),
    "/api/roles/{id}": Owned(lambda h, a: _id(a.post(
        "/api/roles", json={"title": "Staff Engineer"})), recruiter),
    "/api/sessions/{id}": Owned(lambda h, a: _id(a.post(
        "/api/sessions", json={"title": "Onsite", "company": "Acme"}))),
    "/api/stories/{id}": Owned(lambda h, a: _id(a.post(
        "/api/stories", json={"title": "Ledger migration"}))),
    "/api/support/tickets/{id}": Owned(lambda h, a: _id(a.post("/api/support/tickets", json={
        "subject": "Invoice", "message": "Where is my invoice?"}))),
    "/api/templates/{id}": Owned(lambda h, a: _id(a.post("/api/templates", json={
        "name": "Hello", "body": "Hi {{ contact_first_name }}"}))),
    "/api/tools/runs/{id}": Owned(lambda h, a: _id(a.post("/api/tools/negotiation", json={
        "role": "Backend Engineer", "company": "Acme", "baseSalary": 150000}))),
}

# Path parameters that are not another user's object, and why.
NOT_OWNED: dict[str, str] = {
    "/api/admin/content/{id}": "super_admin only (function level, test_function_level.py)",
    "/api/admin/support/tickets/{id}": "super_admin only (function level)",
    "/api/admin/users/{id}": "super_admin only (function level)",
    "/api/blog/{slug}": "published public content",
    "/api/courses/{slug}": "published public content",
    "/api/courses/{slug}/lessons/{lesson}": "published public content (Pro lessons: 402)",
    "/api/help/{slug}": "published public content",
    "/api/downloads/{file}": "the shipped lead-magnet guides (public PDFs, a fixed list)",
    "/api/public/{slug}": "published public content",
    "/api/companies/{key}": "shared company intel, no owner",
    "/api/companies/{key}/refresh": "shared company intel, no owner",
    "/api/cron/{task}": "task name, CRON_SECRET only",
    "/api/docs/{asset}": "static Swagger UI files",
    "/api/interviews/calendar/{token}": "capability URL: an unguessable per-user token",
    "/api/jobs/{id}": "shared job listings",
    "/api/jobs/{id}/save": "shared job listing; saving acts on the caller's own pipeline",
    "/api/mentors/{id}": "mentor directory, visible to every member",
    "/api/question-groups/shared/{token}": "capability URL: an unguessable token, read-only",
    "/api/settings/provider-keys/{provider}": "a provider name; acts on the caller's own keys",
}

# A body that passes validation for each write under an owned template: B's refusal must come
# from the ownership check.
BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/applications/{id}"): {"location": "Remote"},
    ("POST", "/api/applications/{id}/notes"): {"text": "note"},
    ("POST", "/api/applications/{id}/stage"): {"status": "applied"},
    ("PATCH", "/api/builder-resumes/{id}"): {"name": "Mine now"},
    ("POST", "/api/builder-resumes/{id}/versions"): {"label": "v2"},
    ("POST", "/api/builder-resumes/{id}/ats-pdf"): {"jobDescription": JOB},
    ("PATCH", "/api/candidates/{id}"): {"title": "Engineer"},
    ("POST", "/api/candidates/{id}/notes"): {"text": "note"},
    ("POST", "/api/candidates/{id}/rubric-scores"): {"question": "Design", "level": 3},
    ("POST", "/api/candidates/{id}/scorecards"): {"overall": 3},
    ("POST", "/api/candidates/{id}/stage"): {"stage": "screen"},
    ("PATCH", "/api/contacts/{id}"): {"notes": "hi"},
    ("PATCH", "/api/interviews/{id}"): {"title": "Loop"},
    ("PATCH", "/api/messages/{id}"): {"subject": "Hi"},
    ("POST", "/api/messages/{id}/send"): {},
    ("POST", "/api/mock-interview/{id}/answers"): {"questionId": "q", "answer": "An answer."},
    ("PATCH", "/api/notifications/{id}"): {"read": True},
    ("PATCH", "/api/outreach/{id}"): {"subject": "Hi"},
    ("POST", "/api/outreach/{id}/send"): {},
    ("PATCH", "/api/question-groups/{id}"): {"name": "Mine now"},
    ("POST", "/api/question-groups/{id}/practice"): {},
    ("PATCH", "/api/questions/{id}"): {"starred": True},
    ("PATCH", "/api/resumes/{id}"): {"name": "Mine now"},
    ("POST", "/api/resumes/{id}/ats-report"): {"jobDescription": JOB},
    ("POST", "/api/resumes/{id}/ats-pdf"): {"jobDescription": JOB},
    ("POST", "/api/resumes/{id}/tailor"): {"jobDescription": JOB},
    ("POST", "/api/resumes/{id}/tailor-to-job"): {"applicationId": str(ObjectId())},
    ("PATCH", "/api/roles/{id}"): {"title": "Mine now"},
    ("PATCH", "/api/sessions/{id}"): {"title": "Mine now"},
    ("POST", "/api/sessions/{id}/coach"): {"question": "How do I answer?"},
    ("POST", "/api/sessions/{id}/end"): {},
    ("POST", "/api/sessions/{id}/transcript"): {"segments": [{"speaker": "candidate",
                                                              "text": "hello"}]},
    ("PATCH", "/api/stories/{id}"): {"title": "Mine now"},
    ("PATCH", "/api/support/tickets/{id}"): {"status": "closed"},
    ("PATCH", "/api/templates/{id}"): {"name": "Mine now"},
}


def _templates(harness: AppHarness) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for op in harness.services.routes.operations():
        if op.path_params:
            grouped.setdefault(op.path, []).append(op)
    return grouped


def _under(template: str, path: str) -> bool:
    return path == template or path.startswith(template + "/")


def test_every_route_with_a_path_parameter_is_classified(shared):
    unclassified = [path for path in _templates(shared)
                    if path not in NOT_OWNED and not any(_under(t, path) for t in OWNED)]
    assert unclassified == [], "classify these in OWNED or NOT_OWNED"
    stale = [t for t in [*OWNED, *NOT_OWNED] if t not in _templates(shared)]
    assert stale == []


@pytest.mark.parametrize("template", sorted(OWNED))
def test_another_users_id_is_404_on_every_method(shared, template):
    recipe = OWNED[template]
    owner, intruder = recipe.caller(shared), recipe.caller(shared)
    ident = recipe.make(shared, owner)
    ops = [op for path, group in _templates(shared).items() if _under(template, path)
           for op in group]
    assert ops
    before = assert_ok(owner.get(template.replace("{id}", ident))) if any(
        op.method == "GET" and op.path == template for op in ops) else None
    refused = []
    for op in ops:
        if op.path in recipe.shared_ok:
            continue
        body = BODIES.get((op.method, op.path))
        for who, ident_used in ((intruder, ident), (owner, str(ObjectId()))):
            path = op.path.replace("{id}", ident_used)
            for other in op.path_params:  # a second parameter (a version number): a real value
                path = path.replace("{" + other + "}", "1")
            result = who.request(op.method, path,
                                 json=body if op.method not in ("GET", "DELETE") or body else None)
            if result.status_code != 404 or result.json["error"]["code"] != "NOT_FOUND":
                refused.append((op.method, op.path, ident_used == ident, result.status_code,
                                result.text[:200]))
    assert refused == []
    if before is not None:
        assert assert_ok(owner.get(template.replace("{id}", ident))) == before


def test_an_interview_calendar_token_that_does_not_exist_is_404(shared):
    assert_error(shared.client.simulate_get(f"/api/interviews/calendar/{'x' * 43}"), 404,
                 "NOT_FOUND")
