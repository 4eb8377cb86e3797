"""Outgoing mail: ``services.mail.send(Message(...), list=None)``.

Every message is stored in the ``mail_outbox`` collection before any attempt, delivered by a
transport (SMTP from ``SMTP_URL``, a folder of ``.eml`` files, the console, or memory in tests),
retried with backoff and dead-lettered after ``max_attempts``. Templates are Jinja2 files shipped
in packages; list mail carries signed RFC 8058 one-click unsubscribe headers and respects the
suppression list; transactional mail (``list=None``) is never suppressed. See ``docs/mail.md``.
"""

from lightninghire.mail.mailer import (
    KEYS,
    OUTBOX,
    SUPPRESSIONS,
    Mailer,
    SendResult,
    transport_from_settings,
)
from lightninghire.mail.message import Message, normalize_address
from lightninghire.mail.outbox import DEAD, QUEUED, SENDING, SENT, SUPPRESSED, backoff_delay
from lightninghire.mail.templates import Rendered
from lightninghire.mail.transports import (
    ConsoleTransport,
    DeliveryError,
    FileTransport,
    MemoryTransport,
    SmtpConfig,
    SmtpTransport,
    Transport,
    parse_smtp_url,
)
from lightninghire.mail.unsubscribe import EVERY_LIST, InvalidUnsubscribeToken

__all__ = [
    "DEAD",
    "EVERY_LIST",
    "KEYS",
    "OUTBOX",
    "QUEUED",
    "SENDING",
    "SENT",
    "SUPPRESSED",
    "SUPPRESSIONS",
    "ConsoleTransport",
    "DeliveryError",
    "FileTransport",
    "InvalidUnsubscribeToken",
    "Mailer",
    "MemoryTransport",
    "Message",
    "Rendered",
    "SendResult",
    "SmtpConfig",
    "SmtpTransport",
    "Transport",
    "backoff_delay",
    "normalize_address",
    "parse_smtp_url",
    "transport_from_settings",
]
