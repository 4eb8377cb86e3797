"""``Message``: what a plugin hands to ``services.mail.send``, and how it becomes RFC 5322 bytes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

# Build parts with 7-bit transfer encodings (quoted-printable or base64 for non-ASCII), so any
# relay accepts them without 8BITMIME.
BUILD_POLICY = policy.SMTP.clone(cte_type="7bit")
# Serialize with RFC 5322's hard line limit: with the default 78 the email package turns a long
# ``List-Unsubscribe`` URL into RFC 2047 encoded words, which mail clients do not recognise.
WIRE_POLICY = BUILD_POLICY.clone(max_line_length=998)

# Headers built from the message's own fields (or its MIME structure): setting them in
# ``headers`` would contradict those fields.
STRUCTURAL_HEADERS = frozenset({
    "from", "to", "cc", "bcc", "subject", "reply-to", "sender", "mime-version",
    "content-type", "content-transfer-encoding",
})
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 ftext: printable ASCII except ':'


@dataclass(frozen=True)
class Message:
    """One mail to one recipient. ``to`` and ``reply_to`` are ``addr`` or ``Name <addr>``.

    ``headers`` carries extra headers (``In-Reply-To``, ``X-Entity-Ref-ID``, ...); the Mailer adds
    ``Message-ID``, ``Date`` and, for list mail, the RFC 8058 unsubscribe headers.
    """

    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Fail in the caller's code, not minutes later in a retry loop.
        address(self.to, "to")
        if self.reply_to is not None:
            address(self.reply_to, "reply_to")
        _no_newline(self.subject, "subject")
        if not self.subject.strip():
            raise ValueError("mail subject is empty")
        for name, value in self.headers.items():
            if not _HEADER_NAME.match(name) or name.lower() in STRUCTURAL_HEADERS:
                raise ValueError(f"mail header {name!r} cannot be set in headers")
            _no_newline(value, f"header {name}")

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name, or ``None``."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


def _no_newline(value: str, what: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError(f"mail {what} contains a line break")


def parse_address(value: str, what: str = "address") -> Address:
    """Exactly one mailbox (``addr`` or ``Name <addr>``), else ``ValueError`` naming ``what``."""
    _no_newline(value, what)
    try:
        header = policy.default.header_factory("to", value)
        mailboxes = header.addresses
    except Exception:  # the header parser raises assorted errors on garbage
        mailboxes, header = (), None
    if (header is None or header.defects or len(mailboxes) != 1
            or not mailboxes[0].username or not mailboxes[0].domain):
        raise ValueError(f"mail {what} {value!r} is not one email address")
    return mailboxes[0]


def address(value: str, what: str = "address") -> str:
    """The bare ``local@domain`` of ``value``."""
    return parse_address(value, what).addr_spec


def normalize_address(value: str) -> str:
    """The key suppressions and unsubscribe tokens use: the bare address, lower-cased.

    Local parts are case-sensitive in theory, never in practice; one person, one key.
    """
    return address(value).strip().lower()


def new_message_id(sender: str) -> str:
    """A globally unique ``Message-ID`` in the sender's domain (kept across retries)."""
    return make_msgid(domain=parse_address(sender, "sender").domain)


def build_email(sender: str, message: Message) -> EmailMessage:
    """The MIME message: text, plus an HTML alternative when there is one."""
    mail = EmailMessage(policy=BUILD_POLICY)
    mail["From"] = parse_address(sender, "sender")
    mail["To"] = parse_address(message.to, "to")
    if message.reply_to:
        mail["Reply-To"] = parse_address(message.reply_to, "reply_to")
    mail["Subject"] = message.subject
    for name, value in message.headers.items():
        mail[name] = value
    if "Date" not in mail:
        mail["Date"] = formatdate(usegmt=True)
    if "Message-ID" not in mail:
        mail["Message-ID"] = new_message_id(sender)
    mail.set_content(message.text)
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
    return mail


def to_bytes(sender: str, message: Message) -> bytes:
    """The message as sent over SMTP (CRLF line ends) and written by the file transport."""
    return build_email(sender, message).as_bytes(policy=WIRE_POLICY)

