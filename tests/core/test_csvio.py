"""The core's CSV reading rules, shared by every import (issue 18, finding 11)."""

from __future__ import annotations

import csv

import pytest

from lightninghire.csvio import FIELD_LIMIT, read_csv, safe_cell, write_csv
from lightninghire.errors import ValidationFailed


def _message(text: str, **options: int) -> str:
    with pytest.raises(ValidationFailed) as caught:
        read_csv(text, **{"max_rows": 10, **options})
    return caught.value.extra["fields"]["csv"][0]


def test_rows_header_blank_lines_and_truncation():
    table = read_csv("\ufeffname,email\nAda,a@x.io\n , \n\nGrace,g@x.io\nAlan,\n", max_rows=2)
    assert table.header == ["name", "email"]
    assert table.rows == [["Ada", "a@x.io"], ["Grace", "g@x.io"]] and table.truncated
    assert not read_csv("name\nAda\n", max_rows=2).truncated
    assert _message("") == _message("\n\n") == "The CSV has no header row."


def test_a_field_over_the_limit_is_named_whatever_the_process_wide_csv_limit():
    assert "The header row has a field longer than" in _message("n" * (FIELD_LIMIT + 1))
    previous = csv.field_size_limit()
    try:
        csv.field_size_limit(10 * FIELD_LIMIT)  # another library raised it
        assert _message("name\nAda\n" + "x" * (FIELD_LIMIT + 1)).startswith(
            "Row 2 has a field longer than 131,072 characters")
    finally:
        csv.field_size_limit(previous)


def test_written_csv_never_starts_a_cell_with_a_formula_and_reads_back():
    rows = [["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tTab", "plain", None, 7,
             -3, 2.5, True, "a,b\n\"c\""]]
    text = write_csv(["name", "=header"], rows)
    back = read_csv(text, max_rows=10)
    assert back.header == ["name", "'=header"]
    assert back.rows[0] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2+3", "'@SUM(A1)", "'\tTab",
                            "plain", "", "7", "-3", "2.5", "true", "a,b\n\"c\""]
    assert text.endswith("\r\n")
    assert safe_cell("-") == "'-" and safe_cell(-1) == "-1"
