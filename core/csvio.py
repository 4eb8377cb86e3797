"""Reading CSV that users upload, with one set of rules for every import; writing CSV exports
that a spreadsheet opens safely (``write_csv``).

``read_csv(text, max_rows=...)`` gives the header and the non-blank data rows. Whatever the
``csv`` module refuses is a 400 ``VALIDATION`` on the ``csv`` field with a message a person can
act on, never a 500: no header row, a field longer than ``FIELD_LIMIT`` characters (the row is
named), a NUL byte or other malformed CSV. Row counts are the caller's policy: ``truncated``
says more rows followed ``max_rows``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lightninghire.errors import ValidationFailed
from lightninghire.http.jsonio import json_default

# The csv module's own default limit (csv.field_size_limit()), stated here so the rule and its
# message do not depend on a process-wide setting another library could change.
FIELD_LIMIT = 131_072


@dataclass(frozen=True)
class CsvRows:
    header: list[str]
    rows: list[list[str]]  # data rows that are not blank, at most max_rows of them
    truncated: bool  # more data rows followed


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed({"csv": [message]}, "The CSV could not be read.")


def read_csv(text: str, *, max_rows: int) -> CsvRows:
    """The header and data rows of CSV ``text`` (a leading BOM dropped, blank rows skipped)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[list[str]] = []
    header: list[str] | None = None
    try:
        for values in reader:
            too_long = next((v for v in values if len(v) > FIELD_LIMIT), None)
            if too_long is not None:
                raise csv.Error("field larger than field limit")
            if header is None:
                header = values
                continue
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= max_rows:
                return CsvRows(header, rows, truncated=True)
            rows.append(values)
    except csv.Error as exc:
        where = "The header row" if header is None else f"Row {len(rows) + 1}"
        if "field larger than field limit" in str(exc):
            raise _refused(f"{where} has a field longer than {FIELD_LIMIT:,} characters: "
                           f"shorten it or split the file.") from None
        raise _refused(f"Not valid CSV ({where.lower()}, line {reader.line_num}): {exc}.") \
            from None
    if not header or not any(h.strip() for h in header):
        raise _refused("The CSV has no header row.")
    return CsvRows(header, rows, truncated=False)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP):
# such a cell is written with a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> str:
    """One value as a CSV cell a spreadsheet will not execute: ``None`` is empty, numbers are
    written as numbers (a negative number stays a number), times as the API writes them, text
    that a spreadsheet would read as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, date | datetime):
        return json_default(value)  # the API's one time format
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """CSV text (RFC 4180, CRLF line ends) of ``header`` and ``rows``, every cell through
    ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def send_csv(resp: Any, text: str, filename: str, next_cursor: str | None = None) -> None:
    """Answer a ``raw`` route with ``text`` as a CSV download named ``filename``; a bounded
    export names its next page in the ``X-Next-Cursor`` header."""
    resp.text = text
    resp.content_type = CSV_CONTENT_TYPE
    resp.set_header("Content-Disposition", f'attachment; filename="{filename}"')
    if next_cursor:
        resp.set_header("X-Next-Cursor", next_cursor)
