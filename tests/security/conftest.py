"""Shared by the security tests: one app with every first-party plugin per module (the tests
use fresh users, so they do not see each other's data), and callers of each kind."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import falcon.testing
import pytest
from pymongo import MongoClient

from lightninghire.app import create_app
from lightninghire.clock import FrozenClock
from lightninghire.mail import MemoryTransport
from lightninghire.testing import AppHarness, Caller, isolated_settings


def build_harness(database_uri: str, overrides: dict[str, Any] | None = None,
                  clock: FrozenClock | None = None) -> AppHarness:
    """Every default plugin on a database of its own; the caller closes it (``close``)."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    transport = MemoryTransport()
    app = create_app(isolated_settings(database_uri, name, overrides), clock=clock or FrozenClock(),
                     mail_transport=transport, record_events=True)
    return AppHarness(app, falcon.testing.TestClient(app), transport)


def close(harness: AppHarness) -> None:
    settings = harness.services.settings
    harness.app.close()
    client: MongoClient[dict[str, Any]] = MongoClient(settings.database.uri)
    try:
        client.drop_database(settings.database.name)
    finally:
        client.close()


@pytest.fixture(scope="module")
def shared(lh_database_uri: str) -> Iterator[AppHarness]:
    harness = build_harness(lh_database_uri)
    yield harness
    close(harness)


def seeker(harness: AppHarness, tier: str = "pro") -> Caller:
    return harness.api_caller(tier=tier)


def recruiter(harness: AppHarness, tier: str = "recruiter_pro") -> Caller:
    return harness.api_caller(tier=tier, user_type="recruiter", roles=["recruiter"])


def mentor(harness: AppHarness) -> Caller:
    return harness.api_caller(tier="pro", roles=["jobseeker", "mentor"])


def admin(harness: AppHarness) -> Caller:
    return harness.api_caller(tier="pro", roles=["jobseeker", "super_admin"])
