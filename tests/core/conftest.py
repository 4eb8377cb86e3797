"""Fixtures shared by the core's own tests."""

from __future__ import annotations

from typing import Any

import pytest

from lightninghire.db import Database
from lightninghire.mail import Mailer, MemoryTransport, SmtpTransport

# test_mail.py asserts these as it reads them.
MAIL_SENDER = "LightningHire <no-reply@lightninghire.test>"
MAIL_PUBLIC_URL = "https://app.lightninghire.test"


@pytest.fixture
def db(lh_db):
    """The test's fresh database (``lh_db``)."""
    return lh_db


@pytest.fixture
def make_mailer(lh_db, clock):
    """``make_mailer(url=None, database=None, **options)``: a ``Mailer`` with its indexes, on the
    test's database; ``url`` an ``SMTP_URL`` (none: mail is kept in memory)."""

    def factory(url: str | None = None, *, database: Database | None = None,
                **options: Any) -> Mailer:
        transport = SmtpTransport.from_url(url) if url else MemoryTransport()
        mailer = Mailer(transport, MAIL_SENDER, db=database or lh_db, clock=clock,
                        public_url=MAIL_PUBLIC_URL, **options)
        mailer.ensure_indexes()
        return mailer

    return factory
