"""AI tasks of mock interviews: question generation, per-answer scoring and the session debrief.

Each has an offline answer that a user can rely on: questions picked from the bank for the
role, type, seniority and focus areas (plus company- and job-description-specific ones),
rubric scoring (``scoring.score``) and a debrief computed from the scores.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, key_phrases
from lightninghire_plugins.interview import scoring
from lightninghire_plugins.interview.common import (
    CATEGORIES,
    INTERVIEW_TYPES,
    SENIORITY,
    focus_key,
)
from lightninghire_plugins.interview.questions import bank

GENERATE = "interview.generate_questions"
SCORE = "interview.score_answer"
DEBRIEF = "interview.mock_debrief"

# Category mix per interview type, in the order questions are asked.
_MIX = {
    "phone_screen": ("culture_fit", "behavioral", "culture_fit", "situational", "behavioral"),
    "behavioral": ("behavioral", "behavioral", "situational", "behavioral", "behavioral"),
    "technical": ("technical", "technical", "behavioral", "technical", "technical"),
    "system_design": ("system_design", "system_design", "technical", "system_design",
                      "behavioral"),
    "hiring_manager": ("culture_fit", "behavioral", "situational", "behavioral", "culture_fit"),
    "panel": ("behavioral", "technical", "situational", "behavioral", "culture_fit"),
    "final_round": ("behavioral", "situational", "culture_fit", "behavioral", "case"),
}
_ROLE_WORDS = (
    ("data", r"\bdata\b|analyst|scientist|machine learning|\bml\b|analytics|statistic"),
    ("design", r"design(?:er)?\b|\bux\b|\bui\b|user research"),
    ("pm", r"product (?:manager|owner|lead)|\bpm\b|program manager"),
    ("sales", r"sales|account (?:executive|manager)|business development|\bsdr\b|\bbdr\b"),
    ("ops", r"operations|support|success|logistics|supply"),
    ("eng", r"engineer|developer|programmer|software|devops|\bsre\b|backend|frontend|"
            r"full[- ]stack|architect|mobile|\bqa\b"),
)
_MANAGER = re.compile(r"manager|director|head of|\bvp\b|chief|lead\b", re.IGNORECASE)


class GenerateIn(Schema):
    company = fields.String(required=True, validate=validate.Length(1, 120))
    role = fields.String(required=True, validate=validate.Length(1, 120))
    interviewType = fields.String(required=True, validate=validate.OneOf(INTERVIEW_TYPES))
    seniority = fields.String(load_default=None, allow_none=True,
                              validate=validate.OneOf(SENIORITY))
    focusAreas = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                             validate=validate.Length(max=14))
    count = fields.Integer(load_default=5, validate=validate.Range(3, 10))
    jobDescription = fields.String(load_default="", validate=validate.Length(max=20_000))
    avoid = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list,
                        validate=validate.Length(max=200),
                        metadata={"description": "questions the user was asked recently"})


class GeneratedQuestion(AiOutput):
    text = fields.String(required=True, validate=validate.Length(5, 500))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    focusArea = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=60))
    guidance = fields.String(load_default="", validate=validate.Length(max=400),
                             metadata={"description": "what the interviewer listens for"})
    bankId = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(equal=24))


class GenerateOut(AiOutput):
    questions = fields.List(fields.Nested(GeneratedQuestion), required=True,
                            validate=validate.Length(3, 10))


def role_families(role: str, seniority: str | None) -> set[str]:
    """Which curated role markers of the bank fit a role title (``eng``, ``pm``, ``mgr``...)."""
    found = {family for family, pattern in _ROLE_WORDS
             if re.search(pattern, role, re.IGNORECASE)}
    if (_MANAGER.search(role) and "pm" not in found) or seniority in ("manager", "director_plus"):
        found.add("mgr")
    return found


def _generate_prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You are an experienced interviewer preparing a realistic mock interview. Write "
              "questions one candidate would really be asked, in the order an interviewer "
              "would ask them, specific to the company and role, matched to the seniority and "
              "the focus areas. No numbering, no answers.")
    user = (f"Company: {inputs['company']}\nRole: {inputs['role']}\n"
            f"Seniority: {SENIORITY.get(inputs['seniority'] or '', 'not given')}\n"
            f"Interview type: {INTERVIEW_TYPES[inputs['interviewType']]}\n"
            f"Focus areas: {', '.join(inputs['focusAreas']) or 'none given'}\n"
            f"Number of questions: {inputs['count']}\n"
            f"Avoid repeating: {'; '.join(inputs['avoid'][:30]) or 'nothing'}\n"
            f"Job description:\n{inputs['jobDescription'][:6000] or 'not given'}")
    return system, user


def _rank(seed: str, question_id: str) -> str:
    return hashlib.sha256(f"{seed}:{question_id}".encode()).hexdigest()


def generate_offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Bank questions chosen for the mix of the interview type, the role family and the focus
    areas, with a company-specific opener and job-description questions where they fit."""
    count, kind, seniority = inputs["count"], inputs["interviewType"], inputs["seniority"]
    company, role = inputs["company"].strip(), inputs["role"].strip()
    families = role_families(role, seniority)
    focus = [(area, focus_key(area)) for area in inputs["focusAreas"]]
    wanted = [key for _, key in focus if key]
    custom = [area for area, key in focus if key is None]
    avoid = {text.strip().lower() for text in inputs["avoid"]}
    seed = f"{company.lower()}|{role.lower()}|{kind}|{seniority}|{','.join(inputs['focusAreas'])}"
    chosen: list[dict[str, Any]] = []

    def add(text: str, category: str, area: str | None, guidance: str,
            bank_id: str | None = None) -> None:
        if len(chosen) < count and text.lower() not in avoid and \
                all(q["text"] != text for q in chosen):
            chosen.append({"text": text, "category": category, "focusArea": area,
                           "guidance": guidance, "bankId": bank_id})

    if kind in ("phone_screen", "hiring_manager", "final_round"):
        add(f"Why do you want to join {company} as a {role}?", "culture_fit", None,
            f"They listen for what you know about {company} and why this role fits your "
            f"path.")
    for phrase in key_phrases(inputs["jobDescription"], limit=3)[:2] if \
            inputs["jobDescription"] else ():
        if len(chosen) < max(1, count // 3):
            add(f"The job description mentions \u201c{phrase}\u201d. Tell me about your "
                f"experience with it and a result you achieved.", "behavioral", None,
                "They listen for direct, recent experience matching the job description.")
    for area in custom[:2]:
        add(f"Tell me about a time your experience with {area} made a difference to a "
            f"project.", "behavioral", area,
            f"They listen for depth in {area} and a concrete result.")
    if seniority in ("senior", "staff", "principal", "manager", "director_plus"):
        add("Tell me about a time you influenced a decision beyond your own team.",
            "behavioral", "leadership_management",
            "At this level they listen for influence without authority and the outcome.")

    mix = _MIX[kind]
    slot = 0
    focus_turn = 0
    while len(chosen) < count and slot < count * 4:
        category = mix[slot % len(mix)]
        slot += 1
        area = wanted[focus_turn % len(wanted)] if wanted else None
        pick = _best(category, area, families, seed, chosen, avoid)
        if pick is None and area is not None:
            pick = _best(category, None, families, seed, chosen, avoid)
        if pick is None:
            continue
        if area is not None and area in pick.focus:
            focus_turn += 1
        public = pick.public()
        add(pick.text, pick.category, area if area in pick.focus else
            (pick.focus[0] if pick.focus else None), public["guidance"], pick.id)
    return {"questions": chosen}


def _best(category: str, area: str | None, families: set[str], seed: str,
          chosen: list[dict[str, Any]], avoid: set[str]) -> bank.BankQuestion | None:
    taken = {q["text"] for q in chosen}
    best: tuple[int, str, bank.BankQuestion] | None = None
    for question in bank.filtered(category=category):
        if question.text in taken or question.text.lower() in avoid:
            continue
        if question.roles and not set(question.roles) & families:
            continue  # a data-science question is no use to a sales candidate
        if area is not None and area not in question.focus:
            continue
        fit = 2 * len(set(question.roles) & families) + (1 if not question.roles else 0)
        key = (-fit, _rank(seed, question.id), question)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


class ScoreIn(Schema):
    question = fields.String(required=True, validate=validate.Length(1, 1000))
    answer = fields.String(required=True, validate=validate.Length(1, 10_000))
    category = fields.String(load_default="behavioral", validate=validate.OneOf(CATEGORIES))
    interviewType = fields.String(load_default=None, allow_none=True,
                                  validate=validate.OneOf(INTERVIEW_TYPES))
    keyPoints = fields.List(fields.String(validate=validate.Length(1, 120)), load_default=list,
                            validate=validate.Length(max=10))


class DimensionScores(AiOutput):
    completeness = fields.Integer(required=True, validate=validate.Range(1, 10))
    relevance = fields.Integer(required=True, validate=validate.Range(1, 10))
    structure = fields.Integer(required=True, validate=validate.Range(1, 10))
    specificity = fields.Integer(required=True, validate=validate.Range(1, 10))


class RubricLine(AiOutput):
    dimension = fields.String(required=True, validate=validate.OneOf(scoring.DIMENSIONS))
    score = fields.Integer(required=True, validate=validate.Range(1, 10))
    scale = fields.String(required=True, validate=validate.Length(1, 400),
                          metadata={"description": "what the score levels mean"})
    feedback = fields.String(required=True, validate=validate.Length(1, 700),
                             metadata={"description": "why this score, quoting the answer"})


class ScoreOut(AiOutput):
    scores = fields.Nested(DimensionScores, required=True)
    overall = fields.Float(required=True, validate=validate.Range(1, 10))
    rubric = fields.List(fields.Nested(RubricLine), required=True,
                         validate=validate.Length(equal=4))
    flags = fields.List(fields.String(validate=validate.Length(1, 120)), load_default=list,
                        metadata={"description": "short labels such as 'lacked specific "
                                                 "metric', 'too short', 'off topic'"})
    strengths = fields.List(fields.String(validate=validate.Length(1, 400)), load_default=list)
    improvements = fields.List(fields.String(validate=validate.Length(1, 400)),
                               load_default=list)
    improvedAnswer = fields.String(required=True, validate=validate.Length(1, 12_000),
                                   metadata={"description": "the answer rewritten in the "
                                                            "candidate's own voice"})


def _score_prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You are an interview coach. Score the candidate's answer from 1 to 10 on "
              "completeness (every part a strong answer needs: STAR for behavioural questions, "
              "approach, edge cases and trade-offs for technical ones), relevance (answers what "
              "was asked), structure (clear order) and specificity (concrete actions, names, "
              "numbers). overall weighs substance: 0.3 completeness + 0.2 relevance + 0.15 "
              "structure + 0.35 specificity, one decimal, and at most relevance + 1 for an "
              "off-topic answer. Reward evidence (numbers, names, the candidate's own actions, "
              "outcomes), not rubric words, length or hedging. For each dimension give the scale "
              "and feedback quoting the answer. Flag gaps in a few words (e.g. 'lacked "
              "specific metric'). Rewrite the answer keeping the candidate's own words and "
              "voice, marking missing facts in [brackets] rather than inventing them.")
    points = "; ".join(inputs["keyPoints"]) or "not given"
    user = (f"Question ({CATEGORIES[inputs['category']]}): {inputs['question']}\n"
            f"Key points a strong answer covers: {points}\n"
            f"<<<ANSWER\n{inputs['answer']}\nANSWER>>>")
    return system, user


