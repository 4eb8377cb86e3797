"""``ai_tools.negotiation_coach``: market read, strategy, counter-offer e-mail, scripts.

Offline, everything is computed from the numbers given: the offer's percentile in the market
range (10th at the low end, 50th at the median, 90th at the high end, linear between), a counter
of at least 5% over the offer aimed at 5% over the median (capped at the range's top, raised to
match a better competing offer), the approach (walk-away when the walk-away number is out of
reach, assertive with leverage or a below-median offer, else collaborative; softened after a
negotiation the user reported as rescinded or rated poorly). Lessons from the user's earlier
feedback (through the context) are carried into the talking points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, fragment, is_clause, shorten
from lightninghire_plugins.ai_tools.tools.money import money, round_to

NAME = "ai_tools.negotiation_coach"
APPROACHES = ("collaborative", "assertive", "walk-away")
PRESSURES = ("best-offer", "deadline", "expectations", "other-candidates", "other-offers")


class CompetingIn(Schema):
    class Meta:
        unknown = EXCLUDE

    company = fields.String(required=True, validate=validate.Length(1, 200))
    totalComp = fields.Float(required=True, validate=validate.Range(min=0))


class NegotiationIn(Schema):
    role = fields.String(required=True, validate=validate.Length(1, 200))
    level = fields.String(load_default=None, allow_none=True)
    location = fields.String(load_default=None, allow_none=True)
    company = fields.String(load_default=None, allow_none=True)
    currency = fields.String(load_default="USD")
    baseSalary = fields.Float(required=True, validate=validate.Range(min=1))
    totalComp = fields.Float(load_default=None, allow_none=True)
    signingBonus = fields.Float(load_default=0)
    annualBonus = fields.Float(load_default=0)
    equityPerYear = fields.Float(load_default=0)
    ptoDays = fields.Integer(load_default=None, allow_none=True)
    benefitsNotes = fields.String(load_default=None, allow_none=True)
    target = fields.Float(load_default=None, allow_none=True)
    walkAway = fields.Float(load_default=None, allow_none=True)
    marketLow = fields.Float(load_default=None, allow_none=True)
    marketMedian = fields.Float(load_default=None, allow_none=True)
    marketHigh = fields.Float(load_default=None, allow_none=True)
    competingOffers = fields.List(fields.Nested(CompetingIn), load_default=list)
    candidateName = fields.String(load_default="")
    recipientName = fields.String(load_default=None, allow_none=True)
    jobHighlight = fields.String(load_default=None, allow_none=True)
    startDate = fields.String(load_default=None, allow_none=True)
    priorLessons = fields.List(fields.String(), load_default=list)
    priorOutcomes = fields.List(fields.String(), load_default=list)
    priorRatings = fields.List(fields.Integer(), load_default=list)


class MarketOut(AiOutput):
    low = fields.Integer(required=True)
    median = fields.Integer(required=True)
    high = fields.Integer(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["given", "estimated"]))
    offerPercentile = fields.Integer(required=True, validate=validate.Range(1, 99))
    factors = fields.List(fields.String(), load_default=list)


class RangeOut(AiOutput):
    low = fields.Integer(required=True)
    high = fields.Integer(required=True)


class StrategyOut(AiOutput):
    approach = fields.String(required=True, validate=validate.OneOf(APPROACHES))
    reasoning = fields.String(required=True, validate=validate.Length(1, 1000))
    targetCounter = fields.Integer(required=True)
    counterRange = fields.Nested(RangeOut, required=True)
    levers = fields.List(fields.String(), required=True)
    tactics = fields.List(fields.String(), required=True)


class EmailOut(AiOutput):
    subject = fields.String(required=True, validate=validate.Length(1, 200))
    body = fields.String(required=True, validate=validate.Length(1, 5000),
                         metadata={"description": "fully filled in: no [brackets] or blanks"})


class DeflectionOut(AiOutput):
    pressure = fields.String(required=True, validate=validate.OneOf(PRESSURES))
    script = fields.String(required=True, validate=validate.Length(1, 1000))
    reasoning = fields.String(required=True, validate=validate.Length(1, 600))
    likelyNextMove = fields.String(required=True, validate=validate.Length(1, 600))


class WalkawayOut(AiOutput):
    onboardingMinimum = fields.Integer(allow_none=True, load_default=None)
    fullPackage = fields.Integer(required=True)
    alternatives = fields.List(fields.String(), load_default=list)
    nonMonetary = fields.List(fields.String(), load_default=list)
    runway = fields.String(required=True, validate=validate.Length(1, 800))


class NegotiationOut(AiOutput):
    marketAnalysis = fields.Nested(MarketOut, required=True)
    strategy = fields.Nested(StrategyOut, required=True)
    talkingPoints = fields.List(fields.String(validate=validate.Length(1, 600)), required=True,
                                validate=validate.Length(1, 10))
    email = fields.Nested(EmailOut, required=True)
    deflections = fields.List(fields.Nested(DeflectionOut), required=True,
                              validate=validate.Length(5, 5))
    walkaway = fields.Nested(WalkawayOut, required=True)


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You are a salary negotiation coach. Use only the numbers given; when no market "
              "range is given, say it is estimated. The counter-offer e-mail must be complete "
              "and ready to send: no [brackets], blanks or placeholders. Structure it as: "
              "acknowledgment, enthusiasm tied to the role, market-based ask, a specific "
              "number, openness to continue. Give exactly five deflection scripts, one per "
              "pressure: " + ", ".join(PRESSURES) + ".")
    facts = {k: v for k, v in inputs.items() if v not in (None, "", [], 0)}
    return system, f"Negotiation facts (JSON): {facts}"


def _market(inputs: Mapping[str, Any]) -> dict[str, Any]:
    base = inputs["baseSalary"]
    low, median, high = inputs["marketLow"], inputs["marketMedian"], inputs["marketHigh"]
    if any(v is not None for v in (low, median, high)):
        if median is None:
            median = (low + high) / 2 if low is not None and high is not None else (
                (low or high) * (1.15 if high is None else 0.87))
        low = low if low is not None else median * 0.85
        high = high if high is not None else median * 1.15
        source = "given"
    else:
        # Without data, assume the usual room: first offers sit 5-10% under the band's middle.
        low, median, high, source = base * 0.9, base * 1.05, base * 1.2, "estimated"
    return {"low": round(low), "median": round(median), "high": round(high), "source": source,
            "offerPercentile": percentile(base, low, median, high)}


def percentile(value: float, low: float, median: float, high: float) -> int:
    """10 at ``low``, 50 at ``median``, 90 at ``high``, linear between, clipped to 1..99."""
    if value <= median:
        span = max(median - low, 1)
        pct = 50 - 40 * (median - value) / span
    else:
        span = max(high - median, 1)
        pct = 50 + 40 * (value - median) / span
    return int(max(1, min(99, round(pct))))


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    cur = inputs["currency"]
    base = inputs["baseSalary"]
    market = _market(inputs)
    full = round(inputs["totalComp"] if inputs["totalComp"] else
                 base + inputs["annualBonus"] + inputs["equityPerYear"] + inputs["signingBonus"])
    best_other = max(inputs["competingOffers"], key=lambda o: o["totalComp"], default=None)
    leverage = best_other is not None and best_other["totalComp"] > full
    if inputs["target"]:
        counter = round_to(inputs["target"])
    else:
        counter = max(base * 1.05, min(max(base * 1.08, market["median"] * 1.05), market["high"]))
        if leverage:
            counter = max(counter, min(base + best_other["totalComp"] - full, market["high"] * 1.1))
        counter = round_to(counter)
    walk = inputs["walkAway"]
    floor = round_to(max(walk or 0, base * 1.03))
    factors = [f"Your base of {money(base, cur)} sits near the {market['offerPercentile']}th "
               f"percentile of the {'given' if market['source'] == 'given' else 'estimated'} "
               f"range {money(market['low'], cur)}\u2013{money(market['high'], cur)}."]
    if inputs["equityPerYear"]:
        share = inputs["equityPerYear"] / max(full, 1)
        factors.append(f"Equity is {share:.0%} of the first-year package: ask how it is valued "
                       f"and when it vests.")
    if inputs["totalComp"] or inputs["annualBonus"] or inputs["signingBonus"]:
        factors.append(f"Total compensation {money(full, cur)} vs base {money(base, cur)}: "
                       f"negotiate the parts that recur (base, equity) before one-off bonuses.")
    if market["source"] == "estimated":
        factors.append("No market range was given: these figures assume the usual 5\u201310% "
                       "room in a first offer. Add a range from salary sites to sharpen them.")

    approach, reasoning = _approach(inputs, market, walk, leverage, best_other, cur)
    levers = _levers(inputs, base)
    name = inputs["candidateName"].strip() or "me"
    tactics = [
        "Thank them and say you are excited before any number.",
        f"Name one number, {money(counter, cur)}, and stop talking: let them answer.",
        "Anchor on market data and the value you bring, never on personal needs.",
        f"If they cannot move on base, trade for levers: {', '.join(levers[:3])}.",
        "Get the final package in writing before you accept.",
    ]
    points = [f"The {inputs['role']} role{_at(inputs)} is my first choice and I want to make it "
              f"work.",
              f"Market data puts comparable roles at {money(market['low'], cur)}\u2013"
              f"{money(market['high'], cur)}; the offer's base is at about the "
              f"{market['offerPercentile']}th percentile.",
              f"I am asking for {money(counter, cur)} in base salary."]
    if leverage:
        points.append(f"I have a competing offer at {money(best_other['totalComp'], cur)} total "
                      f"from {best_other['company']}; I would rather join you.")
    for lesson in inputs["priorLessons"][:2]:
        if fragment(lesson):
            points.append(f"From your last negotiation: {fragment(lesson)}.")
    return {
        "marketAnalysis": {**market, "factors": factors},
        "strategy": {"approach": approach, "reasoning": reasoning, "targetCounter": counter,
                     "counterRange": {"low": min(floor, counter), "high": counter},
                     "levers": levers, "tactics": tactics},
        "talkingPoints": points[:10],
        "email": _email(inputs, market, counter, leverage, best_other, levers, name, cur),
        "deflections": _deflections(inputs, counter, floor, leverage, best_other, cur),
        "walkaway": {
            "onboardingMinimum": round(walk) if walk else None, "fullPackage": full,
            "alternatives": ([f"{o['company']}: {money(o['totalComp'], cur)} total"
                              for o in inputs["competingOffers"]]
                             or ["Keep your other processes warm until you sign."]),
            "nonMonetary": _non_monetary(inputs),
            "runway": (f"Decide before the call: the lowest base you would sign at is "
                       f"{money(walk or floor, cur)}. Below it, thank them and decline "
                       f"politely; above it, weigh the levers.")},
    }


def _at(inputs: Mapping[str, Any]) -> str:
    return f" at {inputs['company']}" if inputs["company"] else ""


def _approach(inputs: Mapping[str, Any], market: Mapping[str, Any], walk: float | None,
              leverage: bool, best_other: Mapping[str, Any] | None, cur: str) -> tuple[str, str]:
    base = inputs["baseSalary"]
    if walk and (walk > market["high"] or walk > base * 1.15):
        return ("walk-away", f"Your walk-away of {money(walk, cur)} is more than the offer and "
                             f"the market are likely to reach: ask once for their best and "
                             f"final number, and be ready to decline.")
    approach, why = "collaborative", "The offer is in a fair part of the range: ask warmly, " \
                                     "as a partner solving a gap together."
    if leverage:
        approach = "assertive"
        why = (f"A better competing offer ({best_other['company']}, "
               f"{money(best_other['totalComp'], cur)}) gives you real leverage.")
    elif market["offerPercentile"] < 40:
        approach = "assertive"
        why = (f"The offer is below the market middle (about the {market['offerPercentile']}th "
               f"percentile): a firm, data-backed ask is justified.")
    soured = ("rescinded" in inputs["priorOutcomes"]
              or (inputs["priorRatings"] and inputs["priorRatings"][0] <= 2))
    if approach == "assertive" and soured:
        approach = "collaborative"
        why += (" Your feedback on your last negotiation went badly, so keep the same number "
                "but a collaborative tone.")
    return approach, why


def _levers(inputs: Mapping[str, Any], base: float) -> list[str]:
    notes = (inputs["benefitsNotes"] or "").lower()
    levers = []
    if inputs["signingBonus"] < base * 0.1:
        levers.append("signing bonus")
    levers.append("equity refresh" if inputs["equityPerYear"] else "equity grant")
    levers.append("start date")
    if "remote" not in notes:
        levers.append("remote flexibility")
    if inputs["ptoDays"] is None or inputs["ptoDays"] < 25:
        levers.append("PTO")
    if inputs["level"]:
        levers.append("title")
    if "relocat" in notes:
        levers.append("relocation")
    return levers


def _email(inputs: Mapping[str, Any], market: Mapping[str, Any], counter: int, leverage: bool,
           best_other: Mapping[str, Any] | None, levers: list[str], name: str,
           cur: str) -> dict[str, str]:
    recipient = (inputs["recipientName"] or "").strip()
    greeting = f"Hi {recipient.split()[0]}," if recipient else "Hello,"
    role = inputs["role"].strip()
    highlight = fragment(inputs["jobHighlight"] or "")
    # A highlight with its own subject ("you are rebuilding ...") cannot follow "about".
    excited = (f"I'm especially excited about the work itself: {highlight}"
               if highlight and is_clause(highlight) else
               f"I'm especially excited about {highlight}" if highlight else
               "I'm excited about the work ahead and the team I'd be joining")
    location = inputs["location"] or ""
    where = (" (remote)" if location.lower().startswith("remote") else
             f" in {location}" if location else "")
    level = (f"{inputs['level']} " if inputs["level"]
             and inputs["level"].lower() not in role.lower() else "")
    if market["source"] == "given":
        market_line = (f"Based on market data for {level}{role} roles{where}, base salaries run "
                       f"from {money(market['low'], cur)} to {money(market['high'], cur)}.")
    else:
        market_line = (f"Based on my research into comparable {level}{role} roles{where}, and "
                       f"the scope we discussed, I believe there is room in the base.")
    competing = (f" I also have an offer from {best_other['company']} at "
                 f"{money(best_other['totalComp'], cur)} in total compensation, but "
                 f"{inputs['company'] or 'your team'} is my first choice." if leverage else "")
    extra = f" I'm also open to discussing the {levers[0]} if that helps." if levers else ""
    start = f" and start on {inputs['startDate']}" if inputs["startDate"] else ""
    sign = "" if name == "me" else f"\n{name}"
    body = (f"{greeting}\n\nThank you for the offer for the {role} role{_at(inputs)}. "
            f"{excited}.\n\n{market_line}{competing} With that in mind, I'd like to ask for a "
            f"base salary of {money(counter, cur)}.{extra}\n\nIf we can get there, I'm ready to "
            f"sign{start}. I'm happy to talk it through on a call if that's easier.\n\n"
            f"Best regards,{sign}")
    subject = f"{role} offer" + (f" \u2013 {name}" if name != "me" else "")
    return {"subject": subject, "body": body}


def _deflections(inputs: Mapping[str, Any], counter: int, floor: int, leverage: bool,
                 best_other: Mapping[str, Any] | None, cur: str) -> list[dict[str, str]]:
    other = (f"Yes: I have an offer from {best_other['company']} at "
             f"{money(best_other['totalComp'], cur)} total. I'd still rather join you, which "
             f"is why I'm asking for {money(counter, cur)}." if leverage else
             "I'm in other conversations, but this role is my first choice. What matters to me "
             f"is getting to {money(counter, cur)}.")
    return [
        {"pressure": "best-offer",
         "script": f"I appreciate that. If base is fixed, could we close the gap to "
                   f"{money(counter, cur)} with a signing bonus or equity?",
         "reasoning": "\u201cBest offer\u201d usually means the base band is capped, not the "
                      "package.",
         "likelyNextMove": "They check with the hiring manager for a one-off bonus or equity."},
        {"pressure": "deadline",
         "script": "I want to decide quickly too. Could we settle the compensation this week so "
                   "I can give you a firm yes by your date?",
         "reasoning": "Accepting the deadline while asking to finish the conversation keeps "
                      "the goodwill and your ask.",
         "likelyNextMove": "They answer the counter before the deadline, or extend it a few "
                           "days."},
        {"pressure": "expectations",
         "script": f"For this scope, and based on market data, I'm looking at "
                   f"{money(counter, cur)} in base.",
         "reasoning": "Name one researched number, not a range whose bottom becomes the offer.",
         "likelyNextMove": "They say where the band is; you now know the room."},
        {"pressure": "other-candidates",
         "script": f"I understand. I'm confident I'm the right fit, and at "
                   f"{money(counter, cur)} I'm ready to sign today.",
         "reasoning": "Stay calm: they made you the offer because they want you.",
         "likelyNextMove": "They move partway toward your number."},
        {"pressure": "other-offers", "script": other,
         "reasoning": "Be truthful; leverage works only if it is real.",
         "likelyNextMove": (f"They try to match; do not go below {money(floor, cur)}."
                            if leverage else "They ask what it would take; repeat your number.")},
    ]


def _non_monetary(inputs: Mapping[str, Any]) -> list[str]:
    found = []
    if inputs["ptoDays"] is not None:
        found.append(f"{inputs['ptoDays']} days of PTO")
    if inputs["benefitsNotes"]:
        found.append(inputs["benefitsNotes"][:200])
    if fragment(inputs["jobHighlight"] or ""):
        found.append(f"The work itself: {shorten(fragment(inputs['jobHighlight']), 150)}")
    return found or ["Team, growth and flexibility: list what would make you say yes at "
                     "a lower number."]


TASK = AiTask(
    name=NAME,
    description="Salary negotiation coaching: market read, strategy, a ready-to-send counter "
                "e-mail, five deflection scripts and a walk-away analysis.",
    prompt=prompt, input_schema=NegotiationIn, output_schema=NegotiationOut, offline=offline,
    max_tokens=2500, temperature=0.4,
    examples=({"role": "Senior Backend Engineer", "level": "Senior", "company": "Acme Health",
               "location": "Remote US", "baseSalary": 160000, "equityPerYear": 20000,
               "signingBonus": 10000, "marketLow": 150000, "marketMedian": 175000,
               "marketHigh": 200000, "walkAway": 165000, "candidateName": "Dana Kim",
               "recipientName": "Sam Lee", "competingOffers": [
                   {"company": "Globex", "totalComp": 205000}]},),
)
