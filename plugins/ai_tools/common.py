"""Small helpers shared by the ai_tools domains."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

# Owned by the jobsearch plugin (its skills lexicon); run by name, so ai_tools imports nothing
# of it and works without it.
SKILLS_TASK = "jobsearch.extract_skills"


def extract_skills(ai: Any, text: str, kind: str, user: Mapping[str, Any]) -> dict[str, Any]:
    """The skills, seniority and years in ``text`` (``kind``: job or resume), as one step of a
    larger action (``announce=False``). Without the jobsearch plugin: no skills, seniority
    unknown, so the tools still answer from the texts alone."""
    if SKILLS_TASK not in ai.tasks:
        return {"kind": kind, "skills": [], "niceToHave": [], "seniority": "unknown",
                "yearsOfExperience": None, "evidence": None}
    return ai.run(SKILLS_TASK, {"text": text, "kind": kind}, user=user, announce=False).data


class OneOfRef(Schema):
    """A reference to the user's data by ``id`` (resolved through the context) or inline text.

    Subclasses name the inline field in ``inline``."""

    inline = "text"
    id = fields.String(validate=validate.Length(1, 64),
                       metadata={"description": "An id from `GET /api/context`."})

    @validates_schema
    def exactly_one(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [name for name in ("id", self.inline) if data.get(name)]
        if len(given) != 1:
            raise ValidationError(f"Give either id or {self.inline}.", "_schema")


class JobRefSchema(OneOfRef):
    inline = "description"
    description = fields.String(validate=validate.Length(20, 50_000))
    title = fields.String(validate=validate.Length(1, 200))
    company = fields.String(validate=validate.Length(1, 200))


class ResumeRefSchema(OneOfRef):
    inline = "text"
    text = fields.String(validate=validate.Length(20, 50_000))