class DebriefIn(Schema):
    company = fields.String(required=True, validate=validate.Length(1, 120))
    role = fields.String(required=True, validate=validate.Length(1, 120))
    interviewType = fields.String(required=True, validate=validate.OneOf(INTERVIEW_TYPES))
    answers = fields.List(fields.Dict(), required=True, validate=validate.Length(max=10),
                          metadata={"description": "question, category, overall, scores, "
                                                   "flags of each scored answer"})
    total = fields.Integer(required=True, validate=validate.Range(1, 10))


class DebriefOut(AiOutput):
    summary = fields.String(required=True, validate=validate.Length(1, 1200))
    strengths = fields.List(fields.String(validate=validate.Length(1, 300)), load_default=list)
    focusNext = fields.List(fields.String(validate=validate.Length(1, 300)), load_default=list,
                            metadata={"description": "what to practise next, most useful "
                                                     "first"})


def _debrief_prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    lines = [f"- ({a.get('category')}) {a.get('question')}: overall {a.get('overall')}, "
             f"scores {a.get('scores')}, flags {a.get('flags')}" for a in inputs["answers"]]
    system = ("You are an interview coach writing a short debrief of a mock interview: a 2-3 "
              "sentence summary, strengths with evidence, and what to practise next.")
    user = (f"{INTERVIEW_TYPES[inputs['interviewType']]} mock for {inputs['role']} at "
            f"{inputs['company']}; {len(inputs['answers'])} of {inputs['total']} questions "
            f"answered.\n" + "\n".join(lines))
    return system, user


