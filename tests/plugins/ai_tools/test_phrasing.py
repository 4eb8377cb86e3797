"""``ai_tools.phrasing.action_phrase``: which part of a posting's line fits a slot."""

from __future__ import annotations

import pytest

from lightninghire_plugins.ai_tools.phrasing import Phrase, action_phrase


@pytest.mark.parametrize(("line", "expected"), [
    ("We need 5+ years of backend engineering with Go\u2026",
     Phrase("need", "5+ years of backend engineering with Go")),
    ("You will design the new claims services in Python.",
     Phrase("action", "design the new claims services in Python")),
    ("- Build APIs in Go", Phrase("action", "build APIs in Go")),
    ("Responsibilities: - build APIs in Go - own on-call", Phrase("action", "build APIs in Go")),
    ("Requirements:\n- 5+ years of experience", Phrase("need", "5+ years of experience")),
    ("you'll partner with our product team", Phrase("action",
                                                    "partner with your product team")),
    ("Acme is hiring a Backend Engineer to lead the rebuild of its platform.",
     Phrase("action", "lead the rebuild of your platform")),
    ("We are building the future of payments", Phrase("action",
                                                      "help build the future of payments")),
    ("Building data pipelines for 2M users", Phrase("activity",
                                                    "building data pipelines for 2M users")),
    ("we are hiring an analyst to build dashboards. you'll partner with sales",
     Phrase("action", "build dashboards")),
    ("The role is fully remote in the US.", None),
    ("", None),
])
def test_a_line_gives_the_part_that_fits(line, expected):
    assert action_phrase(line) == expected

