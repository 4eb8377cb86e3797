"""Small helpers shared by the ai_tools domains."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

# Owned by the jobsearch plugin (its skills lexicon); run by name, so ai_tools imports nothing
# of it and works without it.
SKILLS_TASK = "jobsearch.extract_skills"


MATCH_TASK = "jobsearch.job_match"


def extract_skills(ai: Any, text: str, kind: str, user: Mapping[str, Any],
                   as_of: str | None = None) -> dict[str, Any]:
    """The skills, seniority and years in ``text`` (``kind``: job or resume), as one step of a
    larger action (``announce=False``). Without the jobsearch plugin: no skills, seniority
    unknown, so the tools still answer from the texts alone."""
    if SKILLS_TASK not in ai.tasks:
        return {"kind": kind, "skills": [], "niceToHave": [], "seniority": "unknown",
                "yearsOfExperience": None, "evidence": None}
    inputs = {"text": text, "kind": kind, **({"asOf": as_of} if as_of else {})}
    return ai.run(SKILLS_TASK, inputs, user=user, announce=False).data


def match_facts(ai: Any, job: Mapping[str, Any], resume_text: str, user: Mapping[str, Any],
                as_of: str | None = None) -> dict[str, Any] | None:
    """The jobsearch plugin's fit of a resume to a job (required skills shown, missing,
    only listed; years; level; a licence ceiling), as one step; ``None`` without it."""
    if MATCH_TASK not in ai.tasks:
        return None
    inputs = {"jobTitle": job.get("title") or "", "jobDescription": job["text"],
              "resumeText": resume_text, **({"asOf": as_of} if as_of else {})}
    return ai.run(MATCH_TASK, inputs, user=user, announce=False).data


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
