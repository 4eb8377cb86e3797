"""The structured resume builder (versions, caps, to-resume) and PDF export of both kinds."""

from __future__ import annotations

import io

from pypdf import PdfReader

from lightninghire.testing import assert_error, assert_ok
from lightninghire_plugins.jobsearch.resumes.pdf import latin1
from tests.plugins.jobsearch.helpers import BACKEND_RESUME

PLUGINS = ["plans", "jobsearch"]

BUILDER = {
    "name": "Backend CV",
    "contact": {"fullName": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 1",
                "location": "London", "links": ["https://github.com/ada"]},
    "summary": "Backend engineer who ships reliable data services.",
    "experience": [{"title": "Senior Engineer", "company": "Acme", "startDate": "2021-03",
                    "current": True, "bullets": ["Built Python services on PostgreSQL",
                                                 "Ran Kafka pipelines"]},
                   {"title": "Engineer", "company": "Beta", "startDate": "2018-01",
                    "endDate": "2021-02", "bullets": ["Shipped with Docker"]}],
    "education": [{"school": "University of London", "degree": "BSc", "field": "Mathematics",
                   "startDate": "2014-09", "endDate": "2017-06"}],
    "skills": ["Python", "PostgreSQL", "Kafka"],
    "projects": [{"name": "Analytical Engine", "url": "https://example.com/engine",
                  "technologies": ["Rust"], "bullets": ["First published algorithm"]}],
    "certifications": [{"name": "AWS Certified Developer", "issuer": "Amazon",
                        "date": "2022-05"}],
}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_builder_crud_validation_and_ownership(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    made = assert_ok(caller.post("/api/builder-resumes", json=BUILDER), 201)
    assert made["contact"]["fullName"] == "Ada Lovelace" and made["versionCount"] == 0
    assert made["experience"][0]["current"] is True
    minimal = assert_ok(caller.post("/api/builder-resumes", json={
        "name": "Blank", "contact": {"fullName": "Ada"}}), 201)
    assert minimal["experience"] == [] and minimal["skills"] == [] and minimal["summary"] == ""
    patched = assert_ok(caller.patch(f"/api/builder-resumes/{made['id']}",
                                     json={"skills": ["Python", "Go"]}))
    assert patched["skills"] == ["Python", "Go"] and patched["summary"] == BUILDER["summary"]
    listed = assert_ok(caller.get("/api/builder-resumes", params={"q": "backend"}))
    assert [b["id"] for b in listed["items"]] == [made["id"]]

    bad = [
        {**BUILDER, "experience": [{**BUILDER["experience"][0], "startDate": "2021-13"}]},
        {**BUILDER, "experience": [{**BUILDER["experience"][1], "endDate": "2017-12"}]},
        {**BUILDER, "education": [{"school": "X", "startDate": "March 2020"}]},
        {**BUILDER, "skills": ["s"] * 101},
        {**BUILDER, "summary": "x" * 3001},
        {**BUILDER, "contact": {"fullName": "Ada", "email": "not-an-email"}},
        {**BUILDER, "contact": {"email": "ada@example.com"}},
        {**BUILDER, "experience": [{"title": "T", "company": "C", "bullets": ["b"] * 16}]},
        {**BUILDER, "colour": "blue"},
    ]
    for body in bad:
        assert_error(caller.post("/api/builder-resumes", json=body), 400, "VALIDATION")
    assert_error(caller.patch(f"/api/builder-resumes/{made['id']}",
                              json={"certifications": [{"name": "C", "date": "2022"}]}),
                 400, "VALIDATION")

    other = harness.api_caller()
    for path in (f"/api/builder-resumes/{made['id']}", f"/api/builder-resumes/{made['id']}/versions",
                 f"/api/builder-resumes/{made['id']}/export", "/api/builder-resumes/nope"):
        assert_error(other.get(path), 404, "NOT_FOUND")
    assert_error(other.patch(f"/api/builder-resumes/{made['id']}", json={"summary": "x"}), 404,
                 "NOT_FOUND")
    assert_error(other.post(f"/api/builder-resumes/{made['id']}/versions", json={}), 404,
                 "NOT_FOUND")
    assert_error(other.delete(f"/api/builder-resumes/{made['id']}"), 404, "NOT_FOUND")
    assert assert_ok(other.get("/api/builder-resumes"))["items"] == []
    assert_ok(caller.delete(f"/api/builder-resumes/{made['id']}"))
    assert_error(caller.get(f"/api/builder-resumes/{made['id']}"), 404, "NOT_FOUND")


def test_versions_are_immutable_snapshots_capped_at_one_on_free(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    made = assert_ok(caller.post("/api/builder-resumes", json=BUILDER), 201)
    base = f"/api/builder-resumes/{made['id']}"
    first = assert_ok(caller.post(f"{base}/versions", json={"label": "Before Acme"}), 201)
    assert first["number"] == 1 and first["snapshot"]["skills"] == BUILDER["skills"]
    assert harness.services.events.named("resumes.version_saved")[0].payload["number"] == 1
    assert_ok(caller.patch(base, json={"skills": ["Go"], "name": "Renamed"}))
    # The snapshot does not follow later edits.
    kept = assert_ok(caller.get(f"{base}/versions/1"))
    assert kept["snapshot"]["skills"] == BUILDER["skills"] and kept["label"] == "Before Acme"
    assert kept["snapshot"]["name"] == "Backend CV"
    refused = assert_error(caller.post(f"{base}/versions", json={}), 402, "PAYMENT_REQUIRED")
    assert refused["feature"] == "resume_versions" and refused["limit"] == 1
    listed = assert_ok(caller.get(f"{base}/versions"))["items"]
    assert [(v["number"], v["name"]) for v in listed] == [(1, "Backend CV")]
    assert assert_ok(caller.get(base))["versionCount"] == 1
    for missing in ("2", "0", "abc", "99999999999"):
        assert_error(caller.get(f"{base}/versions/{missing}"), 404, "NOT_FOUND")
    assert_error(caller.post(f"{base}/versions", json={"label": "x" * 121}), 400, "VALIDATION")

    pro = harness.api_caller(tier="pro")
    mine = assert_ok(pro.post("/api/builder-resumes", json=BUILDER), 201)
    numbers = [assert_ok(pro.post(f"/api/builder-resumes/{mine['id']}/versions"), 201)["number"]
               for _ in range(3)]
    assert numbers == [1, 2, 3]
    page = assert_ok(pro.get(f"/api/builder-resumes/{mine['id']}/versions",
                             params={"limit": 2}))
    assert [v["number"] for v in page["items"]] == [3, 2] and page["nextCursor"]
    rest = assert_ok(pro.get(f"/api/builder-resumes/{mine['id']}/versions",
                             params={"limit": 2, "cursor": page["nextCursor"]}))
    assert [v["number"] for v in rest["items"]] == [1]
    recruiter = harness.api_caller(user_type="recruiter", tier="recruiter_free")
    theirs = assert_ok(recruiter.post("/api/builder-resumes", json=BUILDER), 201)
    assert_error(recruiter.post(f"/api/builder-resumes/{theirs['id']}/versions", json={}), 402,
                 "PAYMENT_REQUIRED")


def test_builder_renders_to_a_text_resume_within_the_resumes_cap(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    made = assert_ok(caller.post("/api/builder-resumes", json=BUILDER), 201)
    resume = assert_ok(caller.post(f"/api/builder-resumes/{made['id']}/to-resume"), 201)
    assert resume["kind"] == "master" and resume["source"] == "builder"
    assert resume["content"].startswith("Ada Lovelace\n")
    assert "## Experience" in resume["content"] and "2021-03 - Present" in resume["content"]
    assert "- AWS Certified Developer (Amazon, 2022-05)" in resume["content"]
    assert {"Python", "Kafka", "PostgreSQL"} <= set(resume["skills"])
    for name in ("Two", "Three"):
        assert_ok(caller.post("/api/resumes", json={"name": name, "content": "text"}), 201)
    refused = assert_error(caller.post(f"/api/builder-resumes/{made['id']}/to-resume"), 402,
                           "PAYMENT_REQUIRED")
    assert refused["feature"] == "resumes"
    assert_error(harness.api_caller(tier="pro").post(
        f"/api/builder-resumes/{made['id']}/to-resume"), 404, "NOT_FOUND")


def test_pdf_export_of_text_and_builder_resumes(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    resume = assert_ok(caller.post("/api/resumes", json={"name": "Ada CV",
                                                         "content": BACKEND_RESUME}), 201)
    got = caller.get(f"/api/resumes/{resume['id']}/export", params={"format": "pdf"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF-")
    assert 'filename="Ada-CV.pdf"' in got.headers["content-disposition"]
    text = pdf_text(got.content)
    assert "Ada Lovelace" in text and "Kafka" in text
    assert_error(caller.get(f"/api/resumes/{resume['id']}/export", params={"format": "doc"}),
                 400, "VALIDATION")
    assert_error(harness.api_caller().get(f"/api/resumes/{resume['id']}/export",
                                          params={"format": "pdf"}), 404, "NOT_FOUND")

    made = assert_ok(caller.post("/api/builder-resumes", json=BUILDER), 201)
    got = caller.get(f"/api/builder-resumes/{made['id']}/export")  # PDF by default
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF-")
    text = pdf_text(got.content)
    for expected in ("Ada Lovelace", "EXPERIENCE", "Senior Engineer - Acme", "PostgreSQL",
                     "AWS Certified Developer"):
        assert expected in text
    markdown = caller.get(f"/api/builder-resumes/{made['id']}/export",
                          params={"format": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("Ada Lovelace\n") and "## Skills\nPython, PostgreSQL, Kafka" \
        in markdown.text


def test_pdf_survives_characters_outside_latin1(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    body = {**BUILDER, "name": "Łódź CV", "contact": {"fullName": "Zoë Łukasiewicz"},
            "summary": "Shipped “fast” services — 東京 office • 🚀",
            "skills": ["Python", "Kafka"]}
    made = assert_ok(caller.post("/api/builder-resumes", json=body), 201)
    got = caller.get(f"/api/builder-resumes/{made['id']}/export", params={"format": "pdf"})
    assert got.status_code == 200 and got.content.startswith(b"%PDF-")
    text = pdf_text(got.content)
    # Latin-1 letters stay, the rest is transliterated or replaced, nothing crashes.
    assert "Zoë Lukasiewicz" in text and '"fast" services - ?? office - ?' in text
    assert 'filename="Lodz-CV.pdf"' in got.headers["content-disposition"]
    resume = assert_ok(caller.post("/api/resumes", json={"name": "Ünïcode",
                                                         "content": "Jürgen Ωmega\n- Python"}),
                       201)
    got = caller.get(f"/api/resumes/{resume['id']}/export", params={"format": "pdf"})
    assert got.status_code == 200 and "Jürgen ?mega" in pdf_text(got.content)


def test_latin1_transliterates_or_replaces():
    assert latin1("Łukasz — “quoted” … café 東") == 'Lukasz - "quoted" ... café ?'
    assert latin1("Ŝtefan") == "Stefan"  # NFKD drops the accent


def test_builder_routes_are_documented(make_app):
    harness = make_app(plugins=PLUGINS)
    doc = harness.api_caller().get("/api/openapi.json").json
    paths = doc.get("paths") or doc["data"]["paths"]
    assert {"post", "get"} <= set(paths["/api/builder-resumes/{id}/versions"])
    assert "get" in paths["/api/builder-resumes/{id}/versions/{number}"]
    assert "get" in paths["/api/builder-resumes/{id}/export"]
