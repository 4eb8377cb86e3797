"""Signed unsubscribe tokens and the suppression list."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from itsdangerous import URLSafeSerializer
from pymongo.errors import DuplicateKeyError

from lightninghire import BadRequest
from lightninghire.mail import InvalidUnsubscribeToken, Message


def test_a_token_names_the_address_and_the_list(make_mailer):
    mailer = make_mailer()
    token = mailer.unsubscribe_token("Ada Lovelace <Ada@Example.COM>", "marketing")
    assert mailer.verify_unsubscribe_token(token) == ("ada@example.com", "marketing")
    assert mailer.unsubscribe_url("ada@example.com", "marketing") == (
        f"https://app.lightninghire.test/api/unsubscribe?token={token}")


def test_an_altered_token_is_rejected_as_a_bad_request(make_mailer):
    mailer = make_mailer()
    token = mailer.unsubscribe_token("ada@example.com", "marketing")
    payload, tag = token.split(".")
    other_list = base64.urlsafe_b64encode(b"digest\nada@example.com").rstrip(b"=").decode()
    other_person = base64.urlsafe_b64encode(b"marketing\nbob@example.com").rstrip(b"=").decode()
    flipped_tag = tag[:-2] + ("AA" if tag[-2:] != "AA" else "BB")
    for bad in (f"{other_list}.{tag}", f"{other_person}.{tag}", f"{payload}.{flipped_tag}",
                payload, f"{payload}.", f"{token}.x", "", "not a token", "%%%.###"):
        with pytest.raises(InvalidUnsubscribeToken) as caught:
            mailer.verify_unsubscribe_token(bad)
        assert isinstance(caught.value, BadRequest) and caught.value.status == 400


def test_without_a_configured_secret_the_key_is_created_once_and_kept_in_the_database(
        make_mailer, db):
    first = make_mailer()
    token = first.unsubscribe_token("ada@example.com", "digest")
    [stored] = db["mail_keys"].find()
    assert len(stored["key"]) == 32
    restarted = make_mailer()  # another process, or the same after a restart
    assert restarted.verify_unsubscribe_token(token) == ("ada@example.com", "digest")
    assert db["mail_keys"].count_documents({}) == 1


def test_a_configured_secret_signs_without_touching_the_database(make_mailer, db):
    one = make_mailer(signing_secret="a-long-configured-encryption-key")
    two = make_mailer(signing_secret="a-long-configured-encryption-key")
    token = one.unsubscribe_token("ada@example.com", "digest")
    assert two.verify_unsubscribe_token(token) == ("ada@example.com", "digest")
    assert db["mail_keys"].count_documents({}) == 0
    with pytest.raises(InvalidUnsubscribeToken):
        make_mailer().verify_unsubscribe_token(token)  # the database key is another key
    with pytest.raises(InvalidUnsubscribeToken):
        make_mailer(signing_secret="another-secret-entirely").verify_unsubscribe_token(token)


SECRET = "a-long-configured-encryption-key"


def _configured_key(secret: str) -> bytes:
    """The token key for a configured secret, as docs/mail.md describes it (computed here
    independently, so a change of derivation that breaks sent links fails this test)."""
    return hmac.new(secret.encode(), b"lightninghire/mail/unsubscribe-token/v1",
                    hashlib.sha256).digest()


def _legacy_token(key: bytes, list_name: str, email: str) -> str:
    """A link as the code before itsdangerous minted it: still in people's inboxes."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = f"{list_name}\n{email}".encode()
    return f"{b64(payload)}.{b64(hmac.new(key, payload, hashlib.sha256).digest()[:16])}"


