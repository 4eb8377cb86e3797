"""Which part of a line written by the one who offers work fits a slot of a sentence we write.

A line of a posting is an action ("You will design the claims services" -> "design the claims
services", after "the chance to"), an activity ("Building data pipelines", a subject), a need
("We need 5+ years of Go" -> "5+ years of Go", after "you need"), or none of them (a company
description). Reading it wrongly is what wrote "The chance to we need 5+ years of Go".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lightninghire.api import fragment, is_clause, second_person, squash


def _word_set(block: str) -> frozenset[str]:
    return frozenset(block.split())


_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u2013>]+|\d{1,2}[.)])\s*")
_EDGE = " \t\r\n,;:-\u2013\u2014\u2026."
_ACTION_VERBS = _word_set("""
build design develop lead own write create maintain manage drive partner collaborate work help
ship mentor scale improve implement architect define deliver support run analyze analyse
coordinate plan establish launch migrate optimize optimise operate research review test teach
care provide assess monitor sell grow prepare handle ensure contribute shape rebuild modernize
modernise automate deploy integrate investigate troubleshoot present negotiate recruit hire
coach train administer document translate produce model forecast prospect close nurture triage
advocate treat diagnose educate oversee supervise organize organise serve greet stock process
""")
_DANGLING = _word_set("""
and or with to of the a an for in on at by from as but
""")
_LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z '/&-]{1,40}):\s+")
_NEED_LABELS = re.compile(r"requirement|qualification|must|need|skill|experience|profile|"
                          r"looking for|who you are|about you|nice to have|bonus|plus",
                          re.IGNORECASE)


# Who does the work, said by the one who offers it: what is left is a verb phrase.
_ACTION_LEADS = re.compile(
    r"^(?:in this role,?\s+|as (?:an?|the) [\w ]{1,40},\s+|day to day,?\s+)?"
    r"(?:you will|you'll|you would|you'd|you are going to|you're going to|you get to|"
    r"you'd get to|you will get to|you'll get to|the role will|this role will|"
    r"the successful candidate will|the (?:ideal )?candidate will|we need you to|"
    r"we want you to|we'd like you to|we would like you to|your job is to|your role is to|"
    r"your job will be to|your role will be to|you will be expected to|"
    r"(?:we are|we're|[\w&.' -]{1,60} is|[\w&.' -]{1,60} are) (?:hiring|looking for|seeking) "
    r"(?:an?|two|three|several|our first)?\s*[\w ,/&+#.-]{1,80}? to)\s+",
    re.IGNORECASE)
# What is asked of a candidate: what is left is a noun phrase.
_NEED_LEADS = re.compile(
    r"^(?:we need|we require|we're looking for|we are looking for|we want|we expect|"
    r"we'd love|we would love|you have|you'll have|you will have|you bring|you'll bring|"
    r"you will bring|you should have|you must have|you need|you'll need|you will need|"
    r"you possess|must have|must be|requires?|required|preferred|nice to have|ideally,? you have|"
    r"candidates? (?:must|should) have|the ideal candidate has|applicants? (?:must|should) have)"
    r"[:,]?\s+", re.IGNORECASE)
_NEED_STARTS = re.compile(
    r"^(?:\d+\+?\s*(?:-\s*\d+\s*)?years?|experience (?:with|in|of|building|leading)|"
    r"(?:strong|solid|proven|excellent|deep|demonstrated|hands-on|working|good|advanced)\s|"
    r"familiarity|knowledge|proficiency|ability to|bachelor|master|phd|degree|a degree|"
    r"fluency|fluent|certification|certified|licen[cs]e)",
    re.IGNORECASE)
# The base form of the -ing verbs a company uses about itself ("we are building ...").
_COMPANY_DOING = {"building": "build", "rebuilding": "rebuild", "scaling": "scale",
                  "creating": "create", "developing": "develop", "launching": "launch",
                  "growing": "grow", "migrating": "migrate", "modernizing": "modernize",
                  "modernising": "modernise", "expanding": "expand", "redesigning": "redesign",
                  "transforming": "transform", "making": "make", "changing": "change"}


@dataclass(frozen=True)
class Phrase:
    """What a line is, and the part of it that fits a slot: ``action`` (a verb phrase: "the
    chance to <text>"), ``activity`` (a gerund phrase: "<Text> is ..."), ``need`` (a noun phrase
    of what is asked: "you need <text>")."""

    kind: str
    text: str




def _trim(text: str, max_words: int) -> str:
    """At most ``max_words``, cut after a clause boundary when there is one, never ending on a
    function word."""
    words = text.split()
    if len(words) > max_words:
        head = " ".join(words[:max_words])
        cut = max(head.rfind(", "), head.rfind("; "), head.rfind(" and "))
        words = (head[:cut] if cut > len(head) // 3 else head).split()
    while words and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return " ".join(words).strip(_EDGE)


def action_phrase(line: str, max_words: int = 18) -> Phrase | None:
    """What ``line`` (a line of a document written by the one who offers the work) says, as
    the part that fits a slot; ``None`` when it is neither an action, an activity nor a need
    (a company description, a heading). First-person words become second person ("our" ->
    "your"): the phrase is said back to its author."""
    # A bullet list flattened into one line ("Responsibilities: - build APIs - own on-call"):
    # its first item is what the line says first; a heading alone says what the items are.
    need_heading = False
    for piece in re.split(r"\n+|\s+[-*\u2022\u2013]\s+", str(line)):
        heading = re.fullmatch(r"\s*([A-Za-z][A-Za-z '/&-]{1,40}):\s*", piece)
        if heading:
            need_heading = bool(_NEED_LABELS.search(heading.group(1)))
        elif piece.strip(_EDGE):
            return _phrase_of(piece, max_words, need_heading)
    return None


def _phrase_of(line: str, max_words: int, need_label: bool) -> Phrase | None:
    text = _BULLET.sub("", squash(line))
    text = re.split(r"(?<=[.!?;])\s+", text)[0].strip(_EDGE + "!?")  # its first sentence
    label = _LABEL.match(text)
    if label:
        need_label = bool(_NEED_LABELS.search(label.group("label")))
        text = text[label.end():]
    if not text:
        return None
    lead = _ACTION_LEADS.match(text)
    if lead and not need_label:
        rest = text[lead.end():]
        if re.search(r"\b(?:is|are) (?:hiring|looking for|seeking)\b", lead.group(0),
                     re.IGNORECASE) and not lead.group(0).lower().startswith("we"):
            # "Acme is hiring ... to lead the rebuild of its platform": its = the reader's.
            rest = re.sub(r"\b(?:its|their)\b", "your", rest)
        if rest and not is_clause(rest):
            return _made("action", rest, max_words)
    lead = _NEED_LEADS.match(text)
    if lead:
        return _made("need", text[lead.end():], max_words)
    if need_label or _NEED_STARTS.match(text):
        return _made("need", text, max_words)
    doing = re.match(r"^(?:we are|we're|[\w&.' -]{1,60} is|[\w&.' -]{1,60} are) "
                     r"(\w+ing)\b\s*(.*)$", text, re.IGNORECASE)
    if doing and doing.group(1).lower() in _COMPANY_DOING:
        return _made("action", f"help {_COMPANY_DOING[doing.group(1).lower()]} "
                               f"{doing.group(2)}".strip(), max_words)
    first = text.split(" ", 1)[0]
    if first.lower() in _ACTION_VERBS and " " in text:
        return _made("action", text, max_words)
    if first.lower().endswith("ing") and len(first) > 5 and " " in text:
        return _made("activity", text, max_words)
    return None


def _made(kind: str, text: str, max_words: int) -> Phrase | None:
    text = _trim(second_person(fragment(text)), max_words)
    if len(text.split()) < 2 or is_clause(text):
        return None
    if kind != "activity":
        text = fragment(text)
    return Phrase(kind, text)
