"""Chat answers the question asked, from the user's real stored data, with the right record first.

The data is made through the HTTP API of the interview, jobsearch and outreach plugins (see
``chat_data.seed``); the questions go to ``POST /api/chat`` with the offline provider.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lightninghire.testing import assert_ok
from lightninghire_plugins.ai_tools.chat import intents
from lightninghire_plugins.interview.mock.service import MOCKS
from tests.plugins.ai_tools.chat_data import PLUGINS, seed


def ask(caller, question: str) -> dict:
    return assert_ok(caller.post("/api/chat", json={"message": question}))["message"]


def first_sentence(content: str) -> str:
    return content.split("\n")[0].split(" [S")[0]


def moment(when: datetime) -> str:
    return f"{when:%a} {when.day} {when:%b} at {when:%H:%M} UTC"


@pytest.fixture
def seeded(make_app, clock):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(tier="pro")
    return harness, caller, seed(caller, clock)


def starts(made: dict) -> datetime:
    return datetime.fromisoformat(made["startsAt"].replace("Z", "+00:00"))


def test_the_next_future_interview_comes_first_not_a_live_session(seeded, clock):
    _harness, caller, made = seeded
    reply = ask(caller, "When is my next interview?")
    nxt = made["next"]
    assert reply["content"].startswith(
        f"Your next interview is with Acme for Backend Engineer on {moment(starts(nxt))} [S1].")
    assert "It is a technical interview, 4 days from now." in reply["content"]
    assert f"After that: Globex for Staff Engineer on {moment(starts(made['later']))} [S2]" \
        in reply["content"]
    cited = [(c["kind"], c["id"]) for c in reply["citations"]]
    assert cited[:2] == [("upcomingInterviews", nxt["id"]),
                         ("upcomingInterviews", made["later"]["id"])]
    assert made["past"]["id"] not in [c["id"] for c in reply["citations"]]
    # The app clock decides what is "next": past the Acme interview, Globex is next.
    clock.advance(days=5)
    moved = ask(caller, "what's coming up on my calendar?")
    assert first_sentence(moved["content"]) == (
        f"Your next interview is with Globex for Staff Engineer on {moment(starts(made['later']))}")
    assert moved["citations"][0]["id"] == made["later"]["id"]
    clock.advance(days=2)
    assert ask(caller, "Do I have any interviews scheduled?")["content"].startswith(
        "You have no upcoming interviews scheduled.")


def test_mock_feedback_names_the_weakest_dimensions_and_the_debriefs_advice(seeded):
    harness, caller, made = seeded
    reply = ask(caller, "What did my mock interview say I should work on?")
    # The stored debrief (the API's view rounds the averages to integers).
    debrief = harness.db[MOCKS].find_one()["debrief"]
    averages = sorted((v, k) for k, v in debrief["dimensionAverages"].items())
    (low, weakest), (next_low, second) = averages[0], averages[1]
    content = reply["content"]
    assert content.startswith("Your latest mock interview (behavioral, Senior Backend Engineer "
                              "at Stripe, ") and f"scored {made['mock']['overallScore']}/10" in content
    assert f"it says to work on {weakest} ({low:g}/10) first, then {second} ({next_low:g}/10) " \
           "[S1]." in content
    assert "Its advice: " + debrief["focusNext"][0] in content
    assert reply["citations"][0]["kind"] == "mockInterviews"
    assert reply["citations"][0]["id"] == made["mock"]["id"]
    assert "pipelineCounts" not in first_sentence(content)


def test_applications_offers_contacts_stories_and_resume(seeded):
    _harness, caller, made = seeded
    pipeline = ask(caller, "Where do my applications stand?")
    assert pipeline["content"].startswith("You have 3 applications in your pipeline: 1 applied, "
                                          "1 interviewing and 1 offer [S1].")
    acme = ask(caller, "What's the status of my Acme application?")
    assert acme["content"].startswith("Your application to Acme for Backend Engineer is at the "
                                      "interviewing stage [S1].")
    assert acme["citations"][0]["id"] == made["acme"]["id"]

    offer = ask(caller, "What offers do I have and what salary?")
    deadline = datetime.fromisoformat(made["globex"]["offerDeadline"].replace("Z", "+00:00"))
    assert offer["content"].startswith(
        "You have an offer from Globex for Staff Engineer: $185,000 base + 10% bonus, to answer "
        f"by {deadline:%a} {deadline.day} {deadline:%b} [S1].")
    assert offer["citations"][0]["id"] == made["globex"]["id"]

    follow = ask(caller, "Who should I follow up with?")
    due = datetime.fromisoformat(made["contact"]["nextFollowUpAt"].replace("Z", "+00:00"))
    assert follow["content"].startswith(
        "Your next follow-up is with Dana Kim (Engineering Manager at Acme) on "
        f"{due:%a} {due.day} {due:%b} [S1].")
    assert follow["citations"][0]["kind"] == "contacts"

    story = ask(caller, "Which stories do I have for leadership?")
    assert story["content"].startswith("Your STAR story for leadership: \u201cCheckout rescue\u201d "
                                       "(Problem solving, Leadership) [S1].")
    missing = ask(caller, "Do I have a story about conflict?")
    assert missing["content"].startswith("None of your STAR stories is about conflict yet; you "
                                         "have \u201cCheckout rescue\u201d")

    resume = ask(caller, "What skills are on my CV?")
    assert resume["content"].startswith("Your latest resume, \u201cBackend resume\u201d, lists "
                                        "Python, PostgreSQL, AWS and Kafka [S1].")
    assert resume["citations"][0]["id"] == made["resume"]["id"]


def test_with_no_data_the_answer_says_so_plainly(make_app):
    caller = make_app(plugins=PLUGINS).api_caller(tier="pro")
    expected = {
        "When is my next interview?": "You have no upcoming interviews scheduled.",
        "What did my mock interview say I should work on?":
            "You have not done a mock interview yet, so there is no feedback to report.",
        "Where do my applications stand?": "You have no applications tracked yet.",
        "What offers do I have and what salary?": "You have no offers recorded yet.",
        "Who should I follow up with?": "You have no contacts saved yet.",
        "Which stories do I have for leadership?": "You have no STAR stories yet.",
        "What skills are on my resume?": "You have no resume saved yet.",
    }
    for question, answer in expected.items():
        reply = ask(caller, question)
        assert reply["content"].startswith(answer), (question, reply["content"])


def test_an_unfinished_mock_is_not_reported_as_feedback(make_app):
    caller = make_app(plugins=PLUGINS).api_caller(tier="pro")
    assert_ok(caller.post("/api/mock-interview", json={
        "company": "Acme", "role": "Engineer", "interviewType": "behavioral"}), 201)
    reply = ask(caller, "How did my mock go? What should I improve?")
    assert reply["content"].startswith("Your mock interview for Engineer at Acme is still in "
                                       "progress: complete it to get its feedback [S1].")


@pytest.mark.parametrize(("question", "intent"), [
    ("When is my next interview?", "interviews"),
    ("What time is my onsite tomorrow?", "interviews"),
    ("What did my mock interview say I should work on?", "mock_feedback"),
    ("what is my weakest area", "mock_feedback"),
    ("Where do my applications stand?", "applications"),
    ("How much is the Globex offer paying?", "offers"),
    ("who do I need to reach out to", "contacts"),
    ("Give me an example story for teamwork", "stories"),
    ("Which skills does my CV list?", "resume"),
    ("Any notes about Globex?", None),
])
def test_the_intent_is_read_from_the_words_of_the_question(question, intent):
    found = intents.detect(question)
    assert (found.name if found else None) == intent


def test_the_answer_orders_interviews_by_date_even_when_given_out_of_order():
    from lightninghire_plugins.ai_tools.chat.answers import offline
    now = datetime(2026, 12, 4, 9, 0, tzinfo=intents.UTC)

    def passage(ref, company, when):
        record = {"company": company, "role": "Engineer", "startsAt": when.isoformat(),
                  "timeZone": "Europe/Paris"}
        return {"ref": ref, "kind": "upcomingInterviews", "title": company, "text": "",
                "record": record}

    answer = offline({"question": "next interview?", "intent": "interviews",
                      "now": now.isoformat(), "counts": {}, "history": [],
                      "passages": [passage("S1", "Later", now + timedelta(days=3)),
                                   passage("S2", "Past", now - timedelta(hours=2)),
                                   passage("S3", "Soon", now + timedelta(hours=5))]})
    assert answer["answer"].startswith(
        "Your next interview is with Soon for Engineer on Fri 4 Dec at 14:00 UTC "
        "(15:00 Europe/Paris time) [S3]. That is later today. After that: Later for Engineer "
        "on Mon 7 Dec at 09:00 UTC (10:00 Europe/Paris time) [S1].\n")
    assert "Past" not in answer["answer"].split("\n")[0]
    assert "- Past (upcomingInterviews) [S2]" in answer["answer"]  # no empty ": " slot


def test_the_direct_answers_read_clean(seeded, make_app):
    import re

    from tests.plugins.grammar import assert_clean

    _harness, caller, _ = seeded
    empty = make_app(plugins=PLUGINS).api_caller(tier="pro")
    questions = ["When is my next interview?", "What did my mock interview say I should work on?",
                 "Where do my applications stand?", "What's the status of my Acme application?",
                 "What offers do I have and what salary?", "Who should I follow up with?",
                 "Which stories do I have for leadership?", "Do I have a story about conflict?",
                 "What skills are on my CV?"]
    for who in (caller, empty):
        for question in questions:
            lead = ask(who, question)["content"].split("\n")[0]
            assert_clean(re.sub(r" \[S\d+\]", "", lead), question)
