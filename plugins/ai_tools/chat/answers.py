"""The offline chat answer: a direct first sentence that answers the question asked, from the
records of the kind it is about, then the supporting records.

``compose(inputs)`` yields the answer in pieces as it is written (a sentence, a line), so the
streaming route sends each piece as soon as it exists; ``answer_from_text`` turns the finished
text (offline or a model's) into the task's output: the cited refs and follow-up questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lightninghire.api import shorten, terms, words
from lightninghire_plugins.ai_tools.chat.intents import (
    INTENTS,
    Intent,
    parse_time,
    stems_of,
    topic_terms,
)
from lightninghire_plugins.ai_tools.chat.retrieval import best_line

Passage = Mapping[str, Any]
_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.IGNORECASE)
_REF = re.compile(r"\[(S\d{1,2})\]")
MAX_SUPPORTING = 4


# -- words ---------------------------------------------------------------------------------------

def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def listing(parts: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def sentence(text: str) -> str:
    """``text`` as one sentence: a capital first letter and closing punctuation."""
    text = " ".join(text.split()).strip(" ,;:")
    if not text:
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def quoted(text: str, limit: int = 80) -> str:
    return f"\u201c{shorten(str(text).strip(), limit)}\u201d"


def label(value: Any) -> str:
    """A stored code as words: ``system_design`` -> ``system design``."""
    return str(value or "").replace("_", " ").strip()


def _zone(name: Any) -> ZoneInfo | None:
    if not isinstance(name, str) or name in ("", "UTC"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def day(when: datetime, now: datetime | None) -> str:
    """``Tue 8 Dec``, with the year when it is not this year's."""
    text = f"{when:%a} {when.day} {when:%b}"
    return text if now is not None and when.year == now.year else f"{text} {when.year}"


def moment(when: datetime, now: datetime | None, zone: Any = None) -> str:
    """``Tue 8 Dec at 14:00 UTC``, plus the local time of the event's own time zone."""
    when = when.astimezone(UTC)
    text = f"{day(when, now)} at {when:%H:%M} UTC"
    local = _zone(zone)
    if local is not None:
        there = when.astimezone(local)
        text += f" ({there:%H:%M} {zone} time)"
    return text


def from_now(when: datetime, now: datetime | None) -> str:
    if now is None:
        return ""
    days = (when.astimezone(UTC).date() - now.astimezone(UTC).date()).days
    if days <= 0:
        return "later today" if when >= now else "earlier today"
    if days == 1:
        return "tomorrow"
    return f"{days} days from now"


def _ref(passage: Passage) -> str:
    return f"[{passage['ref']}]"


def _record(passage: Passage) -> Mapping[str, Any]:
    record = passage.get("record")
    return record if isinstance(record, Mapping) else {}


def _at(company: Any, role: Any) -> str:
    """``Backend Engineer at Acme``; whichever is known."""
    return " at ".join(str(x).strip() for x in (role, company) if x and str(x).strip())


# -- one direct answer per intent ----------------------------------------------------------------

def interviews(own: list[Passage], question: str, now: datetime | None) -> list[str]:
    dated = [(parse_time(_record(p).get("startsAt")), p) for p in own]
    future = sorted(((w, p) for w, p in dated if w is not None and (now is None or w >= now)),
                    key=lambda pair: pair[0])
    if not future:
        return ["You have no upcoming interviews scheduled."]
    when, first = future[0]
    r = _record(first)
    company = str(r.get("company") or "").strip()
    who = f"with {_with(r)}" if company else quoted(r.get("title") or first["title"])
    out = [f"Your next interview is {who} on {moment(when, now, r.get('timeZone'))} "
           f"{_ref(first)}."]
    kind = label(r.get("type"))
    soon = from_now(when, now)
    if kind and soon:
        out.append(f"It is {_a(kind)} {kind} interview, {soon}.")
    elif soon:
        out.append(sentence(f"That is {soon}"))
    if r.get("location"):
        out.append(sentence(f"Location: {r['location']}"))
    later = [f"{_with(_record(p)) or quoted(p['title'])} on "
             f"{moment(w, now, _record(p).get('timeZone'))} {_ref(p)}" for w, p in future[1:3]]
    if later:
        out.append(f"After that: {'; '.join(later)}.")
    return out


