"""Reading an interview answer for evidence: what a hiring expert listens for, found in the text.

An answer convinces by what it shows, not by the words it uses about itself: measurements,
named systems and people, concrete actions the candidate took (past tense, first person),
outcomes and what was learned. It loses by hedging ("it could be the database, it could be
the network"), filler, reciting the rubric ("my approach would be to consider edge cases and
trade-offs") and repeating itself. ``read`` turns an answer into these counts, sentence by
sentence, once; the rubric (``scoring.py``) and the STAR reading (``star.py``) score from them.

Relevance is judged by meaning: the question's words and the answer's are matched through the
concept table in ``concepts.toml`` (disagree ~ clashed, pushed back; failure ~ mistake,
outage) and Snowball stems, so an answer is on topic without parroting the question.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from lightninghire.api import STOPWORDS, sentences, stem, words

_I = re.IGNORECASE

# -- the vocabulary ---------------------------------------------------------------------------


def _word_set(block: str) -> frozenset[str]:
    return frozenset(block.split())


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


@dataclass(frozen=True)
class Concepts:
    """Concept tables: single stems and multi-word stem runs -> concept names."""

    single: dict[str, frozenset[str]]
    phrases: dict[tuple[str, ...], frozenset[str]]
    topics: frozenset[str]
    neighbours: dict[str, frozenset[str]]
    patterns: dict[str, tuple[re.Pattern[str], ...]]

    def found_in(self, text: str) -> set[str]:
        """Every concept a text mentions, by its words or by the ways of saying it."""
        hits = self.found(_stems(text))
        hits |= {name for name, patterns in self.patterns.items()
                 if any(p.search(text) for p in patterns)}
        return hits

    def found(self, stems: tuple[str, ...]) -> set[str]:
        """Every concept a run of stems mentions."""
        hits: set[str] = set()
        for token in stems:
            hits |= self.single.get(token, frozenset())
        if self.phrases:
            joined = " " + " ".join(stems) + " "
            for phrase, names in self.phrases.items():
                if " " + " ".join(phrase) + " " in joined:
                    hits |= names
        return hits


@lru_cache(maxsize=1)
def concepts() -> Concepts:
    data = tomllib.loads(files(__package__).joinpath("concepts.toml").read_text("utf-8"))
    single: dict[str, set[str]] = {}
    phrases: dict[tuple[str, ...], set[str]] = {}
    for table in ("topics", "related"):  # [neighbours] and [patterns] are not term lists
        for name, block in data[table].items():
            for term in block.split(","):
                key = _stems(term.strip())
                if not key:
                    continue
                if len(key) == 1:
                    single.setdefault(key[0], set()).add(name)
                else:
                    phrases.setdefault(key, set()).add(name)
    return Concepts({k: frozenset(v) for k, v in single.items()},
                    {k: frozenset(v) for k, v in phrases.items()}, frozenset(data["topics"]),
                    {k: frozenset(v) for k, v in data.get("neighbours", {}).items()},
                    {k: tuple(re.compile(p, _I) for p in v)
                     for k, v in data.get("patterns", {}).items()})


# How questions are asked, not what about.
PROMPT_WORDS = frozenset(_stems(
    "tell me about time times describe example examples explain walk through give share would "
    "could how what why when where which who did do does you your yours have has ever talk "
    "us our situation approach handle handled deal dealt happened specific particular design "
    "implement"))

# Abstract words that carry no evidence by themselves: the vocabulary of rubric recitation and
# of generic answers ("I would consider the requirements and communicate with stakeholders").
GENERIC = frozenset(_stems("""
approach approaches edge edges case cases corner example examples instance instances trade
off offs tradeoff tradeoffs trade-off trade-offs communicate communicating communication
communicated stakeholder stakeholders requirement requirements consider considering
considered important importance ensure ensuring make making sure handle handling different
various aspect aspects thing things stuff solution solutions problem problems issue issues
situation situations best practice practices clear clearly good great well way ways process
processes understand understanding think thinking need needs right proper properly
appropriate appropriately relevant overall general generally specific specifically certain
key main factor factors area areas level levels kind sort type types lot lots basically
really actually always usually often sometimes probably maybe perhaps possibly could would
might should something someone somebody anything everything everyone everybody whatever
help helped helping work worked working job task tasks goal goals result results outcome
outcomes impact action actions step steps plan plans focus focused try tried trying look
looking see seeing keep keeping want wanted go going get getting got give given take taking
use using used also able ability better improve improvement efficient efficiency effective
effectively scalable robust reliable quality value values team teams people person
collaborate collaboration collaborative align aligned alignment everyone sync mindset
strategy strategic leverage holistic synergy passion passionate hard worker player
detail-oriented proactive communicator feel felt believe believed know knew idea ideas
question questions answer answers point points end day matter situation context part parts
change changes discuss discussed discussion talk talked approach framework method methods
structure structured analyse analyze analysis review reviewed check checked test tested
option options decision decide decided time times first then next finally second third
innovative innovation industry leader leading amazing awesome exciting excited excellent
culture environment environments fast-paced thrive thrives dynamic opportunity opportunities
add adding value values professionally professional motivated highly truly deeply mission
meaningful growth grow growing skills skill world-class cutting-edge passionate passion
"""))

# What answers say when they describe the rubric instead of meeting it.
_RUBRIC = re.compile(
    r"\b(?:my (?:approach|process|strategy|method|framework) (?:is|was|would be)|"
    r"edge cases?|corner cases?|for (?:example|instance)|trade-?offs?|best practices?|"
    r"(?:i would|i'd|i will|i always) (?:communicate|collaborate|consider|make sure|ensure|"
    r"think about|keep .{0,20}in the loop|align)|"
    r"communicat\w+ (?:clearly|openly|effectively|with (?:the )?stakeholders)|"
    r"it (?:really )?depends|various (?:factors|things|aspects)|different (?:aspects|factors)|"
    r"(?:team player|hard worker|detail[- ]oriented|passionate about))\b", _I)

_HEDGE = re.compile(
    r"\b(?:(?:it|that|this|there) (?:could|might|may) (?:be|have)|could be|might be|may be|"
    r"maybe|perhaps|possibly|probably|i guess|i suppose|i'm not sure|i am not sure|not sure|"
    r"i don't know|i do not know|hopefully|somehow|or something|or whatever|kind of|sort of|"
    r"some kind of|i think maybe|who knows|hard to say)\b", _I)

_FILLER = re.compile(
    r"\b(?:um+|uh+|erm|basically|literally|you know|i mean|like,|actually|"
    r"just(?!\s+(?:before|after|in time|as|enough|now|then|one|a|an|the|over|under|about|\d))|"
    r"stuff like that|things like that|and stuff|and so on|etc)\b", _I)

# What interviewers hear as red flags whatever the question: blaming others, refusing the
# premise, no interest in the job beyond pay.
_RED_FLAG = re.compile(
    r"\b(?:not my fault|(?:was|is) (?:their|his|her|the \w+(?: \w+)?'s) fault|"
    r"(?:i )?blamed? (?:them|him|her|the (?:other|\w+ team))|"
    r"i (?:don't|do not|never|rarely) (?:really )?(?:fail|make mistakes|have (?:any )?weakness\w*)|"
    r"any (?:company|job|role|employer) (?:would do|is fine)|(?:only|mostly|just) (?:for |about )?"
    r"the (?:money|salary|pay|paycheck)|as long as the pay|i don't (?:really )?care|"
    r"nothing (?:really )?(?:went wrong|to learn)|i didn't (?:do anything wrong|need to change)|"
    r"i(?:'m| am) (?:just )?(?:a|too much of a) perfectionist|i care too much|"
    r"i (?:tend to )?work too hard|i (?:don't|do not) really do \w+|(?:it's|it is) not my "
    r"(?:job|problem|responsibility)|(?:it|that|this) was (?:clearly |obviously |just )?"
    r"(?:user error|(?:his|her|their) (?:fault|mistake))|(?:problem|issue) was on "
    r"(?:his|her|their) (?:side|end)|(?:customers?|clients?|users?|patients?|people) (?:are|is|"
    r"were|was) (?:just |simply )?(?:unreasonable|stupid|idiots|clueless|lazy))",
    _I)

# Labelled sections: "Situation:", "Result:", "Scale:", "API:", "Step 2:", at a line start or
# after a sentence end; one to three words before a colon.
_LABEL = re.compile(r"(?:^|(?<=[.!?])\s+|\n)\s*(?:[-*\u2022]\s*)?(?:\d{1,2}[.)]\s*)?"
                    r"([A-Z][A-Za-z/&-]*(?: [A-Za-z/&-]+){0,2}|[A-Z]{2,6}|Step \d+)\s*:(?!\d)",
                    re.MULTILINE)
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s+\S", re.MULTILINE)
_SEQUENCE = re.compile(r"\b(?:first(?:ly)?|to start|to begin|then|next|after that|afterwards|"
                       r"second(?:ly)?|third(?:ly)?|finally|lastly|once|meanwhile|step \d)\b", _I)
# Sentences that open by saying what they are ("For example, …", "The trade-off is …").
_SIGNPOST = re.compile(
    r"^\s*(?:for (?:example|instance)|the (?:trade-?off|downside|upside|catch|risk|result|"
    r"outcome|lesson|goal|problem|fix|reason)|alternatively|however|on the other hand|"
    r"in short|in summary|to summari[sz]e|overall|as a result|in the end|on (?:get|put|read|"
    r"write|failure|success)|if |when |edge cases?|at first|afterwards|now |today |since then|"
    r"first|second|third|then|next|finally|lastly)\b", _I)
_REASON = re.compile(r"(?:, so\b|\b(?:because|so that|therefore|which means|since|the reason|"
                     r"that way|in order to|so we could|so i could)\b)", _I)

STAR_LABELS = {
    "situation": {"situation", "context", "background", "setting", "problem", "challenge",
                  "what happened", "the incident", "incident", "the problem", "root cause",
                  "cause"},
    "task": {"task", "goal", "objective", "my role", "role", "responsibility", "mission"},
    "action": {"action", "actions", "what i did", "approach", "steps", "solution"},
    "result": {"result", "results", "outcome", "outcomes", "impact", "resolution",
               "what changed", "what happened next", "since then", "follow-up", "aftermath"},
    "reflection": {"learning", "learnings", "lesson", "lessons", "reflection", "takeaway",
                   "lesson learned", "lessons learned", "what i'd do differently",
                   "takeaways", "what i learned", "next time"},
}
_LABEL_PART = {label: part for part, labels in STAR_LABELS.items() for label in labels}

_NUMBER_WORD = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
                r"twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|dozen|"
                r"dozens|half|several)")
_UNIT = (r"(?:%|percent\b|pp\b|x\b|\u00d7|ms\b|milliseconds?\b|s\b|sec(?:ond)?s?\b|"
         r"min(?:ute)?s?\b|hours?\b|hrs?\b|days?\b|weeks?\b|months?\b|quarters?\b|years?\b|"
         r"[kmb]\b|gb\b|tb\b|mb\b|qps\b|rps\b|users?\b|customers?\b|clients?\b|people\b|"
         r"engineers?\b|members?\b|reports?\b|tickets?\b|deals?\b|leads?\b|orders?\b|"
         r"requests?\b|calls?\b|points?\b|stores?\b|accounts?\b|patients?\b|beds?\b|"
         r"servers?\b|nodes?\b|services?\b|teams?\b|bugs?\b|incidents?\b|errors?\b|"
         r"releases?\b|times\b|steps?\b|shifts?\b|sites?\b|countries|languages?\b|"
         r"million\b|billion\b|thousand\b)")
_METRIC = re.compile(
    rf"[$\u20ac\u00a3]\s?\d[\d,.]*\s*[kmb]?\b|\b\d[\d,.]*\s*{_UNIT}|"
    rf"\b\d+\s*(?:/|out of)\s*\d+\b|"
    rf"\bfrom\s+\$?\d[\w.,%]*\s+(?:\w+\s+){{0,3}}to\s+\$?\d[\w.,%]*(?:\s*{_UNIT})?|"
    rf"\b(?:\d[\d,.]*|{_NUMBER_WORD})\s+(?:[a-z]+\s+)?[a-z]{{3,}}s\b|"
    rf"\b\d[\d,.]*\s+of\s+(?:the|our|their|his|her|its|my)\s+(?:[a-z]+\s+)?[a-z]{{3,}}s\b|"
    rf"\b{_NUMBER_WORD}\s+{_UNIT}|\b(?:doubled|tripled|halved|quadrupled)\b", _I)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
# Numbers an interviewer cannot check are claims, not evidence: figures attached to sweeping
# generalisations ("at every company", "typically", "always"), self-rankings ("top 1%", "10x
# results", "outperform 99%") and promises of a result ("I could cut your churn by 80%"). A
# number is evidence when it belongs to one occasion: a system, a place, a before and after.
_SWEEPING = re.compile(
    r"\b(?:every|each|all) (?:company|companies|job|jobs|role|roles|employer|employers|team|"
    r"teams|organi[sz]ation|place|project|projects|time|single)\b|\beverywhere\b|"
    r"\b(?:at|in) (?:all|each) of my\b|\bmy (?:previous|past|former) (?:companies|employers|"
    r"jobs|roles)\b|\b(?:invariably|typically|never fail|without exception)\b|"
    # "p99 always stayed under 200 ms" is a measurement; "I always exceed my targets by 150%"
    # is a boast: "always" and "consistently" are sweeping only when the candidate brags.
    r"\bi(?:'ve| have)? (?:always|consistently) (?:\w+ )?(?:exceed|deliver|hit|beat|outperform|"
    r"achiev|surpass|doubl|increas|grow|generat|driv|overachiev)\w*|"
    r"\btrack record\b|\bin my experience\b|\byear (?:after|on) year\b|\bevery year\b", _I)
_SELF_RANK = re.compile(
    r"\btop \d+\s*%|\b\d+\s*x (?:engineer|developer|results?|performer|impact|growth|"
    r"productivity|output)\b|\b(?:outperform\w*|better than|ahead of) \d+\s*%|"
    r"\b100\s*% of (?:my|the|all)\b|\b\d+\s*% of my (?:peers|colleagues)\b", _I)
_PROMISE = re.compile(
    r"\b(?:could|can|will|would|'d|'ll|guarantee|promise|confident)\b[^.]{0,40}?"
    r"\b(?:cut|reduce|increase|boost|grow|improve|double|triple|lift|raise|lower|decrease|"
    r"drive|deliver)\w*\b[^.]{0,60}?\b(?:by|to) (?:at least |over |more than )?\d+\s*(?:%|x\b)",
    _I)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,6}s?\b")
_TECHY = re.compile(r"\bO\([^)]{1,12}\)|"
                    r"\b[A-Za-z]+\d+[A-Za-z0-9]*\b|\b\w+\.(?:js|io|py|net)\b|\b[a-z]+[A-Z]\w+\b")
_SENTENCE_STARTERS = frozenset({"I", "I'm", "I'd", "I've", "I'll", "A", "An", "The", "OK"})

# Past-tense verbs with which a candidate takes credit for an action; regular -ed verbs are
# found by their ending, these irregular ones by name.
_IRREGULAR_ACTIONS = _word_set("""
built rebuilt wrote rewrote ran led made set took brought found chose spoke drove gave sent
kept taught met sat split cut put began caught dug fought held laid left paid rode sold shut
sought spent stood struck swept threw told went won wound broke shipped bought flew grew
hid hung lit overrode oversaw undertook upheld withdrew forbade drew froze knew spun stuck
""")
# -ed words that are states, feelings or thoughts, not actions one takes credit for.
_NOT_ACTIONS = _word_set("""
was were had felt thought knew believed wanted needed hoped guessed seemed used supposed
realized realised noticed learned learnt liked loved hated worried feared assumed expected
wished happened appeared tended got did said saw heard became kept remained stayed failed
missed forgot lost struggled panicked guess mean think feel know believe would could should
might will can just really also then still even always never usually basically actually
probably maybe am is are be been have has do does
""")
_PLAIN_VERBS = _word_set("""
check look measure profile add use run compare split cache shard store query index ask
clarify estimate compute talk schedule write test deploy roll monitor set create build
reproduce bisect trace inspect read review start begin define identify gather list map
design pick choose call meet escalate document fix patch revert restart replicate
partition queue batch stream hash sort search validate prototype interview segment break
prioritize prioritise send explain propose recommend size count multiply divide model
analyze analyse simulate benchmark instrument alert page isolate narrow rule confirm
verify involve tell share sit offer follow agree align plan draft sketch limit throttle
retry store encrypt salt sign rotate
""")

# Words after "I would" that are not a step ("I would kind of", "I would just try").
_VAGUE_VERBS = _word_set("""
kind sort try like need want have be go get make say see think figure probably definitely
approach handle deal consider communicate ensure
""")

# Deferring to a rulebook instead of saying what one would do ("follow hospital protocols",
# "follow the escalation process"): the vocabulary of recitation in every line of work.
_DEFER = re.compile(
    r"\b(follow|followed|following|stick to|adhere to|comply with|refer to)\s+(?:the\s+|our\s+|"
    r"all\s+|any\s+|their\s+)?(?:[\w']+\s+){0,2}?(?:polic(?:y|ies)|procedures?|protocols?|"
    r"process(?:es)?|rules|guidelines|handbook)\b", _I)

# Verbs that open a step of a plan written in the imperative, in any line of work.
_IMPERATIVES = _PLAIN_VERBS | _word_set("""
keep move stop speak remind warn pause note log record contact phone email visit reassure
apologise apologize refund inform notify brief train coach give take hand assign delegate
separate remove tape close clear block report inspect replace repair praise reward seat greet
acknowledge summarise summarize open lead walk pull push turn switch raise lower drop
""") - _VAGUE_VERBS
# Where a clause of a sentence starts: the sentence start, or after a comma, "and", "but",
# "then" or a semicolon.
_CLAUSE_VERB = re.compile(r"(?:^|[,;]\s*|\b(?:and|but|then)\s+)(?:then\s+)?([A-Za-z]+)\b")

# Present-tense steps in explanations, beyond the plain verbs above.
_STEP_VERBS = _word_set("""
move insert evict remove return keep update combine store hash look iterate traverse push pop
append delete merge swap compare lock release retry route forward cache replicate
""")

_I_VERB = re.compile(r"\b(?:I|i)(?:'ve|\s+have|\s+had|\s+then|\s+also)?\s+"
                     r"(?:\w+ly\s+|then\s+|also\s+|first\s+|finally\s+|personally\s+|"
                     r"immediately\s+|eventually\s+|ultimately\s+|already\s+)?([a-z]+)\b")
_WE_VERB = re.compile(r"\b[Ww]e\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|finally\s+)?([a-z]+)\b")
_PLANNED = re.compile(r"\b(?:I|i|we|We)(?:'d|\s+would|\s+will|'ll|\s+can|\s+could|\s+should)"
                      r"\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|start by\s+)?([a-z]+)\b")
_OUTCOME = re.compile(
    r"\b(?:as a result|resulted in|the result|which (?:led|meant|let|allowed|helped|cut|"
    r"reduced|saved|brought)|led to|in the end|ended up|ultimately|the outcome|by the end|"
    r"this (?:led|meant|cut|reduced|saved|increased|improved)|afterwards|since then|"
    r"since(?=\W*$)|(?:have|has|'ve|'s) (?:had|seen) no|never again|no longer|went live|"
    r"no (?:repeat|recurrence|repeats)|(?:has|have)n't (?:happened|recurred) (?:again|since)|"
    r"no (?:\w+ ){0,2}(?:failed|broke|failures|complaints|incidents|errors|outages|escalations)|"
    r"(?:we|i|it|they|he|she|the (?:team|customer|client|account|patient|student)s?) "
    r"(?:delivered|shipped|launched|hit|met|won|closed|finished|signed|renewed|recovered|"
    r"passed|beat|stayed|returned|thanked)|on time|ahead of schedule|(?:was|were|got) "
    r"(?:adopted|approved|promoted|signed|renewed|accepted|fixed|resolved|replaced|kept)|"
    r"(?:reduc|increas|improv|sav|cut|grew|boost|decreas|rais|achiev|doubl|tripl|halv|lower|"
    r"shorten|eliminat|recover|retain|dropp|fell|rose|climb|jump)\w*)\b", _I)
_REFLECTION = re.compile(
    r"\b(?:i learned|i learnt|i've learned|lessons?|taught me|next time|since then|now i|"
    r"going forward|in hindsight|looking back|i would (?:now|still|also)|i'd do|do differently|"
    r"i realized|i realised|takeaway|i now|these days i|i still)\b", _I)
_SETTING = re.compile(
    r"\b(?:when i was|while (?:i was )?working|at my (?:last|previous|current|first|old) "
    r"\w+|in my (?:last|previous|current|first) \w+|last (?:year|quarter|month|summer|spring|"
    r"fall|autumn|winter|week)|back in|(?:in|during) (?:19|20)\d\d|a (?:few|couple of) "
    r"(?:weeks|months|years) ago|(?:our|the) (?:team|company|startup|product|client|customer|"
    r"project|manager|lead)s?\b|we were|we had|i was (?:a|the|an|on|working|leading))\b", _I)
_STAKES = re.compile(
    r"\b(?:deadline|problem|challenge|issue|outage|incident|conflict|complain\w*|behind|late|"
    r"budget|churn|backlog|bugs?|crisis|pressure|risk|at risk|failing|broke|broken|slow|down|"
    r"disagree\w*|clash\w*|escalat\w*|missed|losing|lost|stuck|blocked|unhappy|angry)\b", _I)
_OWN_TASK = re.compile(
    r"\b(?:my (?:role|responsibility|job|task|goal|objective|mandate|part) (?:was|is)|"
    r"i was (?:asked|responsible|tasked|assigned|in charge|expected|hired|brought in)|"
    r"i (?:needed|had|wanted|decided|volunteered|offered|was asked) to|i owned|"
    r"(?:the|our|my) (?:goal|task|objective|aim|mandate|target) was|as the \w+(?: \w+)?,)", _I)


# -- reading ----------------------------------------------------------------------------------


@dataclass(eq=False)  # sentences are told apart by identity: an answer may repeat one
class Sentence:
    text: str
    part: str | None  # the STAR part its label names, if any
    label: str | None  # the section label it stands under ("Scale", "Result"), if any
    first_in_section: bool
    metrics: list[str]  # numbers that count as evidence
    numbers: int
    names: list[str]
    actions: list[str]
    team_actions: list[str]
    planned: list[str]
    outcome: bool
    reflection: bool
    hedges: int
    rubric: int
    concrete: int  # content words that are neither generic nor the question's own
    reasons: int
    claims: list[str] = field(default_factory=list)  # numbers that cannot be checked
    code: bool = False  # a block of code or a query, read as one worked step
    in_recital: bool = False  # part of an answer that only strings rubric phrases together

    @property
    def substance(self) -> float:
        """How much evidence the sentence carries; hedging discounts it."""
        value = (2 * len(self.metrics) + min(1, self.numbers) + len(self.names)
                 + len(self.actions) + 0.5 * len(self.team_actions) + 0.5 * len(self.planned)
                 + 0.35 * self.concrete)
        return value * (0.3 if self.hedges else 1.0)

    @property
    def recited(self) -> bool:
        """Names what a good answer contains without containing it: rubric words with no
        number, name or action and hardly a concrete word beside them."""
        hard = self.metrics or self.names or self.actions or self.numbers
        return bool(self.rubric) and (self.in_recital or (
            not hard and self.concrete <= self.rubric + 1))


@dataclass
class Reading:
    question: str
    answer: str
    count: int
    sentences: list[Sentence]
    labels: list[str]
    numbered: int
    sequence: list[str]
    signposts: int
    hedges: int
    fillers: list[str]
    repetition: float  # 0 (no repeats) .. 1 (all repeats)
    density: float  # distinct concrete stems per word
    asked: list[tuple[str, float, frozenset[str]]] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    topic_hit: bool = True
    topics_asked: bool = False
    topic_near: bool = False  # a neighbouring concept of a question topic is met
    coverage: float = 1.0
    early_hit: bool = False
    terms: list[str] = field(default_factory=list)  # concept terms used (technical vocabulary)
    subject: list[str] = field(default_factory=list)  # what the question asks to design/explain
    subject_coverage: float = 1.0
    rest_coverage: float = 0.0  # coverage of the question's words other than its subject
    direct_coverage: float = 1.0  # coverage by the question's words and concepts themselves
    red_flags: list[str] = field(default_factory=list)
    personal_share: float = 0.0  # for questions with no topic: sentences about private life

    # -- totals --

    def metrics(self) -> list[str]:
        return list(dict.fromkeys(m for s in self.sentences for m in s.metrics))

    def names(self) -> list[str]:
        return list(dict.fromkeys(n for s in self.sentences for n in s.names))

    def claims(self) -> list[str]:
        return list(dict.fromkeys(c for s in self.sentences for c in s.claims))

    def actions(self) -> list[str]:
        return list(dict.fromkeys(a for s in self.sentences for a in s.actions))

    def team_actions(self) -> list[str]:
        return list(dict.fromkeys(a for s in self.sentences for a in s.team_actions))

    def planned(self) -> list[str]:
        return list(dict.fromkeys(a for s in self.sentences for a in s.planned))

    def outcomes(self) -> list[Sentence]:
        half = len(self.sentences) // 2
        return [s for i, s in enumerate(self.sentences)
                if s.part == "result" or (s.part not in ("situation", "task") and (
                    (s.outcome and (i >= half or s.metrics))
                    # a measurement late in a story, not an action: how things turned out
                    or (i >= half and i > 0 and s.metrics and not s.actions)))]

    def measured_outcomes(self) -> list[Sentence]:
        return [s for s in self.outcomes() if s.metrics]

    def reflections(self) -> list[Sentence]:
        return [s for s in self.sentences if s.reflection or s.part == "reflection"]

    def recited(self) -> list[Sentence]:
        return [s for s in self.sentences if s.recited]

    def hedged_share(self) -> float:
        return sum(1 for s in self.sentences if s.hedges) / max(1, len(self.sentences))

    def evidence_units(self) -> int:
        """Sentences that carry real evidence."""
        return sum(1 for s in self.sentences if s.substance >= 2)

    def hedge_phrases(self) -> list[str]:
        return [m.group(0).lower() for m in _HEDGE.finditer(self.answer)]

    def filler_rate(self) -> float:
        return 100 * len(self.fillers) / max(1, self.count)


def _names(sentence: str, label_words: set[str]) -> list[str]:
    found = []
    tokens = sentence.split()
    for index, raw in enumerate(tokens):
        token = raw.strip(".,;:!?\"'\u201c\u201d")
        token = token.lstrip("(") if token.count("(") > token.count(")") else token
        token = token.rstrip(")") if token.count(")") > token.count("(") else token
        if not token or token in label_words:
            continue
        acronym = bool(_ACRONYM.fullmatch(token)) and token not in _SENTENCE_STARTERS
        techy = bool(_TECHY.fullmatch(token)) and not token.isdigit()
        # A capitalized word after the first names a place, product, tool, team or person.
        capitalized = index > 0 and token[:1].isupper() and token not in _SENTENCE_STARTERS \
            and not token.startswith("I'") and not tokens[index - 1].endswith(":")
        if acronym or techy or capitalized:
            found.append(token)
    return found


_THAT = re.compile(r"\s+that\b")


def _action_verbs(pattern: re.Pattern[str], text: str) -> list[str]:
    verbs = []
    for match in pattern.finditer(text):
        verb = match.group(1).lower()
        if verb in _NOT_ACTIONS or _THAT.match(text, match.end()):
            continue  # "I found that …" reports a thought, not an action
        if verb in _IRREGULAR_ACTIONS or (verb.endswith("ed") and len(verb) > 4):
            verbs.append(verb)
    return verbs


def _leading_verb(text: str) -> str | None:
    """A step written without its subject ("Profiled the endpoint", "Check the logs")."""
    first = text.split(maxsplit=1)[0].lower().strip(",.:;") if text.split() else ""
    if first in _NOT_ACTIONS:
        return None
    if first in _IRREGULAR_ACTIONS or (first.endswith("ed") and len(first) > 4
                                       and stem(first) != first):
        return first
    return None


def _split_labelled(answer: str) -> list[tuple[str | None, str]]:
    """The answer cut at its section labels: (label or None, text after it)."""
    pieces: list[tuple[str | None, str]] = []
    last, label = 0, None

    def add(label: str | None, chunk: str) -> None:
        # A label heads its paragraph, or its list: after a blank line, or after the last item
        # of a list under it, the text stands on its own.
        first, *rest = re.split(r"\n\s*\n", chunk)
        lines, in_list = first.split("\n"), False
        for index, line in enumerate(lines):
            if _LINE_START.match(line):
                in_list = True
            elif in_list and line.strip():
                first, rest = "\n".join(lines[:index]), ["\n".join(lines[index:]), *rest]
                break
        for text, owner in ((first, label), *((r, None) for r in rest)):
            if text.strip():
                pieces.append((owner, text))

    for match in _LABEL.finditer(answer):
        name = match.group(1).strip()
        at_line_start = match.start() == 0 or "\n" in answer[match.start():match.start(1)] \
            or answer[:match.start()].endswith("\n")
        if not at_line_start and len(name.split()) > 2 and name.lower() not in _LABEL_PART:
            continue  # "… Never encrypt them: …" is a clause with a colon, not a section
        add(label, answer[last:match.start()])
        label, last = name, match.end()
    add(label, answer[last:])
    return pieces


_LINE_START = re.compile(r"^\s*(?:[-*\u2022\u25aa\u2023]|\d{1,2}[.)])\s+")
_LINE_LABEL = re.compile(r"^\s*(?:[A-Z][A-Za-z/&-]*(?: [A-Za-z/&-]+){0,2}|[A-Z]{2,6})\s*:\s")


def unwrap(text: str) -> str:
    """Join lines that were wrapped mid-sentence (pasted or typed with hard line breaks), so
    "we fix the ORM\nloading first" stays one sentence; bullets, numbered steps, labelled lines
    and blank-line paragraphs keep their breaks."""
    out: list[str] = []
    for line in text.split("\n"):
        previous = out[-1] if out else ""
        marker = _LINE_START.match(line)
        # "20. I raised …" after "a pool of" is the end of a sentence, not step 20.
        step = bool(marker) and (not re.match(r"\s*\d", line) or re.match(r"\s*1[.)]", line)
                                 or bool(_LINE_START.match(previous)))
        if previous.strip() and line.strip() and not re.search(r"[.!?:;]\s*$", previous) \
                and not step \
                and not (_LINE_LABEL.match(line) and _LINE_LABEL.match(previous)):
            out[-1] = previous.rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def read(question: str, answer: str, *, hypothetical_ok: bool = False) -> Reading:
    """Read ``answer`` to ``question``. ``hypothetical_ok``: planned steps ("I would check the
    logs") count as actions, as they should for technical or situational questions."""
    question_stems = set(_stems(question))
    labels: list[str] = []
    parsed: list[Sentence] = []
    prose_parts: list[str] = []
    for chunk_text, is_code in _code_segments(answer):
        if is_code:
            parsed.append(_code_sentence(chunk_text))
            continue
        chunk_text = unwrap(chunk_text)
        prose_parts.append(chunk_text)
        for label, chunk in _split_labelled(chunk_text):
            part = _LABEL_PART.get(label.lower()) if label else None
            if label:
                labels.append(label)
            label_words = set(label.split()) if label else set()
            for index, text in enumerate(sentences(chunk)):
                parsed.append(_sentence(text, label, part, label_words, question_stems,
                                        hypothetical_ok, index == 0))
    full = answer
    answer = "\n\n".join(prose_parts) if len(prose_parts) != 1 or any(
        s.code for s in parsed) else prose_parts[0]
    tokens = words(full)
    # Code repeats its identifiers by nature: repetition and density are read from the prose.
    prose_tokens = words(answer)
    content = [stem(w) for w in prose_tokens if w not in STOPWORDS and len(w) > 1]
    concrete = {t for t in content if t not in GENERIC and not t[0].isdigit()}
    repetition = _repetition(content)
    reading = Reading(
        question=question, answer=answer, count=len(tokens), sentences=parsed, labels=labels,
        numbered=len(_NUMBERED.findall(answer)),
        sequence=[m.group(0).lower() for m in _SEQUENCE.finditer(answer)],
        signposts=sum(1 for s in parsed if _SIGNPOST.search(s.text)),
        hedges=len(_HEDGE.findall(answer)),
        fillers=[m.group(0).lower().rstrip(",") for m in _FILLER.finditer(answer)],
        repetition=repetition, density=len(concrete) / max(1, len(prose_tokens)))
    _relevance(reading, question, full)
    if sum(s.rubric for s in parsed) >= 3 and not any(s.metrics or s.names or s.actions
                                                      for s in parsed):
        # Rubric phrases strung together with no number, name or action anywhere: each of those
        # sentences recites, however many generic nouns pad it ("edge cases such as nulls").
        for sentence in parsed:
            sentence.in_recital = True
    reading.red_flags = [m.group(0) for m in _RED_FLAG.finditer(answer)]
    return reading


# A line of code or a query: two signs of code (a leading keyword, snake_case, a call, an
# operator, a trailing ; or {, a lone bracket), or one right after another code line.
_CODE_SIGNS = (
    re.compile(r"^\s*(?:select|from|where|(?:left |right |inner |outer |full )?join|group by|"
               r"order by|having|with \w+ as|union|insert into|update \w+ set|delete from|"
               r"def |class |return\b|import |const |let |var |function\b|for \w+ in\b|"
               r"while\b|if .*[:{]\s*$)", re.I),
    re.compile(r"\b[a-z]+_[a-z0-9_]+\b"),
    re.compile(r"\b\w+\([^()]*\)"),
    re.compile(r"\s(?:=|==|!=|<=|>=|:=|\+=)\s"),
    re.compile(r"[;{(]\s*$"),
    re.compile(r"^\s*[)}\]]"),
)
_CODE_KEYWORDS = re.compile(
    r"\b(?:select|join|group by|partition by|order by|where|having|over|count|sum|avg|min|max|"
    r"row_number|rank|lag|lead|date_trunc|interval|case when|distinct|union|insert|update|"
    r"return|for|while|if|yield|append|sort|filter|map)\b", re.I)
_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b\w+(?=\()")


def _code_segments(answer: str) -> list[tuple[str, bool]]:
    """The answer cut into prose and code blocks (two or more code lines in a row, or a fenced
    block); a single code-like line stays prose."""
    lines = answer.split("\n")
    is_code = [False] * len(lines)
    fenced = False
    for index, line in enumerate(lines):
        if line.strip().startswith("```"):
            fenced = not fenced
            is_code[index] = True
            continue
        signs = sum(1 for sign in _CODE_SIGNS if sign.search(line))
        is_code[index] = fenced or signs >= 2 or (
            signs >= 1 and index > 0 and is_code[index - 1] and bool(line.strip()))
    segments: list[tuple[str, bool]] = []
    start = 0
    for index in range(1, len(lines) + 1):
        if index == len(lines) or is_code[index] != is_code[start]:
            block = "\n".join(lines[start:index])
            code = is_code[start] and (index - start >= 2)
            if segments and segments[-1][1] == code:
                segments[-1] = (segments[-1][0] + "\n" + block, code)
            else:
                segments.append((block, code))
            start = index
    return [(text.strip("`\n"), code) for text, code in segments if text.strip("`\n ")]


def _code_sentence(code: str) -> Sentence:
    """A code block or query read as one worked step: its identifiers are named things, its
    operations (select, join, group by, return…) the steps it takes."""
    identifiers = list(dict.fromkeys(m.group(0) for m in _IDENTIFIER.finditer(code)))
    steps = list(dict.fromkeys(m.group(0).lower() for m in _CODE_KEYWORDS.finditer(code)))
    return Sentence(
        text=code, part=None, label=None, first_in_section=True,
        metrics=[m.group(0).strip() for m in _METRIC.finditer(code)],
        numbers=len(_NUMBER.findall(code)), names=identifiers[:8], actions=[], team_actions=[],
        planned=steps[:8], outcome=False, reflection=False, hedges=0, rubric=0,
        concrete=len(identifiers), reasons=0, code=True)


_CHAINED = re.compile(r"(?:,\s*|\band\s+|\bthen\s+|\bbut\s+)(?:then\s+)?([a-z]+)\b")
_PRESENT_I = re.compile(r"\b(?:I|i)\s+(?:\w+ly\s+|then\s+|also\s+|first\s+)?([a-z]+)\b")


def _chained(text: str, after: int) -> list[str]:
    """Past-tense verbs that continue a first-person action in the same sentence ("I rolled it
    back, wrote the postmortem and added a canary step")."""
    return [m.group(1) for m in _CHAINED.finditer(text, after)
            if m.group(1) not in _NOT_ACTIONS and not _THAT.match(text, m.end())
            and (m.group(1) in _IRREGULAR_ACTIONS or (
                m.group(1).endswith("ed") and len(m.group(1)) > 4))]


def _sentence(text: str, label: str | None, part: str | None, label_words: set[str],
              question_stems: set[str], hypothetical_ok: bool, opens_section: bool) -> Sentence:
    actions = _action_verbs(_I_VERB, text)
    if actions:
        first_action = _I_VERB.search(text)
        actions += [v for v in _chained(text, first_action.end() if first_action else 0)
                    if v not in actions]
    leading = _leading_verb(text)
    if leading and not re.match(r"\s*(?:I|we)\b", text, _I) and leading not in actions:
        actions.append(leading)
    planned = [v for v in (m.group(1).lower() for m in _PLANNED.finditer(text))
               if v not in _NOT_ACTIONS and v not in _VAGUE_VERBS]
    first = text.split(maxsplit=1)[0].lower().strip(",.:;") if text.split() else ""
    if hypothetical_ok:
        if first in _PLAIN_VERBS:
            planned.append(first)
        # A plan written as imperatives: "Keep teaching, move towards them and use their names".
        if first in _IMPERATIVES:
            planned += [m.group(1).lower() for m in _CLAUSE_VERB.finditer(text)
                        if m.group(1).lower() in _IMPERATIVES]
        # "On get, I move the node to the front": a present-tense step of an explanation.
        planned += [m.group(1) for m in _PRESENT_I.finditer(text)
                    if m.group(1) in _PLAIN_VERBS or (m.group(1).rstrip("s") in _PLAIN_VERBS)
                    or m.group(1) in _STEP_VERBS]
        planned = list(dict.fromkeys(planned))
    deferred = [m.group(1).lower() for m in _DEFER.finditer(text)]
    if deferred:
        # "I'd follow the behaviour policy" hands the decision to a rulebook: not a step.
        planned = [v for v in planned if v not in deferred]
    content = [w for w in words(text) if w not in STOPWORDS and len(w) > 2
               and not w[0].isdigit()]
    concrete = sum(1 for w in dict.fromkeys(content)
                   if stem(w) not in GENERIC and stem(w) not in question_stems
                   and not _HEDGE.fullmatch(w) and not _FILLER.fullmatch(w))
    metrics = [m.group(0).strip() for m in _METRIC.finditer(text)]
    claims: list[str] = []
    if metrics and (_SWEEPING.search(text) or _SELF_RANK.search(text) or _PROMISE.search(text)):
        # The whole sentence is a boast: its numbers and the credit it takes prove nothing.
        claims, metrics, actions = metrics, [], []
    return Sentence(
        text=text, part=part, label=label, first_in_section=opens_section,
        metrics=metrics, claims=claims,
        numbers=0 if claims else len(_NUMBER.findall(text)), names=_names(text, label_words),
        actions=actions, team_actions=_action_verbs(_WE_VERB, text), planned=planned,
        outcome=bool(_OUTCOME.search(text)), reflection=bool(_REFLECTION.search(text)),
        hedges=len(_HEDGE.findall(text)), rubric=len(_RUBRIC.findall(text)) + len(deferred),
        concrete=concrete, reasons=len(_REASON.findall(text)))


def _repetition(content: list[str]) -> float:
    """The share of the answer's word trigrams and content words that repeat earlier ones."""
    if len(content) < 12:
        return 0.0
    grams = list(zip(content, content[1:], content[2:], strict=False))
    repeated_grams = 1 - len(set(grams)) / len(grams)
    counts = Counter(content)
    heavy = sum(c - 2 for c in counts.values() if c > 2) / len(content)
    return min(1.0, repeated_grams + heavy)


def _relevance(reading: Reading, question: str, answer: str) -> None:
    table = concepts()
    q_stems = tuple(stem(w) for w in words(question))
    a_stems = tuple(stem(w) for w in words(answer))
    answer_concepts = table.found_in(answer)
    # "meal-kit" and "meal kits" are one thing: a compound's parts count as words of the answer.
    answer_set = set(a_stems) | {stem(part) for token in a_stems if "-" in token
                                 for part in token.split("-") if part}
    spaced = " " + " ".join(stem(p) for t in a_stems for p in t.split("-") if p) + " "
    first = sentences(answer)[:2]
    early_concepts = table.found_in(" ".join(first))
    early_set = set(_stems(" ".join(first)))
    asked: list[tuple[str, float, frozenset[str]]] = []
    seen: set[str] = set()
    subject = _subject(question)
    reading.subject = sorted(subject)
    for token in q_stems:
        if token in seen or token in PROMPT_WORDS or token in STOPWORDS or len(token) < 2 \
                or token[0].isdigit():
            continue
        seen.add(token)
        names = table.single.get(token, frozenset())
        if names - table.topics:
            # A person or thing ("manager") that shares a stem with a topic word ("managed"):
            # the question names the person, not the topic.
            names = names - table.topics
        if token in _NO_TOPIC:
            names = frozenset()  # "work", "time", "help": too common to say what is asked
        topical = bool(names & table.topics)
        weight = 0.5 if token in GENERIC or token in _COMMON else 2.0 if topical else 1.0
        if token in subject:
            weight = 3.0
        asked.append((token, weight, names))
    # Multi-word concept terms in the question ("went wrong", "time pressure").
    joined = " " + " ".join(q_stems) + " "
    for phrase, names in table.phrases.items():
        if " " + " ".join(phrase) + " " in joined and " ".join(phrase) not in seen:
            seen.add(" ".join(phrase))
            asked.append((" ".join(phrase), 2.0 if names & table.topics else 1.0, names))
    reading.asked = asked
    reading.terms = _terms_used(table, a_stems)
    if not asked:
        reading.coverage, reading.topic_hit, reading.early_hit = 1.0, True, True
        # "Tell me about yourself" names no topic: the interviewer wants the professional story,
        # so the share of sentences about private life (childhood, hobbies, travel) is off topic.
        parsed = sentences(answer)
        reading.personal_share = sum(1 for text in parsed if _personal(text)) / max(1, len(parsed))
        return
    total = hit = direct = 0.0
    topics_asked = topic_hit = topic_near = False
    forms = {stem(w): w for w in reversed(words(question))}

    def literal(token: str) -> bool:
        compound = " ".join(stem(p) for p in token.split("-") if p)
        return token in answer_set or (" " in token and f" {token} " in
                                       " " + " ".join(a_stems) + " ") \
            or ("-" in token and f" {compound} " in spaced)

    echoed = {token for token, _, _ in asked if literal(token)}
    echoed_names: set[str] = set()
    for token, _, names in asked:
        if token in echoed:
            echoed_names |= names
    # The concepts the answer reaches with words of its own: echoing the question's "customer"
    # covers "customer", not the "unhappy" of "an unhappy customer" (whose concepts include the
    # customer one). A question word whose concepts are all another echoed word's (a question
    # asking about a "disagreement or conflict") is covered by that echo.
    own_words = " ".join(w for w in words(answer) if stem(w) not in set(q_stems))
    own_concepts = table.found_in(own_words)
    for token, weight, names in asked:
        covered = token in echoed or bool(names & own_concepts) or (
            bool(names) and names <= echoed_names)
        # A neighbouring concept (a price objection answered with budgets and ROI) half counts.
        near_by = {m for n in names for m in table.neighbours.get(n, frozenset())
                   if m in answer_concepts}
        near = not covered and bool(near_by)
        total += weight
        if covered or near:
            hit += weight if covered else weight / 2
            direct += weight if covered else 0.0
            reading.covered.append(forms.get(token, token))
        elif weight >= 1:  # the words worth naming back to the candidate
            reading.uncovered.append(forms.get(token, token))
        if names & table.topics:
            topics_asked = True
            topic_hit = topic_hit or covered
            # Two neighbouring concepts, not one incidental word ("wrote" is communication).
            topic_near = topic_near or (near and len(near_by) >= 2)
        if covered and (token in early_set or names & early_concepts):
            reading.early_hit = True
    reading.coverage = hit / total if total else 1.0
    reading.direct_coverage = direct / total if total else 1.0
    weights = {forms.get(t, t): w for t, w, _ in asked}
    reading.uncovered.sort(key=lambda form: -weights.get(form, 0))
    if subject:
        rest = [(token, weight, names) for token, weight, names in asked if token not in subject]
        rest_total = sum(weight for _, weight, _ in rest)
        reading.rest_coverage = sum(
            weight for token, weight, names in rest if token in answer_set or names & answer_concepts
        ) / rest_total if rest_total else 0.0
        reading.subject_coverage = sum(
            1 for token, _, names in asked if token in subject and (
                token in answer_set or names & answer_concepts)) / len(subject)
    reading.topics_asked, reading.topic_hit = topics_asked, topic_hit or not topics_asked
    reading.topic_near = topic_near


_PERSONAL = re.compile(
    r"\b(?:(?:i was |was )?born\b|grew up|growing up|childhood|as a (?:kid|child|teenager)|"
    r"when i was (?:a kid|a child|young|little|about \w+|\d+)|at (?:primary |secondary |high )?"
    r"school\b|my (?:dad|mum|mom|father|mother|parents|brothers?|sisters?|wife|husband|kids|"
    r"children|dog|cat|pets?)\b|hobb(?:y|ies)|hiking|travell?(?:ed|ing)|gap year|football|"
    r"guitar|piano|in my (?:free|spare) time|outside (?:of )?work|at the weekends?|a dog|a cat)",
    _I)
_CAREER = re.compile(
    r"\b(?:work(?:ed|ing)? (?:at|as|on|for|in)|job|role|position|career|company|employer|team|"
    r"clients?|customers?|projects?|products?|engineer\w*|analyst|manager|developer|designer|"
    r"consultant|built|led|own(?:ed)?|managed|hired|promoted|joined|experience|skills?|"
    r"professional|industry|business|sales|operations|start-?up|responsible)\b", _I)


def _personal(text: str) -> bool:
    """A sentence mostly about private life rather than work."""
    return len(_PERSONAL.findall(text)) > len(_CAREER.findall(text))


# The thing a question asks to design, build, explain or debug is its subject: "Design a URL
# shortening service that …" is about a URL shortening service, whatever else it mentions.
_SUBJECT = re.compile(
    r"\b(?:design|build|implement|explain|debug|architect|estimate|model|write|describe how)\s+"
    r"(?:(?:a|an|the|your|our|how)\s+)?((?:[\w/+#.-]+\s+){0,3}?[\w/+#.-]+)"
    r"(?=\s+(?:that|which|for|to|with|in|and|of|from|so|where|who|when|if|,|\.|\?)|\s*[,.?]|$)",
    _I)
_COMMON = frozenset(_stems(
    "new much many more less higher lower big small large good bad better worse best worst "
    "another other same different busy high low long short fast slow each every some any all "
    "suddenly since yesterday today week month year day time become becomes far"))


_NO_TOPIC = _COMMON | frozenset(_stems(
    "work working worked time times thing things way ways help helped team teams people need "
    "make get use go good great job part"))


def _subject(question: str) -> set[str]:
    match = _SUBJECT.search(question)
    if not match:
        return set()
    return {stem(w) for w in words(match.group(1))
            if w not in STOPWORDS and len(w) > 1 and stem(w) not in GENERIC
            and stem(w) not in _COMMON and stem(w) not in PROMPT_WORDS}


def _terms_used(table: Concepts, stems: tuple[str, ...]) -> list[str]:
    """The distinct non-generic concept terms an answer uses ("hash map", "index", "p95")."""
    used = {t for t in stems if t in table.single and t not in GENERIC and t not in STOPWORDS}
    joined = " " + " ".join(stems) + " "
    used |= {" ".join(p) for p in table.phrases if " " + " ".join(p) + " " in joined}
    return sorted(used)


def matches_point(point: str, reading: Reading) -> list[Sentence]:
    """The sentences of an answer that cover a key point: enough of the point's own words (not
    the question's) by stem, or one of its topical concepts."""
    asked = set(_stems(reading.question))
    wanted = {s for s in _stems(point) if s not in STOPWORDS and s not in GENERIC
              and s not in asked and len(s) > 1}
    table = concepts()
    # Concepts the question itself is about say nothing about this particular point.
    wanted_concepts = (table.found(_stems(point)) & table.topics) - table.found(
        _stems(reading.question))
    need = max(1, round(0.4 * len(wanted)))
    found = []
    for sentence in reading.sentences:
        stems_ = _stems(sentence.text)
        if len(wanted & set(stems_)) >= need or wanted_concepts & table.found(stems_):
            found.append(sentence)
    return found


# The patterns the rubric and the STAR reading share.
SETTING, STAKES, OWN_TASK = _SETTING, _STAKES, _OWN_TASK
