"""docs/plugins.md is the plugin author's whole guide: it names every public name and its
in-page links lead somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import lightninghire.api

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def github_anchor(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_name_of_the_plugin_api_is_described():
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in lightninghire.api.__all__
               if not re.search(rf"\b{re.escape(name)}\b", text)]
    assert not missing, f"docs/plugins.md does not mention: {missing}"


def test_every_in_page_link_names_a_heading():
    text = DOCS.read_text(encoding="utf-8")
    anchors = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}
    broken = sorted(set(re.findall(r"\]\(#([^)]+)\)", text)) - anchors)
    assert not broken, f"docs/plugins.md links to missing headings: {broken}"
