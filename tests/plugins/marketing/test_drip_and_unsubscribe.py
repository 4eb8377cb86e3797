"""The lead drip (each step once, stopping at unsubscribe or sign-up) and /api/unsubscribe."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

from lightninghire.testing import TEST_PASSWORD, TaskRunner, assert_error, assert_ok

LEAD = {"email": "lee@example.com", "source": "interview-prep-guide", "marketingOptIn": True}
DRIP_SUBJECTS = ["A 10-minute warm-up before your next interview",
                 "Turn your experience into STAR stories",
                 "Practice with a mock interview (free)"]


def capture(harness, **changes):
    result = harness.client.simulate_post("/api/leads", json={**LEAD, **changes})
    assert result.status_code == 200, result.text


def run_drip(harness, clock):
    """One run of the task through the core's runner, then the outbox task."""
    runner = TaskRunner(harness.db, clock, harness.services.tasks.specs)
    result = runner.run("lead-drip")
    assert result.ok, result.to_dict()
    harness.services.mail.deliver_due()
    return result.summary


def drip_mail(harness):
    return [m for m in harness.mail if m.subject in DRIP_SUBJECTS]


def test_the_drip_sends_each_step_once_on_its_day(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    capture(harness)
    assert run_drip(harness, clock)["sent"] == 0  # the download mail went out; no drip yet

    clock.advance(days=1)
    assert run_drip(harness, clock)["sent"] == 1
    assert run_drip(harness, clock)["sent"] == 0  # run again at once: never the same step twice
    clock.advance(days=1)
    assert run_drip(harness, clock)["sent"] == 0  # step 2 is on day 3
    clock.advance(days=1)
    assert run_drip(harness, clock)["sent"] == 1
    clock.advance(days=4)
    assert run_drip(harness, clock)["sent"] == 1
    clock.advance(days=30)
    assert run_drip(harness, clock)["sent"] == 0  # the sequence is over

    mails = drip_mail(harness)
    assert [m.subject for m in mails] == DRIP_SUBJECTS
    assert all(m.to == "lee@example.com" for m in mails)
    # Marketing list mail: one-click unsubscribe headers.
    assert mails[0].header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert "/api/unsubscribe?token=" in mails[0].header("List-Unsubscribe")
    drip = harness.db["marketing_lead_drips"].find_one({"_id": "lee@example.com"})
    assert (drip["step"], drip["stopReason"]) == (3, "completed")


def test_a_late_run_sends_one_overdue_step_at_a_time(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    capture(harness)
    clock.advance(days=10)  # the task did not run for ten days
    assert run_drip(harness, clock)["sent"] == 1
    assert run_drip(harness, clock)["sent"] == 0
    clock.advance(hours=23)
    assert run_drip(harness, clock)["sent"] == 0  # at most one drip mail a day
    clock.advance(hours=1)
    assert run_drip(harness, clock)["sent"] == 1


def test_leads_without_opt_in_get_no_drip_and_opting_out_later_stops_it(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    capture(harness, email="quiet@example.com", marketingOptIn=False)
    capture(harness)
    clock.advance(days=1)
    assert run_drip(harness, clock)["sent"] == 1
    capture(harness, marketingOptIn=False)  # the latest answer wins
    clock.advance(days=10)
    assert run_drip(harness, clock)["sent"] == 0
    assert [m.to for m in drip_mail(harness)] == ["lee@example.com"]


def test_one_click_unsubscribe_from_a_drip_mail_stops_the_later_steps(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    capture(harness)
    clock.advance(days=1)
    run_drip(harness, clock)
    [first] = drip_mail(harness)
    link = first.header("List-Unsubscribe").strip("<>")
    parts = urlsplit(link)

    # What a mail provider does for RFC 8058: POST the form body to the link.
    result = harness.client.simulate_post(
        parts.path, query_string=parts.query, body="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    data = assert_ok(result)
    assert data == {"email": "l***@example.com", "list": "marketing", "allLists": False,
                    "unsubscribed": True, "changed": True}
    assert harness.services.mail.is_suppressed("lee@example.com", "marketing")

    clock.advance(days=10)
    assert run_drip(harness, clock)["sent"] == 0
    assert len(drip_mail(harness)) == 1
    drip = harness.db["marketing_lead_drips"].find_one({"_id": "lee@example.com"})
    assert drip["stopReason"] == "unsubscribed"


def test_a_drip_step_waiting_in_the_outbox_is_withheld_after_unsubscribe(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    capture(harness)
    clock.advance(days=1)
    runner = TaskRunner(harness.db, clock, harness.services.tasks.specs)
    assert runner.run("lead-drip").summary["sent"] == 1  # queued, not yet delivered
    token = harness.services.mail.unsubscribe_token("lee@example.com", "marketing")
    assert_ok(harness.client.simulate_post("/api/unsubscribe", json={"token": token}))
    assert harness.services.mail.deliver_due()["suppressed"] == 1
    assert drip_mail(harness) == []


def test_signing_up_stops_the_drip_and_makes_the_leads_the_users(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    capture(harness)
    signup = harness.client.simulate_post("/api/auth/signup", json={
        "email": "Lee@example.com", "password": TEST_PASSWORD, "name": "Lee Chen"})
    user = assert_ok(signup, 201)
    clock.advance(days=10)
    assert run_drip(harness, clock)["sent"] == 0
    drip = harness.db["marketing_lead_drips"].find_one({"_id": "lee@example.com"})
    assert drip["stopReason"] == "signed_up"
    user_id = user["user"]["id"]
    assert harness.db["marketing_leads"].find_one({"email": "lee@example.com"})["userId"] == user_id


def test_an_existing_users_address_starts_no_drip(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    harness.create_user("lee@example.com")
    capture(harness)
    clock.advance(days=10)
    assert run_drip(harness, clock)["sent"] == 0
    assert harness.db["marketing_lead_drips"].count_documents({}) == 0


def test_get_shows_what_a_link_would_do_and_changes_nothing(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    token = harness.services.mail.unsubscribe_token("Ada@Example.com", "digest")
    for _ in range(2):
        data = assert_ok(harness.client.simulate_get("/api/unsubscribe",
                                                     params={"token": token}))
        assert data == {"email": "a***@example.com", "list": "digest", "unsubscribed": False}
    assert harness.db["mail_suppressions"].count_documents({}) == 0

    page = harness.client.simulate_get("/api/unsubscribe", params={"token": token},
                                       headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'method="post"' in page.text and 'value="One-Click"' in page.text
    assert "digest" in page.text and "Ada@" not in page.text
    assert harness.db["mail_suppressions"].count_documents({}) == 0


class _Page(HTMLParser):
    """The parts of an unsubscribe page a browser acts on: title, text, the form."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.title, self.text, self.form, self.inputs, self._in = "", "", None, {}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self._in = tag
        if tag == "form":
            self.form = dict(attrs)
        elif tag == "input":
            self.inputs[dict(attrs)["name"]] = dict(attrs)["value"]

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "p":
            self.text += data


def test_the_browser_pages_post_their_form_and_confirm(make_app):
    """The confirm page's form posts the one-click body to the link's own token; the page after
    it says what happened; both are autoescaped templates."""
    harness = make_app(plugins=["plans", "marketing"])
    token = harness.services.mail.unsubscribe_token("ada@example.com", "digest")
    html = {"Accept": "text/html"}
    confirm = _Page(harness.client.simulate_get("/api/unsubscribe", params={"token": token},
                                                headers=html).text)
    assert confirm.title == "Unsubscribe" and confirm.form["method"] == "post"
    assert confirm.text == "Stop sending digest emails to a***@example.com?"
    action = urlsplit(confirm.form["action"])
    assert action.path == "/api/unsubscribe" and parse_qs(action.query) == {"token": [token]}
    posted = harness.client.simulate_post(
        action.path, query_string=action.query, headers={
            **html, "Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(confirm.inputs))
    assert posted.status_code == 200 and posted.headers["Content-Type"].startswith("text/html")
    done = _Page(posted.text)
    assert done.title == "You are unsubscribed"
    assert done.text == "a***@example.com will not get digest emails from us any more."
    assert harness.services.mail.is_suppressed("ada@example.com", "digest")
    again = _Page(harness.client.simulate_get("/api/unsubscribe", params={"token": token},
                                              headers=html).text)
    assert again.form is None and again.text == "a***@example.com no longer gets digest emails."


def test_post_unsubscribes_idempotently_in_json_and_multipart(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    mail = harness.services.mail
    token = mail.unsubscribe_token("ada@example.com", "digest")
    body = ("--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
            "One-Click\r\n--XyZ--\r\n")
    result = harness.client.simulate_post(
        "/api/unsubscribe", params={"token": token}, body=body,
        headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
    assert assert_ok(result)["changed"] is True
    again = harness.client.simulate_post("/api/unsubscribe", json={"token": token})
    assert assert_ok(again)["changed"] is False
    assert harness.db["mail_suppressions"].count_documents({}) == 1
    assert mail.is_suppressed("ada@example.com", "digest")
    assert not mail.is_suppressed("ada@example.com", "marketing")

    everything = assert_ok(harness.client.simulate_post(
        "/api/unsubscribe", json={"token": token, "allLists": True}))
    assert everything["allLists"] is True and everything["changed"] is True
    assert mail.is_suppressed("ada@example.com", "marketing")
    assert [e.payload["list"] for e in harness.services.events.named("mail.unsubscribed")] == [
        "digest", "*"]


def test_bad_tokens_and_bodies_are_refused(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    token = harness.services.mail.unsubscribe_token("ada@example.com", "marketing")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    client = harness.client
    assert_error(client.simulate_get("/api/unsubscribe", params={"token": tampered}), 400,
                 "INVALID_UNSUBSCRIBE_TOKEN")
    assert_error(client.simulate_post("/api/unsubscribe", json={"token": tampered}), 400,
                 "INVALID_UNSUBSCRIBE_TOKEN")
    assert_error(client.simulate_get("/api/unsubscribe"), 400, "VALIDATION")
    assert_error(client.simulate_post("/api/unsubscribe", json={}), 400, "VALIDATION")
    assert_error(client.simulate_post("/api/unsubscribe", json={"token": token, "x": 1}), 400,
                 "VALIDATION")
    assert_error(client.simulate_post(
        "/api/unsubscribe", params={"token": token}, body="List-Unsubscribe=Maybe",
        headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, "VALIDATION")
    assert_error(client.simulate_post(
        "/api/unsubscribe", params={"token": token}, body="hello",
        headers={"Content-Type": "text/plain"}), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert harness.db["mail_suppressions"].count_documents({}) == 0
