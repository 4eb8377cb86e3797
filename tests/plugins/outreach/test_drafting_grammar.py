"""The offline outreach drafter over every purpose, channel and warmth, with the user's detail
as a phrase, as a whole clause, in lower case, with stray punctuation or empty: no seams."""

from __future__ import annotations

import itertools

import pytest

from lightninghire.testing import verify_offline
from lightninghire_plugins.outreach.common import CHANNELS, PURPOSES, WARMTHS
from lightninghire_plugins.outreach.messages.drafting import DRAFT_TASK
from tests.plugins.grammar import assert_clean, seams

CONTEXTS = ["", "the system design tips.", "you helped me prepare for my onsite at Globex",
            "i loved your talk at PyCon!!", "  Your promotion to VP of Engineering  ",
            "I sent my resume last week...", "We met at the Kafka Summit"]
CONTACTS = [
    {"name": "Lee Chen", "company": "Globex", "title": "Staff Engineer", "contactType": "peer",
     "notes": "likes climbing. "},
    {"name": "Dana", "contactType": "hiring_manager"},
    {"name": "Priya Patel", "company": "Northwind", "contactType": "alumni", "title": "",
     "notes": ""},
]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_every_draft_reads_clean(purpose):
    for channel, warmth, context, contact in itertools.product(CHANNELS, WARMTHS, CONTEXTS,
                                                               CONTACTS):
        [draft] = verify_offline(DRAFT_TASK, {
            "contact": {**contact, "warmth": warmth}, "purpose": purpose, "channel": channel,
            "sender": {"name": "Sam Rivera", "role": "Backend Engineer",
                       "targetRole": "Senior Backend Engineer"},
            "context": context})
        where = f"{purpose} / {channel} / {warmth} / {context!r}"
        assert_clean(draft["body"], where)
        assert [p for p in seams(draft["subject"]) if "closing" not in p] == [], where


def test_a_clause_is_said_as_a_sentence_not_after_a_preposition():
    [draft] = verify_offline(DRAFT_TASK, {
        "contact": {"name": "Lee Chen", "warmth": "hot"}, "purpose": "thank_you",
        "channel": "linkedin_dm", "sender": {"name": "Sam Rivera"},
        "context": "you helped me prepare for my onsite"})
    assert "Thank you! You helped me prepare for my onsite." in draft["body"]
    [phrase] = verify_offline(DRAFT_TASK, {
        "contact": {"name": "Lee Chen", "warmth": "hot"}, "purpose": "thank_you",
        "channel": "linkedin_dm", "sender": {"name": "Sam Rivera"},
        "context": "The system design tips."})
    assert "Thank you for the system design tips." in phrase["body"]
