"""A daily limit on outreach email sent from the platform's address, for every tier (issue 18,
finding 15: a Pro user could send unlimited email to arbitrary addresses)."""

from __future__ import annotations

import threading
from datetime import UTC, timedelta

import pytest

from lightninghire.api import StartupError
from lightninghire.testing import assert_error, assert_ok
from tests.plugins.outreach.conftest import add_contact, draft, run_task, seeker

LIMITS = {"plugins.outreach.daily_sends": {"free": 1, "pro": 3}}


@pytest.fixture
def limited(make_app):
    return make_app(plugins=["plans", "outreach"], settings=LIMITS)


def _drafts(caller, count: int) -> list[dict]:
    contact = add_contact(caller)
    return [draft(caller, contact["id"], "follow_up", "email") for _ in range(count)]


def _seconds_to_midnight(clock) -> int:
    now = clock.now().astimezone(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return int((midnight - now).total_seconds() + 0.999)


def test_sends_past_the_daily_limit_answer_429_until_midnight_utc(limited, clock):
    pro = seeker(limited, "pro")
    messages = _drafts(pro, 5)
    for message in messages[:3]:
        assert assert_ok(pro.post(f"/api/outreach/{message['id']}/send", json={}))["status"] \
            == "sent"
    refused = pro.post(f"/api/outreach/{messages[3]['id']}/send", json={})
    error = assert_error(refused, 429, "RATE_LIMIT")
    assert "3 outreach emails" in error["message"]
    assert refused.headers["Retry-After"] == str(_seconds_to_midnight(clock))
    assert assert_ok(pro.get(f"/api/outreach/{messages[3]['id']}"))["status"] == "draft"
    assert len(limited.mail) == 3
    # One counter document for the user and the day, no scan of the sent messages.
    [counter] = limited.db["outreach_daily_sends"].find({})
    assert counter["count"] == 3 and counter["userId"] == str(pro.user["_id"])
    # Another user has an allowance of their own; the free tier's is smaller.
    other = limited.api_caller(limited.create_user(tier="free"))
    [first, second] = _drafts(other, 2)
    assert_ok(other.post(f"/api/outreach/{first['id']}/send", json={}))
    assert_error(other.post(f"/api/outreach/{second['id']}/send", json={}), 429, "RATE_LIMIT")
    # A new UTC day, a new allowance.
    clock.advance(seconds=_seconds_to_midnight(clock))
    assert assert_ok(pro.post(f"/api/outreach/{messages[3]['id']}/send", json={}))["status"] \
        == "sent"


def test_concurrent_sends_never_exceed_the_limit(limited):
    pro = seeker(limited, "pro")
    messages = _drafts(pro, 8)
    statuses: list[int] = []
    start = threading.Barrier(len(messages))

    def send(message: dict) -> None:
        start.wait()
        statuses.append(pro.post(f"/api/outreach/{message['id']}/send", json={}).status_code)

    threads = [threading.Thread(target=send, args=(m,)) for m in messages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 3 + [429] * 5
    assert len(limited.mail) == 3


def test_scheduled_sends_past_the_limit_wait_for_the_next_day(limited, clock):
    pro = seeker(limited, "pro")
    messages = _drafts(pro, 5)
    at = (clock.now() + timedelta(minutes=5)).isoformat()
    for message in messages:  # scheduling is not sending: all five are accepted
        assert assert_ok(pro.post(f"/api/outreach/{message['id']}/send",
                                  json={"sendAt": at}))["status"] == "scheduled"
    clock.advance(minutes=5)
    summary = run_task(limited, clock)
    assert (summary["dispatched"], summary["deferred"], summary["sent"]) == (3, 2, 3)
    waiting = [assert_ok(pro.get(f"/api/outreach/{m['id']}")) for m in messages]
    deferred = [m for m in waiting if m["status"] == "scheduled"]
    assert len(deferred) == 2 and all(m["deliveryStatus"] == "deferred" for m in deferred)
    assert run_task(limited, clock)["dispatched"] == 0  # still today
    clock.advance(seconds=_seconds_to_midnight(clock))
    assert run_task(limited, clock)["sent"] == 2
    assert len(limited.mail) == 5


def test_every_tier_has_a_default_limit(make_app):
    from lightninghire_plugins.outreach import outreach_of

    app = make_app(plugins=["plans", "outreach"])
    quota = outreach_of(app.services).messages.quota
    pro, free = seeker(app, "pro"), app.api_caller(app.create_user(tier="free"))
    assert quota.limit_for(pro.user) == 50 and quota.limit_for(free.user) == 10
    with pytest.raises(StartupError, match=r"daily_sends\.pro must be a whole number"):
        make_app(plugins=["plans", "outreach"], settings={"plugins.outreach.daily_sends": {"pro": -1}})
