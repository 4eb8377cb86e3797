"""``jobsearch.tailor_resume``: proposed edits of a master resume for one job, each with its
reason, and gap flags for what the job asks that the resume does not show.

Offline: job and resume are read by ``profile.read``; bullets that evidence the job's skills
move to the top of their section (ranked by BM25 against the posting); a headline and summary
line are drafted from the skills the resume really shows (a skill implied by a bullet counts:
"Mentored 5 engineers" shows leadership). It never adds a skill the master does not show
(those become gap flags) and states years only as the resume does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, bm25_scores
from lightninghire_plugins.jobsearch.common import terms
from lightninghire_plugins.jobsearch.lexicon import BY_NAME
from lightninghire_plugins.jobsearch.profile import LISTED, WORK_LINE, read

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


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def in_prose(name: str) -> str:
    """A skill's name inside a sentence: soft skills are common nouns ("leadership"), tools and
    credentials keep their own spelling ("Java", "RN license")."""
    skill = BY_NAME.get(name)
    return name.lower() if skill is not None and skill.category == "soft" else name


def _is_bullet(line: str) -> bool:
    return line.lstrip().startswith(BULLET)


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    resume_text, job_text = inputs["resumeText"], inputs["jobDescription"]
    job = read(f"{inputs['jobTitle']}\n{job_text}", "job", title=inputs["jobTitle"])
    resume = read(resume_text, "resume")
    have = resume.found
    wanted = [f.skill.name for f in sorted(job.skills(), key=lambda f: f.first)]
    used = [n for n in wanted if n in have]
    # Shown in work (or implied by it), not just listed: what a summary may claim.
    proven = [n for n in used if have[n].evidence >= WORK_LINE]
    gaps = [f"{n}: the job asks for it and your resume does not show it. Add it only if it is "
            f"true." for n in wanted if n not in have]
    gaps += [f"{n}: only listed in your resume; a bullet showing where you used it would "
             f"prove it." for n in used if have[n].evidence <= LISTED]
    edits: list[dict[str, Any]] = []
    lines = resume_text.splitlines()
    title = inputs["jobTitle"] or "the role"
    if used:
        headline = f"{title} | {', '.join((proven or used)[:4])}"
        # Years only as the resume states or dates them, never tied to one skill.
        lead = f"{resume.years} years of experience; " if resume.years else ""
        summary = (f"{lead}hands-on work in {_and([in_prose(n) for n in proven[:5]])}, shown "
                   f"below." if proven else f"{lead}skills include "
                   f"{_and([in_prose(n) for n in used[:5]])}.")
        summary = summary[0].upper() + summary[1:]
        edits.append({"type": "headline", "before": "", "after": headline,
                      "reason": f"Lead with the title you are applying for and the "
                                f"{min(4, len(proven or used))} skills the posting asks that "
                                f"you have."})
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
