"""Mail templates: the core's notice, a plugin's own package, autoescaping where it belongs."""

from __future__ import annotations

import pytest
from jinja2 import TemplateNotFound, UndefinedError

from lightninghire.mail import Mailer, MemoryTransport

PUBLIC_URL = "https://app.lightninghire.test"


@pytest.fixture
def transport():
    return MemoryTransport()


@pytest.fixture
def mailer(db, clock, transport):
    return Mailer(transport, "LightningHire <no-reply@lightninghire.test>", db=db, clock=clock,
                  public_url=PUBLIC_URL)


@pytest.fixture
def plugin_package(tmp_path, monkeypatch):
    """An importable package ``lh_mail_fixture`` shipping ``mail_templates/``, as a plugin would."""
    package = tmp_path / "lh_mail_fixture"
    folder = package / "mail_templates"
    folder.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (folder / "welcome.subject.txt").write_text("Welcome to {{ team }},\n  {{ name }}!\n")
    (folder / "welcome.txt").write_text("Hi {{ name }}, you joined {{ team }}.\n")
    (folder / "welcome.html").write_text(
        '{% extends "core/layout.html" %}\n'
        "{% block content %}<p>Hi {{ name }}, you joined {{ team }}.</p>{% endblock %}\n")
    (folder / "plain.subject.txt").write_text("Plain only")
    (folder / "plain.txt").write_text("Just text.\n")
    (tmp_path / "lh_no_templates").mkdir()
    (tmp_path / "lh_no_templates" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "lh_mail_fixture"


def test_the_core_notice_escapes_html_but_not_text(mailer):
    subject, text, html = mailer.render("core/notice", {
        "title": "Offer from <Acme> & Co", "name": "Ada",
        "body": "They said: <script>alert(1)</script>\n\nSecond paragraph."})
    assert subject == "Offer from <Acme> & Co"
    assert "Hi Ada," in text and "<script>alert(1)</script>" in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<title>Offer from &lt;Acme&gt; &amp; Co</title>" in html
    assert html.count('<p style="margin:0 0 16px;">') == 3  # greeting and two paragraphs
    assert "Unsubscribe" not in text and "Unsubscribe" not in html  # transactional: no footer


def test_a_missing_variable_fails_loudly(mailer):
    with pytest.raises(UndefinedError):
        mailer.render("core/notice", {"body": "no title given"})
    with pytest.raises(TemplateNotFound):
        mailer.render("core/no-such-template", {})


def test_a_plugin_ships_its_own_templates_under_its_name(mailer, plugin_package):
    assert mailer.add_templates("welcomer", plugin_package) is True
    assert mailer.add_templates("welcomer", plugin_package) is False  # idempotent

    subject, text, html = mailer.render("welcomer/welcome", {"name": "Ada", "team": "<Acme>"})
    assert subject == "Welcome to <Acme>, Ada!"  # whitespace collapsed to one line
    assert text == "Hi Ada, you joined <Acme>.\n"
    assert "<p>Hi Ada, you joined &lt;Acme&gt;.</p>" in html and "Sent by LightningHire." in html
    assert mailer.render("welcomer/plain", {}) == ("Plain only", "Just text.\n", None)


def test_template_packages_are_checked(mailer, plugin_package):
    mailer.add_templates("welcomer", plugin_package)
    with pytest.raises(ValueError, match="already served"):
        mailer.add_templates("welcomer", "lh_no_templates", folder=".")
    with pytest.raises(ValueError, match="has no folder"):
        mailer.add_templates("other", "lh_no_templates")
    # Discovery over every enabled plugin skips those without templates.
    assert mailer.add_templates("other", "lh_no_templates", required=False) is False
    assert mailer.add_templates("ghost", "lh_not_installed_anywhere", required=False) is False
    with pytest.raises(TemplateNotFound):
        mailer.render("other/welcome", {})


def test_send_template_puts_the_unsubscribe_link_in_both_bodies_for_list_mail(mailer, transport):
    result = mailer.send_template("Ada <ada@example.com>", "core/notice",
                                  {"title": "Weekly digest", "body": "3 new jobs."}, list="digest")
    assert result.status == "sent"
    [message] = transport.outbox
    url = message.header("List-Unsubscribe")[1:-1]
    assert url.startswith(f"{PUBLIC_URL}/api/unsubscribe?token=")
    assert f"Unsubscribe: {url}" in message.text
    assert f'<a href="{url}"' in message.html

    mailer.send_template("ada@example.com", "core/notice", {"title": "Receipt", "body": "Paid."})
    assert "Unsubscribe" not in transport.outbox[1].text
    assert transport.outbox[1].header("List-Unsubscribe") is None
