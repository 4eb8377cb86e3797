"""A resume's text as a download: Markdown, PDF or DOCX, with its file name and media type."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lightninghire_plugins.jobsearch.resumes.pdf import filename, render
from lightninghire_plugins.jobsearch.resumes.wordfile import CONTENT_TYPE as DOCX_TYPE
from lightninghire_plugins.jobsearch.resumes.wordfile import render_docx

FORMATS = ("markdown", "pdf", "docx")


def download(name: str, text: str, format: str,
             created: datetime | None = None) -> tuple[str, str, bytes]:
    """``(file name, content type, bytes)`` of ``text`` rendered as ``format``."""
    if format == "pdf":
        return filename(name, "pdf"), "application/pdf", render(text, title=name,
                                                                created=created)
    if format == "docx":
        return filename(name, "docx"), DOCX_TYPE, render_docx(text, title=name, created=created)
    return filename(name, "md"), "text/markdown; charset=utf-8", (text.rstrip() + "\n").encode()


def attach(resp: Any, file: tuple[str, str, bytes]) -> None:
    """Answer with the file as an attachment (a raw route: no envelope)."""
    name, content_type, data = file
    resp.content_type = content_type
    resp.set_header("Content-Disposition", f'attachment; filename="{name}"')
    resp.data = data
