"""Issue 21, point 2: the master resume (``/api/resume``: read, replace, copy, export), DOCX
uploads (told apart by their bytes, read under limits) and DOCX exports beside PDF."""

from __future__ import annotations

import io
import zipfile

import docx
from pypdf import PdfReader

from lightninghire.testing import assert_error, assert_ok
from lightninghire_plugins.jobsearch.store import MASTER_RESUMES
from tests.plugins.jobsearch.helpers import BACKEND_RESUME, DESIGN_RESUME

PLUGINS = ["plans", "jobsearch"]
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MASTER = ("Ada Lovelace\nada@example.com\n## Experience\n- Built Python services on PostgreSQL\n"
          "- Ran Kafka pipelines\n## Education\nUniversity of London")


def word_file(*, title: str = "Ada Lovelace") -> bytes:
    """A DOCX as Word writes one: a title, headings, a bulleted list, a plain line, a table."""
    document = docx.Document()
    document.add_heading(title, level=0)
    document.add_paragraph("Backend engineer, 6 years of experience.")
    document.add_heading("Experience", level=1)
    document.add_heading("Senior Engineer - Acme", level=2)
    document.add_paragraph("Built Python services on PostgreSQL", style="List Bullet")
    document.add_paragraph("Ran Kafka pipelines", style="List Bullet")
    document.add_heading("Tools", level=1)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Docker"
    table.rows[0].cells[1].text = "Terraform"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def word_text(data: bytes) -> list[tuple[str, str]]:
    """(style, text) of each non-empty paragraph of a DOCX, read back with python-docx."""
    return [(p.style.name, p.text) for p in docx.Document(io.BytesIO(data)).paragraphs
            if p.text.strip()]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(caller, data: bytes, name: str = "cv.docx", content_type: str = DOCX_TYPE):
    return caller.post("/api/resumes/upload", params={"name": name}, body=data,
                       headers={"Content-Type": content_type})


# -- the master resume --------------------------------------------------------------------------


def test_master_resume_is_empty_until_saved_then_read_and_replaced(make_app, clock):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    empty = assert_ok(caller.get("/api/resume"))
    assert empty == {"saved": False, "name": "Master resume", "content": "", "skills": [],
                     "seniority": None, "yearsOfExperience": None, "source": None,
                     "sourceId": None, "createdAt": None, "updatedAt": None}
    missing = assert_error(caller.get("/api/resume/export"), 404, "NOT_FOUND")
    assert "PUT /api/resume" in missing["message"]

    saved = assert_ok(caller.put("/api/resume", json={"name": "Main", "content": BACKEND_RESUME}))
    assert saved["saved"] is True and saved["source"] == "paste"
    assert {"Python", "Kafka", "PostgreSQL"} <= set(saved["skills"])
    assert saved["yearsOfExperience"] == 6 and saved["createdAt"] == saved["updatedAt"]
    assert assert_ok(caller.get("/api/resume")) == saved

    clock.advance(minutes=5)
    replaced = assert_ok(caller.put("/api/resume", json={"name": "Design",
                                                         "content": DESIGN_RESUME}))
    assert replaced["content"] == DESIGN_RESUME and replaced["skills"] == ["Adobe Creative Suite"]
    assert replaced["createdAt"] == saved["createdAt"] != replaced["updatedAt"]
    # One document per user, whatever the number of writes; no resume of the library made.
    user_id = str(caller.user["_id"])
    assert [d["_id"] for d in harness.db[MASTER_RESUMES].find({"userId": user_id})] == [user_id]
    assert assert_ok(caller.get("/api/resumes"))["items"] == []

    # Another user has a master of their own: empty.
    assert assert_ok(harness.api_caller().get("/api/resume"))["saved"] is False
    assert assert_ok(caller.delete("/api/resume")) == {"deleted": True}
    assert assert_ok(caller.get("/api/resume"))["saved"] is False


