"""Negotiation coach, offer comparison, cover letters and negotiation feedback over HTTP."""

from __future__ import annotations

import re

from lightninghire.testing import assert_error, assert_ok
from tests.plugins.ai_tools.helpers import JOB, STRONG_RESUME, context_plugin

OFFER = {"role": "Senior Backend Engineer", "company": "Acme Health", "baseSalary": 160000,
         "equityPerYear": 20000, "signingBonus": 10000, "marketLow": 150000,
         "marketMedian": 175000, "marketHigh": 200000, "walkAway": 165000,
         "recipientName": "Sam Lee"}
OFFERS = [
    {"company": "Acme", "baseSalary": 150000, "bonusPercent": 10, "equityTotal": 100000,
     "vestingYears": 4, "ptoDays": 20, "workMode": "remote", "growthRating": 4},
    {"company": "Globex", "baseSalary": 165000, "signingBonus": 20000, "ptoDays": 15,
     "workMode": "onsite", "commuteMinutes": 40, "growthRating": 3, "costOfLivingIndex": 120},
]


def test_negotiation_gives_a_filled_in_email_and_real_numbers(make_app):
    caller = make_app(plugins=["plans", "ai_tools"]).api_caller(name="Dana Kim")
    run = assert_ok(caller.post("/api/tools/negotiation", json=OFFER), 201)
    result = run["result"]
    assert run["kind"] == "negotiation" and run["status"] == "done"
    assert result["marketAnalysis"]["offerPercentile"] == 26  # 50 - 40 x 15k/25k
    assert result["strategy"]["approach"] == "assertive"  # below the market middle
    assert result["strategy"]["targetCounter"] == 184000  # 5% over the median, rounded
    body = result["email"]["body"]
    assert "$184,000" in body and body.startswith("Hi Sam,") and body.endswith("Dana Kim")
    assert not re.search(r"[\[\]{}]|_{3}", body)
    assert [d["pressure"] for d in result["deflections"]] == [
        "best-offer", "deadline", "expectations", "other-candidates", "other-offers"]
    assert result["walkaway"]["fullPackage"] == 190000
    assert result["walkaway"]["onboardingMinimum"] == 165000
    # Free: one negotiation in all; recruiters: none.
    assert_error(caller.post("/api/tools/negotiation", json=OFFER), 402, "PAYMENT_REQUIRED")
    recruiter = make_app(plugins=["plans", "ai_tools"]).api_caller(user_type="recruiter")
    assert_error(recruiter.post("/api/tools/negotiation", json=OFFER), 402, "PAYMENT_REQUIRED")


def test_negotiation_validates_its_input(make_app):
    caller = make_app(plugins=["plans", "ai_tools"]).api_caller()
    no_role = {k: v for k, v in OFFER.items() if k != "role"}
    assert_error(caller.post("/api/tools/negotiation", json=no_role), 400, "VALIDATION")
    assert_error(caller.post("/api/tools/negotiation", json={**OFFER, "baseSalary": -5}), 400,
                 "VALIDATION")
    assert_error(caller.post("/api/tools/negotiation",
                             json={**OFFER, "marketLow": 300000}), 400, "VALIDATION")
    assert_error(caller.post("/api/tools/negotiation", json={**OFFER, "currency": "dollars"}),
                 400, "VALIDATION")
    assert_ok(caller.post("/api/tools/negotiation", json=OFFER), 201)


