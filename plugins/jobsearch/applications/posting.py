"""A job posting's role, company, location and description, read from pasted text or from a
fetched page (its JSON-LD ``JobPosting`` when it has one, else its title, meta and text).

Deterministic and local: what cannot be told is left ``None`` and the caller asks the user.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lightninghire.api import FetchedPage, read_html

DESCRIPTION_MAX = 50_000
LABELS = {
    "role": re.compile(r"^(?:job title|title|position|role)\s*[:\-\u2013]\s*(.+)$", re.IGNORECASE),
    "company": re.compile(r"^(?:company|employer|organi[sz]ation|hiring company)\s*[:\-\u2013]\s*(.+)$",
                          re.IGNORECASE),
    "location": re.compile(r"^(?:location|based in|office)\s*[:\-\u2013]\s*(.+)$", re.IGNORECASE),
}
NAME = r"([A-Z0-9][\w&.'\u2019-]*(?:\s+(?:of|&|and|[A-Z0-9][\w&.'\u2019-]*)){0,4})"
HIRING = re.compile(NAME + r"\s+(?:is|are)\s+(?:hiring|looking|seeking|recruiting|growing)")
ABOUT = re.compile(r"^About\s+" + NAME + r"\s*:?$")
TITLE_AT = re.compile(r"^(.{2,120}?)\s+at\s+(.{2,80})$")
TITLE_SPLIT = re.compile(r"\s+[|\u2013\u2014-]\s+")
# Site names that are not the employer (a board's own suffix in a page title).
BOARD_WORDS = re.compile(r"\b(careers?|jobs?|job board|hiring|apply|openings?)\b", re.IGNORECASE)
EMPLOYMENT = {"FULL_TIME": "full_time", "PART_TIME": "part_time", "CONTRACTOR": "contract",
              "TEMPORARY": "contract", "INTERN": "internship"}


def _clean(value: Any, limit: int = 200) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:limit] or None


def _split_title(title: str) -> tuple[str, str | None]:
    """"Role at Company", "Role - Company | Careers" -> (role, company or None)."""
    found = TITLE_AT.match(title)
    if found:
        return found.group(1), found.group(2)
    parts = [p.strip() for p in TITLE_SPLIT.split(title) if p.strip()]
    if not parts:
        return title, None
    rest = [p for p in parts[1:] if not BOARD_WORDS.search(p)]
    return parts[0], (rest[0] if rest else None)


def from_text(text: str) -> dict[str, Any]:
    """Read pasted posting text: labelled lines ("Company: Acme") first, then the first line as
    the title and phrases like "Acme Health is hiring"."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found: dict[str, str | None] = {"role": None, "company": None, "location": None}
    for line in lines[:40]:
        for key, pattern in LABELS.items():
            match = pattern.match(line)
            if match and not found[key]:
                found[key] = _clean(match.group(1))
    if not found["company"]:
        for line in lines[:40]:
            match = HIRING.search(line) or ABOUT.match(line)
            if match:
                found["company"] = _clean(match.group(1))
                break
    if not found["role"] and lines:
        role, company = _split_title(lines[0][:300])
        if found["company"] and company and company.lower() != found["company"].lower():
            role = lines[0]  # "Engineer - Payments" at a known company: the team is the role's
        found["role"] = _clean(role)
        found["company"] = found["company"] or _clean(company)
    return {**found, "title": _clean(lines[0]) if lines else None,
            "description": text.strip()[:DESCRIPTION_MAX] or None, "employmentType": None}


def _job_posting(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    for item in items:
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "JobPosting" in kinds:
            return item
    return None


def _location(posting: Mapping[str, Any]) -> str | None:
    if str(posting.get("jobLocationType", "")).upper() == "TELECOMMUTE":
        return "Remote"
    places = posting.get("jobLocation")
    for place in places if isinstance(places, list) else [places]:
        address = place.get("address") if isinstance(place, dict) else None
        if isinstance(address, dict):
            parts = [address.get(k) for k in ("addressLocality", "addressRegion",
                                              "addressCountry")]
            text = ", ".join(p for p in parts if isinstance(p, str) and p)
            if text:
                return _clean(text)
        elif isinstance(address, str):
            return _clean(address)
    return None


def from_page(page: FetchedPage) -> dict[str, Any]:
    """Read a fetched page: a JSON-LD ``JobPosting`` wins; else the title (``og:title``,
    ``h1`` or ``<title>``), the site name and the visible text. Plain text is read like
    pasted text."""
    if page.content_type == "text/plain":
        return from_text(page.text)
    html = read_html(page.text)
    posting = _job_posting(html.json_ld)
    if posting is not None:
        organisation = posting.get("hiringOrganization")
        company = organisation.get("name") if isinstance(organisation, dict) else organisation
        description = read_html(str(posting.get("description") or "")).text or html.text
        kinds = posting.get("employmentType")
        kind = kinds[0] if isinstance(kinds, list) and kinds else kinds
        return {"role": _clean(posting.get("title")), "company": _clean(company),
                "location": _location(posting), "title": _clean(posting.get("title")),
                "description": description[:DESCRIPTION_MAX] or None,
                "employmentType": EMPLOYMENT.get(str(kind).upper()) if kind else None}
    title = html.meta.get("og:title") or (html.headings[0] if html.headings else "") or html.title
    role, company = _split_title(" ".join(title.split()))
    site = html.meta.get("og:site_name")
    if site and not BOARD_WORDS.search(site):
        company = site
    text = from_text(html.text)
    return {"role": _clean(role) or text["role"], "company": _clean(company) or text["company"],
            "location": text["location"], "title": _clean(title),
            "description": html.text[:DESCRIPTION_MAX] or None, "employmentType": None}
