"""Shared fixtures of the outreach tests: an app with the plugin, contacts, a real SMTP server."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

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


@dataclass
class Inbox:
    """aiosmtpd handler: keeps what it accepted; ``refuse`` makes it answer RCPT with a code."""

    received: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"

    def emails(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for raw in self.received]


class SmtpServer:
    """A real SMTP server on 127.0.0.1, on a port chosen up front so it can start late."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.controller: Controller | None = None

    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    def start(self) -> SmtpServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    """The app's mail goes to a real SMTP server (not started: call ``.start()``)."""
    server = SmtpServer()
    app.services.mail.transport = SmtpTransport.from_url(server.url())
    yield server
    server.stop()