def test_feedback_lessons_flow_into_the_next_draft(make_app):
    harness = make_app(plugins=["plans", "ai_tools"])
    caller, other = harness.api_caller(tier="pro"), harness.api_caller(tier="pro")
    first = assert_ok(caller.post("/api/tools/negotiation", json=OFFER), 201)
    assert first["result"]["strategy"]["approach"] == "assertive"
    assert_error(other.post("/api/negotiate-feedback", json={"negotiationId": first["id"],
                                                             "rating": 5}), 404, "NOT_FOUND")
    fb = assert_ok(caller.post("/api/negotiate-feedback", json={
        "negotiationId": first["id"], "rating": 2, "outcome": "rescinded",
        "notes": "too pushy", "editedEmail": "Hi Sam, I would love to get to $180,000 if "
                                             "possible. I appreciate your flexibility."}), 201)
    assert any("softened" in lesson for lesson in fb["lessons"])
    assert any("rescinded" in lesson for lesson in fb["lessons"])
    context = assert_ok(caller.get("/api/context"))["sections"]["ai_tools"]
    assert context["negotiationFeedback"][0]["lessons"] == fb["lessons"]
    second = assert_ok(caller.post("/api/tools/negotiation", json=OFFER), 201)["result"]
    assert second["strategy"]["approach"] == "collaborative"
    assert any(p.startswith("From your last negotiation:") for p in second["talkingPoints"])
    listed = assert_ok(caller.get("/api/negotiate-feedback"))["items"]
    assert [f["id"] for f in listed] == [fb["id"]]
    assert assert_ok(other.get("/api/negotiate-feedback"))["items"] == []


def test_negotiation_prefills_from_an_application_in_the_context(make_app):
    data: dict = {}
    harness = make_app(plugins=["plans", "ai_tools", "ctx"], extra_plugins={"ctx": context_plugin(data)})
    caller = harness.api_caller(tier="pro")
    data[caller.user["email"]] = {"applications": [
        {"id": "app9", "role": "Staff Engineer", "company": "Globex", "location": "Berlin",
         "description": JOB}]}
    body = {"applicationId": "app9", "baseSalary": 120000, "currency": "EUR"}
    result = assert_ok(caller.post("/api/tools/negotiation", json=body), 201)["result"]
    email = result["email"]["body"]
    assert "Staff Engineer role at Globex" in email and "\u20ac" in email
    assert "I'm especially excited about the chance to" in email
    assert result["marketAnalysis"]["source"] == "estimated"
    assert_error(caller.post("/api/tools/negotiation", json={**body, "applicationId": "nope"}),
                 404, "NOT_FOUND")


def test_offer_comparison_shows_its_arithmetic(make_app):
    caller = make_app(plugins=["plans", "ai_tools"]).api_caller()
    run = assert_ok(caller.post("/api/tools/offer-comparison", json={"offers": OFFERS}), 201)
    result = run["result"]
    acme, globex = result["offers"]
    assert acme["annualTotal"] == 150000 + 15000 + 25000 == 190000
    assert globex["annualTotal"] == 165000 + 5000 and globex["firstYearTotal"] == 185000
    assert globex["normalizedTotal"] == round(170000 * 100 / 120)
    assert acme["scores"] == {"compensation": 100.0, "growth": 80.0, "worklife": 83.33}
    assert acme["weightedScore"] == round(0.5 * 100 + 0.25 * 80 + 0.25 * 83.33, 2)
    assert "$25,000 equity ($100,000 / 4 y)" in acme["math"]
    assert result["ranking"] == ["Acme", "Globex"] and acme["rank"] == 1
    assert result["headline"].startswith("Acme comes out ahead")
    assert_error(caller.post("/api/tools/offer-comparison", json={"offers": OFFERS}), 402,
                 "PAYMENT_REQUIRED")


def test_offer_weights_change_the_winner(make_app):
    caller = make_app(plugins=["plans", "ai_tools"]).api_caller(tier="pro")
    offers = [{**OFFERS[0], "growthRating": 1}, {**OFFERS[1], "costOfLivingIndex": 100,
                                                   "growthRating": 5}]
    growth = assert_ok(caller.post("/api/tools/offer-comparison", json={
        "offers": offers, "weights": {"compensation": 1, "growth": 3, "worklife": 0}}), 201)
    assert growth["result"]["weights"] == {"compensation": 0.25, "growth": 0.75, "worklife": 0.0}
    assert growth["result"]["ranking"][0] == "Globex"
    assert_error(caller.post("/api/tools/offer-comparison", json={"offers": offers[:1]}), 400,
                 "VALIDATION")


