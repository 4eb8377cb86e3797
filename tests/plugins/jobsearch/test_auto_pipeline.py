"""The auto-pipeline (POST /api/applications/auto): a posting, pasted or fetched from its URL
(a real HTTP server on 127.0.0.1, allowed only through fetch.allow_networks), becomes the card,
a tailored-resume suggestion and an outreach draft (the outreach plugin's task, by name)."""

from __future__ import annotations

import json

import pytest

from lightninghire.testing import Page, assert_error, assert_ok
from tests.core.test_ai_fake_server import FakeProviderServer
from tests.plugins.jobsearch.helpers import BACKEND_RESUME

PLUGINS = ["plans", "jobsearch", "outreach"]
ALLOW_LOOPBACK = {"fetch.allow_networks": ["127.0.0.1/32"]}
POSTING = ("Senior Backend Engineer - Payments\n"
           "Acme Health is hiring a Senior Backend Engineer to rebuild its claims platform.\n"
           "- Design claims services in Python on PostgreSQL\n- Run Kafka, Docker and Kubernetes\n"
           "Requirements: 5+ years of backend experience.\nLocation: Remote (US)\n")
JSON_LD = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Staff Data Engineer",
           "hiringOrganization": {"@type": "Organization", "name": "Northwind Traders"},
           "jobLocation": {"@type": "Place", "address": {"addressLocality": "London",
                                                         "addressCountry": "GB"}},
           "employmentType": "FULL_TIME",
           "description": "<p>Build <b>Python</b> and SQL pipelines.</p><ul><li>Kafka</li></ul>"}
POSTING_PAGE = (
    "<html><head><title>Staff Data Engineer | Northwind Careers</title>"
    f'<script type="application/ld+json">{json.dumps(JSON_LD)}</script></head>'
    "<body><h1>Staff Data Engineer</h1><p>Build Python and SQL pipelines.</p></body></html>"
).encode()


def auto(caller, **body):
    return caller.post("/api/applications/auto", json=body)


def with_resume(harness, **user):
    caller = harness.api_caller(**user)
    resume = assert_ok(caller.post("/api/resumes", json={"name": "Main",
                                                         "content": BACKEND_RESUME}), 201)
    return caller, resume


def test_pasted_posting_gives_card_tailored_resume_and_outreach_draft_once_on_free(make_app):
    harness = make_app(plugins=PLUGINS)
    caller, resume = with_resume(harness)
    done = assert_ok(auto(caller, text=POSTING, contactName="Dana Kim"), 201)

    card = done["application"]
    assert (card["company"], card["role"]) == ("Acme Health", "Senior Backend Engineer - Payments")
    assert card["status"] == "saved" and card["tags"] == ["auto-pipeline"]
    assert card["location"] == "Remote (US)" and card["seniority"] == "senior"
    assert "claims platform" in card["description"] and card["duplicate"] is False
    tailored = done["tailoredResume"]
    assert tailored["kind"] == "tailored" and tailored["parentId"] == resume["id"]
    assert tailored["target"]["company"] == "Acme Health" and tailored["edits"]
    draft = done["outreachDraft"]
    assert draft["channel"] == "email" and draft["body"].startswith("Hi Dana,")
    assert "Acme Health" in draft["body"] and "Senior Backend Engineer" in draft["body"]
    assert done["notes"] == [] and done["source"]["kind"] == "text"

    # All of it is stored: the card (with the draft as a note) and the tailored resume.
    stored = assert_ok(caller.get(f"/api/applications/{card['id']}"))
    assert stored["notes"][0]["text"].startswith("Outreach draft (email):\nSubject: ")
    assert draft["body"] in stored["notes"][0]["text"]
    assert assert_ok(caller.get(f"/api/resumes/{tailored['id']}"))["kind"] == "tailored"

    # Free: 1 in all. The second posting is refused and stores nothing.
    refused = assert_error(auto(caller, text=POSTING.replace("Acme Health", "Beta")), 402,
                           "PAYMENT_REQUIRED")
    assert refused["feature"] == "auto_pipeline" and refused["upgradeHint"]
    assert len(assert_ok(caller.get("/api/applications"))["items"]) == 1
    pro = harness.api_caller(tier="pro")
    for _ in range(2):
        assert_ok(auto(pro, text=POSTING), 201)


