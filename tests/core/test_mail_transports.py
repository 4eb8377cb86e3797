"""Messages, SMTP URL forms, the file and console transports, and the app's mail service."""

from __future__ import annotations

import io
import logging
from email import message_from_bytes, policy

import pytest

from lightninghire.db import Database
from lightninghire.errors import StartupError
from lightninghire.mail import (
    ConsoleTransport,
    FileTransport,
    Mailer,
    MemoryTransport,
    Message,
    SmtpConfig,
    SmtpTransport,
    parse_smtp_url,
    transport_from_settings,
)

SENDER = "LightningHire <no-reply@lightninghire.test>"


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.internal", SmtpConfig("mail.internal", 25, "none")),
    ("smtp+starttls://u%40x:p%3Aw@smtp.example.com",
     SmtpConfig("smtp.example.com", 587, "starttls", "u@x", "p:w")),
    ("smtps://key:secret@smtp.example.com:2465?timeout=7.5&helo=app.example.com&cafile=/etc/ca.pem",
     SmtpConfig("smtp.example.com", 2465, "tls", "key", "secret", 7.5, "app.example.com",
                "/etc/ca.pem")),
    ("SMTP://127.0.0.1:2525", SmtpConfig("127.0.0.1", 2525, "none")),
])
def test_smtp_url_forms(url, expected):
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(("url", "problem"), [
    ("http://user:hunter2@mail.example.com", "scheme"),
    ("smtp+tls://user:hunter2@mail.example.com", "scheme"),
    ("smtp://", "no host"),
    ("smtp://user:hunter2@mail.example.com:99999", "port"),
    ("smtp://user:hunter2@mail.example.com?starttls=1", "unknown parameter"),
    ("smtp://user:hunter2@mail.example.com?timeout=soon", "timeout"),
    ("smtp://user:hunter2@mail.example.com?timeout=0", "timeout"),
    ("smtp://:hunter2@mail.example.com", "no user"),
])
def test_bad_smtp_urls_are_refused_without_echoing_the_password(url, problem):
    with pytest.raises(ValueError, match=problem) as caught:
        parse_smtp_url(url)
    assert "hunter2" not in str(caught.value)


def test_credentials_over_plain_smtp_off_loopback_are_warned_about(caplog):
    SmtpTransport.from_url("smtp://u:p@127.0.0.1:2525")
    assert "unencrypted" not in caplog.text
    SmtpTransport.from_url("smtp://u:p@mail.example.com")
    assert "unencrypted" in caplog.text and ":p@" not in caplog.text


def test_the_configured_transport(lh_settings):
    assert isinstance(transport_from_settings(lh_settings), ConsoleTransport)
    smtp = transport_from_settings(lh_settings.with_overrides(
        {"mail.smtp_url": "smtps://u:p@smtp.example.com"}))
    assert isinstance(smtp, SmtpTransport) and smtp.config.security == "tls"
    with pytest.raises(StartupError, match=r"mail\.smtp_url") as caught:
        transport_from_settings(lh_settings.with_overrides(
            {"mail.smtp_url": "smtpx://u:hunter2@x"}))
    assert "hunter2" not in str(caught.value)


def test_messages_are_checked_when_they_are_made():
    ok = Message(to="Ada <ada@example.com>", subject="Hi", text="Hi",
                 headers={"In-Reply-To": "<1@x.test>"})
    assert ok.header("in-reply-to") == "<1@x.test>"
    for bad in (
        {"to": "ada@example.com, bob@example.com"},
        {"to": "not an address"},
        {"subject": "Hi\r\nBcc: everyone@example.com"},
        {"subject": "   "},
        {"reply_to": "a@b.test\nX-Evil: 1"},
        {"headers": {"Bcc": "everyone@example.com"}},
        {"headers": {"X-Ok": "value\r\nX-Injected: 1"}},
        {"headers": {"Bad Name": "v"}},
    ):
        with pytest.raises(ValueError):
            Message(**{"to": "ada@example.com", "subject": "Hi", "text": "Hi", **bad})


def test_the_file_transport_writes_openable_eml_files(tmp_path):
    folder = tmp_path / "mail"
    FileTransport(folder).deliver(SENDER, Message(
        to="Zoë <zoe@example.com>", subject="Héllo", text="Grüße\n", html="<p>Grüße</p>"))
    [path] = folder.iterdir()
    assert path.suffix == ".eml"
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert (mail["To"], mail["Subject"], mail["From"]) == ("Zoë <zoe@example.com>", "Héllo", SENDER)
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Grüße\n"
    assert mail["Message-ID"] and mail["Date"]
    assert path.read_bytes().isascii()  # 7-bit clean: any relay or viewer takes it


def test_the_console_transport_prints_a_readable_mail_so_links_can_be_followed(caplog):
    printed = io.StringIO()
    with caplog.at_level(logging.INFO, logger="lightninghire.mail"):
        ConsoleTransport(printed).deliver(SENDER, Message(
            to="ada@example.com", subject="Sign in", text="https://app.test/login?code=123"))
    lines = printed.getvalue().splitlines()
    assert f"From: {SENDER}" in lines and "To: ada@example.com" in lines
    assert "Subject: Sign in" in lines and "https://app.test/login?code=123" in lines
    assert "ada@example.com" in caplog.text and "Sign in" in caplog.text


def test_without_a_database_the_mailer_delivers_directly_and_refuses_list_mail():
    transport = MemoryTransport()
    mailer = Mailer(transport, SENDER)
    assert mailer.send(Message(to="ada@example.com", subject="Hi", text="Hi")).status == "sent"
    assert [m.subject for m in transport.outbox] == ["Hi"]
    with pytest.raises(RuntimeError, match="database"):
        mailer.send(Message(to="ada@example.com", subject="Hi", text="Hi"), list="digest")


def test_from_settings_reads_the_sender_and_public_url(lh_settings, clock):
    database = Database(lh_settings.database.uri, lh_settings.database.name)
    try:
        mailer = Mailer.from_settings(lh_settings, db=database, clock=clock,
                                      transport=MemoryTransport())
        assert mailer.sender == lh_settings.mail.sender
        assert mailer.unsubscribe_url("ada@example.com", "digest").startswith(
            "http://testserver/api/unsubscribe?token=")
        mailer.ensure_indexes()
        mailer.ensure_indexes()  # idempotent
        assert mailer.send(Message(to="ada@example.com", subject="Hi", text="Hi")).status == "sent"
    finally:
        database.close()


def test_the_app_harness_captures_sent_mail(make_app):
    harness = make_app(plugins=[])
    result = harness.services.mail.send(Message(to="ada@example.com", subject="Welcome",
                                                text="Hello"))
    assert result.status == "sent"
    assert [(m.to, m.subject) for m in harness.mail] == [("ada@example.com", "Welcome")]