def test_master_resume_body_is_validated_and_never_metered(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    good = {"name": "Main", "content": BACKEND_RESUME}
    for bad in ({}, {"content": BACKEND_RESUME}, {"name": "Main"},
                {**good, "kind": "master"}, {**good, "content": "x" * 50_001},
                {**good, "name": "n" * 201}, {**good, "content": "  \n "}, {**good, "name": 3}):
        assert_error(caller.put("/api/resume", json=bad), 400, "VALIDATION")
    assert assert_ok(caller.get("/api/resume"))["saved"] is False
    # A free account writes it as often as it likes: the resumes cap (3) is the library's.
    for _ in range(5):
        assert_ok(caller.put("/api/resume", json=good))
    usage = assert_ok(caller.get("/api/entitlements"))["features"]["resumes"]
    assert usage["currentUsage"] == 0


def test_master_resume_copied_from_a_library_or_builder_resume(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    resume = assert_ok(caller.post("/api/resumes", json={"name": "Backend",
                                                         "content": BACKEND_RESUME}), 201)
    master = assert_ok(caller.post("/api/resume/from", json={"resumeId": resume["id"]}))
    assert master["content"] == BACKEND_RESUME and master["name"] == "Backend"
    assert master["source"] == "resume" and master["sourceId"] == resume["id"]

    builder = assert_ok(caller.post("/api/builder-resumes", json={
        "name": "Structured", "contact": {"fullName": "Grace Hopper"},
        "skills": ["Figma", "Sketch"]}), 201)
    master = assert_ok(caller.post("/api/resume/from", json={"builderResumeId": builder["id"]}))
    assert master["content"].startswith("Grace Hopper\n") and "## Skills" in master["content"]
    assert master["source"] == "builder" and "Figma" in master["skills"]

    other = harness.api_caller()
    assert_error(other.post("/api/resume/from", json={"resumeId": resume["id"]}), 404,
                 "NOT_FOUND")
    assert_error(other.post("/api/resume/from", json={"builderResumeId": builder["id"]}), 404,
                 "NOT_FOUND")
    assert assert_ok(other.get("/api/resume"))["saved"] is False
    for bad in ({}, {"resumeId": resume["id"], "builderResumeId": builder["id"]},
                {"resumeId": "nope"}, {"resumeId": resume["id"], "x": 1}):
        assert_error(caller.post("/api/resume/from", json=bad), 400, "VALIDATION")


def test_master_resume_exports_as_pdf_docx_and_markdown(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    assert_ok(caller.put("/api/resume", json={"name": "Zoë CV",
                                              "content": MASTER + "\nŁódź 東京 office"}))
    got = caller.get("/api/resume/export")  # PDF by default
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert 'filename="Zoe-CV.pdf"' in got.headers["content-disposition"]
    text = pdf_text(got.content)
    assert text.index("Ada Lovelace") < text.index("EXPERIENCE") < text.index("EDUCATION")

    got = caller.get("/api/resume/export", params={"format": "docx"})
    assert got.status_code == 200 and got.headers["content-type"] == DOCX_TYPE
    assert 'filename="Zoe-CV.docx"' in got.headers["content-disposition"]
    paragraphs = word_text(got.content)
    assert paragraphs[0] == ("Title", "Ada Lovelace")
    assert ("Heading 1", "Experience") in paragraphs and ("Heading 1", "Education") in paragraphs
    assert ("List Bullet", "Ran Kafka pipelines") in paragraphs
    assert ("Normal", "Łódź 東京 office") in paragraphs  # Word keeps every character

    got = caller.get("/api/resume/export", params={"format": "markdown"})
    assert got.headers["content-type"].startswith("text/markdown") and "## Experience" in got.text
    assert_error(caller.get("/api/resume/export", params={"format": "rtf"}), 400, "VALIDATION")


# -- DOCX in and out ----------------------------------------------------------------------------


def test_docx_upload_is_sniffed_and_its_text_kept_in_reading_order(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    # The bytes decide: a DOCX sent under a PDF name and type is still read as a DOCX.
    made = assert_ok(upload(caller, word_file(), name="cv.pdf", content_type="application/pdf"),
                     201)
    assert made["source"] == "docx" and made["kind"] == "master" and made["parseWarnings"] == []
    lines = [line for line in made["content"].splitlines() if line]
    assert lines == ["Ada Lovelace", "Backend engineer, 6 years of experience.", "## Experience",
                     "### Senior Engineer - Acme", "- Built Python services on PostgreSQL",
                     "- Ran Kafka pipelines", "## Tools", "Docker | Terraform"]
    assert {"Python", "PostgreSQL", "Kafka", "Docker", "Terraform"} <= set(made["skills"])
    # Uploads count toward the resumes cap like a pasted one, and belong to the uploader.
    assert assert_ok(caller.get("/api/entitlements"))["features"]["resumes"]["currentUsage"] == 1
    assert_error(harness.api_caller().get(f"/api/resumes/{made['id']}"), 404, "NOT_FOUND")
    # The uploaded resume can become the master.
    master = assert_ok(caller.post("/api/resume/from", json={"resumeId": made["id"]}))
    assert master["content"] == made["content"]


def test_malformed_or_hostile_docx_is_a_400_that_spends_nothing(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    word_xml = word_file()
    truncated = word_xml[: len(word_xml) // 2]
    not_word = zipped({"hello.txt": b"a zip, not a Word document"})
    # 24 MB of zeros inflate from about 24 KB: refused from the archive's directory.
    bomb = zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * (24 << 20)})
    assert len(bomb) < 200_000
    broken_xml = zipped({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"})
    cases = [(truncated, "docx_unreadable"), (not_word, "docx_unreadable"),
             (bomb, "docx_too_large"), (broken_xml, "docx_unreadable"),
             (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "doc_unsupported"),
             (b"plain text", "not_a_document")]
    for data, reason in cases:
        refused = assert_error(upload(caller, data), 400, "BAD_REQUEST")
        assert refused["reason"] == reason, (reason, refused)
    empty = io.BytesIO()
    docx.Document().save(empty)
    assert assert_error(upload(caller, empty.getvalue()), 400, "BAD_REQUEST")["reason"] == \
        "no_text"
    assert assert_ok(caller.get("/api/entitlements"))["features"]["resumes"]["currentUsage"] == 0
    assert_ok(upload(caller, word_file()), 201)


def test_docx_export_of_library_and_builder_resumes(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    resume = assert_ok(caller.post("/api/resumes", json={"name": "Ada CV", "content": MASTER}),
                       201)
    got = caller.get(f"/api/resumes/{resume['id']}/export", params={"format": "docx"})
    assert got.status_code == 200 and got.headers["content-type"] == DOCX_TYPE
    assert 'filename="Ada-CV.docx"' in got.headers["content-disposition"]
    assert word_text(got.content) == [
        ("Title", "Ada Lovelace"), ("Normal", "ada@example.com"), ("Heading 1", "Experience"),
        ("List Bullet", "Built Python services on PostgreSQL"),
        ("List Bullet", "Ran Kafka pipelines"), ("Heading 1", "Education"),
        ("Normal", "University of London")]
    assert docx.Document(io.BytesIO(got.content)).core_properties.title == "Ada CV"
    assert_error(harness.api_caller().get(f"/api/resumes/{resume['id']}/export",
                                          params={"format": "docx"}), 404, "NOT_FOUND")

    builder = assert_ok(caller.post("/api/builder-resumes", json={
        "name": "Łódź CV", "contact": {"fullName": "Zoë Łukasiewicz", "email": "zoe@example.com"},
        "summary": "Shipped “fast” services — 東京 office",
        "experience": [{"title": "Engineer", "company": "Acme", "startDate": "2021-03",
                        "bullets": ["Ran Kafka"]}],
        "skills": ["Python", "Kafka"]}), 201)
    got = caller.get(f"/api/builder-resumes/{builder['id']}/export", params={"format": "docx"})
    assert got.status_code == 200 and got.headers["content-type"] == DOCX_TYPE
    assert 'filename="Lodz-CV.docx"' in got.headers["content-disposition"]
    paragraphs = word_text(got.content)
    assert paragraphs[:3] == [("Title", "Zoë Łukasiewicz"), ("Normal", "zoe@example.com"),
                              ("Heading 1", "Summary")]
    assert ("Normal", "Shipped “fast” services — 東京 office") in paragraphs
    assert ("Heading 2", "Engineer - Acme") in paragraphs
    assert ("List Bullet", "Ran Kafka") in paragraphs and ("Normal", "Python, Kafka") in paragraphs