def _with(record: Mapping[str, Any]) -> str:
    """``Acme for Backend Engineer``; the company alone when no role is known."""
    company = str(record.get("company") or "").strip()
    role = str(record.get("role") or "").strip()
    return company + (f" for {role}" if company and role else "")


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def mock_feedback(own: list[Passage], question: str, now: datetime | None) -> list[str]:
    mocks = [p for p in own if p["kind"] != "mockAverage"]
    done = [p for p in mocks if _record(p).get("status") == "completed"]
    if not mocks:
        return ["You have not done a mock interview yet, so there is no feedback to report."]
    if not done:
        r = _record(mocks[0])
        return [f"Your mock interview for {_at(r.get('company'), r.get('role'))} is still in "
                f"progress: complete it to get its feedback {_ref(mocks[0])}."]
    latest = done[0]
    r = _record(latest)
    finished = parse_time(r.get("completedAt") or r.get("at"))
    about = ", ".join(x for x in (label(r.get("interviewType")),
                                  _at(r.get("company"), r.get("role")),
                                  day(finished, now) if finished else "") if x)
    head = f"Your latest mock interview ({about})"
    if r.get("overallScore") is not None:
        head += f" scored {r['overallScore']}/10"
    averages = sorted(((float(v), k) for k, v in (r.get("dimensionAverages") or {}).items()
                       if isinstance(v, int | float)))
    out = []
    if averages:
        weak = [f"{name} ({value:g}/10)" for value, name in averages[:2] if value < 8]
        if weak:
            verb = "; it says to work on" if r.get("overallScore") is not None else \
                " says to work on"
            first_then = weak[0] + (" first, then " + weak[1] if len(weak) > 1 else "")
            out.append(f"{head}{verb} {first_then} {_ref(latest)}.")
        else:
            out.append(f"{head}, with every dimension at 8/10 or better {_ref(latest)}.")
        value, name = averages[-1]
        out.append(f"Your strongest dimension was {name} ({value:g}/10).")
    else:
        out.append(f"{head} {_ref(latest)}.")
    advice = [sentence(a) for a in r.get("focusNext") or [] if str(a).strip()]
    if advice:
        out.append("Its advice: " + " ".join(advice[:2]))
    flags = [str(f) for f in r.get("commonFlags") or [] if str(f).strip()]
    if flags:
        out.append(f"Gaps it flagged: {listing([quoted(f, 40) for f in flags[:3]])}.")
    average = next((p for p in own if p["kind"] == "mockAverage"), None)
    if average is not None and len(done) > 1:
        value = average.get("record") if isinstance(average.get("record"), int | float) else None
        if value is not None:
            out.append(f"Across your recent mocks you average {value:g}/10 {_ref(average)}.")
    return out


def applications(own: list[Passage], question: str, now: datetime | None,
                 intent: Intent) -> list[str]:
    apps = [p for p in own if p["kind"] == "applications"]
    counts = next((p for p in own if p["kind"] == "pipelineCounts"), None)
    wanted = topic_terms(question, intent)
    named = [p for p in apps if wanted & set(terms(
        f"{_record(p).get('company') or ''} {_record(p).get('role') or ''}"))]
    if named:
        out = []
        for p in named[:2]:
            r = _record(p)
            stage = label(r.get("status") or r.get("stage"))
            where = f"Your application to {_with(r)}"
            out.append(f"{where} is at the {stage} stage {_ref(p)}." if stage
                       else f"{where}: {best_line(p['text'], set(terms(question)))} {_ref(p)}.")
            step = r.get("nextStep") or (r.get("nextActions") or [None])[0]
            if isinstance(step, str) and step.strip():
                out.append(sentence(f"Next step: {step}"))
        return out
    stages = (counts or {}).get("record")
    if isinstance(stages, Mapping) and stages:
        total = sum(int(v) for v in stages.values() if isinstance(v, int))
        parts = [f"{n} {label(stage)}" for stage, n in
                 sorted(stages.items(), key=lambda item: (-int(item[1]), item[0]))]
        assert counts is not None
        return [f"You have {plural(total, 'application')} in your pipeline: "
                f"{listing(parts)} {_ref(counts)}."]
    if apps:
        return [f"You have {plural(len(apps), 'application')}: " + "; ".join(
            f"{_at(_record(p).get('company'), _record(p).get('role'))} "
            f"({label(_record(p).get('status'))}) {_ref(p)}" for p in apps[:4]) + "."]
    return ["You have no applications tracked yet."]