def test_empty_or_unclear_input_is_a_400_that_spends_nothing(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    for body in ({}, {"text": "   \n "}, {"url": ""}, {"text": POSTING, "url": "https://x.io"}):
        assert_error(auto(caller, **body), 400, "VALIDATION")
    assert_error(auto(caller, text=POSTING, extra=1), 400, "VALIDATION")
    unclear = assert_error(auto(caller, text="Backend engineer, Python, remote."), 400,
                           "VALIDATION")
    assert "company" in unclear["fields"] and "company" in unclear["message"]
    assert assert_ok(caller.get("/api/applications"))["items"] == []
    # Nothing was spent: the one free use is still there (the company given by hand).
    done = assert_ok(auto(caller, text="Backend engineer, Python, remote.", company="Gamma"),
                     201)
    assert done["application"]["company"] == "Gamma"
    # No resume: no tailoring, said plainly; the card and the draft are still made.
    assert done["tailoredResume"] is None and done["outreachDraft"]["body"].startswith("Hi Team,")
    assert done["notes"] == ["No resume yet, so no tailored suggestion: add one "
                             "(POST /api/resumes) and tailor it to this application."]


def test_without_the_outreach_plugin_the_card_and_tailoring_still_come(make_app):
    harness = make_app(plugins=["plans", "jobsearch"])
    caller, _ = with_resume(harness)
    done = assert_ok(auto(caller, text=POSTING), 201)
    assert done["outreachDraft"] is None and done["tailoredResume"] is not None
    assert done["notes"] == ["No outreach draft: the outreach plugin is not enabled."]


def test_the_card_is_kept_when_tailoring_and_drafting_fail(make_app):
    offline = make_app(plugins=PLUGINS)
    caller, _ = with_resume(offline)
    with FakeProviderServer() as llm:  # no script: every model call answers 500
        failing = make_app(plugins=PLUGINS, settings={
            "ai.provider": "openai", "ai.openai_api_key": "sk-test-platform-0001",
            "ai.openai_base_url": llm.openai_url, "ai.max_retries": 0})
        same_user = failing.api_caller(user=caller.user)
        done = assert_ok(auto(same_user, text=POSTING), 201)
    assert done["tailoredResume"] is None and done["outreachDraft"] is None
    assert [n.split(":")[0] for n in done["notes"]] == ["Tailoring failed",
                                                        "The outreach draft failed"]
    assert assert_ok(caller.get(f"/api/applications/{done['application']['id']}"))["company"] \
        == "Acme Health"
    # The action produced its card: the free use is spent.
    assert_error(auto(same_user, text=POSTING), 402, "PAYMENT_REQUIRED")


def test_a_url_is_fetched_from_an_allow_listed_server_and_read(make_app, page_server):
    page_server.pages["/jobs/42"] = Page(status=302, headers={"Location": "/postings/42"})
    page_server.pages["/postings/42"] = Page(POSTING_PAGE)
    harness = make_app(plugins=PLUGINS, settings=ALLOW_LOOPBACK)
    caller, _ = with_resume(harness, tier="pro")
    url = page_server.url("/jobs/42")
    done = assert_ok(auto(caller, url=url), 201)
    card = done["application"]
    assert (card["company"], card["role"]) == ("Northwind Traders", "Staff Data Engineer")
    assert card["location"] == "London, GB" and card["employmentType"] == "full_time"
    assert card["description"] == "Build Python and SQL pipelines.\n- Kafka"
    assert card["jobUrl"] == url and card["sourceUrl"] == url
    assert done["source"] == {"kind": "url", "url": url, "finalUrl": page_server.url("/postings/42"),
                              "title": "Staff Data Engineer", "bytes": len(POSTING_PAGE)}
    assert done["tailoredResume"]["target"]["company"] == "Northwind Traders"
    assert page_server.hits == ["/jobs/42", "/postings/42"]
    # The same URL again: the existing card (200, duplicate), no second card.
    again = assert_ok(auto(caller, url=url), 200)
    assert again["application"]["id"] == card["id"] and again["application"]["duplicate"]


def test_a_loopback_url_is_refused_without_the_allow_list_and_spends_nothing(make_app,
                                                                            page_server):
    page_server.pages["/p"] = Page(POSTING_PAGE)
    caller = make_app(plugins=PLUGINS).api_caller()
    refused = assert_error(auto(caller, url=page_server.url("/p")), 400, "URL_REFUSED")
    assert refused["reason"] == "address"
    assert refused["message"] == ("The URL's host '127.0.0.1' is a loopback address "
                                  "(127.0.0.1): this server does not fetch it.")
    assert page_server.hits == []
    assert_ok(auto(caller, text=POSTING), 201)  # the free use was not spent


@pytest.mark.parametrize("url", [
    "http://10.0.0.8/jobs/1", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
    "file:///etc/passwd", "gopher://example.com/", "http://user:secret@example.com/",
])
def test_private_link_local_loopback_and_odd_urls_are_refused(make_app, url):
    caller = make_app(plugins=PLUGINS).api_caller()
    assert_error(auto(caller, url=url), 400, "URL_REFUSED")


def test_redirects_to_refused_addresses_are_not_followed(make_app, page_server):
    caller = make_app(plugins=PLUGINS, settings=ALLOW_LOOPBACK).api_caller(tier="pro")
    page_server.pages["/to-metadata"] = Page(status=302, headers={
        "Location": "http://169.254.169.254/latest/meta-data/"})
    page_server.pages["/to-other-loopback"] = Page(status=301, headers={
        "Location": f"http://127.0.0.2:{page_server.port}/p"})
    page_server.pages["/to-v6-loopback"] = Page(status=307, headers={
        "Location": f"http://[::1]:{page_server.port}/p"})
    for path in ("/to-metadata", "/to-other-loopback", "/to-v6-loopback"):
        refused = assert_error(auto(caller, url=page_server.url(path)), 400, "URL_REFUSED")
        assert refused["reason"] == "address"
    assert page_server.hits == ["/to-metadata", "/to-other-loopback", "/to-v6-loopback"]
    assert assert_ok(caller.get("/api/applications"))["items"] == []


def test_oversized_slow_and_non_text_pages_fail_with_a_422(make_app, page_server):
    page_server.pages["/big"] = Page(b"<p>" + b"x" * 5000 + b"</p>")
    page_server.pages["/stall"] = Page(stall=True)
    page_server.pages["/json"] = Page(b"{}", headers={"Content-Type": "application/json"})
    page_server.pages["/gone"] = Page(b"gone", status=404)
    harness = make_app(plugins=PLUGINS, settings={**ALLOW_LOOPBACK, "fetch.max_bytes": 4096,
                                                  "fetch.timeout_seconds": 0.3})
    caller = harness.api_caller()
    for path, reason in (("/big", "too_large"), ("/stall", "timeout"),
                         ("/json", "content_type"), ("/gone", "status")):
        failed = assert_error(auto(caller, url=page_server.url(path)), 422, "FETCH_FAILED")
        assert failed["reason"] == reason, path
    assert assert_ok(caller.get("/api/applications"))["items"] == []
    assert_ok(auto(caller, text=POSTING), 201)  # none of them spent the free use


def test_recruiter_accounts_have_no_auto_pipeline(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller(user_type="recruiter", tier="recruiter_free", roles=["recruiter"])
    assert_error(auto(caller, text=POSTING), 402, "PAYMENT_REQUIRED")
