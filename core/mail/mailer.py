"""``Mailer``: the mail service plugins get as ``services.mail``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from email.utils import format_datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from bson import ObjectId
from pymongo.errors import PyMongoError

from lightninghire.clock import Clock
from lightninghire.errors import StartupError
from lightninghire.mail.message import Message, new_message_id, parse_address, to_bytes
from lightninghire.mail.outbox import (
    DEAD,
    DEFAULT_BACKOFF,
    DEFAULT_CLAIM,
    DEFAULT_MAX_ATTEMPTS,
    QUEUED,
    SENDING,
    SENT,
    SUPPRESSED,
    Outbox,
    backoff_delay,
    from_document,
    to_document,
)
from lightninghire.mail.templates import Rendered, Templates
from lightninghire.mail.transports import (
    ConsoleTransport,
    DeliveryError,
    FileTransport,
    SmtpTransport,
    Transport,
)
from lightninghire.mail.unsubscribe import (
    Suppressions,
    TokenSigner,
    check_list,
    derive_key,
    stored_key,
)

if TYPE_CHECKING:
    from lightninghire.config import Settings
    from lightninghire.db import Database

log = logging.getLogger(__name__)

OUTBOX, SUPPRESSIONS, KEYS = "mail_outbox", "mail_suppressions", "mail_keys"
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058's fixed List-Unsubscribe-Post value
LIST_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})


@dataclass(frozen=True)
class SendResult:
    """What became of a ``send``: ``status`` is ``sent``, ``queued`` (stored, will be retried),
    ``suppressed`` (the recipient left the list) or ``dead`` (refused for good)."""

    id: str | None
    status: str
    error: str | None = None


class Mailer:
    """Sends mail through the persisted outbox.

    ``Mailer(transport, sender)`` alone (no ``db``) delivers directly, raising ``DeliveryError``
    on failure, and refuses list mail: kept for scripts and older callers. With ``db`` every
    message goes through ``mail_outbox`` and survives any failure.
    """

    def __init__(
        self,
        transport: Transport,
        sender: str,
        *,
        db: Database | None = None,
        clock: Clock | None = None,
        public_url: str = "http://127.0.0.1:8000",
        signing_secret: str = "",
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff: Sequence[timedelta] = DEFAULT_BACKOFF,
        claim_time: timedelta = DEFAULT_CLAIM,
        deliver_now: bool = True,
        retention: timedelta | None = timedelta(days=30),
    ) -> None:
        parse_address(sender, "sender")
        if max_attempts < 1 or not backoff:
            raise ValueError("mail: max_attempts must be at least 1 and backoff not empty")
        self.transport = transport
        self.sender = sender
        self.db = db
        self.clock = clock or Clock()
        self.public_url = public_url.rstrip("/")
        self.max_attempts = max_attempts
        self.backoff = tuple(backoff)
        self.deliver_now = deliver_now
        self.retention = retention
        # Set by create_app to the background worker's defer: where after_response attempts go.
        self.defer: Callable[..., None] | None = None
        self.templates = Templates()
        # Nothing touches the database here: create_app builds the Mailer before gunicorn forks.
        self._outbox: Outbox | None = None
        self._suppressions: Suppressions | None = None
        if db is not None:
            self._outbox = Outbox(lambda: db[OUTBOX], claim_time=claim_time)
            self._suppressions = Suppressions(lambda: db[SUPPRESSIONS], self.clock.now)
        self._signer = TokenSigner(lambda: self._signing_key(signing_secret))

    @classmethod
    def from_settings(cls, settings: Settings, *, db: Database, clock: Clock,
                      transport: Transport | None = None) -> Mailer:
        """The Mailer ``create_app`` builds: ``[mail]``, ``http.public_url``, ``auth.encryption_key``.

        ``transport`` overrides the configured one (the test harness passes a memory transport).
        """
        mail = settings.mail
        retention_days = int(mail.get("retention_days", 30))
        return cls(
            transport or transport_from_settings(settings),
            mail.sender,
            db=db,
            clock=clock,
            public_url=settings.http.public_url,
            signing_secret=settings.auth.get("encryption_key", ""),
            max_attempts=int(mail.get("max_attempts", DEFAULT_MAX_ATTEMPTS)),
            deliver_now=bool(mail.get("deliver_now", True)),
            retention=timedelta(days=retention_days) if retention_days > 0 else None,
        )

    # -- sending ---------------------------------------------------------------------------

    def send(self, message: Message, list: str | None = None, *,
             deliver_now: bool | None = None, after_response: bool = False) -> SendResult:
        """Store ``message`` in the outbox, then (by default) try to deliver it at once.

        ``after_response=True``: the attempt runs after the request answers (on the background
        worker, ``self.defer``), so the caller pays one insert; the result is ``sending``. The
        row is stored claimed first, so a crash before the attempt only delays it: the claim
        runs out and the ``mail-outbox`` task delivers it.

        ``list`` (``marketing``, ``lifecycle``, ``digest``, ...) makes it list mail: it carries the
        RFC 8058 one-click unsubscribe headers and is not sent to anyone who left that list or
        every list. ``list=None`` is transactional mail, which suppression never blocks. A failed
        attempt never raises: the message waits in the outbox for ``deliver_due``.
        """
        if list is not None:
            check_list(list)
        if any(name.lower() in LIST_HEADERS for name in message.headers):
            raise ValueError("mail: list headers come from send(..., list=...), not from headers")
        if self._outbox is None:
            return self._send_direct(message, list)
        now = self.clock.now()
        headers = {"Message-ID": new_message_id(self.sender),
                   "Date": format_datetime(now, usegmt=True)}
        if list is not None:
            headers["List-Unsubscribe"] = f"<{self.unsubscribe_url(message.to, list)}>"
            headers["List-Unsubscribe-Post"] = ONE_CLICK
        # The caller's own Message-ID or Date (any spelling) wins over ours.
        given = {name.lower() for name in message.headers}
        ours = {name: value for name, value in headers.items() if name.lower() not in given}
        prepared = replace(message, headers={**ours, **message.headers})
        to_bytes(self.sender, prepared)  # a message that cannot be serialized fails here, not later
        fields = to_document(prepared, sender=self.sender, list_name=list)
        if list is not None and self.is_suppressed(message.to, list):
            doc = self._outbox.add_suppressed(fields, now)
            return SendResult(str(doc["_id"]), SUPPRESSED)
        immediately = self.deliver_now if deliver_now is None else deliver_now
        doc = self._outbox.add(fields, now, claimed=immediately)
        if not immediately:
            return SendResult(str(doc["_id"]), QUEUED)
        if after_response and self.defer is not None:
            self.defer(self._attempt, doc, check_suppression=False)
            return SendResult(str(doc["_id"]), SENDING)
        return self._attempt(doc, check_suppression=False)[0]

    def send_template(self, to: str, template: str, context: Mapping[str, Any] | None = None, *,
                      list: str | None = None,
                      reply_to: str | None = None, headers: Mapping[str, str] | None = None,
                      deliver_now: bool | None = None,
                      after_response: bool = False) -> SendResult:
        """Render ``template`` for ``to`` (with ``unsubscribe_url`` for list mail) and send it."""
        extra = {"unsubscribe_url": self.unsubscribe_url(to, list) if list is not None else None}
        rendered = self.render(template, {**(context or {}), **extra})
        message = Message(to=to, subject=rendered.subject, text=rendered.text, html=rendered.html,
                          reply_to=reply_to, headers=dict(headers or {}))
        return self.send(message, list=list, deliver_now=deliver_now,
                         after_response=after_response)

    def render(self, template: str, context: Mapping[str, Any] | None = None) -> Rendered:
        """``(subject, text, html)`` of ``template`` (``"core/notice"``, ``"<plugin>/<name>"``)."""
        base = {"public_url": self.public_url, "unsubscribe_url": None}
        return self.templates.render(template, {**base, **(context or {})})

    def add_templates(self, prefix: str, package: str | ModuleType | object,
                      folder: str = "mail_templates",
                      *, required: bool = True) -> bool:
        """Serve ``<prefix>/<name>`` templates from ``package``'s ``folder`` (a plugin's own)."""
        return self.templates.add_package(prefix, package, folder, required=required)

    # -- the outbox ------------------------------------------------------------------------

    def deliver_due(self, limit: int = 100) -> dict[str, int]:
        """Attempt up to ``limit`` due messages; safe to run in many processes at once.

        Returns counts: ``sent``, ``retried`` (failed, scheduled again), ``dead``, ``suppressed``.
        Stops early when the mail server cannot be reached: every other message would only
        spend an attempt (and a connect timeout) on the same outage. Run every minute by the
        ``mail-outbox`` task.
        """
        outbox = self._require_outbox()
        counts = {SENT: 0, "retried": 0, DEAD: outbox.bury_exhausted(self.clock.now(),
                                                                      self.max_attempts),
                  SUPPRESSED: 0}
        for _ in range(limit):
            # A fresh "now" per claim: a long batch must not hand out claims that already ran out.
            doc = outbox.claim(self.clock.now(), self.max_attempts)
            if doc is None:
                break
            result, unreachable = self._attempt(doc, check_suppression=True)
            counts["retried" if result.status == QUEUED else result.status] += 1
            if unreachable:
                break
        return counts

    def purge(self) -> int:
        """Delete sent and suppressed records older than the retention; dead ones stay."""
        outbox = self._require_outbox()
        if self.retention is None:
            return 0
        return outbox.purge(self.clock.now() - self.retention)

    def requeue(self, message_id: str) -> bool:
        """Retry a dead message from scratch (after its cause was fixed)."""
        return self._require_outbox().requeue(message_id, self.clock.now())

    def status(self, message_id: str) -> dict[str, Any] | None:
        """The outbox record of a message (``status``, ``attempts``, ``lastError``, ...)."""
        return self._require_outbox().collection.find_one({"_id": ObjectId(message_id)})

    def _attempt(self, doc: dict[str, Any], *,
                 check_suppression: bool) -> tuple[SendResult, bool]:
        """One delivery attempt of a claimed message: its result, and whether the server was
        unreachable."""
        message_id = str(doc["_id"])
        # The recipient may have left the list while the message waited for a retry.
        if check_suppression and doc.get("list") and self.is_suppressed(doc["to"], doc["list"]):
            self._finish(doc, SUPPRESSED)
            return SendResult(message_id, SUPPRESSED), False
        try:
            self.transport.deliver(doc["sender"], from_document(doc))
        except Exception as exc:
            # Any failure, even a transport bug, leaves the message in the outbox.
            known = exc if isinstance(exc, DeliveryError) else DeliveryError(
                f"{type(exc).__name__}: {exc}")
            if known is not exc:
                log.error("mail %s: transport failed unexpectedly", message_id, exc_info=exc)
            error, unreachable = str(known), known.unreachable
            if known.permanent or doc["attempts"] >= self.max_attempts:
                log.warning("mail %s to %s is dead after %d attempt(s): %s", message_id,
                            doc["to"], doc["attempts"], error)
                self._finish(doc, DEAD, error=error)
                return SendResult(message_id, DEAD, error), unreachable
            retry_at = self.clock.now() + backoff_delay(doc["attempts"], self.backoff)
            log.info("mail %s: attempt %d failed (%s); next at %s", message_id, doc["attempts"],
                     error, retry_at.isoformat())
            self._finish(doc, QUEUED, error=error, retry_at=retry_at)
            return SendResult(message_id, QUEUED, error), unreachable
        self._finish(doc, SENT)
        return SendResult(message_id, SENT), False

    def _finish(self, doc: dict[str, Any], status: str, **details: Any) -> None:
        try:
            owned = self._require_outbox().finish(doc, status, self.clock.now(), **details)
        except PyMongoError:
            # The attempt happened; raising would make the caller think it did not. The claim
            # runs out and the message is attempted again (at least once, same Message-ID).
            log.exception("mail %s: could not record %s", doc["_id"], status)
            return
        if not owned:
            log.warning("mail %s: claim ran out before the attempt finished (%s not recorded)",
                        doc["_id"], status)

    def _send_direct(self, message: Message, list_name: str | None) -> SendResult:
        if list_name is not None:
            raise RuntimeError("mail: list mail needs the database (suppression list)")
        self.transport.deliver(self.sender, message)
        return SendResult(None, SENT)

    def _require_outbox(self) -> Outbox:
        if self._outbox is None:
            raise RuntimeError("mail: this Mailer has no database (built without db=)")
        return self._outbox

    # -- lists and unsubscribe -------------------------------------------------------------

    def unsubscribe_token(self, email: str, list: str) -> str:
        """A signed token naming ``email`` and ``list`` (verified by ``verify_unsubscribe_token``)."""
        return self._signer.sign(email, list)

    def unsubscribe_url(self, email: str, list: str) -> str:
        """``{http.public_url}/api/unsubscribe?token=...``; RFC 8058 wants it https in production."""
        return f"{self.public_url}/api/unsubscribe?token={quote(self.unsubscribe_token(email, list))}"

    def verify_unsubscribe_token(self, token: str) -> tuple[str, str]:
        """``(email, list)``; ``InvalidUnsubscribeToken`` (a 400) if altered or foreign."""
        return self._signer.verify(token)

    def unsubscribe(self, email: str, list: str, reason: str = "unsubscribe") -> bool:
        """Stop ``list`` mail to ``email`` (``list="*"``: every list, e.g. a hard bounce).
        Idempotent; ``True`` when it is new."""
        return self._require_suppressions().add(email, list, reason)

    def resubscribe(self, email: str, list: str) -> bool:
        """Undo ``unsubscribe`` for that exact list; ``True`` if there was one."""
        return self._require_suppressions().remove(email, list)

    def is_suppressed(self, email: str, list: str | None) -> bool:
        """Whether mail on ``list`` to ``email`` would be withheld; transactional never is."""
        if list is None:
            return False
        return self._require_suppressions().blocks(email, list)

    def _require_suppressions(self) -> Suppressions:
        if self._suppressions is None:
            raise RuntimeError("mail: this Mailer has no database (built without db=)")
        return self._suppressions

    def _signing_key(self, secret: str) -> bytes:
        if secret:
            return derive_key(secret)
        if self.db is None:
            raise RuntimeError("mail: unsubscribe tokens need auth.encryption_key or a database")
        return stored_key(self.db[KEYS], self.clock.now)

    # -- setup -----------------------------------------------------------------------------

    def ensure_indexes(self) -> None:
        """Create the outbox and suppression indexes; safe to repeat (called by create_app)."""
        if self.db is None:
            return
        self.db[OUTBOX].create_indexes(list(Outbox.INDEXES))
        self.db[SUPPRESSIONS].create_indexes(list(Suppressions.INDEXES))


def transport_from_settings(settings: Settings) -> Transport:
    """``mail.transport``: ``auto`` (SMTP when ``mail.smtp_url`` is set, else console),
    ``smtp``, ``file`` (into ``mail.file_dir``) or ``console``."""
    mail = settings.mail
    kind = mail.get("transport", "auto")
    url = mail.smtp_url
    if kind == "auto":
        kind = "smtp" if url else "console"
    if kind == "console":
        return ConsoleTransport()
    if kind == "file":
        return FileTransport(mail.get("file_dir", "lightninghire-mail"))
    if kind == "smtp":
        if not url:
            raise StartupError("config: mail.transport is smtp but mail.smtp_url (SMTP_URL) is unset")
        try:
            return SmtpTransport.from_url(url)
        except ValueError as exc:
            raise StartupError(f"config: mail.smtp_url: {exc}") from None
    raise StartupError(f"config: mail.transport {kind!r} must be auto, smtp, file or console")
