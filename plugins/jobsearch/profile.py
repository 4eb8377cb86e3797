"""Reading a job post or a resume the way a recruiter does, offline.

A job post: which skills and credentials it asks, and how firmly (a "Requirements" / "Must
have" / "Qualifications" section or the title: required; a "Nice to have" / "Preferred" /
"Bonus" section or a line saying "a plus": preferred; elsewhere, e.g. responsibilities:
mentioned), the years it asks ("5+ years", "at least five years") and its level.

A resume: every skill with the strength of its evidence (a bullet of work with a number or an
outcome beats a plain bullet, which beats a summary sentence, a course, then a skills list or
headline), the years of work from any common phrasing ("4 yrs", "five years", "registered
nurse, 4 years", "Jan 2018 - Mar 2022" summed over roles, "2019-present", "since 2018"), its
level from titles and scope (a "Director of ..." is senior; managing 6 people is a lead; a
barista is not), and the cities it names.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources import files

from lightninghire_plugins.jobsearch.lexicon import BY_NAME, SKILLS, Skill

LEVELS = ("intern", "junior", "mid", "senior", "lead", "principal", "executive")

# Evidence weights of one resume mention, by where it stands.
OUTCOME_BULLET = 1.0   # a line of work with a number or an achievement
WORK_LINE = 0.8        # a line of work
SUMMARY_LINE = 0.6     # a sentence about oneself, outside the work history
COURSE_LINE = 0.45     # education, training, a certificate course
LISTED = 0.35          # a skills list or a headline: a claim without evidence
IMPLIED = 0.85         # an implied skill gets this share of its source's evidence
HEDGED = 0.3           # "familiar with", "learning", "exposure to"
NOT_HELD = 0.1         # a credential being pursued ("RN expected 2027", "CPA candidate")

REQUIRED, MENTIONED, CONTEXT, PREFERRED = "required", "mentioned", "context", "preferred"

_LABEL = r"[A-Za-z][A-Za-z '&/()-]{1,48}"
_INLINE_HEADING = re.compile(rf"^\s*(?:#+\s*)?\**({_LABEL}?)\**\s*:\s*(.*)$")
_HEADING_LINE = re.compile(rf"^\s*(?:#+\s*)?\**({_LABEL})\**\s*:?\s*$")
_JOB_SECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"^(?:{pattern})$", re.IGNORECASE)) for name, pattern in (
        ("optional", r"(?:nice|good|great)[- ]to[- ]haves?|(?:preferred|desired|desirable|bonus)"
                     r"(?: qualifications| skills| experience| points)?|pluses|extra credit|"
                     r"ideally|bonus points if(?: you)?(?: have)?|it.s a plus if you have|"
                     r"(?:what would make you )?stand out(?: if)?|even better if(?: you)?(?: have)?|"
                     r"(?:additional|other) (?:preferred )?(?:qualifications|skills)|"
                     r"not required but (?:helpful|nice)"),
        ("required", r"(?:requirements?|required(?: skills| qualifications| experience)?|"
                     r"must[- ]haves?|must have|(?:minimum|basic|key|essential|required) "
                     r"(?:qualifications|requirements|skills|experience)|qualifications|"
                     r"what you(?:.ll| will)? (?:need|bring)|you(?:.ll)? (?:have|bring)|who you are|"
                     r"what we(?:.re| are) looking for|you should have|about you|"
                     r"skills (?:and|&) (?:experience|qualifications)|experience|"
                     r"requirements (?:and|&) qualifications|(?:the )?ideal candidate|"
                     r"your profile|profile|you might be a fit if|you.ll thrive if|"
                     r"you(?:.re| are)(?: a good fit if)?|what you need|essential(?: skills)?|"
                     r"licen[cs]es?(?: (?:and|&) certifications?)?|certifications?)"),
        ("duties", r"responsibilities|what you(?:.ll| will) do|the role|about the role|"
                   r"day[- ]to[- ]day|duties|your role|in this role|the job|overview|role"),
        ("other", r"benefits|perks|about us|about the company|who we are|compensation|salary|"
                  r"pay|why join(?: us)?|our team|the team|equal opportunity.*|location|"
                  r"schedule|how to apply|about [A-Z].*"),
    ))
_RESUME_SECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"^(?:{pattern})$", re.IGNORECASE)) for name, pattern in (
        ("experience", r"(?:work |professional |relevant |employment |clinical |teaching |sales "
                       r"|career |nursing |selected )?(?:experience|history)|employment|work|"
                       r"career|(?:key |selected |notable |relevant )?(?:achievements|awards|"
                       r"accomplishments|projects)|volunteer(?:ing| experience| work)?|"
                       r"leadership(?: experience)?"),
        ("skills", r"(?:technical |core |key |professional |relevant )?(?:skills|competencies|"
                   r"expertise|technologies|tools|tech stack|proficiencies|strengths)"
                   r"(?: (?:and|&) (?:tools|technologies|interests|certifications))?|languages"),
        ("education", r"education(?: (?:and|&) (?:training|certifications?))?|training|courses?|"
                      r"certifications? (?:and|&) (?:licen[cs]es?|training)|"
                      r"coursework|certifications?|certificates?|licen[cs]es?(?: (?:and|&) "
                      r"certifications?)?|credentials|academic background|"
                      r"professional development|qualifications"),
        ("summary", r"(?:professional )?summary|profile|about(?: me)?|objective|headline|"
                    r"career (?:summary|objective)"),
        ("other", r"interests|hobbies|references|contact|personal"),
    ))
_NICE_LINE = re.compile(r"nice[- ]to[- ]have|\bbonus\b|\ba plus\b|\bplus\b(?= if| but)|"
                        r"\bpreferred\b|\bideally\b|\bpluses\b|good to have|\bnot required\b|"
                        r"\bdesirable\b|\bhelpful\b|\bwelcome\b", re.IGNORECASE)
_MUST_LINE = re.compile(r"\brequired\b|\bmust\b|\bmandatory\b|\bessential\b|\bminimum\b|"
                        r"\bat least\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:familiar(?:ity)? with|exposure to|(?:currently|now|still) learning|"
                    r"learning (?:to|about)|basic knowledge|some experience|interested in|"
                    r"eager to learn|want to learn)\b",
                    re.IGNORECASE)
_PURSUING = re.compile(r"\b(?:goal|plan(?:ning)? to|hop(?:e|ing) to|want to|"
                       r"start(?:ing)? an?|enrol(?:l)?(?:ed|ing)? in|pursuing|studying for|"
                       r"student|expected(?: in)?|in progress|"
                       r"working toward|working towards|candidate|preparing for|planned|"
                       r"enrolled|aspiring|scheduled|not (?:yet )?(?:licensed|certified|held)|"
                       r"no (?:active )?licen[cs]e|applying for|will sit)\b", re.IGNORECASE)
_COURSE = re.compile(r"\b(?:bootcamp|certificate|certification program|course|coursework|"
                     r"capstone|course project|mooc|coursera|udemy|edx|"
                     r"training program|online program|workshop)\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf\u2023\u2043>]|\d+[.)])\s+")
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_NUMBER = re.compile(rf"(?<![\w/.-])(?!{_YEAR}\b)(?:[$\u00a3\u20ac]\s?\d[\d,.]*\s?[kmb]?|"
                     r"\d[\d,.]*\s?(?:%|percent|x\b|k\b|m\b|\+)?)(?![\w/])", re.IGNORECASE)
_OUTCOME = re.compile(r"\b(?:increas|reduc|cut|grew|grow|improv|sav|exceed|won|award|rank|"
                      r"achiev|deliver|launch|promot|recogni[sz]|record|top|best|first|"
                      r"doubl|tripl|accelerat|shorten|lower|rais|boost|surpass|beat|"
                      r"president.s club|zero|prevent|resolv|built|led|closed|generated)\w*",
                      re.IGNORECASE)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul",
                                           "aug", "sep", "oct", "nov", "dec"))}
_DATE = rf"(?:(?P<{{p}}m>{_MONTH})\s+|(?P<{{p}}n>\d{{{{1,2}}}})/)?(?P<{{p}}y>{_YEAR})"
_RANGE = re.compile(
    _DATE.format(p="a") + r"\s*(?:-|\u2013|\u2014|to|until|through)\s*(?:"
    + _DATE.format(p="b") + r"|(?P<now>present|current(?:ly)?|now|today|ongoing|date))",
    re.IGNORECASE)
_SINCE = re.compile(rf"\bsince\s+(?:(?P<am>{_MONTH})\s+)?(?P<ay>{_YEAR})\b", re.IGNORECASE)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
                 "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
                 "eighteen": 18, "nineteen": 19, "twenty": 20, "a couple of": 2,
                 "a few": 3, "several": 3}
_NUM = r"(?:\d{1,2}(?:\.\d)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + ")"
_STATED = re.compile(
    rf"(?P<pre>over|more than|nearly|almost|about|around|at least|minimum(?: of)?|min\.?)?\s*"
    rf"(?<![\w.])(?P<low>{_NUM})\s*(?:\+|plus)?\s*(?:(?:-|\u2013|to)\s*(?P<high>{_NUM})\s*\+?\s*)?"
    r"(?:full[- ]time\s+)?(?:years?|yrs?\.?)(?![-\w])(?P<after>[^.;\n]{0,48})", re.IGNORECASE)
_DECADE = re.compile(r"\b(?:over |more than |nearly |almost )?(?P<n>a|one|two) decades?\b",
                     re.IGNORECASE)
_NOT_EXPERIENCE = re.compile(r"^\s*(?:old|ago|later|from now|warranty|contract term|in a row|"
                             r"degree|program|course|of (?:age|school|college|university|study)|"
                             r"\w+ (?:degree|program))\b", re.IGNORECASE)
_JOB_YEARS_CUE = re.compile(
    r"^\s*(?:of|in|as|with|\w+ing\b|"
    r"professional|relevant|hands[- ]on|progressive|post|full|industry|direct|recent|"
    r"clinical|nursing|acute|teaching|classroom|accounting|sales|quota|b2b|saas|"
    r"experience|\w+ experience|\(|,|$)", re.IGNORECASE)
_SCOPE = re.compile(
    r"\b(?:managed|manage|managing|led|lead|leading|supervised|supervising|oversaw|overseeing|"
    r"built and led|hired and (?:managed|led)|grew)\s+(?:a\s+|an?\s+\w+\s+)?(?:team\s+of\s+|"
    r"staff\s+of\s+|org(?:anization)?\s+of\s+|department\s+of\s+)?(?P<n>\d{1,4})\+?\s+"
    r"(?:\w+\s+)?(?:people|engineers|nurses|reps|representatives|staff|employees|"
    r"direct reports|reports|managers|teachers|drivers|associates|account executives|aes|"
    r"sdrs|bdrs|analysts|accountants|developers|designers|sellers|agents|fte|members|"
    r"person|headcount)|\b(?P<m>\d{1,4})\+?\s+direct reports", re.IGNORECASE)
# Level cues in a title, most senior first; hourly-team titles come before "lead"/"manager"
# so a shift lead or an assistant store manager is not read as a people leader of a profession.
_TITLE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(pattern, re.IGNORECASE)) for level, pattern in (
        ("executive", r"\b(?:chief \w+ officer|cto|ceo|coo|cfo|cmo|cro|cno|vp|svp|evp|"
                      r"vice president|head of|director|(?:managing )?partner|general manager)\b"),
        ("principal", r"\b(?:principal|distinguished|fellow)\b(?! teacher)"),
        ("mid", r"\b(?:shift (?:lead|leader|supervisor|manager)|crew (?:lead|leader)|"
                r"keyholder|assistant (?:store |shift )?manager|team member|"
                r"mid[- ]level|intermediate)\b"),
        ("lead", r"\b(?:staff (?:\w+ )?(?:engineer|scientist|designer|developer|architect)|"
                 r"lead|manager|supervisor|charge nurse|nurse manager|head nurse|"
                 r"team lead(?:er)?)\b"),
        ("senior", r"\b(?:senior|sr\.?)(?!\w)"),
        ("junior", r"\b(?:junior|jr\.?|entry[- ]level|graduate|new grad|trainee|associate "
                   r"(?:engineer|developer|analyst))(?!\w)"),
        ("intern", r"\b(?:intern|internship|apprentice|working student|student|"
                   r"co-op)\b"),
    ))


@dataclass
class Found:
    """One skill or credential in a document."""

    skill: Skill
    mentions: int = 0
    first: int = 0
    evidence: float = 0.0        # resume: the best evidence, 0..1
    requirement: str = ""        # job: required, mentioned or preferred
    implied: bool = False        # only implied by another skill (Epic -> EHR)
    quote: str = ""              # the line of its best evidence
    group: int | None = None     # job: alternatives share one ("Salesforce or HubSpot")


@dataclass
class Block:
    """A stretch of a resume about one role: its months and its text."""

    months: int
    text: str
    title: str
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Reading:
    kind: str
    found: dict[str, Found] = field(default_factory=dict)
    years: int | None = None
    years_phrase: str | None = None
    seniority: str = "unknown"
    seniority_evidence: str | None = None
    blocks: list[Block] = field(default_factory=list)
    cities: set[str] = field(default_factory=set)
    remote: bool = False
    evidence_text: str = ""      # resume: the lines that are not lists nor headlines
    stuffing: int = 0            # resume: skills listed with no evidence anywhere else
    title: str = ""
    has_required_section: bool = False

    def skills(self) -> list[Found]:
        return [f for f in self.found.values() if not f.implied]


@dataclass
class _Line:
    text: str
    section: str
    position: int
    parent: str = ""             # the last line that was not a bullet: a bullet's role or course


def read(text: str, kind: str, today: date | None = None, title: str = "") -> Reading:
    """What ``text`` (a ``job`` post or a ``resume``) says; ``today`` dates "present"."""
    today = today or date.today()
    lines = _lines(text, kind)
    reading = Reading(kind=kind, title=title or _first_line(text))
    reading.has_required_section = any(line.section == "required" for line in lines)
    if kind == "job":
        _job_skills(reading, lines, title)
        reading.years, reading.years_phrase = _job_years(lines)
        reading.seniority, reading.seniority_evidence = _job_level(reading, text)
    else:
        _resume_skills(reading, lines)
        reading.blocks = _blocks(lines, today)
        reading.years, reading.years_phrase = _resume_years(lines, reading.blocks)
        reading.seniority, reading.seniority_evidence = _resume_level(reading, lines)
        reading.evidence_text = "\n".join(line.text for line in lines
                                          if line.section in ("experience", "summary", "other"))
    reading.cities = cities(text)
    reading.remote = bool(re.search(r"\b(?:remote|work from (?:home|anywhere))\b", text,
                                    re.IGNORECASE))
    return reading


# -- lines and sections ---------------------------------------------------------------------

def _first_line(text: str) -> str:
    return next((line.strip(" #*\t") for line in text.splitlines() if line.strip()), "")


def _section_of(label: str, kind: str) -> str | None:
    table = _JOB_SECTIONS if kind == "job" else _RESUME_SECTIONS
    cleaned = " ".join(label.replace("*", " ").split()).strip(" -&")
    for name, pattern in table:
        if pattern.match(cleaned):
            return name
    return None


def _lines(text: str, kind: str) -> list[_Line]:
    """Every non-empty line with the section it sits in. A resume starts in its ``headline``
    (name, title, contact, a tagline), a post in its ``intro``."""
    section = "intro" if kind == "job" else "headline"
    out: list[_Line] = []
    position = 0
    for raw in text.splitlines():
        line = raw.strip()
        position += len(raw) + 1
        if not line:
            continue
        if not _BULLET.match(line):
            whole = _HEADING_LINE.match(line)
            if whole and len(whole.group(1).split()) <= 7:
                named = _section_of(whole.group(1), kind)
                if named:
                    section = named
                    continue
            inline = _INLINE_HEADING.match(line)
            if inline and len(inline.group(1).split()) <= 6:
                named = _section_of(inline.group(1), kind)
                if named:
                    if kind == "resume" and inline.group(2).strip():
                        # "Skills: ...", "Education: BSN": that line only, no new section.
                        out.append(_Line(inline.group(2).strip(), named, position))
                        continue
                    section = named
                    line = inline.group(2).strip()
                    if not line:
                        continue
        if kind == "resume" and section == "headline" and out and \
                len(line.split()) >= 9 and not _is_list(line):
            section = "summary"  # the first sentence after name and title lines
        if kind == "resume" and section in ("headline", "summary") and out and (
                _BULLET.match(line) or _RANGE.search(line) or _SINCE.search(line)):
            section = "experience"  # roles and bullets without an "Experience" heading
        parent = out[-1].parent if out and _BULLET.match(line) else line
        out.append(_Line(line, section, position, parent))
    return out


def _is_keyword_list(line: str) -> bool:
    """A headline of keywords ("ICU | Epic | Telemetry", or five comma-separated items), not
    a title line ("Registered nurse, 4 years, Boston")."""
    if _STATED.search(line):
        return False
    piped = [p for p in re.split(r"\s*[|\u2022\u00b7]\s*", line) if p.strip()]
    commas = [p for p in line.split(",") if p.strip()]
    return (len(piped) >= 3 or len(commas) >= 5) and _is_list(line)


def _is_list(line: str) -> bool:
    """A line of comma, pipe or bullet separated items, not a sentence."""
    parts = [p for p in re.split(r"\s*[,|;\u2022\u00b7/]\s*|\s+-\s+", line) if p.strip()]
    if len(parts) < 3:
        return False
    return sum(len(p.split()) for p in parts) / len(parts) <= 3.2


# -- job posts ------------------------------------------------------------------------------

_ASIDE = re.compile(r"\(([^()]*)\)")
# An intro line about the work itself ("You will design claims services in Python"), not the
# company ("Ledgerly automates accounts payable").
_ABOUT_THE_JOB = re.compile(r"\b(?:you|your|you.ll|you will|the role|this role|the job|"
                            r"we(?:.re| are) (?:hiring|looking)|hiring an?)\b", re.IGNORECASE)
_ALTERNATIVE = re.compile(r"^[^.;:]{0,40}?(?:\bor\b|/|\beither\b|\bany of\b)[^.;:]{0,40}$",
                          re.IGNORECASE)


def _skill_hits(lines: list[_Line]) -> list[list[tuple[Skill, list[re.Match[str]]]]]:
    """Per line, the skills it names with their matches: each pattern runs once over the
    joined lines (not once per line), then its matches are handed to their lines."""
    per_line: list[list[tuple[Skill, list[re.Match[str]]]]] = [[] for _ in lines]
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line.text) + 1
    joined = "\n".join(line.text for line in lines)
    for skill in SKILLS:
        named = {bisect_right(starts, match.start()) - 1
                 for match in skill.pattern.finditer(joined)}
        for index in sorted(named):
            # Matched again on the line alone: positions relative to it, and a spelling never
            # spans two lines.
            local = list(skill.pattern.finditer(lines[index].text))
            if local:
                per_line[index].append((skill, local))
    return per_line


def _job_skills(reading: Reading, lines: list[_Line], title: str) -> None:
    order = {REQUIRED: 0, MENTIONED: 1, CONTEXT: 2, PREFERRED: 3}
    sources = [_Line(title, "title", 0)] if title else []
    group_id = 0
    all_lines = [*sources, *lines]
    for line, named in zip(all_lines, _skill_hits(all_lines), strict=True):
        if line.section == "other":
            continue
        # "(Epic preferred)": the aside is optional, the rest of the line is not.
        asides = [m.span() for m in _ASIDE.finditer(line.text) if _NICE_LINE.search(m.group(1))]
        body = _ASIDE.sub(lambda m: " " if _NICE_LINE.search(m.group(1)) else m.group(0),
                          line.text)
        if line.section == "optional" or _NICE_LINE.search(body):
            requirement = PREFERRED
        elif line.section == "required" or _MUST_LINE.search(body):
            requirement = REQUIRED
        elif line.section == "intro" and not _ABOUT_THE_JOB.search(body):
            requirement = CONTEXT  # the company and team ("automates accounts payable")
        else:
            requirement = MENTIONED  # the duties, and the title
        hits_on_line: list[tuple[int, int, Found]] = []
        for skill, hits in named:
            wanted = requirement
            if all(any(a <= h.start() < b for a, b in asides) for h in hits):
                wanted = PREFERRED
            elif line.section == "title" and skill.kind == "licence":
                wanted = REQUIRED  # a "Registered Nurse" post requires the licence
            found = reading.found.get(skill.name)
            if found is None:
                found = reading.found[skill.name] = Found(skill, first=line.position
                                                          + hits[0].start(),
                                                          requirement=wanted)
            found.mentions += len(hits)
            if order[wanted] < order[found.requirement]:
                found.requirement = wanted
                found.group = None
            if found.requirement == wanted:
                hits_on_line.append((hits[0].start(), hits[0].end(), found))
        # Alternatives: neighbouring skills joined by "or" / "/" ("Tableau or Power BI").
        hits_on_line.sort(key=lambda h: h[0])
        for (_, end_a, a), (start_b, _, b) in itertools.pairwise(hits_on_line):
            if start_b > end_a and _ALTERNATIVE.match(line.text[end_a:start_b]) and \
                    a.requirement == b.requirement and a is not b:
                if a.group is None:
                    group_id += 1
                    a.group = group_id
                if b.group is None:
                    b.group = a.group
    if not reading.has_required_section:
        # Without a requirements list, what the post talks about is what it asks.
        for found in reading.found.values():
            if found.requirement in (MENTIONED, CONTEXT):
                found.requirement = REQUIRED


def _job_years(lines: list[_Line]) -> tuple[int | None, str | None]:
    best: tuple[int, str] | None = None
    for line in lines:
        if line.section in ("optional", "other") or _NICE_LINE.search(line.text):
            continue
        for match in _STATED.finditer(line.text):
            after = match.group("after")
            if _NOT_EXPERIENCE.match(after) or not (_JOB_YEARS_CUE.match(after)
                                                    or match.group("pre")):
                continue
            low = _number(match.group("low"))
            if low is None or low > 30:
                continue
            phrase = _phrase(line.text, match)
            if best is None or low > best[0]:
                best = (int(low), phrase)
    return best if best else (None, None)


def _job_years_high(phrase: str | None) -> float | None:
    """The top of a range asked ("1-3 years" -> 3): the level a post aims at."""
    match = _STATED.search(phrase or "")
    if not match:
        return None
    return _number(match.group("high")) or _number(match.group("low"))


def _job_level(reading: Reading, text: str) -> tuple[str, str | None]:
    titles = [reading.title]
    titles += [m.group(1) for m in re.finditer(
        r"(?:hiring|looking for|seeking|join (?:us|our team) as|role of|position of)\s+"
        r"(?:an?\s+|our\s+(?:first\s+|next\s+)?)?((?:[A-Z][\w./+#-]*\s*){1,6})", text)]
    for title in titles:
        for level, cue in _TITLE_CUES:
            if (level != "intern" or "student" not in title.lower()) and cue.search(title):
                return level, f"title: {title.strip()}"
    if reading.years is not None:
        aimed = _job_years_high(reading.years_phrase) or reading.years
        return level_for_years(aimed, cap=None), reading.years_phrase
    return "unknown", None


# -- resumes --------------------------------------------------------------------------------

def _evidence(line: _Line, skill: Skill, first_position: int = 0) -> float:
    text = line.text
    if skill.credential:
        if _PURSUING.search(text):
            return NOT_HELD
        # A licence is shown by being stated: after the name, under "Licences", in a role or
        # a sentence. A keyword list (a skills line, a "X | Y | Z" headline) only claims it.
        if line.section == "skills" or (line.section == "headline" and line.position
                                        > first_position and _is_keyword_list(text)):
            return LISTED
        if skill.kind == "licence" and _COURSE.search(text):
            return COURSE_LINE  # a course is not a licence ("online teaching certificate course")
        return OUTCOME_BULLET
    if _HEDGE.search(text):
        return HEDGED
    if line.section not in ("education", "skills") and (_RANGE.search(text) or
                                                        _SINCE.search(text)):
        return WORK_LINE  # a role line: "Staff Nurse, ICU - Mass General (2018 - 2022)"
    if line.section == "education" or _COURSE.search(text) or (
            _BULLET.match(text) and _COURSE.search(line.parent)):
        return COURSE_LINE  # learned (a course, its capstone), not yet used at work
    listed = (_is_list(text) and not _BULLET.match(text)) or line.section == "skills"
    if listed or (line.section == "headline" and not _STATED.search(text)):
        return LISTED
    if line.section in ("summary", "headline"):
        return SUMMARY_LINE + (0.1 if _STATED.search(text) else 0.0)
    if _NUMBER.search(_RANGE.sub(" ", text)) or _OUTCOME.search(text):
        return OUTCOME_BULLET
    return WORK_LINE


def _resume_skills(reading: Reading, lines: list[_Line]) -> None:
    first_position = lines[0].position if lines else 0
    for line, named in zip(lines, _skill_hits(lines), strict=True):
        for skill, hits in named:
            weight = _evidence(line, skill, first_position)
            found = reading.found.get(skill.name)
            if found is None:
                found = reading.found[skill.name] = Found(skill, first=line.position
                                                          + hits[0].start())
            found.mentions += len(hits)
            found.implied = False
            if weight > found.evidence:
                found.evidence, found.quote = weight, line.text
    for found in list(reading.found.values()):
        for name in found.skill.implies:
            implied = reading.found.get(name)
            weight = round(found.evidence * IMPLIED, 3)
            if implied is None:
                reading.found[name] = Found(BY_NAME[name], evidence=weight, implied=True,
                                            first=found.first, quote=found.quote)
            elif weight > implied.evidence:
                implied.evidence, implied.quote = weight, found.quote
    hard = [f for f in reading.skills() if f.skill.category != "soft" and not f.skill.credential]
    listed_only = sum(1 for f in hard if f.evidence <= LISTED)
    shown = sum(1 for f in hard if f.evidence >= WORK_LINE)
    reading.stuffing = max(0, listed_only - shown) if listed_only >= 5 else 0


def _number(word: str | None) -> float | None:
    if word is None:
        return None
    word = word.lower().strip()
    if word in _WORD_NUMBERS:
        return _WORD_NUMBERS[word]
    try:
        return float(word)
    except ValueError:
        return None


def _phrase(text: str, match: re.Match[str]) -> str:
    after = match.group("after")
    cut = after.lower().find("experience")
    if cut >= 0:
        tail = after[:cut + len("experience")]
    else:  # "4 years at Blue Bottle", but "4 years, Worcester MA" is just "4 years"
        tail = " ".join(re.split(r"[,;(|\u2014\u2013]| - ", after)[0].split()[:3])
    return " ".join(f"{text[match.start('low'):match.start('after')]} {tail}".split()).rstrip(
        " ,(")


def _month_index(month: str | None, number: str | None, default: int) -> int:
    if month:
        return _MONTHS.get(month[:3].lower(), default)
    if number and 1 <= int(number) <= 12:
        return int(number)
    return default


def _spans(text: str, today: date) -> list[tuple[int, int]]:
    """(start, end) months since year 0 of every date range in the line."""
    spans = []
    for match in _RANGE.finditer(text):
        start = int(match.group("ay")) * 12 + _month_index(match.group("am"), match.group("an"), 1)
        if match.group("now"):
            end = today.year * 12 + today.month
        else:
            end = int(match.group("by")) * 12 + _month_index(match.group("bm"), match.group("bn"),
                                                             1)
        if 0 <= end - start <= 600:
            spans.append((start, end))
    for match in _SINCE.finditer(text):
        start = int(match.group("ay")) * 12 + _month_index(match.group("am"), None, 1)
        end = today.year * 12 + today.month
        if 0 <= end - start <= 600:
            spans.append((start, end))
    return spans


def _blocks(lines: list[_Line], today: date) -> list[Block]:
    """Each role: a line with dates or stated years, and the lines under it."""
    blocks: list[Block] = []
    current: list[str] | None = None
    months = 0
    title = ""
    block_spans: list[tuple[int, int]] = []
    for line in lines:
        if line.section in ("education", "skills"):
            if current is not None:
                blocks.append(Block(months, "\n".join(current), title, block_spans))
            current = None
            continue
        spans = _spans(line.text, today)
        stated = None if spans else max((v for v, _ in _line_years(
            line.text, bullet=bool(_BULLET.match(line.text)))), default=None)
        if spans or (stated is not None and not _BULLET.match(line.text)):
            if current is not None:
                blocks.append(Block(months, "\n".join(current), title, block_spans))
            block_spans = _merge(spans)
            months = sum(end - start for start, end in block_spans) if spans else \
                round(12 * (stated or 0))
            current = [line.text]
            title = _RANGE.sub("", _SINCE.sub("", line.text)).strip(" ,|()-\u2013\u2014")
            continue
        if current is not None:
            current.append(line.text)
    if current is not None:
        blocks.append(Block(months, "\n".join(current), title, block_spans))
    return blocks


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _resume_years(lines: list[_Line], blocks: list[Block]) -> tuple[int | None, str | None]:
    """The candidate's own total when the headline or summary states one ("registered nurse,
    4 years", "7 years of experience": dates "to present" age with the resume); else the most
    of the dated roles (merged) and the years stated in the work history."""
    claimed: tuple[float, str] | None = None
    stated: tuple[float, str] | None = None
    for line in lines:
        if line.section in ("education", "skills"):
            continue
        summary = line.section in ("headline", "summary")
        for value, phrase in _line_years(line.text, bullet=bool(_BULLET.match(line.text))):
            if summary and (claimed is None or value > claimed[0]):
                claimed = (value, phrase)
            elif not summary and (stated is None or value > stated[0]):
                stated = (value, phrase)
    if claimed is not None:
        return round(claimed[0]), claimed[1]
    dated = [b for b in blocks if b.spans]
    # Overlapping roles count once: the spans are merged across roles.
    total_months = sum(end - start for start, end in _merge(s for b in dated for s in b.spans))
    ranged = total_months / 12 if dated else None
    if ranged is not None and (stated is None or ranged >= stated[0]):
        return round(ranged), f"{round(ranged)} years across {len(dated)} dated " \
                              f"role{'s' if len(dated) > 1 else ''}"
    if stated is not None:
        return round(stated[0]), stated[1]
    return None, None


_BULLET_YEARS_CUE = re.compile(r"^\s*(?:of|as|in|at|with|on|building|working|leading|managing|"
                               r"selling|teaching|nursing|experience|\w+ experience)\b",
                               re.IGNORECASE)
_NOT_TENURE = re.compile(r"^\s*(?:running|in a row|straight|consecutive|back[- ]to[- ]back)\b",
                         re.IGNORECASE)


def _line_years(text: str, bullet: bool) -> list[tuple[float, str]]:
    """Years of experience a line states; in a bullet only with a cue ("5 years at Oracle"),
    never a streak ("President's Club two years running")."""
    found = []
    for match in _STATED.finditer(text):
        after = match.group("after")
        if _NOT_EXPERIENCE.match(after) or _NOT_TENURE.match(after):
            continue
        if bullet and not _BULLET_YEARS_CUE.match(after):
            continue
        low = _number(match.group("low"))
        if low is not None and low <= 50:
            found.append((low, _phrase(text, match)))
    for match in _DECADE.finditer(text):
        found.append((20.0 if match.group("n").lower() == "two" else 10.0, match.group(0)))
    return found


def level_for_years(years: float, cap: str | None = "senior") -> str:
    level = "junior" if years < 2 else "mid" if years < 5 else "senior" if years < 10 else "lead"
    if cap and LEVELS.index(level) > LEVELS.index(cap):
        return cap
    return level


def _resume_level(reading: Reading, lines: list[_Line]) -> tuple[str, str | None]:
    """The highest level its titles and scope show; with neither, its years (a plain title
    with many years is senior, never a lead: leading is shown by a title or by scope)."""
    titles = [b.title for b in reading.blocks if b.title]
    titles += [line.text for line in lines[:2] if line.section in ("headline", "summary")
               and len(line.text.split()) <= 12]
    titles += [line.text for line in lines if line.section == "experience"
               and not _BULLET.match(line.text) and len(line.text.split()) <= 10]
    best: tuple[int, str] | None = None
    for title in titles:
        for level, cue in _TITLE_CUES:
            if cue.search(title):
                if best is None or LEVELS.index(level) > best[0]:
                    best = (LEVELS.index(level), f"title: {title.strip()}")
                break
    for line in lines:
        match = _SCOPE.search(line.text)
        if match and line.section in ("experience", "summary", "headline", "other"):
            people = int(match.group("n") or match.group("m") or 0)
            if people >= 3 and (best is None or best[0] < LEVELS.index("lead")):
                best = (LEVELS.index("lead"), f"scope: {match.group(0).strip()}")
    if reading.years is not None:
        by_years = LEVELS.index(level_for_years(reading.years))
        if best is None or (by_years > best[0] and best[0] >= LEVELS.index("junior")):
            return LEVELS[by_years], reading.years_phrase
    if best is not None:
        return LEVELS[best[0]], best[1]
    return "unknown", None


# -- places ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _places() -> tuple[re.Pattern[str], frozenset[str], dict[str, str]]:
    names = [line.strip() for line in files(__package__).joinpath("places.txt").read_text(
        encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    same = {"NYC": "New York", "New York City": "New York", "Bengaluru": "Bangalore", "New Delhi": "Delhi",
            "Washington DC": "Washington", "Saint Paul": "St. Paul", "S\u00e3o Paulo": "Sao Paulo"}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
    words = frozenset(w.lower() for n in names for w in re.findall(r"[A-Za-z\u00e3]+", n))
    return pattern, words, same


_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
           "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC "
           "AB BC MB NB NL NS ON PE QC SK")
_STATE_CODES = "|".join(_STATES.split())
_CITY_STATE = re.compile(r"(?<![\w.])((?:St\.|Ft\.|[A-Z][a-z]+)(?:[ -][A-Z][a-z]+){0,2}),?\s+"
                         r"(?:" + _STATE_CODES + r")\b")
_NOT_CITY = frozenset({"Remote", "Hybrid", "Location", "Based", "Onsite", "On", "Office",
                       "Experience", "Education", "Skills", "Licence", "License", "Active",
                       "Current", "State", "Contact"})


def cities(text: str) -> set[str]:
    """The cities a text names: known ones (``places.txt``), and any "City, ST" with a US
    state or Canadian province code ("Boise, ID", "Missoula MT")."""
    pattern, _, same = _places()
    found = {same.get(m.group(0), m.group(0)) for m in pattern.finditer(text)}
    for match in _CITY_STATE.finditer(text):
        words = match.group(1).split()
        while words and words[0] in _NOT_CITY:
            words = words[1:]
        if words:
            found.add(same.get(" ".join(words), " ".join(words)))
    return found


def place_words() -> frozenset[str]:
    """Lower-case words of city names ("york", "francisco"): never domain vocabulary."""
    return _places()[1]
