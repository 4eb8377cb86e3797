"""iCalendar (RFC 5545) text for scheduled interviews: one event or a whole feed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

PRODID = "-//LightningHire//Interviews//EN"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        parts.append(raw[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


def event_lines(event: Mapping[str, Any], now: datetime, host: str) -> list[str]:
    start = event["startsAt"]
    try:
        end = start + timedelta(minutes=event.get("durationMinutes") or 60)
    except OverflowError:  # a row stored before start times were bounded (year 9999)
        end = start
    people = [p["name"] + (f" ({p['title']})" if p.get("title") else "")
              for p in event.get("interviewers", [])]
    description = "\n".join(filter(None, [
        f"Interviewers: {', '.join(people)}" if people else "",
        f"Link: {event['link']}" if event.get("link") else "",
        event.get("notes") or ""]))
    lines = ["BEGIN:VEVENT", f"UID:{event['_id']}@{host}", f"DTSTAMP:{_stamp(now)}",
             f"DTSTART:{_stamp(start)}", f"DTEND:{_stamp(end)}",
             f"SUMMARY:{_escape(event['title'])}"]
    if event.get("location") or event.get("link"):
        lines.append(f"LOCATION:{_escape(event.get('location') or event['link'])}")
    if event.get("link"):
        lines.append(f"URL:{event['link']}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_escape(event['title'])}",
              "TRIGGER:-PT1H", "END:VALARM", "END:VEVENT"]
    return lines


def calendar(events: Iterable[Mapping[str, Any]], now: datetime, host: str,
             name: str = "Interviews") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    for event in events:
        lines += event_lines(event, now, host)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