def test_links_sent_before_itsdangerous_still_verify(make_mailer, db):
    configured = make_mailer(signing_secret=SECRET)
    old = _legacy_token(_configured_key(SECRET), "marketing", "ada@example.com")
    assert configured.verify_unsubscribe_token(old) == ("ada@example.com", "marketing")
    stored = make_mailer()  # no configured secret: the key kept in mail_keys
    stored.unsubscribe_token("x@example.com", "digest")  # creates the key
    key = bytes(db["mail_keys"].find_one({"_id": "unsubscribe"})["key"])
    old_stored = _legacy_token(key, "*", "bob@example.com")
    assert stored.verify_unsubscribe_token(old_stored) == ("bob@example.com", "*")
    for bad in (old_stored,  # another key
                _legacy_token(_configured_key("another-secret-entirely"), "marketing",
                              "ada@example.com"),
                old[:-2] + ("AA" if not old.endswith("AA") else "BB")):
        with pytest.raises(InvalidUnsubscribeToken):
            configured.verify_unsubscribe_token(bad)


def test_new_tokens_are_itsdangerous_tokens_for_this_purpose_only(make_mailer):
    mailer = make_mailer(signing_secret=SECRET)
    token = mailer.unsubscribe_token("Ada@Example.com", "digest")
    ours = URLSafeSerializer(_configured_key(SECRET), salt="lightninghire.mail.unsubscribe",
                             signer_kwargs={"key_derivation": "hmac",
                                            "digest_method": hashlib.sha256})
    assert ours.loads(token) == ["digest", "ada@example.com"]
    # The same key signing for another purpose (another salt) does not make an unsubscribe link.
    for salt in ("lightninghire.other-purpose", "itsdangerous"):
        other = URLSafeSerializer(_configured_key(SECRET), salt=salt,
                                  signer_kwargs={"key_derivation": "hmac",
                                                 "digest_method": hashlib.sha256})
        with pytest.raises(InvalidUnsubscribeToken):
            mailer.verify_unsubscribe_token(other.dumps(["digest", "ada@example.com"]))
    # Only [list, email] is an unsubscribe payload, even when correctly signed.
    with pytest.raises(InvalidUnsubscribeToken):
        mailer.verify_unsubscribe_token(ours.dumps({"list": "digest"}))


def test_suppressions_are_unique_case_insensitive_and_reversible(make_mailer, db):
    mailer = make_mailer()
    assert mailer.unsubscribe("Ada@Example.com", "marketing") is True
    assert mailer.unsubscribe("ada@example.com", "marketing") is False  # idempotent
    assert db["mail_suppressions"].count_documents({}) == 1
    with pytest.raises(DuplicateKeyError):  # the unique index holds even for direct writes
        db["mail_suppressions"].insert_one({"email": "ada@example.com", "list": "marketing"})

    assert mailer.is_suppressed("ADA <ada@EXAMPLE.com>", "marketing") is True
    assert mailer.is_suppressed("ada@example.com", "digest") is False
    assert mailer.is_suppressed("ada@example.com", None) is False  # transactional
    assert mailer.resubscribe("ada@example.com", "marketing") is True
    assert mailer.is_suppressed("ada@example.com", "marketing") is False


def test_a_global_suppression_blocks_every_list_but_not_transactional_mail(make_mailer):
    mailer = make_mailer()
    mailer.unsubscribe("ada@example.com", "*", reason="hard bounce")
    for name in ("marketing", "lifecycle", "digest"):
        assert mailer.is_suppressed("ada@example.com", name) is True
    assert mailer.is_suppressed("ada@example.com", None) is False


def test_list_names_are_checked(make_mailer):
    mailer = make_mailer()
    message = Message(to="ada@example.com", subject="Hi", text="Hi")
    for bad in ("Marketing", "*", "news letter", "", "a" * 64):
        with pytest.raises(ValueError, match="mail list"):
            mailer.send(message, list=bad)
    with pytest.raises(ValueError, match="list headers"):
        mailer.send(Message(to="ada@example.com", subject="Hi", text="Hi",
                            headers={"List-Unsubscribe": "<https://elsewhere>"}), list="digest")
