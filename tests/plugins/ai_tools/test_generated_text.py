"""Generated text with no seams: the offline cover letter, negotiation coach, offer narrative,
negotiation lessons and summaries, over many kinds of postings and user text (requirement
sentences, "You will ...", bullet lists, lower case, stray punctuation, empty fields), read by
the grammar checker of ``tests/plugins/grammar.py``."""

from __future__ import annotations

import itertools

import pytest

from lightninghire.testing import assert_ok, verify_offline
from lightninghire_plugins.ai_tools import summarize
from lightninghire_plugins.ai_tools.tools import cover_letter, feedback
from tests.plugins.ai_tools.helpers import STRONG_RESUME
from tests.plugins.ai_tools.test_tools import OFFER, OFFERS
from tests.plugins.grammar import assert_clean, seams

POSTINGS = {
    "we need": "We need 5+ years of backend engineering with Go... We run payments for 2,000 "
               "merchants across Europe and the team is growing fast.",
    "you will": "You will design the new claims services in Python.\nYou will mentor two "
                "engineers and review their code.",
    "bullets": "Responsibilities:\n- build APIs in Go\n- own on-call one week in six\n"
               "Requirements:\n- 5+ years of experience\n- SQL",
    "lower case": "we are hiring a data analyst to build dashboards in tableau. you'll partner "
                  "with our marketing team on weekly experiments",
    "punctuation": "Lead our mobile team!!! Ship weekly releases;; Keep the crash rate under "
                   "0.1%,,",
    "nursing": "Registered Nurse - Cardiac Unit\nWe're looking for a compassionate RN to care "
               "for patients on our cardiac step-down unit. Requirements: active RN license, "
               "BLS and ACLS certification, 2+ years of acute care experience.",
    "sales": "Account Executive. Sell our B2B SaaS platform to mid-market companies in the "
             "Nordics. Must have 3+ years of quota-carrying experience. Salesforce experience "
             "preferred.",
    "company only": "Acme is a fast-growing fintech based in Berlin. The role is fully remote in "
                    "the EU. Competitive salary and generous benefits are included.",
    "activity": "Building data pipelines for 2M users is what this team does every day. "
                "Experience with Airflow and dbt.",
    "questions": "Do you love distributed systems? Are you excited about scale? Join us to "
                 "scale our API platform to 1B requests a day.",
    "run-on": "In this role, you will own the roadmap for our checkout experience, and work "
              "closely with design, data and engineering to ship improvements every week "
              "across web and mobile, and beyond",
    "minimal": "Backend engineer wanted. Python. Remote.",
}
RESUMES = [
    STRONG_RESUME,
    "- revenue grew 40% after I rebuilt onboarding\n- Responsible for 3 services with 99.9% "
    "uptime\nled a team of 5 engineers in 2023 across two time zones",
    "Retail associate with a customer service background and cash handling.",
]
INTEL = [None, "its mission to make claims painless for patients",
         "They are building the future of payments!", "we're rebuilding healthcare billing...",
         "   "]
RECIPIENTS = [None, "  ", "Sam Lee"]
TONES = ["warm", "formal", "direct"]


def _key_points(posting: str) -> dict:
    return verify_offline(summarize.TASK, {"text": posting, "maxPoints": 3})[0]


def test_the_reported_seam_is_gone():
    summary = _key_points(POSTINGS["we need"])
    [letter] = verify_offline(cover_letter.TASK, {
        "role": "Backend Engineer", "company": "Acme", "resumeText": STRONG_RESUME,
        "jobKeyPoints": summary["keyPoints"], "jobSummary": summary["summary"]})
    assert "chance to we" not in letter["letter"]
    assert_clean(letter["letter"], "cover letter")


@pytest.mark.parametrize("posting", POSTINGS, ids=list(POSTINGS))
def test_cover_letters_read_clean_for_every_kind_of_posting(posting):
    summary = _key_points(POSTINGS[posting])
    combos = itertools.product(RESUMES, INTEL, RECIPIENTS, TONES)
    for resume, intel, recipient, tone in itertools.islice(combos, 0, None, 7):
        [out] = verify_offline(cover_letter.TASK, {
            "role": "Senior Backend Engineer", "company": "Acme Health", "resumeText": resume,
            "companyIntel": intel, "recipientName": recipient, "tone": tone,
            "candidateName": "Dana Kim", "matchedSkills": ["Python", " ", "Kafka"],
            "jobKeyPoints": summary["keyPoints"], "jobSummary": summary["summary"]})
        assert_clean(out["letter"], f"{posting} / {intel!r} / {tone}")
        # A subject line is a title: everything but the closing stop.
        assert [p for p in seams(out["subject"]) if "closing" not in p] == []


