"""Reading CSV that users upload, with one set of rules for every import.

``read_csv(text, max_rows=...)`` gives the header and the non-blank data rows. Whatever the
``csv`` module refuses is a 400 ``VALIDATION`` on the ``csv`` field with a message a person can
act on, never a 500: no header row, a field longer than ``FIELD_LIMIT`` characters (the row is
named), a NUL byte or other malformed CSV. Row counts are the caller's policy: ``truncated``
says more rows followed ``max_rows``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from lightninghire.errors import ValidationFailed

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
