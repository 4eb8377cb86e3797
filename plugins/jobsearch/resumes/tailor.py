"""``jobsearch.tailor_resume``: proposed edits of a master resume for one job, each with its
reason, and gap flags for what the job asks that the resume does not show.

Offline: job and resume skills from the core's lexicon extractor; bullets that evidence the
job's skills move to the top of their section (ranked by BM25 against the posting); a headline
and summary line are drafted from the skills the resume really has. It never adds a skill the
master does not mention: those become gap flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, bm25_scores
from lightninghire_plugins.jobsearch.common import terms
from lightninghire_plugins.jobsearch.skills import offline as extract_skills

NAME = "jobsearch.tailor_resume"
EDIT_TYPES = ("headline", "summary", "reorder")
BULLET = ("-", "*", "•")


class TailorIn(Schema):
    resumeText = fields.String(required=True, validate=validate.Length(1, 50_000))
    jobDescription = fields.String(required=True, validate=validate.Length(1, 50_000))
    jobTitle = fields.String(load_default="", validate=validate.Length(max=200))
    company = fields.String(load_default="", validate=validate.Length(max=200))


class EditOut(AiOutput):
    type = fields.String(required=True, validate=validate.OneOf(EDIT_TYPES))
    before = fields.String(load_default="", validate=validate.Length(max=5000))
    after = fields.String(required=True, validate=validate.Length(1, 5000))
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class TailorOut(AiOutput):
    edits = fields.List(fields.Nested(EditOut), required=True, validate=validate.Length(max=20))
    gaps = fields.List(fields.String(validate=validate.Length(1, 300)), load_default=list,
                       metadata={"description": "skills the job asks that the resume lacks; "
                                                "never added to the resume"})
    keywordsUsed = fields.List(fields.String(), load_default=list)
    tailoredText = fields.String(required=True, validate=validate.Length(1, 60_000))


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You tailor resumes to a job. Propose individual edits, each with a reason. Weave "
              "in the job's keywords only where the resume already proves them; never add a "
              "skill the resume does not show: list it under gaps instead.")
    user = (f"Job: {inputs['jobTitle'] or 'not given'} at {inputs['company'] or 'not given'}\n"
            f"<<<JOB\n{inputs['jobDescription']}\nJOB>>>\n<<<RESUME\n{inputs['resumeText']}"
            f"\nRESUME>>>\nReturn the edits and the full tailored text.")
    return system, user


def _is_bullet(line: str) -> bool:
    return line.lstrip().startswith(BULLET)


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    resume_text, job_text = inputs["resumeText"], inputs["jobDescription"]
    job = extract_skills({"text": f"{inputs['jobTitle']}\n{job_text}", "kind": "job"})
    resume = extract_skills({"text": resume_text, "kind": "resume"})
    have = {s["name"].lower(): s["name"] for s in resume["skills"]}
    wanted = [s["name"] for s in job["skills"]]
    used = [n for n in wanted if n.lower() in have]
    gaps = [f"{n}: the job asks for it and your resume does not show it. Add it only if it is "
            f"true." for n in wanted if n.lower() not in have]
    edits: list[dict[str, Any]] = []
    lines = resume_text.splitlines()
    title = inputs["jobTitle"] or "the role"
    if used:
        years = resume.get("yearsOfExperience")
        lead = f"{years}+ years" if years else "Hands-on experience"
        headline = f"{title} | {', '.join(used[:4])}"
        summary = (f"{lead} with {', '.join(used[:5])}, matching what "
                   f"{inputs['company'] or 'the team'} needs for {title}.")
        edits.append({"type": "headline", "before": "", "after": headline,
                      "reason": f"Lead with the title you are applying for and the "
                                f"{min(4, len(used))} skills the posting asks that you have."})
        edits.append({"type": "summary", "before": "", "after": summary,
                      "reason": "A one-line summary mirrors the posting's keywords, only with "
                                "skills your resume already proves."})
    reordered = reorder_bullets(lines, terms(job_text))
    for before, after in reordered[1]:
        edits.append({"type": "reorder", "before": before, "after": after,
                      "reason": "Moved up: this bullet evidences skills the job asks for."})
    out_lines = reordered[0]
    if used:
        # Under the first line (the name), above the rest.
        out_lines = [*out_lines[:1], edits[0]["after"], edits[1]["after"], "", *out_lines[1:]]
    return {"edits": edits[:20], "gaps": gaps[:15], "keywordsUsed": used,
            "tailoredText": "\n".join(out_lines).strip() or resume_text}


def reorder_bullets(lines: list[str],
                    job_terms: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Within each run of bullets, the ones most relevant to the job first; and the moves made
    (the first bullet of a run before and after)."""
    out: list[str] = []
    moves: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        if not _is_bullet(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        run = []
        while i < len(lines) and _is_bullet(lines[i]):
            run.append(lines[i])
            i += 1
        scores = bm25_scores(job_terms, [terms(b) for b in run])
        order = sorted(range(len(run)), key=lambda k: (-scores[k], k))
        ranked = [run[k] for k in order]
        if ranked != run and scores[order[0]] > 0:
            moves.append((run[0].strip(), ranked[0].strip()))
        out.extend(ranked)
    return out, moves[:10]


TAILOR = AiTask(
    name=NAME, description="Tailor a resume to a job: edits with reasons and gap flags.",
    prompt=prompt, input_schema=TailorIn, output_schema=TailorOut, offline=offline,
    max_tokens=2000,
    examples=({"resumeText": "Maya Chen\nData analyst, 3 years of experience.\n- Ran A/B tests "
                             "with the product team\n- Built Tableau dashboards for 40 managers\n"
                             "- Automated reports with Python and pandas",
               "jobDescription": "We need a data analyst with Python, SQL and Tableau to build "
                                 "dashboards. Experience with dbt is a plus.",
               "jobTitle": "Data Analyst", "company": "Northwind"},),
)
