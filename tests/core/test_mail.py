"""The mail service against a real SMTP server (aiosmtpd on 127.0.0.1) and the real database:
what arrives, what waits in the outbox, and what never leaves it twice."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from bson import ObjectId
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lightninghire.db import Database
from lightninghire.mail import Mailer, Message

SENDER = "LightningHire <no-reply@lightninghire.test>"  # as conftest.make_mailer sends
PUBLIC_URL = "https://app.lightninghire.test"


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert.pem doubles as the client's CA file)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def server_tls(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls_files)
    return context


def outbox_doc(db: Database, result_id: str) -> dict[str, Any]:
    doc = db["mail_outbox"].find_one({"_id": ObjectId(result_id)})
    assert doc is not None
    return doc


# -- what arrives ----------------------------------------------------------------------------


def test_transactional_mail_arrives_with_its_headers_and_both_bodies(smtp_server, make_mailer,
                                                                     db, clock):
    server = smtp_server()
    mailer = make_mailer(server.url())
    result = mailer.send(Message(
        to="Ada Lovelace <ada@example.com>", subject="Your mock interview is tomorrow",
        text="Hi Ada,\n\nYour mock interview starts at 10:00.\n",
        html="<p>Hi Ada,</p><p>Your mock interview starts at <b>10:00</b>.</p>",
        reply_to="Coach <coach@example.com>", headers={"X-Entity-Ref-ID": "interview-42"}))

    assert result.status == "sent" and result.error is None
    [got] = server.delivered
    assert got.mail_from == "no-reply@lightninghire.test"
    assert got.rcpt_tos == ["ada@example.com"]
    mail = got.email
    assert mail["From"] == SENDER
    assert mail["To"] == "Ada Lovelace <ada@example.com>"
    assert mail["Reply-To"] == "Coach <coach@example.com>"
    assert mail["Subject"] == "Your mock interview is tomorrow"
    assert mail["X-Entity-Ref-ID"] == "interview-42"
    assert mail["Date"].datetime == clock.now()
    assert mail["Message-ID"].endswith("@lightninghire.test>")
    # Transactional mail carries no list headers.
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None
    assert got.body("plain") == "Hi Ada,\n\nYour mock interview starts at 10:00.\n"
    assert got.body("html") == "<p>Hi Ada,</p><p>Your mock interview starts at <b>10:00</b>.</p>\n"

    doc = outbox_doc(db, result.id)
    assert (doc["status"], doc["attempts"], doc["sentAt"]) == ("sent", 1, clock.now())
    assert dict(doc["headers"])["Message-ID"] == mail["Message-ID"]


def test_list_mail_carries_rfc8058_one_click_unsubscribe_headers(smtp_server, make_mailer):
    server = smtp_server()
    mailer = make_mailer(server.url())
    result = mailer.send(Message(to="Ada@Example.com", subject="Your weekly digest",
                                 text="Three new jobs match your search."), list="digest")

    assert result.status == "sent"
    [got] = server.delivered
    unsubscribe = got.email["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{PUBLIC_URL}/api/unsubscribe?token=") and unsubscribe.endswith(">")
    assert got.email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe[1:-1].split("token=", 1)[1]
    assert mailer.verify_unsubscribe_token(token) == ("ada@example.com", "digest")
    # One physical line: a folded or RFC 2047-encoded URL is not recognised by mail clients.
    assert f"List-Unsubscribe: {unsubscribe}\r\n".encode() in got.raw


def test_a_template_arrives_with_escaped_html_and_the_same_unsubscribe_link(smtp_server,
                                                                           make_mailer):
    server = smtp_server()
    mailer = make_mailer(server.url())
    result = mailer.send_template(
        "ada@example.com", "core/notice",
        {"title": "Tips for <your> interview", "name": "Ada",
         "body": "Prepare one story per skill & role.\n\nUse <STAR>.",
         "action_url": f"{PUBLIC_URL}/interviews", "action_label": "Practise now"},
        list="marketing")

    assert result.status == "sent"
    [got] = server.delivered
    url = got.email["List-Unsubscribe"][1:-1]
    assert got.email["Subject"] == "Tips for <your> interview"
    text, html = got.body("plain"), got.body("html")
    assert "Hi Ada," in text and "Use <STAR>." in text
    assert f"Practise now: {PUBLIC_URL}/interviews" in text
    assert f"Unsubscribe: {url}" in text
    assert "<p style=\"margin:0 0 16px;\">Use &lt;STAR&gt;.</p>" in html
    assert "skill &amp; role" in html and "<STAR>" not in html
    assert f'href="{url}"' in html


# -- the outbox: failure, recovery, dead letters ---------------------------------------------


def test_with_smtp_down_the_message_waits_in_the_outbox_and_arrives_once_after_recovery(
        smtp_server, make_mailer, db, clock):
    server = smtp_server(start=False)  # nothing listens on its port yet
    mailer = make_mailer(server.url())
    result = mailer.send(Message(to="ada@example.com", subject="Reset your password",
                                 text="Use this link within an hour."))

    assert result.status == "queued" and "Connection refused" in result.error
    doc = outbox_doc(db, result.id)
    assert (doc["status"], doc["attempts"]) == ("queued", 1)
    assert doc["nextAttemptAt"] == clock.now() + dt.timedelta(minutes=1)
    assert "Connection refused" in doc["lastError"]

    # Not due yet: nothing is attempted even though the server is back.
    server.start()
    assert mailer.deliver_due() == {"sent": 0, "retried": 0, "dead": 0, "suppressed": 0}
    assert server.delivered == []

    clock.advance(minutes=1)
    assert mailer.deliver_due() == {"sent": 1, "retried": 0, "dead": 0, "suppressed": 0}
    assert mailer.deliver_due()["sent"] == 0
    [got] = server.delivered
    assert got.email["Subject"] == "Reset your password"
    assert got.email["Message-ID"] == dict(doc["headers"])["Message-ID"]  # same id on retry
    doc = outbox_doc(db, result.id)
    assert (doc["status"], doc["attempts"], doc["sentAt"]) == ("sent", 2, clock.now())


def test_after_max_attempts_a_message_is_dead_lettered_and_can_be_requeued(smtp_server,
                                                                          make_mailer, db, clock):
    server = smtp_server(start=False)
    mailer = make_mailer(server.url(), max_attempts=3)
    result = mailer.send(Message(to="ada@example.com", subject="Receipt", text="Thanks."))
    assert outbox_doc(db, result.id)["attempts"] == 1

    clock.advance(minutes=1)
    assert mailer.deliver_due() == {"sent": 0, "retried": 1, "dead": 0, "suppressed": 0}
    doc = outbox_doc(db, result.id)
    assert doc["attempts"] == 2 and doc["nextAttemptAt"] == clock.now() + dt.timedelta(minutes=5)

    clock.advance(minutes=5)
    assert mailer.deliver_due() == {"sent": 0, "retried": 0, "dead": 1, "suppressed": 0}
    doc = outbox_doc(db, result.id)
    assert (doc["status"], doc["attempts"]) == ("dead", 3) and doc["lastError"]
    clock.advance(days=2)
    assert mailer.deliver_due()["dead"] == 0  # dead stays dead, and is kept
    assert mailer.purge() == 0

    # Never lost: once the cause is fixed, an operator gives it another round.
    server.start()
    assert mailer.requeue(result.id) is True
    assert mailer.deliver_due()["sent"] == 1
    assert [d.email["Subject"] for d in server.delivered] == ["Receipt"]


def test_an_unreachable_server_ends_the_batch_after_one_attempt(smtp_server, make_mailer, db,
                                                                clock):
    server = smtp_server(start=False)
    mailer = make_mailer(server.url())
    for n in range(3):
        mailer.send(Message(to=f"user{n}@example.com", subject=f"News {n}", text="News"),
                    list="digest", deliver_now=False)
    assert mailer.deliver_due() == {"sent": 0, "retried": 1, "dead": 0, "suppressed": 0}
    assert sorted(d["attempts"] for d in db["mail_outbox"].find()) == [0, 0, 1]

    server.start()
    clock.advance(minutes=1)
    assert mailer.deliver_due()["sent"] == 3
    assert len(server.delivered) == 3


def test_sent_records_are_purged_after_the_retention_but_dead_letters_stay(smtp_server,
                                                                          make_mailer, db, clock):
    server = smtp_server()
    mailer = make_mailer(server.url(), max_attempts=1, retention=dt.timedelta(days=30))
    mailer.send(Message(to="ada@example.com", subject="Sent", text="Hi"))
    server.recorder.rcpt_reply = "550 No such user"
    mailer.send(Message(to="nobody@example.com", subject="Dead", text="Hi"))
    clock.advance(days=29)
    assert mailer.purge() == 0
    clock.advance(days=2)
    assert mailer.purge() == 1
    assert [d["status"] for d in db["mail_outbox"].find()] == ["dead"]


def test_a_permanent_refusal_dead_letters_at_once_and_a_temporary_one_retries(smtp_server,
                                                                             make_mailer, db):
    server = smtp_server()
    mailer = make_mailer(server.url())
    server.recorder.rcpt_reply = "550 5.1.1 No such user here"
    result = mailer.send(Message(to="nobody@example.com", subject="Hi", text="Hi"))
    assert result.status == "dead" and "550" in result.error
    assert outbox_doc(db, result.id)["attempts"] == 1

    server.recorder.rcpt_reply = "451 4.3.0 Try again later"
    result = mailer.send(Message(to="busy@example.com", subject="Hi", text="Hi"))
    assert result.status == "queued" and "451" in result.error
    assert server.delivered == []


def test_a_crashed_claimers_message_is_retried_when_its_claim_runs_out(smtp_server, make_mailer,
                                                                       db, clock):
    class ProcessDied(BaseException):
        """Stands for the process being killed mid-delivery (not an ordinary failure)."""

    class DyingTransport:
        def deliver(self, sender: str, message: Message) -> None:
            raise ProcessDied()

    server = smtp_server()
    dying = Mailer(DyingTransport(), SENDER, db=db, clock=clock, public_url=PUBLIC_URL)
    with pytest.raises(ProcessDied):
        dying.send(Message(to="ada@example.com", subject="Welcome", text="Hello"))
    [doc] = db["mail_outbox"].find()
    assert (doc["status"], doc["attempts"]) == ("sending", 1)

    survivor = make_mailer(server.url())
    assert survivor.deliver_due()["sent"] == 0  # the claim still holds
    clock.advance(minutes=5)
    assert survivor.deliver_due()["sent"] == 1
    assert len(server.delivered) == 1
    assert outbox_doc(db, str(doc["_id"]))["attempts"] == 2


def test_a_claimer_that_crashes_on_the_last_attempt_leaves_a_dead_letter(make_mailer, db, clock):
    class DyingTransport:
        def deliver(self, sender: str, message: Message) -> None:
            raise KeyboardInterrupt

    dying = Mailer(DyingTransport(), SENDER, db=db, clock=clock, max_attempts=1)
    with pytest.raises(KeyboardInterrupt):
        dying.send(Message(to="ada@example.com", subject="Welcome", text="Hello"))
    clock.advance(minutes=5)
    assert dying.deliver_due() == {"sent": 0, "retried": 0, "dead": 1, "suppressed": 0}
    assert db["mail_outbox"].find_one()["status"] == "dead"


def test_two_processes_delivering_at_once_send_each_message_once(smtp_server, make_mailer,
                                                                 lh_settings, clock):
    server = smtp_server()
    # Two Mailers with their own database clients: two worker processes, as far as the
    # outbox can tell.
    databases = [Database(lh_settings.database.uri, lh_settings.database.name) for _ in range(2)]
    mailers = [make_mailer(server.url(), database=database) for database in databases]
    for n in range(24):
        result = mailers[0].send(Message(to=f"user{n}@example.com", subject=f"Digest {n}",
                                         text="News"), list="digest", deliver_now=False)
        assert result.status == "queued"

    start = threading.Barrier(2)
    counts: list[dict[str, int]] = []

    def work(mailer: Mailer) -> None:
        start.wait()
        counts.append(mailer.deliver_due(limit=100))

    threads = [threading.Thread(target=work, args=(mailer,)) for mailer in mailers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for database in databases:
        database.close()

    assert sum(c["sent"] for c in counts) == 24
    subjects = sorted(d.email["Subject"] for d in server.delivered)
    assert subjects == sorted(f"Digest {n}" for n in range(24))
    assert len({d.email["Message-ID"] for d in server.delivered}) == 24


# -- lists and suppression, as delivered -----------------------------------------------------


def test_suppression_stops_list_mail_but_never_transactional_mail(smtp_server, make_mailer, db):
    server = smtp_server()
    mailer = make_mailer(server.url())
    assert mailer.unsubscribe("ADA@example.com", "marketing") is True

    blocked = mailer.send(Message(to="Ada <ada@example.com>", subject="Sale", text="50% off"),
                          list="marketing")
    assert blocked.status == "suppressed"
    assert outbox_doc(db, blocked.id)["status"] == "suppressed"
    other_list = mailer.send(Message(to="ada@example.com", subject="Digest", text="News"),
                             list="digest")
    receipt = mailer.send(Message(to="ada@example.com", subject="Receipt", text="Paid"))
    assert (other_list.status, receipt.status) == ("sent", "sent")

    mailer.unsubscribe("ada@example.com", "*", reason="hard bounce")  # every list
    assert mailer.send(Message(to="ada@example.com", subject="Digest 2", text="News"),
                       list="digest").status == "suppressed"
    assert mailer.send(Message(to="ada@example.com", subject="Security alert", text="New login"),
                       ).status == "sent"
    assert [d.email["Subject"] for d in server.delivered] == ["Digest", "Receipt",
                                                             "Security alert"]


def test_unsubscribing_while_a_message_waits_for_retry_withholds_it(smtp_server, make_mailer,
                                                                   db, clock):
    server = smtp_server(start=False)
    mailer = make_mailer(server.url())
    result = mailer.send(Message(to="ada@example.com", subject="Sale", text="50% off"),
                         list="marketing")
    assert result.status == "queued"
    mailer.unsubscribe("ada@example.com", "marketing")
    server.start()
    clock.advance(minutes=1)
    assert mailer.deliver_due() == {"sent": 0, "retried": 0, "dead": 0, "suppressed": 1}
    assert server.delivered == []
    assert outbox_doc(db, result.id)["status"] == "suppressed"


# -- SMTP URL forms: auth, STARTTLS, implicit TLS --------------------------------------------


def _check_login(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"mailer"
          and auth_data.password == b"p@ss:w/rd")
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_auth_with_percent_encoded_credentials(smtp_server, make_mailer, db):
    server = smtp_server(authenticator=_check_login, auth_required=True, auth_require_tls=False)
    good = make_mailer(server.url(userinfo="mailer:p%40ss%3Aw%2Frd@"))
    assert good.send(Message(to="ada@example.com", subject="Hi", text="Hi")).status == "sent"
    assert server.delivered[0].login.login == b"mailer"

    bad = make_mailer(server.url(userinfo="mailer:wrong@"))
    result = bad.send(Message(to="ada@example.com", subject="Hi", text="Hi"))
    assert result.status == "queued" and "535" in result.error  # a setup problem: it waits
    assert len(server.delivered) == 1


def test_starttls_is_required_by_smtp_starttls_urls(smtp_server, make_mailer, tls_files):
    server = smtp_server(tls_context=server_tls(tls_files), require_starttls=True)
    cafile = f"&cafile={tls_files[0]}"
    mailer = make_mailer(server.url("smtp+starttls", query=cafile))
    assert mailer.send(Message(to="ada@example.com", subject="Hi", text="Hi")).status == "sent"
    assert len(server.delivered) == 1

    plain = make_mailer(server.url("smtp"))
    result = plain.send(Message(to="ada@example.com", subject="Hi", text="Hi"))
    assert result.status == "queued" and "530" in result.error
    untrusted = make_mailer(server.url("smtp+starttls"))  # the system CAs do not know this cert
    result = untrusted.send(Message(to="ada@example.com", subject="Hi", text="Hi"))
    assert result.status == "queued" and "CERTIFICATE_VERIFY_FAILED" in result.error
    assert len(server.delivered) == 1


def test_smtps_urls_speak_tls_from_the_first_byte(smtp_server, make_mailer, tls_files):
    server = smtp_server(ssl_context=server_tls(tls_files))
    mailer = make_mailer(server.url("smtps", query=f"&cafile={tls_files[0]}"))
    assert mailer.send(Message(to="ada@example.com", subject="Over TLS", text="Hi")).status == "sent"
    assert [d.email["Subject"] for d in server.delivered] == ["Over TLS"]
