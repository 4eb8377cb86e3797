"""Untrusted PDF uploads are read under hard limits (issue 18, finding 2): an 896-byte PDF with
a chained /FlateDecode over 20 MB made POST /api/resumes/upload burn 12.5 s of CPU and answer
500; decompression bombs, deep page trees and nested arrays answered 500 too. Each crafted PDF
is built here, in a few bytes; each now answers 400 naming the problem, quickly."""

from __future__ import annotations

import zlib

import pytest

from lightninghire.testing import assert_error, assert_ok
from tests.plugins.jobsearch.helpers import build_pdf

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>")




def stream(data: bytes, filters: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), filters) + data + b"\nendstream"


def pages_pdf(content: bytes, count: int = 1, filters: bytes = b"") -> bytes:
    """``count`` pages sharing one content stream (object 4)."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(count))
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count), FONT,
                stream(content, filters), *[PAGE] * count])


def chained_flate_bomb() -> bytes:
    """20 MB of content compressed twice: under 1 KB on the wire."""
    packed = zlib.compress(zlib.compress(b"(x) Tj " * 3_000_000, 9), 9)
    return pages_pdf(packed, filters=b"/Filter [/FlateDecode /FlateDecode] ")


def deep_page_tree(depth: int = 200) -> bytes:
    nodes = [b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>"
             % (b"/Parent %d 0 R " % (n - 1) if n > 2 else b"", n + 1)
             for n in range(2, depth + 2)]
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", *nodes,
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (depth + 1)])


def nested_arrays(depth: int = 5_000) -> bytes:
    return pages_pdf(b"BT /F1 12 Tf 72 720 Td " + b"[" * depth + b"(x)" + b"]" * depth
                     + b" TJ ET")


def nested_object(depth: int = 5_000) -> bytes:
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * depth + b"]" * depth + b" >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"])


def upload(caller, data: bytes):
    return caller.post("/api/resumes/upload", params={"name": "cv.pdf"}, body=data,
                       headers={"Content-Type": "application/pdf"})


@pytest.mark.parametrize(("make", "reason", "words"), [
    (chained_flate_bomb, "pdf_too_large", "decompressed"),
    (deep_page_tree, "pdf_too_complex", "nested too deeply"),
    (nested_arrays, "pdf_too_complex", "nested too deeply"),
    (nested_object, "pdf_too_complex", "nested too deeply"),
    (lambda: pages_pdf(b"BT /F1 12 Tf 72 720 Td (Python) Tj ET", count=51), "pdf_too_many_pages",
     "more than 50 pages"),
    (lambda: b"%PDF-1.4\nnothing else", "pdf_unreadable", "could not be read"),
], ids=["chained-flate-bomb", "deep-page-tree", "nested-arrays", "nested-object", "51-pages",
        "truncated"])
def test_crafted_pdfs_answer_400_naming_the_problem(make_app, make, reason, words):
    harness = make_app(plugins=["plans", "jobsearch"])
    caller = harness.api_caller(tier="pro")
    data = make()
    assert len(data) < 25_000
    error = assert_error(upload(caller, data), 400, "BAD_REQUEST")
    assert error["reason"] == reason and words in error["message"], error
    assert harness.db["jobsearch_resumes"].count_documents({}) == 0


def test_a_pdf_that_needs_too_much_cpu_is_stopped_at_the_limit(make_app):
    """Within every size limit, but 50 pages of 200,000 text operations each: the child
    reading it is stopped by the kernel after ``pdf_cpu_seconds`` (1 here)."""
    harness = make_app(plugins=["plans", "jobsearch"],
                       settings={"plugins.jobsearch.pdf_cpu_seconds": 1})
    caller = harness.api_caller(tier="pro")
    content = zlib.compress(b"BT /F1 12 Tf 72 720 Td " + b"(x) Tj " * 200_000 + b"ET", 9)
    slow = pages_pdf(content, count=50, filters=b"/Filter /FlateDecode ")
    error = assert_error(upload(caller, slow), 400, "BAD_REQUEST")
    assert error["reason"] == "pdf_too_slow" and "over 1 s" in error["message"]


def test_limits_are_plugin_settings_and_a_normal_pdf_still_reads(make_app):
    harness = make_app(plugins=["plans", "jobsearch"], settings={"plugins.jobsearch.pdf_max_pages": 2})
    caller = harness.api_caller(tier="pro")
    three = pages_pdf(b"BT /F1 12 Tf 72 720 Td (Python) Tj ET", count=3)
    assert "more than 2 pages" in assert_error(upload(caller, three), 400,
                                               "BAD_REQUEST")["message"]
    two = pages_pdf(b"BT /F1 12 Tf 72 720 Td (Backend engineer: Python, Kafka) Tj ET", count=2)
    made = assert_ok(upload(caller, two), 201)
    assert "Kafka" in made["content"] and "Python" in made["skills"]