def offers(own: list[Passage], question: str, now: datetime | None,
           intent: Intent) -> list[str]:
    found = [p for p in own if _record(p).get("status") in intent.statuses]
    if not found:
        return ["You have no offers recorded yet."]

    def terms_of(p: Passage) -> str:
        r = _record(p)
        parts = [str(r["salary"]).strip().rstrip(".")] if r.get("salary") else []
        deadline = parse_time(r.get("offerDeadline"))
        if deadline is not None:
            parts.append(f"to answer by {day(deadline, now)}")
        return ", ".join(parts)

    if len(found) == 1:
        p = found[0]
        r = _record(p)
        verb = "You accepted an offer" if r.get("status") == "accepted" else "You have an offer"
        detail = terms_of(p)
        return [f"{verb} from {r.get('company')} for {r.get('role')}"
                + (f": {detail}" if detail else "") + f" {_ref(p)}."]
    lines = [f"You have {plural(len(found), 'offer')}."]
    for p in found[:4]:
        r = _record(p)
        detail = terms_of(p)
        lines.append(f"{r.get('company')} for {r.get('role')}"
                     + (f": {detail}" if detail else "") + f" {_ref(p)}.")
    return lines


def contacts(own: list[Passage], question: str, now: datetime | None,
             intent: Intent) -> list[str]:
    people = [p for p in own if p["kind"] == "contacts"]
    if not people:
        return ["You have no contacts saved yet."]

    def who(p: Passage) -> str:
        r = _record(p)
        where = _at(r.get("company"), r.get("title"))
        return f"{r.get('name') or p['title']}" + (f" ({where})" if where else "")

    due = [(parse_time(_record(p).get("nextFollowUpAt")), p) for p in people]
    due = sorted(((w, p) for w, p in due if w is not None), key=lambda pair: pair[0])
    if not due:
        return [f"You have no follow-ups scheduled; your most recent contacts are "
                f"{listing([f'{who(p)} {_ref(p)}' for p in people[:3]])}."]
    when, first = due[0]
    if now is not None and when < now:
        out = [f"Your follow-up with {who(first)} was due on {day(when, now)}, so it is "
               f"overdue {_ref(first)}."]
    else:
        out = [f"Your next follow-up is with {who(first)} on {day(when, now)} {_ref(first)}."]
    later = [f"{who(p)} on {day(w, now)} {_ref(p)}" for w, p in due[1:3]]
    if later:
        out.append(f"Then: {'; '.join(later)}.")
    return out


def stories(own: list[Passage], question: str, now: datetime | None,
            intent: Intent) -> list[str]:
    if not own:
        return ["You have no STAR stories yet."]

    def shown(p: Passage) -> str:
        r = _record(p)
        skills = [str(c) for c in r.get("competencies") or [] if str(c).strip()]
        return quoted(r.get("title") or p["title"]) + (f" ({', '.join(skills[:3])})"
                                                        if skills else "") + f" {_ref(p)}"

    wanted = topic_terms(question, intent)
    matching = [p for p in own if wanted & set(terms(" ".join(
        [str(_record(p).get("title") or "")]
        + [str(c) for c in _record(p).get("competencies") or []])))]
    topic = " ".join(w for w in words(question) if set(terms(w)) & wanted) if wanted else ""
    if matching:
        return [f"Your {'STAR story' if len(matching) == 1 else f'{len(matching)} STAR stories'}"
                f" for {topic}: "
                f"{'; '.join(shown(p) for p in matching[:3])}."]
    listed = "; ".join(shown(p) for p in own[:3])
    if topic:
        return [f"None of your STAR stories is about {topic} yet; you have {listed}."]
    return [f"You have {plural(len(own), 'STAR story', 'STAR stories')}: {listed}."]


