"""Streaks from domain events, streak-nudges and win-back."""

from __future__ import annotations

from datetime import UTC, datetime

from lightninghire.testing import assert_ok
from tests.plugins.cron.helpers import counts, delivered, emit, run_task


def practise_days(harness, clock, user, days, event="interview.mock_completed"):
    """Activity on ``days`` consecutive days; leaves the clock on the next day."""
    for _ in range(days):
        emit(harness, event, user)
        clock.advance(days=1)


def test_a_streak_about_to_break_gets_one_nudge(make_app, clock):
    clock.set(datetime(2031, 3, 10, 9, 0, tzinfo=UTC))
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    emit(harness, "stories.created", user)
    clock.advance(days=1)
    emit(harness, "applications.stage_changed", user)
    clock.advance(days=1)
    emit(harness, "applications.created", user)
    clock.advance(days=1, hours=8)  # 2031-03-13 17:00: nothing yet today
    assert counts(run_task(harness, "streak-nudges")) == (1, 1, 0)
    assert counts(run_task(harness, "streak-nudges")) == (0, 0, 0)
    [mail] = delivered(harness)
    assert mail.subject == "Keep your 3-day streak going"
    assert "/api/unsubscribe?token=" in mail.header("List-Unsubscribe")
    # The next day, the streak is broken: nothing more.
    clock.advance(days=1)
    assert counts(run_task(harness, "streak-nudges")) == (0, 0, 0)


def test_no_nudge_when_active_today_or_the_streak_is_short(make_app, clock):
    clock.set(datetime(2031, 3, 10, 9, 0, tzinfo=UTC))
    harness = make_app(plugins=["plans", "cron"])
    active_today, one_day = harness.create_user(), harness.create_user()
    emit(harness, "interview.mock_completed", active_today)  # day 1
    clock.advance(days=1)
    emit(harness, "interview.mock_completed", active_today)  # day 2
    emit(harness, "stories.created", one_day)
    clock.advance(days=1)
    emit(harness, "interview.mock_completed", active_today)  # day 3 (today): streak is safe
    # one_day's streak, ending yesterday, is one day: below the minimum of two.
    assert counts(run_task(harness, "streak-nudges")) == (0, 0, 0)


def test_streak_minimum_is_configurable(make_app, clock):
    harness = make_app(plugins=["plans", "cron"], settings={"plugins.cron.streak_min_days": 1})
    user = harness.create_user()
    practise_days(harness, clock, user, 1)
    assert counts(run_task(harness, "streak-nudges")) == (1, 1, 0)
    assert delivered(harness)[0].subject == "Keep your 1-day streak going"


def test_only_practice_events_count_for_the_streak(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    for _ in range(3):  # milestones and unknown events are not practice
        emit(harness, "resumes.created", user)
        emit(harness, "interview.session_started", user)
        emit(harness, "hello.greeted", user)
        clock.advance(days=1)
    harness.emit("interview.mock_completed", {})  # no user: ignored
    assert harness.db["cron_activity"].count_documents({}) == 0
    assert counts(run_task(harness, "streak-nudges")) == (0, 0, 0)


def test_streak_nudges_respect_the_streaks_preference(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    caller = harness.api_caller()
    assert_ok(caller.patch("/api/settings", json={"emails": {"streaks": False}}))
    practise_days(harness, clock, caller.user, 3)
    assert counts(run_task(harness, "streak-nudges")) == (1, 0, 1)
    assert delivered(harness) == []


def test_streak_nudges_honour_an_unsubscribe_from_the_streaks_list(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    harness.services.mail.unsubscribe(user["email"], "streaks")
    practise_days(harness, clock, user, 3)
    assert counts(run_task(harness, "streak-nudges")) == (1, 0, 1)
    assert delivered(harness) == []


def test_win_back_after_14_and_30_idle_days_once_each(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    clock.advance(days=13)
    assert counts(run_task(harness, "win-back")) == (0, 0, 0)
    clock.advance(days=1, hours=1)
    assert counts(run_task(harness, "win-back")) == (1, 1, 0)
    assert counts(run_task(harness, "win-back")) == (0, 0, 0)
    clock.advance(days=16)
    assert counts(run_task(harness, "win-back")) == (1, 1, 0)
    clock.advance(days=5)
    assert counts(run_task(harness, "win-back")) == (0, 0, 0)
    clock.advance(days=30)  # past 60 idle days: left alone
    assert counts(run_task(harness, "win-back")) == (0, 0, 0)
    mails = delivered(harness)
    assert [m.subject for m in mails] == ["We saved your place", "Your interview prep is waiting"]
    assert {m.to for m in mails} == {user["email"]}


def test_activity_postpones_win_back_and_a_new_lapse_is_won_back_again(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    clock.advance(days=10)
    emit(harness, "applications.created", user)
    clock.advance(days=5)  # 15 days since sign-up, 5 since the last activity
    assert counts(run_task(harness, "win-back")) == (0, 0, 0)
    clock.advance(days=10)
    assert counts(run_task(harness, "win-back")) == (1, 1, 0)
    clock.advance(days=2)
    emit(harness, "stories.created", user)  # back for a day...
    clock.advance(days=15)  # ...then gone again
    assert counts(run_task(harness, "win-back")) == (1, 1, 0)
    assert [m.subject for m in delivered(harness)] == ["We saved your place"] * 2


def test_a_recent_sign_in_is_activity(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    clock.advance(days=20)
    harness.session_caller(user)  # signs in through /api/auth/login
    clock.advance(days=2)
    assert counts(run_task(harness, "win-back")) == (0, 0, 0)
    clock.advance(days=13)
    assert counts(run_task(harness, "win-back")) == (1, 1, 0)
