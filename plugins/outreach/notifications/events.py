"""Domain events -> inbox notifications, filtered by ``settings.notifications.<preference>``.

The text is written here from the payload's known keys; an emitter may word it itself with
``{"notification": {"title", "body", "url"}}`` in the payload. Unknown events are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lightninghire_plugins.outreach.notifications.service import NotificationService


def _s(payload: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = payload.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def _when(p: Mapping[str, Any]) -> str:
    """When it happens, as the emitter said it: a local time, else the UTC start, readable."""
    local = _s(p, "localStart")
    if local:
        return local
    raw = _s(p, "startsAt", "at", "when")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%a %b %d, %H:%M UTC")


def _interview(p: Mapping[str, Any]) -> tuple[str, str]:
    # The interview plugin's payload: title (of the interview), company, offset (24h/1h),
    # startsAt, localStart, location, link.
    name, company, when = _s(p, "title", "role"), _s(p, "company"), _when(p)
    soon = {"1h": "Interview in 1 hour", "24h": "Interview tomorrow"}.get(_s(p, "offset"),
                                                                          "Upcoming interview")
    title = f"{soon}: {name}" if name else soon + (f" with {company}" if company else "")
    subject = name or "Your interview"
    if company and company.lower() not in subject.lower():
        subject += f" with {company}"
    body = f"{subject} starts {when}." if when else f"{subject} is coming up: time to prepare."
    if _s(p, "location"):
        body += f" Location: {_s(p, 'location')}."
    return title, body


def _booking(p: Mapping[str, Any]) -> tuple[str, str]:
    # The interview plugin's mentorship.booked and mentorship.cancelled carry the status in
    # their name (set by the rule); an emitter may also give one.
    status, when = _s(p, "status", "change"), _when(p)
    title = {"booked": "Mentorship session booked", "confirmed": "Mentorship session booked",
             "cancelled": "Mentorship session cancelled"}.get(
        status, f"Booking {status}" if status else "Your booking changed")
    mentor = _s(p, "mentorName", "mentor", "with")
    who = ("with a mentee" if _s(p, "role") == "mentor"
           else f"with {mentor}" if mentor else "")
    session = " ".join(part for part in ("Your session", who, f"on {when}" if when else "")
                       if part)
    body = {"booked": f"{session} is booked.", "confirmed": f"{session} is booked.",
            "cancelled": f"{session} was cancelled"
                         + (f" by the {_s(p, 'cancelledBy')}." if _s(p, "cancelledBy")
                            else ".")}.get(status, f"{session} was updated.")
    return title, body


def _digest(p: Mapping[str, Any]) -> tuple[str, str]:
    count = p.get("count", p.get("items"))
    if isinstance(count, list):
        count = len(count)
    body = (f"{count} new job{'s' if count != 1 else ''} match your searches."
            if isinstance(count, int) else "New jobs match your searches.")
    return "Your job digest is ready", body


def _billing(p: Mapping[str, Any]) -> tuple[str, str]:
    tier, status = _s(p, "tier", "plan"), _s(p, "status", "subscriptionStatus")
    if tier:
        return "Your plan changed", f"You are now on the {tier} plan."
    if status:
        return "Your subscription changed", f"Subscription status: {status}."
    return "Your billing changed", "See Settings for your plan and invoices."


def _welcome(p: Mapping[str, Any]) -> tuple[str, str]:
    return ("Welcome to LightningHire",
            "Add a few contacts and draft your first outreach message: warm introductions "
            "beat cold applications.")


@dataclass(frozen=True)
class Rule:
    kind: str
    preference: str | None  # settings.notifications.<preference>; None: always
    text: Callable[[Mapping[str, Any]], tuple[str, str]]
    status: str | None = None  # what the event's name says, for payloads without a status


RULES: dict[str, Rule] = {
    "interview.reminder_due": Rule("interview_reminder", "interviewReminders", _interview),
    "mentorship.booked": Rule("booking_changed", "bookingChanges", _booking, "booked"),
    "mentorship.cancelled": Rule("booking_changed", "bookingChanges", _booking, "cancelled"),
    "digest.ready": Rule("digest_ready", "digestReady", _digest),
    "billing.changed": Rule("billing_changed", "billing", _billing),
    "user.signed_up": Rule("welcome", None, _welcome),
}
# Who emits what RULES react to (the plugin's ``plugin_events["listens"]``): checked at startup
# against what those plugins declare emitting.
LISTENS: dict[str, tuple[str, ...]] = {
    "interview": ("interview.reminder_due", "mentorship.booked", "mentorship.cancelled"),
    "cron": ("digest.ready",),
    "billing": ("billing.changed",),
    "account": ("user.signed_up",),
}


def notify_from_event(event: Any, notifications: NotificationService) -> dict[str, Any] | None:
    rule = RULES.get(event.name)
    if rule is None or not event.user_id:
        return None
    payload = dict(event.payload or {})
    if rule.status and not payload.get("status"):
        payload["status"] = rule.status
    title, body = rule.text(payload)
    # An emitter may word the notification itself: {"notification": {title, body, url}}.
    given = payload.get("notification")
    given = given if isinstance(given, Mapping) else {}
    return notifications.notify(
        event.user_id, rule.kind, _s(given, "title") or title, _s(given, "body") or body,
        url=_s(given, "url") or _s(payload, "url", "link") or None,
        preference=rule.preference, source=event.name)
