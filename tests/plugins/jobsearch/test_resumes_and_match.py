"""Resumes (paste, PDF, tailoring, ATS report, export) and job-match scoring."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok, verify_offline
from lightninghire_plugins.jobsearch.jobs.match import JOB_MATCH
from lightninghire_plugins.jobsearch.resumes.tailor import TAILOR
from tests.plugins.jobsearch.helpers import (
    BACKEND_RESUME,
    DESIGN_RESUME,
    build_pdf,
    job_id,
    seed_jobs,
)

PLUGINS = ["plans", "jobsearch"]


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica, offsets computed so readers accept it."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return build_pdf(objects)


def test_offline_answers_validate_on_their_examples():
    assert verify_offline(JOB_MATCH) and verify_offline(TAILOR)


def test_match_ranks_a_fitting_resume_above_an_unrelated_one(make_app):
    harness = make_app(plugins=PLUGINS)
    seed_jobs(harness)
    caller = harness.api_caller(tier="pro")
    id = job_id(harness, "acme-1")
    fit = assert_ok(caller.post("/api/jobs/match", json={"jobId": id,
                                                         "resumeText": BACKEND_RESUME}))
    unrelated = assert_ok(caller.post("/api/jobs/match", json={"jobId": id,
                                                               "resumeText": DESIGN_RESUME}))
    assert fit["score"] > unrelated["score"] + 30
    assert {"Python", "Kafka", "PostgreSQL"} <= set(fit["matchedSkills"])
    assert unrelated["band"] == "mismatch" and unrelated["label"] == "Material mismatch"
    assert any("Missing" in r for r in unrelated["reasons"])
    assert 0 <= unrelated["score"] <= fit["score"] <= 100


def test_match_uses_the_latest_master_resume_and_is_capped_at_3(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    body = {"jobDescription": "Python and Kafka engineer", "jobTitle": "Engineer"}
    assert_error(caller.post("/api/jobs/match", json=body), 400, "BAD_REQUEST")
    assert_ok(caller.post("/api/resumes", json={"name": "Main", "content": BACKEND_RESUME}), 201)
    card = assert_ok(caller.post("/api/applications", json={"company": "A", "role": "E"}), 201)
    first = assert_ok(caller.post("/api/jobs/match", json={**body, "applicationId": card["id"]}))
    assert first["resumeId"] and first["score"] > 50
    assert assert_ok(caller.get(f"/api/applications/{card['id']}"))["matchScore"] == first["score"]
    # The refused first try (no resume yet) spent nothing: three matches succeed.
    assert_ok(caller.post("/api/jobs/match", json=body))
    assert_ok(caller.post("/api/jobs/match", json=body))
    refused = assert_error(caller.post("/api/jobs/match", json=body), 402, "PAYMENT_REQUIRED")
    assert refused["feature"] == "job_match"
    assert_error(caller.post("/api/jobs/match", json={"resumeText": "x"}), 400, "VALIDATION")


def test_resume_crud_parses_skills_and_caps_at_3(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    resume = assert_ok(caller.post("/api/resumes", json={"name": "Backend",
                                                         "content": BACKEND_RESUME}), 201)
    assert resume["kind"] == "master" and {"Python", "Kafka"} <= set(resume["skills"])
    assert resume["yearsOfExperience"] == 6
    assert harness.services.events.named("resumes.created")[0].payload["resumeId"] == resume["id"]
    edited = assert_ok(caller.patch(f"/api/resumes/{resume['id']}",
                                    json={"content": DESIGN_RESUME}))
    assert edited["skills"] == ["Adobe Creative Suite"]  # Photoshop, by the core lexicon
    for name in ("Two", "Three"):
        assert_ok(caller.post("/api/resumes", json={"name": name, "content": "text"}), 201)
    assert_error(caller.post("/api/resumes", json={"name": "Four", "content": "text"}), 402,
                 "PAYMENT_REQUIRED")
    listed = assert_ok(caller.get("/api/resumes", params={"q": "back"}))
    assert [r["name"] for r in listed["items"]] == ["Backend"]
    other = harness.api_caller()
    assert_error(other.get(f"/api/resumes/{resume['id']}"), 404, "NOT_FOUND")
    assert_error(other.delete(f"/api/resumes/{resume['id']}"), 404, "NOT_FOUND")
    assert_error(caller.post("/api/resumes", json={"name": "x", "content": "y", "kind": "z"}),
                 400, "VALIDATION")
    recruiter = harness.api_caller(user_type="recruiter", tier="recruiter_free")
    assert_error(recruiter.post("/api/resumes", json={"name": "x", "content": "y"}), 402,
                 "PAYMENT_REQUIRED")


def test_pdf_upload_extracts_the_text(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    pdf = minimal_pdf("Backend engineer: Python, Kafka, PostgreSQL")
    made = assert_ok(caller.post("/api/resumes/upload", params={"name": "cv.pdf"}, body=pdf,
                                 headers={"Content-Type": "application/pdf"}), 201)
    assert made["source"] == "pdf" and "Kafka" in made["content"]
    assert {"Python", "Kafka", "PostgreSQL"} <= set(made["skills"])
    assert_error(caller.post("/api/resumes/upload", params={"name": "x"}, body=b"not a pdf",
                             headers={"Content-Type": "application/pdf"}), 400, "BAD_REQUEST")


def test_tailoring_creates_a_tailored_copy_and_free_gets_one(make_app):
    harness = make_app(plugins=PLUGINS)
    seed_jobs(harness)
    caller = harness.api_caller()
    master = assert_ok(caller.post("/api/resumes", json={"name": "Main",
                                                         "content": BACKEND_RESUME}), 201)
    job = {"jobDescription": "Python, Kafka and AWS engineer. Terraform is a plus.",
           "jobTitle": "Backend Engineer", "company": "Acme"}
    tailored = assert_ok(caller.post(f"/api/resumes/{master['id']}/tailor", json=job), 201)
    assert tailored["kind"] == "tailored" and tailored["parentId"] == master["id"]
    assert any(g.startswith("AWS") for g in tailored["gaps"])
    assert "AWS" not in tailored["content"]  # a gap is flagged, never invented
    assert {e["type"] for e in tailored["edits"]} >= {"headline", "summary"}
    assert tailored["content"].startswith("Ada Lovelace\nBackend Engineer | ")
    assert_error(caller.post(f"/api/resumes/{master['id']}/tailor", json=job), 402,
                 "PAYMENT_REQUIRED")
    stored = {"jobId": job_id(harness, "acme-1")}
    assert_error(caller.post(f"/api/resumes/{master['id']}/tailor-to-job", json=stored), 402,
                 "PAYMENT_REQUIRED")  # hard gate on free
    pro = harness.api_caller(tier="pro")
    mine = assert_ok(pro.post("/api/resumes", json={"name": "M", "content": BACKEND_RESUME}), 201)
    to_job = assert_ok(pro.post(f"/api/resumes/{mine['id']}/tailor-to-job", json=stored), 201)
    assert to_job["target"]["jobId"] == stored["jobId"] and to_job["matchScore"] > 0
    assert_error(pro.post(f"/api/resumes/{master['id']}/tailor", json=job), 404, "NOT_FOUND")


def test_ats_report_and_markdown_export(make_app):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    resume = assert_ok(caller.post("/api/resumes", json={"name": "Ada CV",
                                                         "content": BACKEND_RESUME}), 201)
    report = assert_ok(caller.post(f"/api/resumes/{resume['id']}/ats-report", json={
        "jobDescription": "Python and Kafka on AWS.\nNice to have: Terraform."}))
    assert {"Python", "Kafka"} <= set(report["present"]) and report["missing"] == ["AWS"]
    assert report["niceToHaveMissing"] == ["Terraform"] and report["tips"]
    exported = caller.get(f"/api/resumes/{resume['id']}/export")
    assert exported.status_code == 200 and exported.text == BACKEND_RESUME
    assert 'filename="Ada-CV.md"' in exported.headers["content-disposition"]
    other = harness.api_caller()
    assert other.get(f"/api/resumes/{resume['id']}/export").status_code == 404
