"""Outgoing mail, behind one interface: ``services.mail.send(Message(...))``.

Transports: ``console`` (the embedded default: logs the message) and ``memory`` (the test harness:
keeps it in ``outbox``). SMTP delivery, the persisted outbox with retries, templates and
unsubscribe links build on this interface (the core services issue).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


class Transport(Protocol):
    def deliver(self, sender: str, message: Message) -> None: ...


class ConsoleTransport:
    def deliver(self, sender: str, message: Message) -> None:
        log.info("mail (console transport) from %s to %s: %s", sender, message.to, message.subject)


class MemoryTransport:
    def __init__(self) -> None:
        self.outbox: list[Message] = []

    def deliver(self, sender: str, message: Message) -> None:
        self.outbox.append(message)


class Mailer:
    def __init__(self, transport: Transport, sender: str) -> None:
        self.transport = transport
        self.sender = sender

    def send(self, message: Message) -> None:
        self.transport.deliver(self.sender, message)