def resume(own: list[Passage], question: str, now: datetime | None,
           intent: Intent) -> list[str]:
    if not own:
        return ["You have no resume saved yet."]
    first = own[0]
    r = _record(first)
    name = quoted(r.get("name") or first["title"])
    skills = [str(s) for s in r.get("skills") or [] if str(s).strip()]
    out = [f"Your latest resume, {name}, lists {listing(skills[:8])} {_ref(first)}." if skills
           else f"Your latest resume is {name} {_ref(first)}."]
    if len(own) > 1:
        out.append(f"You have {plural(len(own), 'resume')} in all.")
    return out


def _direct(intent: Intent, own: list[Passage], question: str,
            now: datetime | None) -> list[str]:
    if intent.name == "interviews":
        return interviews(own, question, now)
    if intent.name == "mock_feedback":
        return mock_feedback(own, question, now)
    answer = {"applications": applications, "offers": offers, "contacts": contacts,
              "stories": stories, "resume": resume}[intent.name]
    return answer(own, question, now, intent)


# -- the whole answer ----------------------------------------------------------------------------

def compose(inputs: Mapping[str, Any]) -> Iterator[str]:
    """The offline answer, piece by piece: the direct answer's sentences, then one line per
    supporting record. Joined, the pieces are the answer."""
    question = inputs["question"]
    asked = set(terms(question))
    passages = list(inputs["passages"])
    now = parse_time(inputs.get("now"))
    intent = INTENTS.get(inputs.get("intent") or "")
    lead: list[str] = []
    if intent is not None:
        own = [p for p in passages if intent.owns(p["kind"])]
        lead = _direct(intent, own, question, now)
    if _HOW_MANY.search(question):
        for kind, count in inputs["counts"].items():
            if intent is not None and intent.owns(kind) and lead:
                continue  # the direct answer already counts them
            if set(terms(kind)) & asked or set(stems_of(kind)) & set(stems_of(question)):
                lead.append(f"You have {count} {kind} in your data.")
    written = False
    for number, line in enumerate(lead):
        yield ("" if number == 0 else " ") + line
        written = True
    cited = set(_REF.findall(" ".join(lead)))
    supporting = [p for p in passages if p["ref"] not in cited][:MAX_SUPPORTING]
    if supporting:
        yield ("\n" if written else "") + ("Also in your data:" if written
                                           else "Here is what I found in your data:")
        for p in supporting:
            snippet = best_line(p["text"], asked).strip() if p["text"].strip() else ""
            yield (f"\n- {p['title']} ({p['kind']})" + (f": {snippet}" if snippet else "")
                   + f" {_ref(p)}")
    elif not inputs["counts"]:
        yield ((" " if written else f"I found nothing in your data about "
                                    f"\u201c{shorten(question, 120)}\u201d. ")
               + "None of your enabled features has shared any data yet: add applications, "
                 "stories or a resume first.")
    elif not written:
        yield (f"I found nothing in your data about \u201c{shorten(question, 120)}\u201d. "
               f"I can search your {', '.join(inputs['counts'])}.")


def follow_ups(inputs: Mapping[str, Any]) -> list[str]:
    passages = inputs["passages"]
    follow = []
    for p in passages[:2]:
        if any(k in p["kind"].lower() for k in ("application", "job", "opportunit")):
            follow.append(f"How well does my resume fit {shorten(p['title'], 120)}?")
    if not follow and passages:
        follow.append(f"Tell me more about {shorten(passages[0]['title'], 150)}.")
    return follow[:3]


def answer_from_text(inputs: Mapping[str, Any], text: str) -> dict[str, Any]:
    """The task's output for a finished answer text: the refs it cites (only those it was
    given) and follow-up questions."""
    given = {p["ref"] for p in inputs["passages"]}
    cited = [ref for ref in dict.fromkeys(_REF.findall(text)) if ref in given]
    return {"answer": text.strip()[:4000] or "I could not find an answer in your data.",
            "citations": cited, "followUps": follow_ups(inputs)}


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return answer_from_text(inputs, "".join(compose(inputs)))

