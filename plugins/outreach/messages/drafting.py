"""The ``outreach.draft_message`` AI task: a prompt for real models and an offline drafter that
writes a usable message from the contact, the purpose, the channel and the sender's profile."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, as_sentence, fragment, is_clause, shorten
from lightninghire_plugins.outreach.common import (
    CHANNELS,
    CONTACT_TYPES,
    LINKEDIN_CONNECTION_MAX,
    PURPOSES,
    WARMTHS,
    first_name,
)

TASK = "outreach.draft_message"

CHANNEL_RULES = {
    "linkedin_connection": "a LinkedIn connection request: under 300 characters, one line of "
                           "context and one ask, no subject",
    "linkedin_dm": "a LinkedIn direct message: concise, assumes you are already connected, "
                   "no subject",
    "email": "an e-mail: a specific subject line, a short formatted body, a signature",
    "phone": "phone talking points: sections Opening, Key points and Ask, as bullets",
    "in_person": "conversational notes for meeting in person: how to open, what to talk "
                 "about, the ask, the follow-up",
}
PURPOSE_GOALS = {
    "connection_request": "connect and start a relationship",
    "informational_interview": "ask for a 20-minute informational conversation",
    "referral_ask": "ask for a referral for a specific role, making it easy to decline",
    "follow_up": "follow up on an earlier message that got no reply",
    "thank_you": "thank them, naming something specific",
    "reconnect": "warm up a dormant connection without asking for anything big",
    "congrats": "congratulate them on their news; no ask",
}
WARMTH_TONE = {
    "cold": "they do not know you: introduce yourself briefly and give a reason for reaching out",
    "warm": "you know each other from the past but have not talked in a while",
    "hot": "you are in active, friendly contact: be direct and informal",
}


class ContactIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    company = fields.String(load_default="", validate=validate.Length(max=120))
    title = fields.String(load_default="", validate=validate.Length(max=120))
    contactType = fields.String(load_default="", validate=validate.OneOf(("", *CONTACT_TYPES)))
    warmth = fields.String(load_default="cold", validate=validate.OneOf(WARMTHS))
    notes = fields.String(load_default="", validate=validate.Length(max=1000))


class SenderIn(Schema):
    name = fields.String(load_default="", validate=validate.Length(max=120))
    role = fields.String(load_default="", validate=validate.Length(max=120))
    targetRole = fields.String(load_default="", validate=validate.Length(max=120))


class TemplateIn(Schema):
    subject = fields.String(load_default="", validate=validate.Length(max=300))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


class DraftIn(Schema):
    contact = fields.Nested(ContactIn, required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    sender = fields.Nested(SenderIn, load_default=dict)
    context = fields.String(load_default="", validate=validate.Length(max=1000))
    template = fields.Nested(TemplateIn, load_default=None, allow_none=True)


class DraftOut(AiOutput):
    subject = fields.String(load_default="", validate=validate.Length(max=200),
                            metadata={"description": "e-mail subject; empty for other channels"})
    body = fields.String(required=True, validate=validate.Length(min=1, max=5000),
                         metadata={"description": "the message text, plain text"})


def prompt(inputs: dict[str, Any]) -> tuple[str, str]:
    contact, sender = inputs["contact"], inputs["sender"]
    system = ("You write short, specific, human networking messages for job seekers. Never "
              "invent facts about the sender or the contact; leave out what you do not know. "
              "Plain text only.")
    lines = [
        f"Write {CHANNEL_RULES[inputs['channel']]}.",
        f"Goal: {PURPOSE_GOALS[inputs['purpose']]}.",
        f"Relationship: {WARMTH_TONE[contact['warmth']]}.",
        f"Contact: {contact['name']}" + (f", {contact['title']}" if contact["title"] else "")
        + (f" at {contact['company']}" if contact["company"] else "")
        + (f" ({contact['contactType'].replace('_', ' ')})" if contact["contactType"] else "")
        + ".",
        f"Sender: {sender['name'] or 'the user'}"
        + (f", currently {sender['role']}" if sender["role"] else "")
        + (f", targeting {sender['targetRole']} roles" if sender["targetRole"] else "") + ".",
    ]
    if contact["notes"]:
        lines.append(f"Notes about the contact: {contact['notes']}")
    if inputs["context"]:
        lines.append(f"Detail from the sender to use: {inputs['context']}")
    if inputs.get("template"):
        lines.append("Personalise this template, keeping its structure and intent:\n"
                     f"Subject: {inputs['template']['subject']}\n{inputs['template']['body']}")
    return system, "\n".join(lines)


# -- the offline drafter -----------------------------------------------------------------------


# Purposes whose ask is built around the user's detail ("Congratulations on <context>!").
CONTEXT_IN_ASK = frozenset({"thank_you", "congrats", "follow_up"})


def _at(company: str) -> str:
    return f" at {company}" if company else ""


def _a(words: str) -> str:
    return f"an {words}" if words[:1].lower() in "aeiou" else f"a {words}"


def _phrase(context: str) -> str:
    """The user's detail as part of a sentence: no final period, no capital on a plain word."""
    return fragment(context)


