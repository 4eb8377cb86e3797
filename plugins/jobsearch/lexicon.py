"""The skills ``jobsearch.extract_skills`` recognizes offline, read once from ``skills.toml``
(the data: canonical name, category, spellings; extend it there).

Spellings are regular-expression alternatives matched as whole words, case-insensitively;
those under ``exact`` are matched case-sensitively because the word is also plain English
("Go", "React", "Swift", "Excel", "R").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib.resources import files

_BEFORE = r"(?<![A-Za-z0-9_+#./-])"
_AFTER = r"(?![A-Za-z0-9_+#]|\.[A-Za-z0-9])"


@dataclass(frozen=True)
class Skill:
    name: str
    category: str
    pattern: re.Pattern[str]


def _compile(insensitive: str, sensitive: str) -> re.Pattern[str]:
    parts = []
    if insensitive:
        parts.append(f"(?i:{insensitive})")
    if sensitive:
        parts.append(f"(?:{sensitive})")
    return re.compile(f"{_BEFORE}(?:{'|'.join(parts)}){_AFTER}")


def _load() -> tuple[Skill, ...]:
    table = tomllib.loads(files(__package__).joinpath("skills.toml").read_text(encoding="utf-8"))
    return tuple(Skill(row["name"], row["category"],
                       _compile(row.get("spellings", ""), row.get("exact", "")))
                 for row in table["skill"])


SKILLS = _load()
CATEGORIES = tuple(dict.fromkeys(skill.category for skill in SKILLS))
