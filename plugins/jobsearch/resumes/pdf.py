"""ATS-friendly PDF of a resume's text: one column, standard fonts, real (extractable) text.

The input is the plain-text or Markdown of a resume: the first line is the name, ``#`` lines
are section headings, ``-``/``*``/``•`` lines are bullets. fpdf2's core fonts (Helvetica) are
what applicant tracking systems parse best, but they only encode Latin-1, so every other
character is transliterated (an L with stroke to L, an em dash to -) or replaced by ``?``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

FONT = "Helvetica"
BULLETS = ("- ", "* ")  # "\u2022 " (a bullet) is spelled "- " first
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


def _plain(line: str) -> str:
    """Markdown emphasis and link syntax dropped: ATS read the words, not the markup."""
    line = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", line)
    return re.sub(r"(\*\*|__|`)", "", line)


def render(text: str, *, title: str, created: datetime | None = None) -> bytes:
    """The PDF bytes of a resume's text."""
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(latin1(title))
    pdf.set_creator("LightningHire")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    named = False
    for raw in latin1(text).splitlines():
        line = _plain(raw.rstrip())
        stripped = line.strip()
        if not stripped:
            pdf.ln(2.5)
            continue
        if not named:
            # The first line is the candidate's name.
            pdf.set_font(FONT, "B", 16)
            pdf.multi_cell(0, 8, stripped.lstrip("# "), new_x="LMARGIN", new_y="NEXT")
            named = True
        elif stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            pdf.ln(1.5)
            pdf.set_font(FONT, "B", 12 if level <= 2 else 10.5)
            heading = stripped.lstrip("# ")
            pdf.multi_cell(0, 6, heading.upper() if level <= 2 else heading,
                           new_x="LMARGIN", new_y="NEXT")
        elif stripped.startswith(BULLETS):
            pdf.set_font(FONT, "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5, "- " + stripped[2:].strip(), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(FONT, "", 10)
            pdf.multi_cell(0, 5, stripped, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def filename(name: str, ext: str) -> str:
    """A download name in plain ASCII: accents folded ("Łódź CV" -> "Lodz-CV.pdf")."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", latin1(name))
                     if not unicodedata.combining(c))
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-")[:80] or "resume") + f".{ext}"