_FLAG_ADVICE = {
    "lacked specific metric": "Close every story with a number: time saved, a percentage, "
                              "users or revenue.",
    "no clear personal actions": "Say \u201cI\u201d for what you did: two or three concrete "
                                 "steps, in order.",
    "no clear result": "End each story with how it turned out and what you learned.",
    "too short": "Give yourself 60 to 90 seconds per answer: there is room for the details "
                 "that convince.",
    "off topic": "Restate the question in your first sentence so the answer stays on it.",
    "partly off topic": "Tell a story about what was asked: a strong story about something "
                        "else only partly answers it.",
    "filler words": "Pause instead of filling (\u201cbasically\u201d, \u201ckind of\u201d).",
    "generic answer": "Replace talk about your approach with the approach itself: the actual "
                      "example, number or step.",
    "hedging": "Say what you checked or would check first, not everything it could be.",
    "rambling": "Cut to the few facts that matter: a shorter answer with evidence beats a long "
                "one without.",
    "red flag": "Own your part in the story, and show interest in the role itself.",
}
_DIMENSION_ADVICE = {
    "completeness": "Cover every part: situation, task, action, result (or approach, edge "
                    "cases and trade-offs for technical questions).",
    "relevance": "Answer the exact question first, then add context.",
    "structure": "Use one clear order per answer and signpost it (first, then, finally).",
    "specificity": "Name the tools, people and numbers: specifics are what interviewers "
                   "remember.",
}


