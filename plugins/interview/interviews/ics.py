"""iCalendar (RFC 5545) text for scheduled interviews: one event or a whole feed.

Built with the ``icalendar`` package, which escapes text values, folds lines at 75 octets
(never inside a UTF-8 sequence) and writes UTC times with ``Z``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event

PRODID = "-//LightningHire//Interviews//EN"


def _utc(when: datetime) -> datetime:
    # pymongo hands back naive datetimes that are UTC; without a zone icalendar would write a
    # "floating" local time, which every calendar app reads differently.
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _description(event: Mapping[str, Any]) -> str:
    people = [p["name"] + (f" ({p['title']})" if p.get("title") else "")
              for p in event.get("interviewers", [])]
    return "\n".join(filter(None, [
        f"Interviewers: {', '.join(people)}" if people else "",
        f"Link: {event['link']}" if event.get("link") else "",
        event.get("notes") or ""]))


def event_component(event: Mapping[str, Any], now: datetime, host: str) -> Event:
    """One stored interview as a ``VEVENT`` with a display alarm an hour before."""
    start = _utc(event["startsAt"])
    try:
        end = start + timedelta(minutes=event.get("durationMinutes") or 60)
    except OverflowError:  # a row stored before start times were bounded (year 9999)
        end = start
    component = Event()
    component.add("uid", f"{event['_id']}@{host}")
    component.add("dtstamp", _utc(now))
    component.add("dtstart", start)
    component.add("dtend", end)
    component.add("summary", event["title"])
    if event.get("location") or event.get("link"):
        component.add("location", event.get("location") or event["link"])
    if event.get("link"):
        component.add("url", event["link"])
    if description := _description(event):
        component.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event["title"])
    alarm.add("trigger", timedelta(hours=-1))
    component.add_component(alarm)
    return component


def calendar(events: Iterable[Mapping[str, Any]], now: datetime, host: str,
             name: str = "Interviews") -> str:
    """A ``VCALENDAR`` holding one ``VEVENT`` per interview, as CRLF-terminated text."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event_component(event, now, host))
    return cal.to_ical().decode("utf-8")
