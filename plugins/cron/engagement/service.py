"""The engagement tasks: lifecycle series, abandoned sign-ups, streak nudges, win-back and the
job digest. Each run is one bounded batch; each (user, step) is claimed in ``cron_sends``
before its mail is handed to the outbox, so no step is ever mailed twice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bson import ObjectId

from lightninghire.api import week_key
from lightninghire_plugins.cron.config import CronSettings
from lightninghire_plugins.cron.engagement import content
from lightninghire_plugins.cron.engagement.store import (
    ActivityStore,
    MilestoneStore,
    Progress,
    SendLedger,
    day_of,
    streaks,
)

log = logging.getLogger("lightninghire.plugins.cron")

DAY = timedelta(days=1)
# What a step needs of a user: read-only, and nothing secret.
USER_FIELDS = {"email": 1, "name": 1, "userType": 1, "settings": 1, "profile": 1,
               "createdAt": 1, "lastLoginAt": 1, "disabled": 1}
CHUNK = 200
RENEW_EVERY = 25  # deliveries between lease renewals on long batches
DATED_STEP_KEEP = timedelta(days=45)  # a dated step (a day's streak or digest) is kept this long

# Domain events that count as activity: (kind, counts for the practice streak). Streaks count
# mocks, stories, applications and pipeline updates (PRODUCT §6.9); resumes and live sessions
# are checklist milestones only.
ACTIVITY_EVENTS: dict[str, tuple[str, bool]] = {
    "user.signed_up": ("signup", False),
    "interview.mock_completed": ("mock", True),
    "stories.created": ("story", True),
    "applications.created": ("application", True),
    "applications.stage_changed": ("pipeline", True),
    "resumes.created": ("resume", False),
    "interview.session_started": ("live_session", False),
}


@dataclass(frozen=True)
class SeriesStep:
    """A step of a sign-up-relative series: due ``after`` sign-up, still sent up to ``window``
    later (a late run catches up; a user who signed up long ago never gets a welcome)."""

    key: str
    after: timedelta
    window: timedelta
    build: Callable[[Mapping[str, Any], Mapping[str, Any]], content.Mail | None]
    seekers_only: bool = False
    only_unfinished_onboarding: bool = False


def _checklist_missing(user: Mapping[str, Any], member: Mapping[str, Any]) -> list[str]:
    done = dict(member.get("milestones") or {})
    if (user.get("profile") or {}).get("onboardingCompleted"):
        done["onboarding"] = True
    return [key for key, _label in content.CHECKLIST if not done.get(key)]


def _checklist(user: Mapping[str, Any], member: Mapping[str, Any]) -> content.Mail | None:
    missing = _checklist_missing(user, member)
    return content.checklist(missing) if missing else None


LIFECYCLE: tuple[SeriesStep, ...] = (
    SeriesStep("welcome", timedelta(0), timedelta(days=3),
               lambda user, member: content.welcome(user.get("userType", "jobseeker"))),
    SeriesStep("welcome-tips", timedelta(days=2), timedelta(days=3),
               lambda user, member: content.welcome_tips(), seekers_only=True),
    SeriesStep("checklist-3d", timedelta(days=3), timedelta(days=3), _checklist,
               seekers_only=True),
    SeriesStep("checklist-7d", timedelta(days=7), timedelta(days=4), _checklist,
               seekers_only=True),
)
ABANDONED = SeriesStep("abandoned-signup", timedelta(hours=24), timedelta(days=6),
                       lambda user, member: content.abandoned_signup(),
                       only_unfinished_onboarding=True)
# Win-back: inactive 14 days, then 30; nobody idle for longer than 60 days is mailed.
WIN_BACK = ((timedelta(days=30), "win-back-30"), (timedelta(days=14), "win-back-14"))
WIN_BACK_HORIZON = timedelta(days=60)
MILESTONE_NUDGE_WINDOW = timedelta(days=7)  # a milestone older than this is not mailed late
ANALYTICS_HOOK = "cron_analytics_sections"
# Pipeline stages that mean an interview, and an offer (jobsearch's stage names).
INTERVIEW_STAGES = ("interviewing", "offer", "accepted")
OFFER_STAGES = ("offer", "accepted")


def milestones_of(kind: str, member: Mapping[str, Any], payload: Mapping[str, Any]) -> list[str]:
    """The milestones (content.MILESTONES) this activity reaches. Counts are exact per event
    (``$inc`` answers each event its own count), so a threshold is met by one event only."""
    count = int((member.get("counts") or {}).get(kind, 0))
    found = []
    if kind == "application":
        found += ["first-application"] * (count == 1) + ["ten-applications"] * (count == 10)
    elif kind == "mock":
        found += ["first-mock"] * (count == 1) + ["ten-mocks"] * (count == 10)
    elif kind == "story" and count == 1:
        found.append("first-story")
    stage = payload.get("to") if kind == "pipeline" else payload.get("status") \
        if kind == "application" else None
    if stage in INTERVIEW_STAGES:
        found.append("first-interview")
    if stage in OFFER_STAGES:
        found.append("first-offer")
    # Only an activity that counts for the streak carries streakCurrent (record_event).
    streak = int(member.get("streakCurrent", 0))
    found += [f"streak-{n}" for n in (7, 30) if streak == n]
    return found


@dataclass
class Counts:
    processed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.processed += 1
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {"processed": self.processed, "sent": self.sent, "skipped": self.skipped,
                "failed": self.failed, **self.extra}


class Batch:
    """The per-run budget, and lease renewal between chunks of a long run."""

    def __init__(self, size: int, context: Any = None) -> None:
        self.left = size
        self.context = context
        self.lost = False
        self._since_renew = 0

    @property
    def open(self) -> bool:
        return self.left > 0 and not self.lost

    def spend(self) -> None:
        self.left -= 1
        self._since_renew += 1
        if self._since_renew >= RENEW_EVERY and self.context is not None:
            self._since_renew = 0
            # False: another run took over after our lease ran out; stop this one.
            self.lost = not self.context.renew_lease()


def wants(user: Mapping[str, Any], key: str) -> bool:
    """``settings.emails.<key>``; every group defaults to on (core account defaults)."""
    emails = (user.get("settings") or {}).get("emails") or {}
    return emails.get(key, True) is not False


class Engagement:
    def __init__(self, services: Any, settings: CronSettings) -> None:
        self.services = services
        self.settings = settings
        self.ledger = SendLedger(services.db)
        self.activity = ActivityStore(services.db)
        self.progress = Progress(services.db)
        self.milestones = MilestoneStore(services.db)

    @property
    def users(self) -> Any:
        """The core's read-only account lookups (``services.users``)."""
        return self.services.users

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    # -- events ----------------------------------------------------------------------------

    def welcome(self, user_id: str) -> str | None:
        """The first lifecycle step at sign-up rather than at the next hourly run; the ledger
        claim keeps ``lifecycle-emails`` from sending it again."""
        if not ObjectId.is_valid(user_id):
            return None
        user = self.users.get(user_id, USER_FIELDS)
        if user is None or user.get("disabled") or not user.get("email"):
            return None
        step = LIFECYCLE[0]
        member = self.activity.members([user_id]).get(user_id, {})
        return self.deliver(user, step.key, "lifecycle-emails", preference="lifecycle",
                            mail_list="lifecycle", build=lambda: step.build(user, member),
                            deliver_now=None)

    def record_event(self, name: str, user_id: str | None, at: datetime,
                     payload: Mapping[str, Any] | None = None) -> bool:
        known = ACTIVITY_EVENTS.get(name)
        if known is None or not user_id:
            return False
        kind, streak = known
        member = self.activity.record(user_id, kind, at, streak=streak)
        if not streak:
            member = {k: v for k, v in member.items() if k != "streakCurrent"}
        for key in milestones_of(kind, member, payload or {}):
            self.milestones.reach(user_id, key, at)
        return True

    # -- sending ---------------------------------------------------------------------------

    def deliver(self, user: Mapping[str, Any], step: str, task: str, *, preference: str,
                mail_list: str, build: Callable[[], content.Mail | None],
                expires_at: datetime | None = None, deliver_now: bool | None = False
                ) -> str | None:
        """Claim the step, then mail it: ``sent``, ``skipped``, ``failed``, or ``None`` when
        another run already holds the claim."""
        user_id = str(user["_id"])
        now = self.now
        if not self.ledger.claim(user_id, step, task, now, expires_at):
            return None
        if not wants(user, preference):
            self.ledger.finish(user_id, step, now, "skipped", reason="preference")
            return "skipped"
        mail = build()
        if mail is None:
            self.ledger.finish(user_id, step, now, "skipped", reason="nothing-to-send")
            return "skipped"
        context = {"title": mail.title, "body": mail.body, "name": user.get("name") or None,
                   "action_url": f"{self.settings.app_url}{mail.path}",
                   "action_label": mail.action_label}
        try:
            # Bulk mail: stored now, delivered by the mail-outbox task (docs/mail.md); one
            # mail for one request (the welcome) goes out as the mail settings say.
            result = self.services.mail.send_template(user["email"], "core/notice", context,
                                                      list=mail_list, deliver_now=deliver_now)
        except ValueError as exc:  # an address the mail service can never send to
            self.ledger.finish(user_id, step, now, "failed", reason=str(exc)[:200])
            return "failed"
        self.ledger.finish(user_id, step, now, result.status, mailId=result.id)
        if result.status in ("sent", "queued"):
            return "sent"
        return "skipped" if result.status == "suppressed" else "failed"

    def _users(self, query: Mapping[str, Any], sort: str = "createdAt") -> Iterator[dict[str, Any]]:
        for user in self.users.find(query, fields=USER_FIELDS, sort=sort):
            if not user.get("disabled") and user.get("email"):
                yield user

    def _series(self, steps: tuple[SeriesStep, ...], task: str, preference: str,
                batch: Batch) -> Counts:
        counts = Counts()
        now = self.now
        for step in steps:
            if not batch.open:
                break
            query: dict[str, Any] = {"createdAt": {"$gt": now - step.after - step.window,
                                                   "$lte": now - step.after}}
            if step.seekers_only:
                query["userType"] = "jobseeker"
            for chunk in _chunks(self._users(query), CHUNK):
                done = self.ledger.handled(step.key, [str(u["_id"]) for u in chunk])
                todo = [u for u in chunk if str(u["_id"]) not in done]
                if step.only_unfinished_onboarding:
                    todo = [u for u in todo if not (u.get("profile") or {}).get("onboardingCompleted")]
                members = self.activity.members(str(u["_id"]) for u in todo)
                for user in todo:
                    if not batch.open:
                        break
                    member = members.get(str(user["_id"]), {})
                    outcome = self.deliver(user, step.key, task, preference=preference,
                                           mail_list="lifecycle",
                                           build=lambda u=user, m=member, s=step: s.build(u, m))
                    if outcome is not None:
                        counts.add(outcome)
                        batch.spend()
                if not batch.open:
                    break
        return counts

    # -- the tasks -------------------------------------------------------------------------

    def lifecycle(self, context: Any = None) -> dict[str, Any]:
        """Welcome series and onboarding-checklist nudges."""
        batch = Batch(self.settings.batch_size, context)
        return self._series(LIFECYCLE, "lifecycle-emails", "lifecycle", batch).as_dict()

    def abandoned_signups(self, context: Any = None) -> dict[str, Any]:
        """Sign-ups that did not finish onboarding within 24 hours."""
        batch = Batch(self.settings.batch_size, context)
        return self._series((ABANDONED,), "abandoned-signup", "lifecycle", batch).as_dict()

    def streak_nudges(self, context: Any = None) -> dict[str, Any]:
        """Users whose practice streak ends yesterday: today breaks it unless they act."""
        batch = Batch(self.settings.batch_size, context)
        counts = Counts()
        now = self.now
        today, yesterday = day_of(now), day_of(now - DAY)
        step = f"streak:{today}"
        candidates = self.activity.active_on(yesterday)
        active_today = set(self.activity.active_on(today, candidates))
        done = self.ledger.handled(step, candidates)
        todo = [uid for uid in candidates if uid not in active_today and uid not in done]
        for chunk in _chunks(iter(todo), CHUNK):
            if not batch.open:
                break
            users = self.users.many(chunk, USER_FIELDS)
            for uid in chunk:
                user = users.get(uid)
                if not batch.open:
                    break
                if user is None or user.get("disabled"):
                    continue
                days = self.activity.streak(uid, now - DAY)
                if days < self.settings.streak_min_days:
                    continue
                outcome = self.deliver(user, step, "streak-nudges", preference="streaks",
                                       mail_list="streaks",
                                       build=lambda d=days: content.streak(d),
                                       expires_at=now + DATED_STEP_KEEP)
                if outcome is not None:
                    counts.add(outcome)
                    batch.spend()
        return counts.as_dict()

    def win_back(self, context: Any = None) -> dict[str, Any]:
        """Users inactive for 14 days, then 30 days: once per stretch of inactivity."""
        batch = Batch(self.settings.batch_size, context)
        counts = Counts()
        now = self.now
        low, high = now - WIN_BACK_HORIZON, now - WIN_BACK[-1][0]
        query = {"$or": [{"lastLoginAt": {"$gte": low, "$lte": high}},
                         {"lastLoginAt": None, "createdAt": {"$gte": low, "$lte": high}}]}
        for chunk in _chunks(self._users(query, sort="_id"), CHUNK):
            if not batch.open:
                break
            members = self.activity.members(str(u["_id"]) for u in chunk)
            due: list[tuple[dict[str, Any], str, int]] = []
            for user in chunk:
                last = _last_active(user, members.get(str(user["_id"]), {}))
                idle = now - last
                for threshold, name in WIN_BACK:
                    if threshold <= idle < WIN_BACK_HORIZON:
                        # Keyed by the day activity stopped: a user who comes back and lapses
                        # again later is a new stretch, and may be won back again.
                        due.append((user, f"{name}:{day_of(last)}", threshold.days))
                        break
            done = self.ledger.handled_pairs((str(u["_id"]), step) for u, step, _ in due)
            for user, step, days in due:
                if not batch.open:
                    break
                if (str(user["_id"]), step) in done:
                    continue
                outcome = self.deliver(user, step, "win-back", preference="lifecycle",
                                       mail_list="lifecycle",
                                       build=lambda d=days: content.win_back(d))
                if outcome is not None:
                    counts.add(outcome)
                    batch.spend()
        return counts.as_dict()

    # -- the job digest --------------------------------------------------------------------

    def digest_sources(self) -> int:
        caller = getattr(self.services.plugins.hook, "collect_digest", None)
        # Until a plugin implements the hook (jobsearch), the digest is simply empty.
        return len(caller.get_hookimpls()) if caller is not None else 0

    def collect(self, user: Mapping[str, Any], since: datetime) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[tuple[str | None, ...]] = set()
        for plugin, result in self.services.plugins.call_each(
                "collect_digest", on_error=_log_digest_failure, user=user, since=since,
                services=self.services):
            for raw in result or []:
                item = clean_item(raw)
                if item is None:
                    log.warning("plugin %s: collect_digest returned an invalid item", plugin)
                    continue
                # Two sources may find the same job: keep it once.
                key = (item["title"], item.get("company"), item.get("url"))
                if key not in seen:
                    seen.add(key)
                    items.append(item)
        return items[:self.settings.digest_max_items]

    def job_digest(self, context: Any = None) -> dict[str, Any]:
        """The daily digest of new matches for saved searches (items from ``collect_digest``)."""
        counts = Counts()
        sources = self.digest_sources()
        counts.extra["sources"] = sources
        if not sources:
            return counts.as_dict()
        batch = Batch(self.settings.batch_size, context)
        now = self.now
        today = day_of(now)
        step, cursor_key = f"digest:{today}", f"job-digest:{today}"
        after = self.progress.get(cursor_key)
        query = {"_id": {"$gt": after}} if after is not None else {}
        users = list(self.users.find(query, fields=USER_FIELDS, limit=batch.left))
        last = None
        for user in users:
            if not batch.open:
                break
            last = user["_id"]
            batch.spend()
            if user.get("disabled") or not user.get("email"):
                continue
            if not wants(user, "digest"):
                counts.add("skipped")
                continue
            user_id = str(user["_id"])
            if self.ledger.handled(step, [user_id]):
                continue
            since = max(self.ledger.last_delivered(user_id, "job-digest") or now - DAY,
                        now - timedelta(days=7))
            items = self.collect(user, since)
            if not items:
                counts.processed += 1
                continue
            outcome = self.deliver(user, step, "job-digest", preference="digest",
                                   mail_list="digest", build=lambda i=items: content.digest(i),
                                   expires_at=now + DATED_STEP_KEEP)
            if outcome is not None:
                counts.add(outcome)
            if outcome == "sent":  # e.g. outreach's in-app "your digest is ready"
                self.services.events.emit("digest.ready", {"count": len(items)},
                                          user_id=user_id)
        if last is not None:
            self.progress.set(cursor_key, last, now, now + timedelta(days=2))
        return counts.as_dict()

    # -- milestones and the weekly digest -----------------------------------------------------

    def milestone_nudges(self, context: Any = None) -> dict[str, Any]:
        """Mail each milestone reached in the last 7 days, once (PRODUCT §6.9)."""
        batch = Batch(self.settings.batch_size, context)
        counts = Counts()
        now = self.now
        pending = self.milestones.pending(batch.left)
        users = self.users.many(sorted({d["userId"] for d in pending}), USER_FIELDS)
        for doc in pending:
            if not batch.open:
                break
            user = users.get(doc["userId"])
            reached = doc.get("reachedAt")
            if user is None or user.get("disabled") or not user.get("email") or \
                    not isinstance(reached, datetime) or now - _aware(reached) > \
                    MILESTONE_NUDGE_WINDOW or doc["key"] not in content.MILESTONES:
                self.milestones.nudged(doc, "expired", now)
                continue
            outcome = self.deliver(user, f"milestone:{doc['key']}", "milestone-nudges",
                                   preference="milestones", mail_list="milestones",
                                   build=lambda k=doc["key"]: content.milestone(k))
            # None: the ledger already holds this step (a run that stopped before this mark).
            self.milestones.nudged(doc, outcome or "duplicate", now)
            if outcome is not None:
                counts.add(outcome)
                batch.spend()
        return counts.as_dict()

    def analytics_sources(self) -> int:
        caller = getattr(self.services.plugins.hook, ANALYTICS_HOOK, None)
        return len(caller.get_hookimpls()) if caller is not None else 0

    def sections(self, user_id: str, weeks: int, detail: bool) -> dict[str, Any]:
        """Every plugin's analytics sections (``cron_analytics_sections``); the first enabled
        plugin to answer a section name keeps it."""
        found: dict[str, Any] = {}
        for plugin, answer in self.services.plugins.call_each(
                ANALYTICS_HOOK, on_error=_log_analytics_failure, user_id=user_id, weeks=weeks,
                detail=detail, services=self.services):
            for name, section in (answer or {}).items():
                if name in found:
                    log.warning("plugin %s: analytics section %r already answered", plugin, name)
                    continue
                found[name] = section
        return found

    def analytics(self, user_id: str, weeks: int, detail: bool) -> dict[str, Any]:
        """The seeker analytics: the plugins' sections, the streak and the milestones."""
        now = self.now
        reached = self.milestones.of(user_id)
        return {
            "view": "full" if detail else "summary", "weeks": weeks if detail else None,
            "sections": self.sections(user_id, weeks, detail),
            "streaks": streaks(self.activity.member(user_id), now),
            "milestones": [{"key": key, "label": label, "reached": key in reached,
                            "reachedAt": reached.get(key)}
                           for key, (label, *_rest) in content.MILESTONES.items()],
        }

    def weekly_digest(self, context: Any = None) -> dict[str, Any]:
        """Monday's summary of the past week for seekers: pipeline, practice, streak, and the
        interviews coming up."""
        counts = Counts()
        if not self.analytics_sources():
            counts.extra["sources"] = 0
            return counts.as_dict()
        batch = Batch(self.settings.batch_size, context)
        now = self.now
        week = week_key(now - timedelta(days=7))  # the week that ended
        step, cursor_key = f"weekly:{week}", f"weekly-digest:{week}"
        after = self.progress.get(cursor_key)
        query: dict[str, Any] = {"userType": "jobseeker"}
        if after is not None:
            query["_id"] = {"$gt": after}
        last = None
        for user in list(self.users.find(query, fields=USER_FIELDS, limit=batch.left)):
            if not batch.open:
                break
            last = user["_id"]
            batch.spend()
            if user.get("disabled") or not user.get("email"):
                continue
            user_id = str(user["_id"])
            if self.ledger.handled(step, [user_id]):
                continue
            if not wants(user, "weekly"):
                counts.add("skipped")
                continue
            figures, upcoming = self._week_figures(user_id, now)
            if not figures and not upcoming:
                counts.processed += 1  # a quiet week: no mail
                continue
            outcome = self.deliver(user, step, "weekly-digest", preference="weekly",
                                   mail_list="weekly",
                                   build=lambda f=figures, u=upcoming: content.weekly(week, f, u),
                                   expires_at=now + DATED_STEP_KEEP)
            if outcome is not None:
                counts.add(outcome)
        if last is not None:
            self.progress.set(cursor_key, last, now, now + timedelta(days=8))
        return counts.as_dict()

    def _week_figures(self, user_id: str, now: datetime) -> tuple[list[str], list[Any]]:
        """The past week's lines of the digest (only what happened), and what is coming up."""
        sections = self.sections(user_id, 2, True)
        lines: list[str] = []
        pipeline = sections.get("pipeline") or {}
        weekly = pipeline.get("applicationsPerWeek") or []
        if weekly and weekly[0].get("count"):
            funnel = {f["stage"]: f["count"] for f in pipeline.get("funnel", [])}
            lines.append(f"{weekly[0]['count']} application(s) sent; in all "
                         f"{funnel.get('applied', 0)} applied, "
                         f"{funnel.get('interviewing', 0)} interviewing, "
                         f"{funnel.get('offer', 0)} offer(s)")
        practice = sections.get("practice") or {}
        trend = practice.get("scoreTrend") or []
        if trend and trend[0].get("answers"):
            lines.append(f"{trend[0]['answers']} answer(s) practised, average score "
                         f"{trend[0]['average']}/10")
            weakest = practice.get("weakestCategories") or []
            if weakest:
                lines.append(f"Weakest category so far: {weakest[0]['category']} "
                             f"({weakest[0]['average']}/10)")
        streak = streaks(self.activity.member(user_id), now)
        if streak["current"] >= 2:
            lines.append(f"Practice streak: {streak['current']} days (longest "
                         f"{streak['longest']})")
        upcoming = [i for i in (sections.get("interviews") or {}).get("upcoming", [])
                    if isinstance(i, Mapping)][:5]
        return lines, upcoming