def _why(contact: dict[str, Any], sender: dict[str, Any]) -> str:
    """Why a stranger is hearing from you, by who they are."""
    target = sender["targetRole"] or "new"
    company = contact["company"]
    return {
        "recruiter": f"I'm exploring {target} roles and wanted to reach out directly.",
        "hiring_manager": f"I'm very interested in {target} opportunities on your team"
                          f"{_at(company)}.",
        "peer": f"I'm exploring {target} roles and would value the perspective of someone doing "
                f"the work{_at(company)}.",
        "referral": f"I'm exploring {target} roles{_at(company)} and your name came up.",
        "mentor": "I've long admired your career path and would value your advice.",
        "alumni": "As a fellow alum, I hoped you wouldn't mind a note.",
    }.get(contact["contactType"], f"I'm exploring {target} roles and admire the work"
                                  f"{_at(company) or ' you do'}.")


def _opening(contact: dict[str, Any], sender: dict[str, Any], context: str,
             purpose: str) -> str:
    warmth = contact["warmth"]
    if warmth == "hot":
        opener = "Great to be in touch again."
    elif warmth == "warm":
        opener = "It's been a while, and I hope you're doing well."
    else:
        who = sender["name"] or "a job seeker"
        opener = f"I'm {who}" + (f", currently {sender['role']}" if sender["role"] else "") + "."
        if purpose != "referral_ask" and purpose not in CONTEXT_IN_ASK:  # those asks say why
            opener += " " + _why(contact, sender)
    if context and purpose not in CONTEXT_IN_ASK:
        opener += f" {as_sentence(context)}"
    return opener


def _ask(purpose: str, contact: dict[str, Any], sender: dict[str, Any], context: str) -> str:
    company, target = contact["company"], sender["targetRole"] or "a role"
    team = f"the team{_at(company)}" if company else "your team"
    detail = _phrase(context)
    # A detail with its own subject ("you helped me prepare") is said as a sentence of its
    # own; a phrase ("the system design tips") fits the slot after "for", "on" or "about".
    clause = as_sentence(detail) if detail and is_clause(detail) else ""
    if clause:
        return {
            "follow_up": f"I wanted to follow up on my earlier note. {clause} Would a quick "
                         f"15-minute chat in the next week or two work for you?",
            "thank_you": f"Thank you! {clause} Your perspective"
                         f"{' on ' + company if company else ''} was genuinely helpful, and I'd "
                         f"be glad to return the favor any time.",
            "congrats": f"Congratulations! {clause}"
                        + (f" {company} is lucky to have you." if company else "")
                        + " Let's catch up when things settle.",
        }.get(purpose) or _ask(purpose, contact, sender, "")
    return {
        "connection_request": f"I'd love to connect and follow your work{_at(company)}.",
        "informational_interview": f"Would you be open to a 20-minute call in the next couple "
                                   f"of weeks to share how {team} works? I'm happy to work "
                                   f"around your schedule.",
        "referral_ask": f"I'm applying for {target}{_at(company)} and believe it's a strong "
                        f"fit. Would you be comfortable referring me? I can send my resume and "
                        f"a short summary you can forward, and no worries at all if the timing "
                        f"isn't right.",
        "follow_up": f"I wanted to follow up on my earlier note"
                     f"{' about ' + detail if detail else ''}. Would a quick 15-minute chat in "
                     f"the next week or two work for you?",
        "thank_you": f"Thank you for {detail or 'your time'}. Your perspective"
                     f"{' on ' + company if company else ''} was genuinely helpful, and I'd be "
                     f"glad to return the favor any time.",
        "reconnect": f"I'd love to hear what you're working on{_at(company)} and catch you up "
                     f"on my side. Up for a coffee or a quick call soon?",
        "congrats": f"Congratulations on {detail or 'the news'}!"
                    + (f" {company} is lucky to have you." if company else "")
                    + " Let's catch up when things settle.",
    }[purpose]


SUBJECTS = {
    "connection_request": "Hello from {me}",
    "informational_interview": "{target} question{about}",
    "referral_ask": "Referral for {target_a}{at}?",
    "follow_up": "Following up{dash}",
    "thank_you": "Thank you, {first}",
    "reconnect": "It's been a while, {first}",
    "congrats": "Congratulations, {first}!",
}
SIGN_OFF = {"cold": "Best regards", "warm": "Best", "hot": "Cheers"}


def _subject(purpose: str, contact: dict[str, Any], sender: dict[str, Any]) -> str:
    company = contact["company"]
    return SUBJECTS[purpose].format(
        me=sender["name"] or "a fellow professional", target=sender["targetRole"] or "Career",
        about=f" about {company}" if company else "", target_a=sender["targetRole"] or "a role",
        at=_at(company), dash=f" - {company}" if company else "",
        first=first_name(contact["name"]) or "and hello")[:200]


def fit_linkedin_connection(text: str) -> str:
    """At most ``LINKEDIN_CONNECTION_MAX`` characters, cut at a sentence, else a word."""
    text = " ".join(text.split())
    if len(text) <= LINKEDIN_CONNECTION_MAX:
        return text
    cut = text[:LINKEDIN_CONNECTION_MAX]
    sentence = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if sentence >= LINKEDIN_CONNECTION_MAX // 2:
        return cut[:sentence + 1]
    return cut[:cut.rfind(" ")].rstrip(",;:-") + "…" if " " in cut else cut