def test_the_why_line_picks_the_work_not_a_requirement():
    def why(points):
        return cover_letter.why_line({"role": "Engineer", "company": "Acme",
                                      "companyIntel": None, "jobKeyPoints": points,
                                      "jobSummary": None})

    assert why(["We need 5+ years of Go.", "You will own our payments API."]) == (
        "The chance to own your payments API is exactly the kind of work I want to do next.")
    assert why(["Requirements: SQL, AWS."]) == (
        "The Engineer role matches the work I do best and want to keep growing in.")
    assert why(["- building data pipelines for 2M users"]) == (
        "Building data pipelines for 2M users is exactly the kind of work I want to do next.")
    assert why(["Acme Health is hiring a Senior Backend Engineer to lead the rebuild of its "
                "claims platform."]) == (
        "The chance to lead the rebuild of your claims platform is exactly the kind of work I "
        "want to do next.")


def test_cover_letters_through_http_read_clean(make_app):
    caller = make_app(plugins=["plans", "ai_tools", "jobsearch"]).api_caller(
        tier="pro", name="Dana Kim")
    for name, posting in POSTINGS.items():
        run = assert_ok(caller.post("/api/tools/cover-letter", json={
            "job": {"description": posting.ljust(20, "."), "title": "Backend Engineer",
                    "company": "Acme"}, "resume": {"text": STRONG_RESUME}}), 201)
        assert_clean(run["result"]["letter"], name)


def test_negotiation_texts_read_clean_for_every_posting(make_app):
    caller = make_app(plugins=["plans", "ai_tools"]).api_caller(tier="pro", name="Dana Kim")
    for name, posting in POSTINGS.items():
        result = assert_ok(caller.post("/api/tools/negotiation", json={
            **OFFER, "jobDescription": posting.ljust(20, ".")}), 201)["result"]
        assert_clean(result["email"]["body"], f"negotiation e-mail / {name}")
        for text in [*result["talkingPoints"], *result["strategy"]["tactics"],
                     result["strategy"]["reasoning"]]:
            assert_clean(text, f"negotiation / {name}")


@pytest.mark.parametrize("priorities", ["growth and a short commute", "  Remote work!! ",
                                        "i care about equity...", ""])
def test_offer_narratives_read_clean(make_app, priorities):
    caller = make_app(plugins=["plans", "ai_tools"]).api_caller(tier="pro")
    result = assert_ok(caller.post("/api/tools/offer-comparison", json={
        "offers": OFFERS, **({"priorities": priorities} if priorities else {})}), 201)["result"]
    for text in [result["headline"], result["narrative"], *result["considerations"],
                 *result["questionsToAsk"]]:
        assert_clean(text, f"offers / {priorities!r}")


@pytest.mark.parametrize("notes", ["too pushy", "  Way too long... and formal!!  ", "", "x" * 400])
def test_negotiation_lessons_read_clean(notes):
    draft = "Hi Sam, I would like to ask for $184,000 in base salary. Best, Dana"
    for outcome, rating, edited in itertools.product(
            ["accepted", "improved", "no_change", "rescinded", "declined", "pending"], [1, 3, 5],
            ["", "Hi Sam, could we maybe get to $180,000? Thanks so much for your flexibility "
                 "and patience with me."]):
        [out] = verify_offline(feedback.TASK, {
            "rating": rating, "outcome": outcome, "notes": notes, "draft": draft,
            "edited": edited, "askedFor": 184000, "finalBase": 180000})
        for text in [*out["lessons"], out["summary"]]:
            assert_clean(text, f"lessons / {outcome} / {notes!r}")


@pytest.mark.parametrize("posting", POSTINGS, ids=list(POSTINGS))
def test_summaries_read_clean(posting):
    out = _key_points(POSTINGS[posting])
    for text in [out["summary"], *out["keyPoints"]]:
        assert not [p for p in seams(text) if "lower case" in p or "closing" in p
                    or "placeholder" in p or "pronoun" in p], text


def test_the_checker_catches_the_seams_it_is_for():
    for broken in ["The chance to we need 5+ years of Go is exactly the kind of work.",
                   "I want the chance to you will design services.",
                   "Thank you for you helped me prepare.", "Great to meet you ,Dana.",
                   "We met,, twice.", "See you soon..", "i loved it.", "Hi [Name], welcome.",
                   "Congratulations on {news}!", "I'm applying with  at Acme.",
                   "Your next interview is with Acme for Backend Engineer on Tuesday"]:
        assert seams(broken), broken
    assert seams("Hi Dana,\n\nThank you for the system design tips.\n\nBest regards,") == []
