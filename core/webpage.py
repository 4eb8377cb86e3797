"""Reading an HTML page as data: its title, its ``<meta>`` values, its JSON-LD blocks and its
visible text (stdlib ``html.parser``; scripts, styles and templates left out).

``read_html(markup) -> HtmlPage``. Nothing is fetched and nothing is executed; the input is
bounded by whoever fetched it (``lightninghire.fetch``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe",
                    "object", "canvas"})
BLOCKS = frozenset({"p", "div", "section", "article", "main", "header", "footer", "aside",
                    "ul", "ol", "li", "br", "hr", "tr", "table", "h1", "h2", "h3", "h4", "h5",
                    "h6", "dt", "dd", "dl", "blockquote", "pre", "form", "nav", "figure"})
MAX_JSON_LD = 20
MAX_JSON_LD_CHARS = 200_000


@dataclass(frozen=True)
class HtmlPage:
    """``title``: the ``<title>`` text; ``meta``: ``name``/``property`` (lower-cased) ->
    ``content`` (the first of each); ``headings``: ``h1`` texts in order; ``json_ld``: the parsed
    ``application/ld+json`` objects (a list or ``@graph`` flattened); ``text``: the visible
    text, one block per line, list items starting with ``- ``."""

    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    headings: list[str] = field(default_factory=list)
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.meta: dict[str, str] = {}
        self.headings: list[str] = []
        self.json_ld: list[dict[str, Any]] = []
        self.lines: list[str] = []
        self.line: list[str] = []
        self.hidden = 0
        self.in_title = False
        self.heading: list[str] | None = None
        self.script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("name") or values.get("property") or "").strip().lower()
            if key and "content" in values and key not in self.meta:
                self.meta[key] = values["content"].strip()
            return
        if tag == "title":
            self.in_title = True
        if tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self.script = []
        if tag in HIDDEN:
            self.hidden += 1
            return
        if tag in BLOCKS:
            self._break()
            if tag == "li":
                self.line.append("- ")
        if tag == "h1":
            self.heading = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self._break()
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag == "script" and self.script is not None:
            self._json_ld("".join(self.script))
            self.script = None
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if tag == "h1" and self.heading is not None:
            text = " ".join("".join(self.heading).split())
            if text:
                self.headings.append(text)
            self.heading = None
        if tag in BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.script is not None:
            self.script.append(data)
            return
        if self.hidden:
            return
        self.line.append(data)
        if self.heading is not None:
            self.heading.append(data)

    def _break(self) -> None:
        text = " ".join("".join(self.line).split())
        if text and text != "-":
            self.lines.append(text)
        self.line = []

    def _json_ld(self, raw: str) -> None:
        if len(self.json_ld) >= MAX_JSON_LD or len(raw) > MAX_JSON_LD_CHARS:
            return
        try:
            data = json.loads(raw)
        except ValueError:
            return
        items = data if isinstance(data, list) else [data]
        for item in items:
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            nested = graph if isinstance(graph, list) else [item]
            self.json_ld.extend(i for i in nested if isinstance(i, dict))
        del self.json_ld[MAX_JSON_LD:]


def read_html(markup: str) -> HtmlPage:
    """The page's title, meta values, ``h1`` headings, JSON-LD objects and visible text."""
    reader = _Reader()
    try:
        reader.feed(markup)
        reader.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    reader._break()
    text = "\n".join(reader.lines)
    return HtmlPage(title=" ".join("".join(reader.title).split()), meta=reader.meta,
                    headings=reader.headings, json_ld=reader.json_ld,
                    text=re.sub(r"\n{3,}", "\n\n", text))
