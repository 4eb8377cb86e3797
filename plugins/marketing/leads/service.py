"""Lead capture and the drip sequence: no HTTP here, so routes, tasks and events share it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from lightninghire.api import ValidationFailed
from lightninghire_plugins.marketing.leads.config import DripStep, Magnet

LEADS, DRIPS = "marketing_leads", "marketing_lead_drips"
MARKETING_LIST = "marketing"
# Whatever the schedule says, one address never gets two drip mails within this gap (a task
# that was down for days would otherwise send the overdue steps back to back).
MIN_GAP = timedelta(days=1)


# A lead whose opt-in answer was not applied to its drip within this long is taken to have
# lost its deferred call (a crash): the lead-drip task applies it.
PENDING_GRACE = timedelta(minutes=2)


class LeadService:
    def __init__(self, db: Any, mail: Any, events: Any, clock: Any,
                 magnets: Mapping[str, Magnet], steps: list[DripStep],
                 users: Any, defer: Callable[..., None] | None = None) -> None:
        self.db = db
        # The core's read-only account lookups (services.users).
        self.users = users
        self.mail = mail
        self.events = events
        self.clock = clock
        self.magnets = dict(magnets)
        self.steps = list(steps)
        # The drip bookkeeping runs after the answer (services.background.defer).
        self.defer = defer or (lambda fn, *args: fn(*args))

    @property
    def leads(self) -> Any:
        return self.db[LEADS]

    @property
    def drips(self) -> Any:
        return self.db[DRIPS]

    def magnet(self, source: str) -> Magnet:
        magnet = self.magnets.get(source)
        if magnet is None:
            raise ValidationFailed({"source": ["Unknown lead magnet."]},
                                   f"Invalid request body: source: unknown lead magnet {source!r}.")
        return magnet

    # -- capture -----------------------------------------------------------------------------

    def capture(self, email: str, source: str, opt_in: bool,
                utm: Mapping[str, str] | None) -> str:
        """Store (or refresh) the lead, then mail the download link; the link is returned.

        The request pays two writes: the lead (which also marks its opt-in answer as pending for
        the drip) and the outbox row. Applying the answer to the drip and delivering the mail
        happen after the answer; both are persisted first, so a crash only delays them (the
        lead-drip and mail-outbox tasks finish them)."""
        magnet = self.magnet(source)
        now = self.clock.now()
        fields: dict[str, Any] = {"marketingOptIn": opt_in, "updatedAt": now, "dripPending": True}
        if utm:
            fields["utm"] = dict(utm)  # the latest campaign that brought them back wins
        update = {"$set": fields, "$setOnInsert": {"createdAt": now},
                  "$inc": {"submissions": 1}}
        key = {"email": email, "source": source}
        try:
            result = self.leads.update_one(key, update, upsert=True)
        except DuplicateKeyError:  # the same lead submitted twice at once: the other one won
            result = self.leads.update_one(key, update)
        lead_id = result.upserted_id or self.leads.find_one(key, {"_id": 1})["_id"]
        self.defer(self.apply_opt_in, email, source, opt_in, now)
        self.events.emit("lead.captured", {"leadId": str(lead_id), "email": email,
                                           "source": source, "marketingOptIn": opt_in,
                                           "new": result.upserted_id is not None})
        # Persisted first: a mail outage leaves the message queued in the outbox, not lost.
        # The link was asked for, so the mail is transactional (never suppressed).
        self.mail.send_template(email, "core/notice", {
            "title": f"Your {magnet.title}",
            "body": f"Thanks for your interest in LightningHire. Your copy of the "
                    f"{magnet.title} is ready.\n\nThe link keeps working, so keep this email "
                    f"for later.",
            "action_url": magnet.url, "action_label": "Download",
        }, after_response=True)
        return magnet.url

    def apply_opt_in(self, email: str, source: str, opt_in: bool, at: datetime) -> None:
        """Apply one submission's opt-in answer to the drip, then clear its pending mark (only
        if no newer submission came meanwhile: that one applies its own answer)."""
        self._follow_opt_in(email, source, opt_in, at)
        self.leads.update_one({"email": email, "source": source, "updatedAt": at},
                              {"$unset": {"dripPending": ""}})

    def apply_pending(self, limit: int = 500) -> int:
        """Answers whose deferred call was lost (a crash): applied by the lead-drip task."""
        stale = self.clock.now() - PENDING_GRACE
        applied = 0
        for lead in list(self.leads.find({"dripPending": True, "updatedAt": {"$lt": stale}})
                         .limit(limit)):
            self.apply_opt_in(lead["email"], lead["source"], bool(lead.get("marketingOptIn")),
                              lead["updatedAt"])
            applied += 1
        return applied

    def _follow_opt_in(self, email: str, source: str, opt_in: bool, now: datetime) -> None:
        if not opt_in:
            # The latest answer wins: unticking the box stops the sequence.
            self.drips.update_one({"_id": email, "stoppedAt": None},
                                  {"$set": {"stoppedAt": now, "stopReason": "opted_out"}})
            return
        if not self.steps or self._is_user(email):
            return  # someone with an account gets the product's own mail, not the lead drip
        first = now + timedelta(days=self.steps[0].after_days)
        self.drips.update_one(
            {"_id": email},
            {"$setOnInsert": {"source": source, "step": 0, "startedAt": now, "nextAt": first,
                              "stoppedAt": None, "stopReason": None, "lastSentAt": None}},
            upsert=True)
        # Ticked again after unticking: resume where it stopped (steps already sent stay sent).
        self.drips.update_one({"_id": email, "stopReason": "opted_out"},
                              {"$set": {"stoppedAt": None, "stopReason": None,
                                        "nextAt": max(first, now + MIN_GAP)}})

    def _is_user(self, email: str) -> bool:
        # The address already signed up.
        return self.users.by_email(email, ["_id"]) is not None

    # -- the drip ----------------------------------------------------------------------------

    def send_due(self, limit: int = 200) -> dict[str, int]:
        """Send the next step to every drip that is due; each step at most once per address.

        A step is claimed (``step`` k -> k+1, conditional on k) before its mail is handed to the
        outbox, so racing runs never send it twice; a crash in between skips that step rather
        than repeating it.
        """
        now = self.clock.now()
        counts = {"processed": 0, "sent": 0, "stopped": 0}
        due = self.drips.find({"stoppedAt": None, "nextAt": {"$lte": now}}).sort(
            "nextAt", 1).limit(limit)
        for drip in list(due):
            counts["processed"] += 1
            email, step = drip["_id"], drip["step"]
            if step >= len(self.steps):
                counts["stopped"] += self._stop(email, step, "completed", now)
                continue
            if self.mail.is_suppressed(email, MARKETING_LIST):
                counts["stopped"] += self._stop(email, step, "unsubscribed", now)
                continue
            following = step + 1
            if following < len(self.steps):
                planned = drip["startedAt"] + timedelta(days=self.steps[following].after_days)
                next_at: datetime | None = max(planned, now + MIN_GAP)
                update: dict[str, Any] = {"step": following, "nextAt": next_at, "lastSentAt": now}
            else:
                update = {"step": following, "lastSentAt": now, "stoppedAt": now,
                          "stopReason": "completed"}
            claimed = self.drips.update_one({"_id": email, "step": step, "stoppedAt": None},
                                            {"$set": update})
            if not claimed.modified_count:
                continue  # another run took this step
            content = self.steps[step]
            context = {"title": content.subject, "body": content.body}
            if content.action_url:
                context["action_url"] = content.action_url
                context["action_label"] = content.action_label or "Open LightningHire"
            # Bulk list mail: the outbox task delivers it and re-checks the suppression list.
            self.mail.send_template(email, "core/notice", context, list=MARKETING_LIST,
                                    deliver_now=False)
            counts["sent"] += 1
        return counts

    def _stop(self, email: str, step: int, reason: str, now: datetime) -> int:
        done = self.drips.update_one({"_id": email, "step": step, "stoppedAt": None},
                                     {"$set": {"stoppedAt": now, "stopReason": reason}})
        return done.modified_count

    # -- reactions to other domains -------------------------------------------------------

    def stop_for(self, email: str, reason: str) -> int:
        """Stop the sequence of ``email`` (unsubscribed, signed up); idempotent."""
        done = self.drips.update_one({"_id": email.lower(), "stoppedAt": None},
                                     {"$set": {"stoppedAt": self.clock.now(),
                                               "stopReason": reason}})
        return done.modified_count

    def signed_up(self, user_id: str, email: str) -> None:
        """The lead became a user: the drip stops and the leads become theirs (so account
        export and deletion reach them through ``userId``)."""
        self.stop_for(email, "signed_up")
        self.leads.update_many({"email": email.lower()}, {"$set": {"userId": user_id}})

    def forget(self, email: str) -> None:
        """Account deleted: its address's leads and drip go too."""
        self.leads.delete_many({"email": email.lower()})
        self.drips.delete_one({"_id": email.lower()})
