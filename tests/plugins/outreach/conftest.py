"""Shared fixtures of the outreach tests: an app with the plugin, contacts, a real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest

from lightninghire.testing import SmtpTransport, TaskRunner, assert_ok

DANA = {"name": "Dana Kim", "email": "dana@example.com", "company": "Acme Health",
        "title": "Engineering Manager", "contactType": "hiring_manager", "warmth": "cold"}


@pytest.fixture
def app(make_app):
    return make_app(plugins=["plans", "outreach"])


def seeker(app, tier: str | None = None):
    """A job seeker with a profile, calling with an API key."""
    user = app.create_user(email="sam@example.com", name="Sam Rivera", tier=tier)
    app.db["users"].update_one({"_id": user["_id"]}, {"$set": {"profile": {
        "currentRole": "Backend Engineer", "targetRoles": ["Senior Backend Engineer"]}}})
    return app.api_caller(app.db["users"].find_one({"_id": user["_id"]}))


@pytest.fixture
def sam(app):
    """Sam on the free plan."""
    return seeker(app)


@pytest.fixture
def pro_sam(app):
    """Sam on Pro: no caps in the way of tests about something else."""
    return seeker(app, "pro")


def add_contact(caller, **fields: Any) -> dict[str, Any]:
    return assert_ok(caller.post("/api/contacts", json={**DANA, **fields}), 201)


def draft(caller, contact_id: str, purpose: str = "informational_interview",
          channel: str = "email", **extra: Any) -> dict[str, Any]:
    return assert_ok(caller.post("/api/outreach", json={
        "contactId": contact_id, "purpose": purpose, "channel": channel, **extra}), 201)


def run_task(app, clock) -> dict[str, Any]:
    result = TaskRunner(app.db, clock, app.services.tasks.specs).run("outreach-dispatch")
    assert result.ok, result.to_dict()
    return result.summary


@pytest.fixture
def smtp(app, smtp_server):
    """The app's mail goes to a real SMTP server (not started: call ``.start()``)."""
    server = smtp_server(start=False)
    app.services.mail.transport = SmtpTransport.from_url(server.url())
    return server
