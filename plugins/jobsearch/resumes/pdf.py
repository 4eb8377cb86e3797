"""ATS-friendly PDF of a resume's text: one column, standard fonts, real (extractable) text.

The input is the plain-text or Markdown of a resume, read as ``layout.blocks``. fpdf2's core
fonts (Helvetica) are what applicant tracking systems parse best, but they only encode Latin-1,
so every other character is transliterated (an L with stroke to L, an em dash to -) or replaced by ``?``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from lightninghire_plugins.jobsearch.resumes.layout import blocks

FONT = "Helvetica"
# Characters outside Latin-1 that have a conventional ASCII spelling NFKD does not give.
_SPELLED = {"\u2014": "-", "\u2013": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
            "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201c": '"', "\u201d": '"',
            "\u201e": '"', "\u2022": "-", "\u2026": "...", "\u20ac": "EUR", "\u2122": "(TM)",
            "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0126": "H",
            "\u0127": "h", "\u0131": "i", "\u0152": "OE", "\u0153": "oe", "\u0140": "l",
            "\u013f": "L", "\u2192": "->", "\u2190": "<-", "\u2713": "v", "\u200b": "",
            "\ufeff": ""}


def latin1(text: str) -> str:
    """``text`` with every character the core fonts cannot show transliterated or ``?``."""
    out: list[str] = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        elif char in _SPELLED:
            out.append(_SPELLED[char])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char)
                           if not unicodedata.combining(c))
            out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


def render(text: str, *, title: str, created: datetime | None = None) -> bytes:
    """The PDF bytes of a resume's text (``layout.blocks``)."""
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(latin1(title))
    pdf.set_creator("LightningHire")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    for block in blocks(text):
        line = latin1(block.text)
        if block.kind == "blank":
            pdf.ln(2.5)
        elif block.kind == "name":
            pdf.set_font(FONT, "B", 16)
            pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "heading":
            pdf.ln(1.5)
            pdf.set_font(FONT, "B", 12 if block.level <= 2 else 10.5)
            pdf.multi_cell(0, 6, line.upper() if block.level <= 2 else line,
                           new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "bullet":
            pdf.set_font(FONT, "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5, "- " + line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(FONT, "", 10)
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def filename(name: str, ext: str) -> str:
    """A download name in plain ASCII: accents folded ("Łódź CV" -> "Lodz-CV.pdf")."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", latin1(name))
                     if not unicodedata.combining(c))
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-")[:80] or "resume") + f".{ext}"
