"""CSV rows -> contact bodies: header aliases from common exports (LinkedIn, Google, Outlook)."""

from __future__ import annotations

from typing import Any

from lightninghire.api import ValidationFailed, read_csv

# Normalised header (lower case, letters and digits only) -> contact field.
ALIASES = {
    "name": "name", "fullname": "name", "contactname": "name", "displayname": "name",
    "firstname": "firstName", "givenname": "firstName",
    "lastname": "lastName", "surname": "lastName", "familyname": "lastName",
    "email": "email", "emailaddress": "email", "email1value": "email", "mail": "email",
    "company": "company", "organization": "company", "organisation": "company",
    "organization1name": "company", "employer": "company",
    "title": "title", "jobtitle": "title", "position": "title", "role": "title",
    "organization1title": "title",
    "linkedin": "linkedinUrl", "linkedinurl": "linkedinUrl", "url": "linkedinUrl",
    "profileurl": "linkedinUrl", "linkedinprofile": "linkedinUrl",
    "phone": "phone", "phonenumber": "phone", "mobile": "phone", "phone1value": "phone",
    "warmth": "warmth", "type": "contactType", "contacttype": "contactType",
    "tags": "tags", "labels": "tags", "notes": "notes", "note": "notes",
}
TAG_SEPARATORS = (";", "|", ",")


def _key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def parse_rows(text: str, max_rows: int) -> list[dict[str, Any]]:
    """Contact bodies (not yet validated) from CSV text; one dict per non-empty data row.

    Unknown columns are ignored (exports carry many); a file without a name column, with more
    than ``max_rows`` rows, or that the core's CSV rules refuse (``read_csv``) is a 400.
    """
    table = read_csv(text, max_rows=max_rows)
    columns = [ALIASES.get(_key(name)) for name in table.header]
    if "name" not in columns and "firstName" not in columns:
        raise ValidationFailed({"csv": ["The CSV needs a 'name' column (or 'first name' and "
                                        "'last name')."]})
    if table.truncated:
        raise ValidationFailed({"csv": [f"At most {max_rows} rows per import."]})
    return [_row(columns, values) for values in table.rows]


def _row(columns: list[str | None], values: list[str]) -> dict[str, Any]:
    raw: dict[str, str] = {}
    for column, value in zip(columns, values, strict=False):
        value = value.strip()
        if column and value and column not in raw:
            raw[column] = value
    first, last = raw.pop("firstName", ""), raw.pop("lastName", "")
    if "name" not in raw and (first or last):
        raw["name"] = f"{first} {last}".strip()
    body: dict[str, Any] = dict(raw)
    if "warmth" in body:
        body["warmth"] = body["warmth"].lower()
    if "contactType" in body:
        body["contactType"] = body["contactType"].lower().replace(" ", "_").replace("-", "_")
    if "tags" in body:
        text = body["tags"]
        separator = next((s for s in TAG_SEPARATORS if s in text), None)
        body["tags"] = [t.strip() for t in (text.split(separator) if separator else [text])
                        if t.strip()]
    return body
