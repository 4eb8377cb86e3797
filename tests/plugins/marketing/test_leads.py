"""POST /api/leads: the seed's answer, the rate limit, storage first, mail through the outbox."""

from __future__ import annotations

import pytest

from lightninghire.testing import SmtpTransport, assert_error

LEAD = {"email": "Jane@Example.com", "source": "interview-prep-guide", "marketingOptIn": True,
        "utm": {"source": "twitter", "medium": "social"}}
# No download_base_url: the API serves the shipped guide itself.
GUIDE_URL = "http://testserver/api/downloads/interview-prep-guide.pdf"


def post_lead(harness, body=None, **kwargs):
    return harness.client.simulate_post("/api/leads", json=body or LEAD, **kwargs)


def test_a_lead_answers_the_seeds_shape_is_stored_and_gets_its_download_mail(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    result = post_lead(harness)
    assert result.status_code == 200
    assert result.json == {"ok": True, "downloadUrl": GUIDE_URL}

    [lead] = harness.db["marketing_leads"].find()
    assert (lead["email"], lead["source"], lead["marketingOptIn"]) == (
        "jane@example.com", "interview-prep-guide", True)
    assert lead["utm"] == {"source": "twitter", "medium": "social"}
    [mail] = harness.mail
    assert mail.to == "jane@example.com"
    assert "Interview Prep Guide" in mail.subject
    assert GUIDE_URL in mail.text
    assert mail.header("List-Unsubscribe") is None  # asked for: transactional
    [event] = harness.services.events.named("lead.captured")
    assert event.payload["source"] == "interview-prep-guide" and event.payload["new"] is True


def test_the_same_email_and_source_is_one_lead_keeping_the_latest_utm_and_opt_in(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    post_lead(harness)
    post_lead(harness, {**LEAD, "email": "jane@example.com", "marketingOptIn": False,
                        "utm": {"source": "newsletter", "campaign": "spring"}})
    post_lead(harness, {**LEAD, "source": "star-story-workbook"})
    leads = {lead["source"]: lead for lead in harness.db["marketing_leads"].find()}
    assert set(leads) == {"interview-prep-guide", "star-story-workbook"}
    guide = leads["interview-prep-guide"]
    assert guide["utm"] == {"source": "newsletter", "campaign": "spring"}
    assert guide["marketingOptIn"] is False and guide["submissions"] == 2


def test_every_shipped_magnet_downloads_as_a_pdf_from_the_server_that_handed_it_out(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    sources = ["interview-prep-guide", "50-interview-questions", "star-story-workbook",
               "salary-negotiation-playbook", "resume-tailoring-checklist", "30-60-90-day-plan",
               "interview-debrief-template", "cold-outreach-templates", "ai-job-search-2026"]
    for source in sources:
        url = post_lead(harness, {**LEAD, "source": source}).json["downloadUrl"]
        assert url.startswith("http://testserver/api/downloads/"), url
        got = harness.client.simulate_get(url.removeprefix("http://testserver"))
        assert got.status_code == 200, (source, got.text)
        assert got.headers["content-type"] == "application/pdf"
        assert got.content.startswith(b"%PDF-") and len(got.content) > 1000
    assert_error(harness.client.simulate_get("/api/downloads/nope.pdf"), 404, "NOT_FOUND")


def test_a_download_base_url_points_the_links_elsewhere(make_app):
    harness = make_app(plugins=["plans", "marketing"], settings={
        "plugins.marketing.download_base_url": "https://cdn.example.com"})
    assert post_lead(harness).json["downloadUrl"] == \
        "https://cdn.example.com/downloads/interview-prep-guide.pdf"


def test_lead_magnets_come_from_the_plugins_configuration(make_app):
    harness = make_app(plugins=["plans", "marketing"], settings={"plugins.marketing.lead_magnets": {
        "job-match": {"title": "Job Match Report", "url": "https://cdn.example.com/jm.pdf"}}})
    result = post_lead(harness, {**LEAD, "source": "job-match"})
    assert result.json["downloadUrl"] == "https://cdn.example.com/jm.pdf"
    error = assert_error(post_lead(harness), 400, "VALIDATION")  # the default set is replaced
    assert "source" in error["fields"]


@pytest.mark.parametrize("body, field", [
    ({**LEAD, "source": "no-such-guide"}, "source"),
    ({**LEAD, "email": "not-an-address"}, "email"),
    ({**LEAD, "email": "a" * 250 + "@example.com"}, "email"),
    ({**LEAD, "utm": {"source": "x" * 201}}, "utm"),
    ({**LEAD, "utm": {"referrer": "x"}}, "utm"),
    ({**LEAD, "extra": 1}, "extra"),
    ({"source": "interview-prep-guide"}, "email"),
])
def test_bad_input_is_a_400_and_stores_nothing(make_app, body, field):
    harness = make_app(plugins=["plans", "marketing"])
    error = assert_error(post_lead(harness, body), 400, "VALIDATION")
    assert field in error["fields"]
    assert harness.db["marketing_leads"].count_documents({}) == 0 and harness.mail == []


def test_a_filled_honeypot_looks_accepted_but_stores_and_sends_nothing(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    result = post_lead(harness, {**LEAD, "website": "http://spam.example"})
    assert result.json == {"ok": True, "downloadUrl": GUIDE_URL}
    assert harness.db["marketing_leads"].count_documents({}) == 0 and harness.mail == []


def test_the_eleventh_lead_from_one_ip_in_15_minutes_is_a_429_with_the_seeds_body(make_app,
                                                                                   clock):
    harness = make_app(plugins=["plans", "marketing"])
    # A client that is not a trusted proxy: its X-Forwarded-For is ignored, so changing it on
    # every request does not reset its counter.
    for i in range(10):
        result = post_lead(harness, {**LEAD, "email": f"p{i}@example.com"},
                           remote_addr="203.0.113.7",
                           headers={"X-Forwarded-For": f"198.51.100.{i}"})
        assert result.status_code == 200, result.text
    refused = post_lead(harness, {**LEAD, "email": "p10@example.com"}, remote_addr="203.0.113.7",
                        headers={"X-Forwarded-For": "198.51.100.99"})
    assert refused.status_code == 429
    error = assert_error(refused, 429, "RATE_LIMIT")
    assert error["message"] == "Too many requests. Please try again later."  # the seed's
    assert int(refused.headers["Retry-After"]) == error["retryAfter"] > 0
    assert harness.db["marketing_leads"].count_documents({"email": "p10@example.com"}) == 0
    # Another client is not affected, and the window ends.
    assert post_lead(harness, remote_addr="203.0.113.8").status_code == 200
    clock.advance(minutes=15)
    assert post_lead(harness, remote_addr="203.0.113.7").status_code == 200


def test_a_lead_survives_smtp_being_down_and_its_mail_arrives_after_recovery(make_app, clock,
                                                                            smtp_server):
    harness = make_app(plugins=["plans", "marketing"])
    server = smtp_server(start=False)  # nothing listens on its port yet: the mail server is down
    harness.services.mail.transport = SmtpTransport.from_url(server.url())

    result = post_lead(harness)
    assert result.json == {"ok": True, "downloadUrl": GUIDE_URL}
    assert harness.db["marketing_leads"].count_documents({"email": "jane@example.com"}) == 1
    [queued] = harness.db["mail_outbox"].find()
    assert queued["status"] == "queued" and queued["to"] == "jane@example.com"

    server.start()
    clock.advance(minutes=1)
    assert harness.services.mail.deliver_due()["sent"] == 1
    [raw] = [delivered.raw for delivered in server.delivered]
    assert b"jane@example.com" in raw and b"interview-prep-guide.pdf" in raw
    assert harness.db["mail_outbox"].find_one({"_id": queued["_id"]})["status"] == "sent"
