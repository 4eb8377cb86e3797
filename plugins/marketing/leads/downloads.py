"""The shipped lead magnets as PDF files, served by ``GET /api/downloads/{file}``.

A magnet's text is ``guides/<source>.md`` when shipped, else the shipped content page that names
it as its ``lead_magnet`` (for a course: its introduction and free lessons only). The PDF is
made with fpdf2 from that Markdown, once per process.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from importlib import resources
from typing import Any

from lightninghire_plugins.marketing.content.files import load_pages, parse_page

GUIDES = "guides"
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
# Core PDF fonts are Latin-1: the typographic characters of the pages, spelled plainly.
_PLAIN = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'",
                        "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u2022": "-",
                        "\u2192": "->", "\u00a0": " "})


def guide_text(source: str) -> tuple[str, str] | None:
    """``(title, markdown)`` of a shipped magnet, or ``None`` when nothing is shipped for it."""
    folder = resources.files(__package__).joinpath(GUIDES)
    shipped = folder.joinpath(f"{source}.md")
    if shipped.is_file():
        meta, body = parse_page(shipped.read_text("utf-8"), f"{GUIDES}/{source}.md")
        return str(meta["title"]), body
    for page in load_pages():
        if page.get("leadMagnet") != source:
            continue
        parts = [page["body"]]
        for lesson in page.get("lessons", []):
            if lesson["access"] == "free":  # Pro lessons stay Pro
                parts.append(f"# {lesson['title']}\n\n{lesson['body']}")
        return str(page["title"]), "\n\n".join(parts)
    return None


def _plain(text: str) -> str:
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _EMPHASIS.sub("", text).translate(_PLAIN)
    text = unicodedata.normalize("NFKD", text)
    return text.encode("latin-1", "ignore").decode("latin-1")


def render_pdf(title: str, markdown: str, site: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_plain(title))
    pdf.set_author("LightningHire")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(width, 6, _plain(" ".join(paragraph)))
            pdf.ln(2)
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        heading = re.match(r"^(#{1,3})\s+(.*)$", line)
        item = re.match(r"^\s*([-*]|\d+\.)\s+(.*)$", line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            size = {1: 18, 2: 14, 3: 12}[len(heading.group(1))]
            pdf.set_font("Helvetica", style="B", size=size)
            pdf.ln(2)
            pdf.multi_cell(width, size * 0.5, _plain(heading.group(2)))
            pdf.ln(1)
        elif item:
            flush()
            marker = "-" if item.group(1) in "-*" else item.group(1)
            pdf.set_font("Helvetica", size=11)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 6, _plain(f"{marker} {item.group(2)}"))
        else:
            paragraph.append(line.strip())
    flush()
    pdf.ln(4)
    pdf.set_font("Helvetica", style="I", size=9)
    pdf.multi_cell(width, 5, _plain(f"From LightningHire - {site}"))
    return bytes(pdf.output())


class Downloads:
    """``file`` -> PDF bytes for every shipped magnet whose URL names that file."""

    def __init__(self, magnets: dict[str, Any], site: str) -> None:
        # Only magnets whose URL ends in /downloads/<file>.pdf can be served from here.
        self.sources = {m.url.rsplit("/", 1)[-1]: m.source for m in magnets.values()
                        if re.search(r"/downloads/[a-z0-9-]+\.pdf$", m.url)}
        self.site = site
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def pdf(self, file: str) -> bytes | None:
        source = self.sources.get(file)
        if source is None:
            return None
        with self._lock:
            if file not in self._cache:
                found = guide_text(source)
                if found is None:
                    return None
                self._cache[file] = render_pdf(found[0], found[1], self.site)
            return self._cache[file]
