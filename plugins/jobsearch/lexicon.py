"""The skills and credentials ``jobsearch.extract_skills`` recognizes offline, read once from
``skills.toml`` (the data: canonical name, category, kind, spellings, implied skills; extend
it there).

Spellings are regular-expression alternatives matched as whole words (plurals included),
case-insensitively;
those under ``exact`` are matched case-sensitively because the word is also plain English
("Go", "React", "Swift", "Excel", "R", "Epic"). ``kind`` tells a skill from a credential: a
``certification`` (BLS, ACLS, CFA) or a ``licence`` (RN, CPA, CDL), which a posting can make a
hard requirement. ``implies`` names broader skills a specific one evidences (Epic is an EHR).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib.resources import files

_BEFORE = r"(?<![A-Za-z0-9_+#./-])"
_AFTER = r"(?![A-Za-z0-9_+#]|\.[A-Za-z0-9])"
KINDS = ("skill", "certification", "licence")


@dataclass(frozen=True)
class Skill:
    name: str
    category: str
    pattern: re.Pattern[str]
    kind: str = "skill"
    implies: tuple[str, ...] = ()

    @property
    def credential(self) -> bool:
        return self.kind != "skill"


def _compile(insensitive: str, sensitive: str) -> re.Pattern[str]:
    parts = []
    if insensitive:
        # Plurals count: "distribution centers", "4 ICUs", "care plans".
        parts.append(f"(?i:(?:{insensitive})(?:e?s)?)")
    if sensitive:
        parts.append(f"(?:{sensitive})")
    return re.compile(f"{_BEFORE}(?:{'|'.join(parts)}){_AFTER}")


def _load() -> tuple[Skill, ...]:
    table = tomllib.loads(files(__package__).joinpath("skills.toml").read_text(encoding="utf-8"))
    skills = tuple(Skill(row["name"], row["category"],
                         _compile(row.get("spellings", ""), row.get("exact", "")),
                         row.get("kind", "skill"), tuple(row.get("implies", ())))
                   for row in table["skill"])
    names = {s.name for s in skills}
    for skill in skills:  # a typo in the data fails at import, not silently at match time
        if skill.kind not in KINDS or not set(skill.implies) <= names:
            raise ValueError(f"skills.toml: bad kind or implies in {skill.name!r}")
    return skills


SKILLS = _load()
BY_NAME = {skill.name: skill for skill in SKILLS}
CATEGORIES = tuple(dict.fromkeys(skill.category for skill in SKILLS))
