"""Content APIs: shipped pages seeded, listed, searched, read; Pro lessons gated; admin edits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lightninghire.testing import assert_error, assert_ok
from lightninghire_plugins.marketing.content.files import PageError, load_pages, parse_page

COURSE = "/api/courses/star-story-workbook"


def test_every_kind_lists_its_shipped_pages_newest_first(make_app):
    client = make_app(plugins=["plans", "marketing"]).client
    blog = assert_ok(client.simulate_get("/api/blog"))
    assert [p["slug"] for p in blog["items"]] == [
        "30-60-90-day-plan", "salary-negotiation-first-offer", "ai-job-search-2026"]
    first = blog["items"][0]
    assert first["updatedAt"] == "2026-03-02T00:00:00.000Z" and "body" not in first
    assert first["leadMagnet"] == "30-60-90-day-plan"
    for kind, at_least in (("help", 5), ("public", 3), ("courses", 1)):
        assert len(assert_ok(client.simulate_get(f"/api/{kind}"))["items"]) >= at_least
    page = assert_ok(client.simulate_get("/api/help", params={"limit": "2"}))
    rest = assert_ok(client.simulate_get("/api/help", params={"cursor": page["nextCursor"]}))
    assert len(page["items"]) == 2 and len(rest["items"]) == 3 and rest["nextCursor"] is None
    privacy = assert_ok(client.simulate_get("/api/help", params={"category": "privacy"}))
    assert [p["slug"] for p in privacy["items"]] == ["privacy-requests"]
    star = assert_ok(client.simulate_get("/api/blog", params={"tag": "salary"}))
    assert [p["slug"] for p in star["items"]] == ["salary-negotiation-first-offer"]


def test_a_page_is_read_by_slug_with_its_markdown_and_unknown_slugs_are_404(make_app):
    client = make_app(plugins=["plans", "marketing"]).client
    page = assert_ok(client.simulate_get("/api/help/star-method"))
    assert page["title"] == "The STAR method, explained"
    assert page["body"].startswith("# The STAR method, explained")
    assert page["category"] == "interviews" and page["readingMinutes"] >= 1
    assert_error(client.simulate_get("/api/help/no-such-page"), 404, "NOT_FOUND")
    assert_error(client.simulate_get("/api/blog/star-method"), 404, "NOT_FOUND")  # other kind


def test_search_ranks_title_matches_first_and_needs_every_word(make_app):
    client = make_app(plugins=["plans", "marketing"]).client
    found = assert_ok(client.simulate_get("/api/help/search", params={"q": "STAR method"}))
    assert found["items"][0]["slug"] == "star-method"
    assert assert_ok(client.simulate_get("/api/help/search",
                                         params={"q": "star zebra"}))["items"] == []
    assert_error(client.simulate_get("/api/help/search", params={"q": "x" * 101}), 400,
                 "VALIDATION")
    assert_error(client.simulate_get("/api/help/search"), 400, "VALIDATION")


def test_pages_get_flagged_stale_six_months_after_their_last_update(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    admin = harness.api_caller(roles=["super_admin"])
    page = assert_ok(admin.post("/api/admin/content", json={
        "kind": "blog", "slug": "fresh", "title": "Fresh", "summary": "", "body": "New.",
        "status": "published"}), 201)
    assert page["stale"] is False
    clock.advance(days=182)
    assert assert_ok(harness.client.simulate_get("/api/blog/fresh"))["stale"] is False
    clock.advance(days=2)
    assert assert_ok(harness.client.simulate_get("/api/blog/fresh"))["stale"] is True
    assert_ok(admin.patch(f"/api/admin/content/{page['id']}", json={"body": "Refreshed."}))
    assert assert_ok(harness.client.simulate_get("/api/blog/fresh"))["stale"] is False


def test_anonymous_and_free_readers_get_free_lessons_only(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    for caller in (harness.client, harness.api_caller()):
        get = caller.simulate_get if caller is harness.client else caller.get
        course = assert_ok(get(COURSE))
        lessons = {les["slug"]: les for les in course["lessons"]}
        assert course["lessonCount"] == 4 and course["freeLessonCount"] == 2
        assert lessons["why-five-stories"]["body"] and not lessons["why-five-stories"]["locked"]
        hard = lessons["stories-for-hard-questions"]
        assert hard["locked"] is True and hard["body"] is None and hard["title"]
        assert assert_ok(get(f"{COURSE}/lessons/draft-your-first-story"))["body"]
        error = assert_error(get(f"{COURSE}/lessons/stories-for-hard-questions"), 402,
                             "PAYMENT_REQUIRED")
        assert error["feature"] == "pro_lessons" and error["upgradeHint"]


def test_pro_readers_get_every_lesson(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    for caller in (harness.api_caller(tier="pro"), harness.session_caller(tier="pro")):
        course = assert_ok(caller.get(COURSE))
        assert all(not les["locked"] and les["body"] for les in course["lessons"])
        lesson = assert_ok(caller.get(f"{COURSE}/lessons/rehearse-and-adapt"))
        assert lesson["courseTitle"] == "STAR Story Workbook" and "five stories" in lesson["body"]
    assert_error(harness.client.simulate_get(f"{COURSE}/lessons/nope"), 404, "NOT_FOUND")


def test_a_deployers_policy_line_can_open_pro_lessons_to_free_users(make_app, tmp_path):
    policy = tmp_path / "policy.csv"
    policy.write_text("p2, free, pro_lessons, unlimited\n")
    harness = make_app(plugins=["plans", "marketing"], settings={"policy.file": str(policy)})
    caller = harness.api_caller()
    assert assert_ok(caller.get(f"{COURSE}/lessons/rehearse-and-adapt"))["body"]
    # Anonymous readers are not users: still free lessons only.
    assert_error(harness.client.simulate_get(f"{COURSE}/lessons/rehearse-and-adapt"), 402,
                 "PAYMENT_REQUIRED")


def test_wrong_credentials_on_a_public_page_are_a_401_not_a_silent_downgrade(make_app):
    client = make_app(plugins=["plans", "marketing"]).client
    result = client.simulate_get(COURSE, headers={"Authorization": "Bearer lh_live_" + "x" * 40})
    assert_error(result, 401, "UNAUTHENTICATED")


def test_admins_create_update_and_unpublish_content(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    admin = harness.api_caller(roles=["super_admin"])
    draft = assert_ok(admin.post("/api/admin/content", json={
        "kind": "help", "slug": "resume-gaps", "title": "Explaining resume gaps",
        "summary": "How to talk about a gap.", "body": "Be brief and honest.",
        "tags": ["resume"]}), 201)
    assert draft["status"] == "draft" and draft["origin"] == "admin"
    assert_error(harness.client.simulate_get("/api/help/resume-gaps"), 404, "NOT_FOUND")

    published = assert_ok(admin.patch(f"/api/admin/content/{draft['id']}",
                                      json={"status": "published"}))
    assert published["status"] == "published"
    assert assert_ok(harness.client.simulate_get("/api/help/resume-gaps"))["body"] == (
        "Be brief and honest.")
    assert_error(admin.post("/api/admin/content", json={
        "kind": "help", "slug": "resume-gaps", "title": "Again", "summary": "", "body": "x"}),
        409, "SLUG_TAKEN")

    assert_ok(admin.patch(f"/api/admin/content/{draft['id']}", json={"status": "unpublished"}))
    assert_error(harness.client.simulate_get("/api/help/resume-gaps"), 404, "NOT_FOUND")
    listed = assert_ok(admin.get("/api/admin/content", params={"status": "unpublished"}))
    assert [p["slug"] for p in listed["items"]] == ["resume-gaps"]


def test_an_admin_course_with_a_pro_lesson_is_gated_like_the_shipped_one(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    admin = harness.api_caller(roles=["super_admin"])
    assert_ok(admin.post("/api/admin/content", json={
        "kind": "courses", "slug": "negotiation-basics", "title": "Negotiation basics",
        "summary": "Two lessons.", "body": "Intro.", "status": "published", "lessons": [
            {"slug": "the-ask", "title": "The ask", "access": "free", "body": "Ask."},
            {"slug": "the-counter", "title": "The counter", "access": "pro", "body": "Counter."},
        ]}), 201)
    course = assert_ok(harness.client.simulate_get("/api/courses/negotiation-basics"))
    assert [(les["slug"], les["locked"]) for les in course["lessons"]] == [
        ("the-ask", False), ("the-counter", True)]
    assert_ok(admin.patch(f"/api/admin/content/{course['id']}", json={"lessons": [
        {"slug": "the-counter", "title": "The counter", "access": "free", "body": "Counter."}]}))
    course = assert_ok(harness.client.simulate_get("/api/courses/negotiation-basics"))
    assert [(les["slug"], les["order"], les["body"]) for les in course["lessons"]] == [
        ("the-counter", 1, "Counter.")]
    assert_error(admin.post("/api/admin/content", json={
        "kind": "courses", "slug": "dupes", "title": "D", "summary": "", "body": "x",
        "lessons": [{"slug": "a", "title": "A", "body": "x"},
                    {"slug": "a", "title": "B", "body": "y"}]}), 400, "VALIDATION")


def test_admin_content_edits_survive_a_restart_and_new_shipped_pages_are_added(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    admin = harness.api_caller(roles=["super_admin"])
    star = next(p for p in assert_ok(admin.get("/api/admin/content",
                                               params={"kind": "help", "limit": "50"}))["items"]
                if p["slug"] == "star-method")
    assert star["origin"] == "seed"
    assert_ok(admin.patch(f"/api/admin/content/{star['id']}", json={"title": "STAR, edited"}))
    harness.db["marketing_content"].delete_one({"kind": "help", "slug": "api-keys"})

    again = make_app(plugins=["plans", "marketing"])  # a second process on the same database
    assert assert_ok(again.client.simulate_get("/api/help/star-method"))["title"] == "STAR, edited"
    assert assert_ok(again.client.simulate_get("/api/help/api-keys"))["slug"] == "api-keys"
    assert again.db["marketing_content"].count_documents({}) == len(load_pages())


def test_admin_routes_need_the_content_permission_and_valid_input(make_app):
    harness = make_app(plugins=["plans", "marketing"])
    member = harness.api_caller()
    body = {"kind": "help", "slug": "x", "title": "X", "summary": "", "body": "x"}
    assert_error(member.post("/api/admin/content", json=body), 403, "FORBIDDEN")
    assert_error(member.get("/api/admin/content"), 403, "FORBIDDEN")
    assert_error(harness.client.simulate_post("/api/admin/content", json=body), 401,
                 "UNAUTHENTICATED")
    admin = harness.api_caller(roles=["super_admin"])
    for bad in ({**body, "kind": "podcast"}, {**body, "slug": "Not A Slug"},
                {**body, "slug": "search"}, {**body, "title": "t" * 201},
                {**body, "tags": ["t"] * 21}, {**body, "unknown": 1}):
        assert_error(admin.post("/api/admin/content", json=bad), 400, "VALIDATION")
    assert_error(admin.patch("/api/admin/content/0123456789abcdef01234567",
                             json={"title": "x"}), 404, "NOT_FOUND")
    assert_error(admin.patch("/api/admin/content/0123456789abcdef01234567", json={}), 400,
                 "VALIDATION")


def test_front_matter_parsing():
    meta, body = parse_page("---\ntitle: \"A: B\"\ntags: [x, y]\npublished: 2026-01-05\n"
                            "minutes: 7\n---\n# Hi\n")
    assert meta["title"] == "A: B" and meta["tags"] == ["x", "y"] and meta["minutes"] == 7
    assert meta["published"].isoformat() == "2026-01-05T00:00:00+00:00"
    assert body == "# Hi\n"
    for bad in ("no front matter", "---\ntitle: x\n", "---\njust words\n---\n",
                "---\npublished: soon\n---\n", "---\nminutes: many\n---\n"):
        with pytest.raises(PageError):
            parse_page(bad)


def test_front_matter_is_yaml_read_by_python_frontmatter():
    """Comments, quoting, "a, b" tags and CRLF files; YAML's own types are checked, so a page
    whose title YAML reads as a boolean or a date fails here instead of storing "True"."""
    meta, body = parse_page("---\r\ntitle: 'It''s #1'  # a comment\r\ntags: a, b\r\n"
                            "updated: 2026-02-03T04:05:06\r\ncategory:\r\n---\r\n\r\nText\r\n")
    assert meta == {"title": "It's #1", "tags": ["a", "b"], "category": "",
                    "updated": datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)}
    assert body == "Text\n"
    for bad in ("---\ntitle: yes\n---\n", "---\ntitle: 2026-01-05\n---\n",
                "---\ntags: [1, 2]\n---\n", "---\nminutes: -3\n---\n",
                "---\nminutes: true\n---\n", "---\ntitle: [unclosed\n---\n",
                "---\n- a\n- b\n---\n", "---\n1: x\n---\n"):
        with pytest.raises(PageError):
            parse_page(bad)


def test_every_shipped_page_has_typed_metadata():
    pages = load_pages()
    assert {p["kind"] for p in pages} == {"blog", "courses", "help", "public"}
    for page in pages:
        assert isinstance(page["title"], str) and isinstance(page["summary"], str)
        assert page["tags"] and all(isinstance(t, str) and t for t in page["tags"])
        for key in ("publishedAt", "updatedAt"):
            assert page[key].tzinfo is UTC and page[key].hour == 0, (page["slug"], key)
        for lesson in page.get("lessons", []):
            assert type(lesson["minutes"]) is int and lesson["access"] in ("free", "pro")
    star = next(p for p in pages if p["slug"] == "star-method")
    assert star["category"] == "interviews" and star["tags"] == ["star", "behavioral", "stories"]
    assert star["publishedAt"] == datetime(2026, 1, 5, tzinfo=UTC)
    ai = next(p for p in pages if p["slug"] == "ai-job-search-2026")
    assert ai["title"] == "AI Job Search 2026: what changed and what did not"


def test_the_openapi_document_describes_the_marketing_routes(make_app):
    document = make_app(plugins=["plans", "marketing"]).client.simulate_get("/api/openapi.json").json
    paths = document["paths"]
    for path in ("/api/leads", "/api/contact", "/api/unsubscribe", "/api/support/tickets/{id}",
                 "/api/feedback", "/api/courses/{slug}/lessons/{lesson}", "/api/help/search",
                 "/api/admin/content/{id}"):
        assert path in paths, path


def test_shipped_pages_are_fresh_on_a_new_install_and_age_from_it(make_app, clock):
    harness = make_app(plugins=["plans", "marketing"])
    items = assert_ok(harness.client.simulate_get("/api/blog"))["items"]
    assert items and [page["slug"] for page in items if page["stale"]] == []
    clock.advance(days=184)  # an install never upgraded for six months
    items = assert_ok(harness.client.simulate_get("/api/blog"))["items"]
    assert all(page["stale"] for page in items)
