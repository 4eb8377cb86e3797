"""lifecycle-emails and abandoned-signup: each step once, on time, honouring preferences."""

from __future__ import annotations

import pytest

from lightninghire.testing import assert_ok
from tests.plugins.cron.helpers import counts, delivered, emit, run_task


def subjects(harness, email=None):
    return [m.subject for m in delivered(harness) if email is None or m.to == email]


def test_each_welcome_series_step_is_sent_exactly_once(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user(name="Ada Lovelace")
    assert counts(run_task(harness, "lifecycle-emails")) == (1, 1, 0)
    assert counts(run_task(harness, "lifecycle-emails")) == (0, 0, 0)  # a rerun sends nothing
    [welcome] = delivered(harness)
    assert (welcome.to, welcome.subject) == (user["email"], "Welcome to LightningHire")
    assert "Hi Ada Lovelace" in welcome.text and "mock interview" in welcome.text
    assert "/api/unsubscribe?token=" in welcome.header("List-Unsubscribe")
    assert welcome.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"

    clock.advance(days=2)
    assert counts(run_task(harness, "lifecycle-emails")) == (1, 1, 0)
    clock.advance(days=1)
    emit(harness, "applications.created", user)
    emit(harness, "interview.mock_completed", user)
    assert counts(run_task(harness, "lifecycle-emails")) == (1, 1, 0)
    checklist = delivered(harness)[-1]
    assert checklist.subject == "Your setup checklist: 3 steps left"
    assert "Upload a resume" in checklist.text and "Run a mock interview" not in checklist.text
    clock.advance(days=4)
    assert counts(run_task(harness, "lifecycle-emails")) == (1, 1, 0)
    for _ in range(3):
        clock.advance(days=5)
        assert counts(run_task(harness, "lifecycle-emails")) == (0, 0, 0)
    assert subjects(harness) == [
        "Welcome to LightningHire", "Practice a little every day",
        "Your setup checklist: 3 steps left", "Your setup checklist: 3 steps left"]


def test_a_finished_checklist_sends_no_nudge(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.api_caller()
    assert_ok(user.patch("/api/me", json={"profile": {"onboardingCompleted": True}}))
    for name in ("applications.created", "resumes.created", "interview.mock_completed",
                 "interview.session_started"):
        emit(harness, name, user.user)
    clock.advance(days=3, hours=1)
    summary = run_task(harness, "lifecycle-emails")
    # welcome-tips and checklist-3d are due; the checklist has nothing left to say.
    assert counts(summary) == (2, 1, 1)
    assert subjects(harness) == ["Practice a little every day"]


def test_recruiters_get_their_own_welcome_and_no_seeker_nudges(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    harness.create_user(user_type="recruiter")
    run_task(harness, "lifecycle-emails")
    clock.advance(days=3)
    run_task(harness, "lifecycle-emails")
    [welcome] = delivered(harness)
    assert "requisition" in welcome.text


def test_people_who_signed_up_long_ago_get_no_series(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    harness.create_user()
    clock.advance(days=12)
    assert counts(run_task(harness, "lifecycle-emails")) == (0, 0, 0)
    assert delivered(harness) == []


def test_unsubscribed_and_opted_out_users_are_skipped_once(make_app):
    harness = make_app(plugins=["plans", "cron"])
    left_list = harness.create_user()
    left_all = harness.create_user()
    opted_out = harness.api_caller()
    keeps = harness.create_user()
    harness.services.mail.unsubscribe(left_list["email"], "lifecycle")
    harness.services.mail.unsubscribe(left_all["email"], "*")
    assert_ok(opted_out.patch("/api/settings", json={"emails": {"lifecycle": False}}))
    assert counts(run_task(harness, "lifecycle-emails")) == (4, 1, 3)
    assert [m.to for m in delivered(harness)] == [keeps["email"]]
    # The preference is checked before any mail is made: nothing for them in the outbox.
    outbox = {doc["to"] for doc in harness.db["mail_outbox"].find()}
    assert opted_out.user["email"] not in outbox
    sends = {d["userId"]: d["status"] for d in harness.db["cron_sends"].find({"step": "welcome"})}
    assert sends[str(opted_out.user["_id"])] == "skipped"
    assert sends[str(left_list["_id"])] == "suppressed"
    assert counts(run_task(harness, "lifecycle-emails")) == (0, 0, 0)


def test_disabled_accounts_get_nothing(make_app):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    harness.db["users"].update_one({"_id": user["_id"]}, {"$set": {"disabled": True}})
    assert counts(run_task(harness, "lifecycle-emails")) == (0, 0, 0)


def test_each_run_is_bounded_by_the_batch_size(make_app):
    harness = make_app(plugins=["plans", "cron"], settings={"plugins.cron.batch_size": 2})
    for _ in range(5):
        harness.create_user()
    assert [run_task(harness, "lifecycle-emails")["sent"] for _ in range(4)] == [2, 2, 1, 0]
    assert len({m.to for m in delivered(harness)}) == 5


def test_a_claimed_step_is_never_sent_again(make_app):
    # Persist first: the claim is written before the mail, so a claim left by a run that died
    # before sending blocks the step rather than risking a second mail.
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    harness.db["cron_sends"].insert_one({"userId": str(user["_id"]), "step": "welcome",
                                         "task": "lifecycle-emails", "status": "claimed"})
    assert counts(run_task(harness, "lifecycle-emails")) == (0, 0, 0)
    assert delivered(harness) == []


def test_abandoned_signup_follows_up_after_24_hours_once(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    stalled = harness.create_user()
    finished = harness.api_caller()
    assert_ok(finished.patch("/api/me", json={"profile": {"onboardingCompleted": True}}))
    clock.advance(hours=23)
    assert counts(run_task(harness, "abandoned-signup")) == (0, 0, 0)
    clock.advance(hours=2)
    assert counts(run_task(harness, "abandoned-signup")) == (1, 1, 0)
    assert counts(run_task(harness, "abandoned-signup")) == (0, 0, 0)
    clock.advance(days=2)
    assert counts(run_task(harness, "abandoned-signup")) == (0, 0, 0)
    [mail] = delivered(harness)
    assert (mail.to, mail.subject) == (stalled["email"],
                                       "Finish setting up your LightningHire account")
    assert "http://testserver/onboarding" in mail.text


# Both lifecycle e-mails, each once it is due: a user who turned lifecycle mail off is skipped.
@pytest.mark.parametrize(("task", "due_after_days"), [("abandoned-signup", 2), ("win-back", 15)])
def test_lifecycle_emails_respect_the_lifecycle_preference(make_app, clock, task, due_after_days):
    harness = make_app(plugins=["plans", "cron"])
    caller = harness.api_caller()
    assert_ok(caller.patch("/api/settings", json={"emails": {"lifecycle": False}}))
    clock.advance(days=due_after_days)
    assert counts(run_task(harness, task)) == (1, 0, 1)
    assert delivered(harness) == []


def test_app_url_setting_sets_the_links(make_app):
    harness = make_app(plugins=["plans", "cron"],
                       settings={"plugins.cron.app_url": "https://app.example.com/"})
    harness.create_user()
    run_task(harness, "lifecycle-emails")
    [mail] = delivered(harness)
    assert "https://app.example.com/dashboard" in mail.text