def debrief_offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    answers = inputs["answers"]
    facts = scoring.summarize(answers, inputs["total"])
    where = f"{INTERVIEW_TYPES[inputs['interviewType']].lower()} mock for {inputs['role']} " \
            f"at {inputs['company']}"
    if not facts["answered"]:
        return {"summary": f"You ended the {where} without answering a question. Start "
                           f"another when you have 15 minutes: five answers give a useful "
                           f"read.", "strengths": [], "focusNext": [
                               "Answer at least three questions to get a session score."]}
    averages = {k: v for k, v in facts["dimensionAverages"].items() if v is not None}
    best = max(averages, key=lambda k: (averages[k], k))
    worst = min(averages, key=lambda k: (averages[k], k))
    top = max(answers, key=lambda a: a["overall"])
    summary = (f"You answered {facts['answered']} of {facts['total']} questions in this "
               f"{where}, scoring {facts['overallScore']}/10 overall.")
    if averages[best] == averages[worst]:
        summary += f" Every dimension averaged {averages[best]}."
    else:
        summary += (f" Your strongest dimension was {best} ({averages[best]}) and the weakest "
                    f"{worst} ({averages[worst]}).")
    if facts["commonFlags"]:
        first = facts["commonFlags"][0]
        answered = facts["answered"]
        summary += (f" The most frequent gap: {first['flag'].removeprefix('missed: ')} "
                    f"({first['count']} of {answered} {'answer' if answered == 1 else 'answers'}).")
    strengths = [f"Best answer ({top['overall']}/10): {scoring.quote(top['question'])}."]
    strengths += [f"{name.capitalize()} averaged {value}/10." for name, value
                  in sorted(averages.items(), key=lambda item: -item[1]) if value >= 7][:2]
    focus = [_FLAG_ADVICE[f["flag"]] if f["flag"] in _FLAG_ADVICE else
             f"Cover what the question expects: {f['flag'].removeprefix('missed: ')}."
             for f in facts["commonFlags"]
             if f["flag"] in _FLAG_ADVICE or f["flag"].startswith("missed: ")]
    if averages[worst] < 8:
        focus.append(_DIMENSION_ADVICE[worst])
    if facts["answered"] < facts["total"]:
        focus.append(f"Finish all {facts['total']} questions next time: the unanswered ones "
                     f"are often the hardest, and the most useful to practise.")
    return {"summary": summary, "strengths": strengths,
            "focusNext": list(dict.fromkeys(focus))[:4]}


