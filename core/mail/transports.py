"""Transports hand one message to the outside world: SMTP, a folder of ``.eml`` files, the log,
or a list in memory (tests). They raise ``DeliveryError``; the outbox decides about retries.

``SMTP_URL`` forms (TLS is never guessed: the scheme says it):

- ``smtp://[user[:password]@]host[:port]`` — plain SMTP, port 25; for a relay on the same host or
  network. Credentials over it are sent in the clear (a warning is logged off loopback).
- ``smtp+starttls://...`` — STARTTLS is required (delivery fails if the server does not offer
  it), port 587: the usual submission port of providers.
- ``smtps://...`` — TLS from the first byte (implicit TLS), port 465.

Query parameters: ``timeout`` (seconds per network operation, default 30), ``helo`` (the name
given in EHLO), ``cafile`` (a PEM bundle trusted instead of the system's). User and password
are percent-decoded (``p%40ss`` is ``p@ss``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import smtplib
import ssl
import sys
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from lightninghire.mail.message import Message, address, to_bytes

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
DEFAULT_TIMEOUT = 30.0


class DeliveryError(Exception):
    """Delivery failed. ``permanent`` (the server refused this message for good, a 5xx on RCPT
    or DATA) dead-letters it at once; anything else is retried with backoff. ``unreachable``
    (no connection at all) tells a batch that the next message would fare no better."""

    def __init__(self, message: str, *, permanent: bool = False, unreachable: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.unreachable = unreachable


class Transport(Protocol):
    def deliver(self, sender: str, message: Message) -> None:
        """Hand over one message or raise (``DeliveryError`` when the cause is known)."""


class ConsoleTransport:
    """Development: each message is printed to the terminal (stderr) as a readable block, From,
    To, Subject and the text part, so links can be followed; a log line records it too."""

    _lock = threading.Lock()  # one block at a time from a worker's threads

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def deliver(self, sender: str, message: Message) -> None:
        rule = "-" * 72
        block = (f"{rule}\nmail (console transport; set SMTP_URL to really send)\n"
                 f"From: {sender}\nTo: {message.to}\nSubject: {message.subject}\n\n"
                 f"{message.text.rstrip()}\n{rule}\n")
        stream = self.stream or sys.stderr
        with self._lock:
            stream.write(block)
            stream.flush()
        log.info("mail (console transport) from %s to %s: %s", sender, message.to,
                 message.subject)


class MemoryTransport:
    """Tests: every delivered message is kept in ``outbox``, in order."""

    def __init__(self) -> None:
        self.outbox: list[Message] = []

    def deliver(self, sender: str, message: Message) -> None:
        self.outbox.append(message)


class FileTransport:
    """Development: each message becomes ``<folder>/<UTC time>-<random>.eml``, openable in any
    mail client exactly as SMTP would have carried it."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def deliver(self, sender: str, message: Message) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        final = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        partial = final.with_suffix(".eml.part")
        # Write then rename: a reader never sees half a message.
        partial.write_bytes(to_bytes(sender, message))
        partial.replace(final)


@dataclass(frozen=True)
class SmtpConfig:
    """``SMTP_URL``, parsed (see the module docstring)."""

    host: str
    port: int
    security: str  # "none" | "starttls" | "tls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    helo: str | None = None
    cafile: str | None = None


def parse_smtp_url(url: str) -> SmtpConfig:
    """``ValueError`` (never echoing the password) when the URL is not one of the known forms."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"SMTP URL scheme must be one of {', '.join(DEFAULT_PORTS)}; "
                         f"got {scheme or 'none'!r}")
    if not parts.hostname:
        raise ValueError("SMTP URL has no host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise ValueError("SMTP URL port is not a number from 1 to 65535") from None
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"timeout", "helo", "cafile"}
    if unknown:
        raise ValueError(f"SMTP URL has unknown parameter(s) {sorted(unknown)}; "
                         f"known: cafile, helo, timeout")
    try:
        timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
    except ValueError:
        raise ValueError("SMTP URL timeout must be a number of seconds") from None
    if not 0 < timeout <= 600:
        raise ValueError("SMTP URL timeout must be between 0 and 600 seconds")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise ValueError("SMTP URL has a password but no user")
    security = {"smtp": "none", "smtp+starttls": "starttls", "smtps": "tls"}[scheme]
    return SmtpConfig(parts.hostname, port, security, username, password, timeout,
                      query.get("helo"), query.get("cafile"))


class SmtpTransport:
    """One connection per message, with the stdlib ``smtplib``."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        if config.username and config.security == "none" and not _is_loopback(config.host):
            log.warning("mail: SMTP credentials for %s travel unencrypted (smtp://); use "
                        "smtp+starttls:// or smtps://", config.host)

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        return cls(parse_smtp_url(url))

    def deliver(self, sender: str, message: Message) -> None:
        raw = to_bytes(sender, message)
        envelope_from, recipient = address(sender, "sender"), address(message.to, "to")
        try:
            smtp = self._connect()
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"cannot connect to {self._where}: {_describe(exc)}",
                                unreachable=True) from exc
        try:
            if self.config.security == "starttls":
                smtp.starttls(context=self._tls_context())
            if self.config.username:
                smtp.login(self.config.username, self.config.password or "")
            smtp.sendmail(envelope_from, [recipient], raw)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(f"{self._where} refused the recipient: {_describe(exc)}",
                                permanent=bool(codes) and all(500 <= c < 600 for c in codes)) from exc
        except smtplib.SMTPDataError as exc:
            raise DeliveryError(f"{self._where} refused the message: {_describe(exc)}",
                                permanent=500 <= exc.smtp_code < 600) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Authentication, sender refused, TLS, timeouts: problems of the setup or the moment,
            # not of this message, so it waits for the operator or the network.
            raise DeliveryError(f"{self._where}: {_describe(exc)}") from exc
        finally:
            # Once DATA is accepted the message is delivered: a failing QUIT must not retry it.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
            smtp.close()

    @property
    def _where(self) -> str:
        return f"SMTP {self.config.host}:{self.config.port}"

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        if cfg.security == "tls":
            return smtplib.SMTP_SSL(cfg.host, cfg.port, local_hostname=cfg.helo,
                                    timeout=cfg.timeout, context=self._tls_context())
        return smtplib.SMTP(cfg.host, cfg.port, local_hostname=cfg.helo, timeout=cfg.timeout)

    def _tls_context(self) -> ssl.SSLContext:
        # Certificates and host names are always verified; ``cafile`` only changes whom we trust.
        return ssl.create_default_context(cafile=self.config.cafile)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                         for code, msg in exc.recipients.values())
    return f"{type(exc).__name__}: {exc}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
