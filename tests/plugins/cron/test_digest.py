"""job-digest: items from the proposed ``collect_digest`` hook, one mail per user per day.

These tests add the hookspec to the running app (see helpers.add_digest_plugin) because the
core does not declare ``collect_digest`` yet.
"""

from __future__ import annotations

from datetime import timedelta

from lightninghire.api import hookimpl
from lightninghire.testing import assert_ok
from tests.plugins.cron.helpers import (
    DigestSource,
    add_digest_plugin,
    counts,
    delivered,
    run_task,
)

JOBS = [
    {"title": "Staff Engineer", "company": "Acme", "location": "Remote",
     "url": "https://jobs.example.com/1", "search": "Remote staff roles"},
    {"title": "Principal Engineer", "company": "Globex", "url": "https://jobs.example.com/2",
     "search": "Remote staff roles"},
]


def test_without_a_digest_source_the_digest_is_empty(make_app):
    harness = make_app(plugins=["plans", "cron"])
    harness.create_user()
    summary = run_task(harness, "job-digest")
    assert summary == {"processed": 0, "sent": 0, "skipped": 0, "failed": 0, "sources": 0}
    assert delivered(harness) == []


def test_each_user_gets_one_digest_a_day_with_their_items(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    ada, bob = harness.create_user(), harness.create_user()
    source = DigestSource({ada["email"]: JOBS})
    add_digest_plugin(harness, source, "jobs-probe")
    summary = run_task(harness, "job-digest")
    assert counts(summary) == (2, 1, 0) and summary["sources"] == 1
    assert counts(run_task(harness, "job-digest")) == (0, 0, 0)  # the rerun sends nothing new
    [mail] = delivered(harness)
    assert (mail.to, mail.subject) == (ada["email"], "Your job digest: 2 new matches")
    assert "Saved search: Remote staff roles" in mail.text
    assert "Staff Engineer - Acme, Remote\nhttps://jobs.example.com/1" in mail.text
    assert "/api/unsubscribe?token=" in mail.header("List-Unsubscribe")
    first_since = dict(source.calls)[ada["email"]]
    assert first_since == clock.now() - timedelta(days=1)
    # The next day, "since" is the last digest that went out.
    sent_at = clock.now()
    clock.advance(days=1)
    source.calls.clear()
    assert counts(run_task(harness, "job-digest")) == (2, 1, 0)
    assert dict(source.calls)[ada["email"]] == sent_at
    assert len(delivered(harness)) == 2 and bob["email"] not in {m.to for m in harness.mail}


def test_digest_opt_out_and_unsubscribe_are_honoured(make_app):
    harness = make_app(plugins=["plans", "cron"])
    opted_out = harness.api_caller()
    assert_ok(opted_out.patch("/api/settings", json={"emails": {"digest": False}}))
    unsubscribed = harness.create_user()
    harness.services.mail.unsubscribe(unsubscribed["email"], "digest")
    source = DigestSource({opted_out.user["email"]: JOBS, unsubscribed["email"]: JOBS})
    add_digest_plugin(harness, source, "jobs-probe")
    assert counts(run_task(harness, "job-digest")) == (2, 0, 2)
    # An opted-out user's saved searches are not even looked at.
    assert [email for email, _ in source.calls] == [unsubscribed["email"]]
    assert delivered(harness) == []


def test_the_digest_walks_users_in_bounded_batches(make_app):
    harness = make_app(plugins=["plans", "cron"], settings={"plugins.cron.batch_size": 2})
    users = [harness.create_user() for _ in range(5)]
    add_digest_plugin(harness, DigestSource({u["email"]: JOBS[:1] for u in users}), "jobs-probe")
    assert [run_task(harness, "job-digest")["sent"] for _ in range(4)] == [2, 2, 1, 0]
    assert sorted(m.to for m in delivered(harness)) == sorted(u["email"] for u in users)


class BrokenSource:
    @hookimpl
    def collect_digest(self, user):
        raise RuntimeError("search backend down")


class SloppySource:
    @hookimpl
    def collect_digest(self, user, since, services):
        return [{"title": "  Data   Engineer  ", "url": "javascript:alert(1)", "salary": 1},
                {"url": "https://no-title.example.com"}, "not a dict",
                {"title": "Data Engineer", "company": "Initech"}]


def test_bad_sources_do_not_break_the_digest(make_app):
    harness = make_app(plugins=["plans", "cron"])
    user = harness.create_user()
    add_digest_plugin(harness, BrokenSource(), "broken")
    add_digest_plugin(harness, SloppySource(), "sloppy")
    add_digest_plugin(harness, DigestSource({user["email"]: JOBS[:1]}), "jobs-probe")
    assert counts(run_task(harness, "job-digest")) == (1, 1, 0)
    [mail] = delivered(harness)
    assert mail.subject == "Your job digest: 3 new matches"
    assert "javascript:" not in mail.text and "salary" not in mail.text
    assert "Data Engineer\n\nData Engineer - Initech" in mail.text


def test_the_digest_is_capped(make_app):
    harness = make_app(plugins=["plans", "cron"], settings={"plugins.cron.digest_max_items": 3})
    user = harness.create_user()
    many = [{"title": f"Job {i}", "url": f"https://jobs.example.com/{i}"} for i in range(10)]
    add_digest_plugin(harness, DigestSource({user["email"]: many}), "jobs-probe")
    run_task(harness, "job-digest")
    [mail] = delivered(harness)
    assert mail.subject == "Your job digest: 3 new matches" and "Job 3" not in mail.text
