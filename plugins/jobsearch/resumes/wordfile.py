"""A resume's text as a Word document (DOCX, ``python-docx``): one column, real paragraphs.

The same ``layout.blocks`` as the PDF: the name as the document title, ``#`` lines as headings
(level 1-2 as Heading 1, deeper as Heading 2), bullets in the "List Bullet" style, other lines as
plain paragraphs. Word stores any Unicode character; only the characters XML cannot hold
(control characters, lone surrogates) are dropped.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from lightninghire_plugins.jobsearch.resumes.layout import blocks

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def render_docx(text: str, *, title: str, created: datetime | None = None) -> bytes:
    """The DOCX bytes of a resume's text."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    properties = document.core_properties
    properties.title = xml_safe(title)[:255]
    properties.author = "LightningHire"
    properties.comments = ""
    if created is not None:
        properties.created = properties.modified = created
    for block in blocks(xml_safe(text)):
        if block.kind == "name":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=1 if block.level <= 2 else 2)
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "line":
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