def offline(inputs: dict[str, Any]) -> dict[str, str]:
    """A complete draft with no network: structure by channel, tone by warmth, ask by purpose."""
    contact, sender, channel = inputs["contact"], inputs["sender"], inputs["channel"]
    purpose, context = inputs["purpose"], inputs["context"].strip()
    if inputs.get("template"):
        # The template is already rendered with this contact's values: it is the draft.
        template = inputs["template"]
        body = template["body"].strip()
        if channel == "linkedin_connection":
            body = fit_linkedin_connection(body)
        return {"subject": template["subject"].strip()[:200] if channel == "email" else "",
                "body": body[:5000]}
    first = first_name(contact["name"]) or "there"
    me = first_name(sender["name"])
    opening = _opening(contact, sender, context, purpose)
    ask = _ask(purpose, contact, sender, context)
    if purpose in CONTEXT_IN_ASK and contact["warmth"] != "cold":
        opening = ""  # they know you: the ask (built on the detail) is the message
    if channel == "linkedin_connection":
        short_ask = {"informational_interview": "Would you be open to a short chat sometime?",
                     "referral_ask": "I'd love to connect and ask about a possible referral.",
                     }.get(purpose, re.split(r"(?<=[.!?]) ", ask)[0])
        # The ask of those purposes already carries the detail.
        line = ("" if purpose in CONTEXT_IN_ASK
                else as_sentence(context) if context else _why(contact, sender))
        text = f"Hi {first}! {line} {short_ask}" + (f" - {me}" if me else "")
        return {"subject": "", "body": fit_linkedin_connection(text)}
    if channel == "linkedin_dm":
        text = re.sub(" +", " ", f"Hi {first}! {opening} {ask}")
        return {"subject": "", "body": text + (f"\n\n{me}" if me else "")}
    if channel == "email":
        signature = sender["name"] + (f"\n{sender['role']}" if sender["role"] else "")
        paragraphs = [f"Hi {first},", opening, ask,
                      f"{SIGN_OFF[contact['warmth']]},\n{signature}".rstrip()]
        return {"subject": _subject(purpose, contact, sender),
                "body": "\n\n".join(p for p in paragraphs if p.strip())}
    company, title = contact["company"], contact["title"]
    role_words = _a(title) if title else "their role"
    points = [f"Ask how the team{_at(company)} works day to day.",
              f"Ask what makes someone great as {role_words}."]
    if contact["notes"]:
        points.append(f"Remember: {shorten(fragment(contact['notes']), 200)}.")
    if fragment(context):
        points.insert(0, f"Bring up: {fragment(context)}.")
    if channel == "phone":
        intro = (f"Thank {first} for the time and confirm you have about 20 minutes."
                 if purpose != "thank_you" else f"Thank {first} again for their help.")
        who = sender["name"] + (f", {sender['role']}" if sender["role"] else "")
        sections = [
            "Opening:\n- " + intro + (f"\n- Who you are: {who}." if who.strip(", ") else ""),
            "Key points:\n" + "\n".join(f"- {p}" for p in points),
            "Ask:\n- " + ask,
        ]
        return {"subject": "", "body": "\n\n".join(sections)}
    # in_person: notes to glance at before a coffee or an event.
    sections = [
        f"Open with: \"Hi {first}" + ("! Great to see you again.\"" if contact["warmth"] != "cold"
                                      else f", I'm {sender['name'] or 'glad to meet you'}.\""),
        "Talk about:\n" + "\n".join(f"- {p}" for p in points),
        "The ask: " + ask,
        "Afterwards: send a short thank-you note within 24 hours.",
    ]
    return {"subject": "", "body": "\n\n".join(sections)}


DRAFT_TASK = AiTask(
    name=TASK,
    description="An outreach message for a contact, a purpose and a channel.",
    prompt=prompt, input_schema=DraftIn, output_schema=DraftOut, offline=offline,
    max_tokens=700, temperature=0.5,
    examples=(
        {"contact": {"name": "Dana Kim", "company": "Acme Health", "title": "Engineering Manager",
                     "contactType": "hiring_manager", "warmth": "cold"},
         "purpose": "informational_interview", "channel": "email",
         "sender": {"name": "Sam Rivera", "role": "Backend Engineer",
                    "targetRole": "Senior Backend Engineer"},
         "context": "I read your post on the claims platform rebuild"},
        {"contact": {"name": "Priya Patel", "company": "Northwind", "warmth": "warm",
                     "contactType": "alumni"},
         "purpose": "referral_ask", "channel": "linkedin_connection",
         "sender": {"name": "Sam Rivera", "targetRole": "Data Analyst"}},
        {"contact": {"name": "Lee Chen", "warmth": "hot", "title": "Staff Engineer"},
         "purpose": "thank_you", "channel": "phone",
         "sender": {"name": "Sam Rivera", "role": "Backend Engineer"},
         "context": "the system design tips"},
    ),
)