def _last_active(user: Mapping[str, Any], member: Mapping[str, Any]) -> datetime:
    times = [t for t in (user.get("createdAt"), user.get("lastLoginAt"),
                         member.get("lastActiveAt")) if isinstance(t, datetime)]
    return max(_aware(t) for t in times)


def _aware(when: datetime) -> datetime:
    # pymongo hands back naive UTC datetimes unless the client is tz-aware.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _log_analytics_failure(plugin: str, exc: Exception) -> None:
    # One plugin's failure leaves the other sections in the answer.
    log.error("plugin %s: cron_analytics_sections failed", plugin, exc_info=exc)


def _log_digest_failure(plugin: str, exc: Exception) -> None:
    # One plugin's failure leaves the others' items in the digest.
    log.error("plugin %s: collect_digest failed", plugin, exc_info=exc)


_TEXT_LIMITS = {"title": 200, "company": 120, "location": 120, "search": 120}


def clean_item(raw: Any) -> dict[str, Any] | None:
    """A digest item as mailed: ``title`` (required), ``url`` (http/https), ``company``,
    ``location``, ``search`` (the saved search's name); anything else is dropped."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("title"), str):
        return None
    item: dict[str, Any] = {}
    for key, limit in _TEXT_LIMITS.items():
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            item[key] = " ".join(value.split())[:limit]
    if "title" not in item:
        return None
    url = raw.get("url")
    if isinstance(url, str) and len(url) <= 2000 and urlsplit(url).scheme in ("http", "https") \
            and not any(c.isspace() for c in url):
        item["url"] = url
    return item
