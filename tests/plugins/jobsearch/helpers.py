"""Shared by the jobsearch tests: the template's jobs and a few postings to search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lightninghire.testing import AppHarness

# Verbatim copies of the product's import templates (shared/data/), kept with the tests.
DATA = Path(__file__).resolve().parent / "data"
TEMPLATE = DATA / "jobs_import_template.csv"
CANDIDATES_TEMPLATE = DATA / "candidates_import_template.csv"

POSTINGS = [
    {"title": "Senior Backend Engineer", "company": "Acme Health", "location": "Remote (US)",
     "remote": True, "salaryMin": 160000, "salaryMax": 190000, "url": "https://acme.example/jobs/1",
     "externalId": "acme-1",
     "description": "Build claims services in Python and PostgreSQL.\nMove flows to Kafka.\n"
                    "Run Docker and Kubernetes in production. 5+ years."},
    {"title": "Product Designer", "company": "Beta Studio", "location": "Berlin",
     "remote": False, "salaryMin": 70000, "salaryMax": 90000, "externalId": "beta-1",
     "description": "Design flows in Figma, run user research, build the design system."},
    {"title": "Data Analyst", "company": "Northwind", "location": "London", "remote": False,
     "salaryMin": 50000, "salaryMax": 65000, "externalId": "nw-1",
     "description": "SQL, Tableau dashboards and Python for weekly reporting."},
]

BACKEND_RESUME = ("Ada Lovelace\nBackend engineer with 6 years of experience.\n"
                  "- Built Python services on PostgreSQL\n- Ran Kafka pipelines\n"
                  "- Shipped with Docker and Kubernetes\n")
DESIGN_RESUME = ("Grace Hopper\nGraphic designer, 4 years.\n- Branding in Photoshop\n"
                 "- Illustration for magazines\n")


def seed_jobs(harness: AppHarness, postings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    from lightninghire_plugins.jobsearch import jobs_of

    return jobs_of(harness.services).upsert_many(postings or POSTINGS, source="test")


def job_id(harness: AppHarness, external_id: str) -> str:
    from lightninghire_plugins.jobsearch.store import JOBS

    return str(harness.db[JOBS].find_one({"externalId": external_id})["_id"])


def build_pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first one the catalog), with a true xref, so
    readers accept it."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