TASKS = (
    AiTask(name=GENERATE, description="Mock interview questions for a company, role, "
                                      "interview type, seniority and focus areas.",
           prompt=_generate_prompt, input_schema=GenerateIn, output_schema=GenerateOut,
           offline=generate_offline, temperature=0.7, max_tokens=1500,
           examples=({"company": "Stripe", "role": "Senior Backend Engineer",
                      "interviewType": "behavioral", "seniority": "senior",
                      "focusAreas": ["leadership", "conflict"]},
                     {"company": "Acme Health", "role": "Data Analyst",
                      "interviewType": "technical", "count": 6,
                      "jobDescription": "You will build dashboards in Tableau and run A/B "
                                        "tests on the checkout funnel."})),
    AiTask(name=SCORE, description="Scores an interview answer 1-10 on completeness, "
                                   "relevance, structure and specificity, with a rubric, "
                                   "flags and an improved answer in the candidate's voice.",
           prompt=_score_prompt, input_schema=ScoreIn, output_schema=ScoreOut,
           offline=scoring.score, temperature=0.0, max_tokens=1800,
           examples=({"question": "Tell me about a time you disagreed with your manager.",
                      "answer": "Last year at Northwind my manager wanted to ship a release "
                                "with known bugs. My job was to own the release. I showed "
                                "him the crash data, then I proposed a two-day delay. As a "
                                "result we shipped with 40% fewer crashes.",
                      "category": "behavioral"},)),
    AiTask(name=DEBRIEF, description="A debrief of a finished mock interview: summary, "
                                     "strengths and what to practise next.",
           prompt=_debrief_prompt, input_schema=DebriefIn, output_schema=DebriefOut,
           offline=debrief_offline, temperature=0.3, max_tokens=800,
           examples=({"company": "Acme", "role": "Engineer", "interviewType": "behavioral",
                      "total": 5, "answers": [
                          {"question": "Tell me about a conflict.", "category": "behavioral",
                           "overall": 6.5, "flags": ["lacked specific metric"],
                           "scores": {"completeness": 7, "relevance": 8, "structure": 6,
                                      "specificity": 5}}]},)),
)