def test_cover_letters_are_complete_and_capped(make_app):
    caller = make_app(plugins=["plans", "ai_tools"]).api_caller(name="Dana Kim")
    body = {"job": {"description": JOB, "title": "Senior Backend Engineer",
                    "company": "Acme Health"}, "resume": {"text": STRONG_RESUME},
            "companyIntel": "its mission to make claims painless for patients"}
    run = assert_ok(caller.post("/api/tools/cover-letter", json=body), 201)
    letter = run["result"]["letter"]
    assert "Senior Backend Engineer role at Acme Health" in letter
    assert "cut p95 latency by 60%" in letter and letter.endswith("Dana Kim")
    assert "Kafka" in letter and not re.search(r"[\[\]{}]", letter)
    assert_ok(caller.post("/api/tools/cover-letter", json={**body, "tone": "formal"}), 201)
    assert_error(caller.post("/api/tools/cover-letter", json=body), 402, "PAYMENT_REQUIRED")
    assert_error(caller.post("/api/tools/cover-letter", json={**body, "tone": "sassy"}), 400,
                 "VALIDATION")


def test_runs_are_listed_by_kind_and_private(make_app):
    harness = make_app(plugins=["plans", "ai_tools"])
    caller, other = harness.api_caller(tier="pro"), harness.api_caller(tier="pro")
    neg = assert_ok(caller.post("/api/tools/negotiation", json=OFFER), 201)
    cmp_ = assert_ok(caller.post("/api/tools/offer-comparison", json={"offers": OFFERS}), 201)
    assert [r["id"] for r in assert_ok(caller.get("/api/tools/runs"))["items"]] == [
        cmp_["id"], neg["id"]]
    only = assert_ok(caller.get("/api/tools/runs", params={"kind": "negotiation"}))["items"]
    assert [r["id"] for r in only] == [neg["id"]]
    assert_error(caller.get("/api/tools/runs", params={"kind": "poem"}), 400, "VALIDATION")
    assert_error(other.get(f"/api/tools/runs/{neg['id']}"), 404, "NOT_FOUND")
    assert assert_ok(caller.get(f"/api/tools/runs/{neg['id']}"))["input"]["baseSalary"] == 160000
    assert harness.db["ai_tools_runs"].find_one({"kind": "negotiation"})["userId"] == str(
        caller.user["_id"])
    assert assert_ok(caller.delete(f"/api/tools/runs/{neg['id']}")) == {"deleted": True}
    assert_error(caller.get(f"/api/tools/runs/{neg['id']}"), 404, "NOT_FOUND")


def test_the_saved_profile_feeds_the_context_and_the_coach(make_app):
    caller = make_app(plugins=["plans", "ai_tools"]).api_caller(name="Dana Kim", tier="pro")
    assert assert_ok(caller.get("/api/context"))["sections"]["ai_tools"]["profile"] == {
        "name": "Dana Kim"}
    assert_ok(caller.patch("/api/me", json={"profile": {
        "currentRole": "Backend Engineer", "targetRoles": ["Staff Engineer"],
        "minSalary": 170000, "searchStatus": "actively_looking"}}))
    profile = assert_ok(caller.get("/api/context"))["sections"]["ai_tools"]["profile"]
    assert profile == {"name": "Dana Kim", "currentRole": "Backend Engineer",
                       "searchStatus": "actively_looking", "targetRoles": ["Staff Engineer"],
                       "minSalary": 170000}
    offer = {k: v for k, v in OFFER.items() if k != "walkAway"}
    result = assert_ok(caller.post("/api/tools/negotiation", json=offer), 201)["result"]
    assert result["walkaway"]["onboardingMinimum"] == 170000
    # A walk-away given in the body wins over the profile's minimum.
    given = assert_ok(caller.post("/api/tools/negotiation", json=OFFER), 201)["result"]
    assert given["walkaway"]["onboardingMinimum"] == 165000
