"""The text of an ATS PDF for one job: the resume's own content, rearranged for that job.

Applicant tracking systems read one column top to bottom and look for the posting's keywords.
So the render is: the name and contact lines; a Summary that names the job's keywords the resume
really shows; a Skills section with those keywords first, then the resume's other skills; then
the resume's sections in their order, each run of bullets with the ones most relevant to the job
first (BM25, as tailoring does). Nothing is invented: a keyword the job asks for and the resume
does not show is left out (the ``ats-report`` route lists it as missing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lightninghire_plugins.jobsearch.common import terms
from lightninghire_plugins.jobsearch.lexicon import SKILLS
from lightninghire_plugins.jobsearch.resumes.layout import BULLETS, plain
from lightninghire_plugins.jobsearch.resumes.tailor import reorder_bullets
from lightninghire_plugins.jobsearch.skills import offline as extract_skills

_SUMMARY = re.compile(r"^(?:professional |career |personal )?(?:summary|profile|about(?: me)?|"
                      r"objective|overview)$", re.IGNORECASE)
_SKILLS = re.compile(r"^(?:(?:key|core|technical|relevant) )?(?:skills|competencies|"
                     r"skills (?:&|and) (?:tools|technologies)|technologies|tools|tech stack)$",
                     re.IGNORECASE)
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d ().-]{6,}\d|\||linkedin|github", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"[,;|\u2022\u00b7]")
_LABEL = re.compile(r"^[^,:]{1,30}:\s*")


@dataclass
class Section:
    heading: str
    level: int = 2
    lines: list[str] = field(default_factory=list)


@dataclass
class Outline:
    name: str = ""
    contact: list[str] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)  # plain lines before the first heading
    highlights: list[str] = field(default_factory=list)  # bullets before the first heading
    sections: list[Section] = field(default_factory=list)


def outline(content: str) -> Outline:
    """The resume's parts: the name, then what precedes the first heading, then the sections."""
    found = Outline()
    for raw in content.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not found.name:
            if stripped:
                found.name = plain(stripped).lstrip("# ")
            continue
        if stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            found.sections.append(Section(plain(stripped).lstrip("# "), max(level, 2)))
        elif found.sections:
            found.sections[-1].lines.append(line)
        elif stripped.startswith(BULLETS):
            found.highlights.append(line)
        elif stripped:
            (found.contact if _CONTACT.search(stripped) and len(stripped) < 200
             else found.intro).append(stripped)
    return found


def _skill_items(lines: list[str]) -> list[str]:
    """The items of a Skills section: "Languages: Python, Go" gives Python and Go."""
    items: list[str] = []
    for line in lines:
        text = plain(line.strip())
        if text.startswith(BULLETS):
            text = text[2:]
        text = _LABEL.sub("", text.strip())
        items += [item.strip(" .") for item in _ITEM_SPLIT.split(text) if item.strip(" .")]
    return items


def _names(text: str) -> list[str]:
    """The lexicon's skills ``text`` mentions anywhere (the extractor would skip a line that
    looks like a heading, such as a lone "Python" under Skills)."""
    return [skill.name for skill in SKILLS if skill.pattern.search(text)]


def keywords(content: str, job_title: str, job_description: str) -> dict[str, list[str]]:
    """The job's skills split into those the resume shows (``matched``, the job's order) and
    those it does not (``missing``); ``other``: the resume's skills the job does not name."""
    text = f"{job_title}\n{job_description}"
    job = [s["name"] for s in extract_skills({"text": text, "kind": "job"})["skills"]]
    # The posting's own order: a skill named earlier reads as weightier to a screener (one
    # named only by an alias goes last, in the extractor's order).
    lowered = text.lower()
    job.sort(key=lambda name: (lowered.find(name.lower()) % (len(lowered) + 1)))
    have = _names(content)
    have_lower = {n.lower() for n in have}
    job_lower = {n.lower() for n in job}
    return {"matched": [n for n in job if n.lower() in have_lower],
            "missing": [n for n in job if n.lower() not in have_lower],
            "other": [n for n in have if n.lower() not in job_lower]}


def ats_text(content: str, job: Mapping[str, Any]) -> tuple[str, dict[str, list[str]]]:
    """The Markdown the ATS PDF renders, and the keyword split it was built from."""
    found = outline(content)
    split = keywords(content, job.get("title") or "", job["description"])
    matched, job_terms = split["matched"], terms(f"{job.get('title') or ''}\n{job['description']}")
    lines = [found.name or "Resume", *found.contact]

    summary = next((s for s in found.sections if _SUMMARY.match(s.heading)), None)
    summary_lines = [*found.intro, *(line for line in (summary.lines if summary else [])
                                     if line.strip())]
    role = " at ".join(p for p in (job.get("title"), job.get("company")) if p)
    lines += ["", "## Summary"]
    if matched:
        lines.append(f"Relevant to {role or 'this role'}: {', '.join(matched[:8])}.")
    lines += summary_lines

    skills = next((s for s in found.sections if _SKILLS.match(s.heading)), None)
    shown = {n.lower() for n in matched}
    others: list[str] = []
    covered = set(shown)  # skills (lower-case) the section already names, in any spelling
    for item in _skill_items(skills.lines if skills else []):
        names = {n.lower() for n in _names(item)}
        if names and names <= shown:
            continue  # already among the matching keywords
        if item.lower() not in {o.lower() for o in others}:
            others.append(item)
            covered |= names
    # The resume's other skills its Skills section does not list (met in a bullet, say).
    others += [n for n in split["other"] if n.lower() not in covered]
    if matched or others:
        lines += ["", "## Skills"]
        if matched:
            lines.append("Matching this job: " + ", ".join(matched))
        if others:
            lines.append(("Also: " if matched else "") + ", ".join(others[:60]))

    if found.highlights:
        lines += ["", "## Highlights", *reorder_bullets(found.highlights, job_terms)[0]]
    for section in found.sections:
        if section is summary or section is skills:
            continue
        body = reorder_bullets(section.lines, job_terms)[0]
        lines += ["", f"{'#' * section.level} {section.heading}",
                  *(line for line in body if line.strip())]
    return "\n".join(lines).strip() + "\n", split
