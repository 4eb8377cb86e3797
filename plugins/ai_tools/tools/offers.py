"""Offer comparison: normalized total compensation and weighted scores, computed here (never by
a model), then ``ai_tools.offer_narrative`` tells the story of the numbers.

Per offer, per year: ``annualTotal = base + bonus + equity / vestingYears + signing / vestingYears
+ retirement match + benefits value``; ``normalized = annualTotal x 100 / costOfLivingIndex``
(100 = your reference city). Criteria are scored 0-100: compensation = normalized / best
normalized x 100; growth = rating x 20 (60 when not rated); work-life = mean of PTO (30 days =
100), work mode (remote 100, hybrid 75, on-site 50) and commute (0 min = 100, -1 per minute each
way, floor 0). The score is the weighted sum; weights are normalized to sum to 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from lightninghire.api import AiOutput, AiTask, fragment, shorten
from lightninghire_plugins.ai_tools.tools.money import money

NAME = "ai_tools.offer_narrative"
CRITERIA = ("compensation", "growth", "worklife")
DEFAULT_WEIGHTS = {"compensation": 0.5, "growth": 0.25, "worklife": 0.25}
MODE_SCORES = {"remote": 100, "hybrid": 75, "onsite": 50}


def _round2(value: float) -> float:
    return round(value, 2)


def normalize_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    given = {k: float(v) for k, v in (weights or {}).items() if k in CRITERIA}
    merged = {k: given.get(k, DEFAULT_WEIGHTS[k] if not given else 0.0) for k in CRITERIA}
    total = sum(merged.values())
    if total <= 0:
        merged, total = dict(DEFAULT_WEIGHTS), 1.0
    return {k: _round2(v / total) for k, v in merged.items()}


def compensation(offer: Mapping[str, Any], currency: str) -> dict[str, Any]:
    """One offer's yearly money, with the formula written out."""
    base = offer["baseSalary"]
    bonus = offer.get("bonus")
    if bonus is None:
        bonus = base * (offer.get("bonusPercent") or 0) / 100
    years = offer.get("vestingYears") or 4
    equity = (offer.get("equityTotal") or 0) / years
    signing = (offer.get("signingBonus") or 0) / years
    retirement = offer.get("retirementMatch") or 0
    benefits = offer.get("benefitsValue") or 0
    annual = base + bonus + equity + signing + retirement + benefits
    col = offer.get("costOfLivingIndex") or 100
    normalized = annual * 100 / col
    first_year = base + bonus + equity + (offer.get("signingBonus") or 0) + retirement + benefits
    parts = [f"{money(base, currency)} base"]
    if bonus:
        parts.append(f"{money(bonus, currency)} bonus"
                     + (f" ({offer['bonusPercent']:g}% of base)" if offer.get("bonus") is None
                        else ""))
    if equity:
        parts.append(f"{money(equity, currency)} equity ({money(offer['equityTotal'], currency)}"
                     f" / {years:g} y)")
    if signing:
        parts.append(f"{money(signing, currency)} signing ({money(offer['signingBonus'], currency)}"
                     f" / {years:g} y)")
    if retirement:
        parts.append(f"{money(retirement, currency)} retirement match")
    if benefits:
        parts.append(f"{money(benefits, currency)} benefits")
    math = f"annualTotal = {' + '.join(parts)} = {money(annual, currency)}"
    if col != 100:
        math += (f"; normalized = {money(annual, currency)} \u00d7 100 / {col:g} (cost of "
                 f"living) = {money(normalized, currency)}")
    return {"annualTotal": round(annual), "firstYearTotal": round(first_year),
            "normalizedTotal": round(normalized), "components": {
                "base": round(base), "bonus": round(bonus), "equityPerYear": round(equity),
                "signingPerYear": round(signing), "retirementMatch": round(retirement),
                "benefitsValue": round(benefits)}, "math": math}


def _worklife(offer: Mapping[str, Any]) -> tuple[float, str]:
    pto = offer.get("ptoDays")
    parts: list[tuple[float, str]] = []
    if pto is not None:
        parts.append((min(100.0, pto / 30 * 100), f"PTO {pto} d \u2192 {min(100.0, pto / 30 * 100):.0f}"))
    if offer.get("workMode"):
        parts.append((MODE_SCORES[offer["workMode"]],
                      f"{offer['workMode']} \u2192 {MODE_SCORES[offer['workMode']]}"))
    if offer.get("commuteMinutes") is not None and offer.get("workMode") != "remote":
        value = max(0.0, 100.0 - offer["commuteMinutes"])
        parts.append((value, f"commute {offer['commuteMinutes']} min \u2192 {value:.0f}"))
    if not parts:
        return 60.0, "not described \u2192 60"
    score = sum(v for v, _ in parts) / len(parts)
    return score, f"mean({', '.join(t for _, t in parts)}) = {score:.1f}"


def compare(offers: list[Mapping[str, Any]], weights: Mapping[str, float] | None,
            currency: str) -> dict[str, Any]:
    """Every offer's money, criteria scores, weighted score and rank, with the math shown."""
    w = normalize_weights(weights)
    rows = [{"company": o["company"], "role": o.get("role"), **compensation(o, currency)}
            for o in offers]
    best = max(r["normalizedTotal"] for r in rows) or 1
    for offer, row in zip(offers, rows, strict=True):
        comp = row["normalizedTotal"] / best * 100
        growth = (offer["growthRating"] * 20) if offer.get("growthRating") else 60.0
        worklife, worklife_math = _worklife(offer)
        scores = {"compensation": _round2(comp), "growth": _round2(growth),
                  "worklife": _round2(worklife)}
        total = sum(w[k] * scores[k] for k in CRITERIA)
        row["scores"] = scores
        row["weightedScore"] = _round2(total)
        row["scoreMath"] = (
            f"compensation = {row['normalizedTotal']:,} / {best:,} \u00d7 100 = "
            f"{scores['compensation']:.1f}; growth = "
            + (f"{offer['growthRating']} \u00d7 20 = {growth:.0f}" if offer.get("growthRating")
               else "not rated \u2192 60")
            + f"; work-life = {worklife_math}; score = "
            + " + ".join(f"{w[k]:.2f} \u00d7 {scores[k]:.1f}" for k in CRITERIA)
            + f" = {total:.1f}")
    order = sorted(range(len(rows)), key=lambda i: (-rows[i]["weightedScore"], i))
    for rank, i in enumerate(order, start=1):
        rows[i]["rank"] = rank
    sensitivity = {}
    for criterion in CRITERIA:
        # Who wins if this criterion mattered most (60%, the rest split evenly)?
        tilt = {k: (0.6 if k == criterion else 0.2) for k in CRITERIA}
        winner = max(range(len(rows)), key=lambda i: (
            sum(tilt[k] * rows[i]["scores"][k] for k in CRITERIA), -i))
        sensitivity[criterion] = rows[winner]["company"]
    return {"currency": currency, "weights": w, "offers": rows,
            "ranking": [rows[i]["company"] for i in order], "sensitivity": sensitivity}


class OfferRowIn(Schema):
    class Meta:
        unknown = EXCLUDE

    company = fields.String(required=True)
    role = fields.String(allow_none=True, load_default=None)
    annualTotal = fields.Integer(required=True)
    firstYearTotal = fields.Integer(required=True)
    normalizedTotal = fields.Integer(required=True)
    weightedScore = fields.Float(required=True)
    rank = fields.Integer(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)


class NarrativeIn(Schema):
    currency = fields.String(load_default="USD")
    weights = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    offers = fields.List(fields.Nested(OfferRowIn), required=True,
                         validate=validate.Length(2, 5))
    ranking = fields.List(fields.String(), required=True)
    sensitivity = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    priorities = fields.String(load_default=None, allow_none=True)


class NarrativeOut(AiOutput):
    headline = fields.String(required=True, validate=validate.Length(1, 200))
    narrative = fields.String(required=True, validate=validate.Length(1, 3000))
    considerations = fields.List(fields.String(validate=validate.Length(1, 400)),
                                 load_default=list, validate=validate.Length(max=6))
    questionsToAsk = fields.List(fields.String(validate=validate.Length(1, 300)),
                                 load_default=list, validate=validate.Length(max=6))


def prompt(inputs: Mapping[str, Any]) -> tuple[str, str]:
    system = ("You explain a job-offer comparison to a candidate. The numbers are already "
              "computed: use them exactly, never recompute or invent any. Explain who wins, by "
              "how much, why, and what would change the answer.")
    return system, f"Comparison (JSON): {dict(inputs)}"


def offline(inputs: Mapping[str, Any]) -> dict[str, Any]:
    cur = inputs["currency"]
    rows = sorted(inputs["offers"], key=lambda r: r["rank"])
    first, second = rows[0], rows[1]
    gap = first["weightedScore"] - second["weightedScore"]
    money_leader = max(rows, key=lambda r: r["normalizedTotal"])
    close = gap < 5
    headline = (f"{first['company']} comes out ahead"
                + (" by a narrow margin" if close else "")
                + f" ({first['weightedScore']:.1f} vs {second['weightedScore']:.1f})")
    text = [f"With your weights (compensation {inputs['weights'].get('compensation', 0):.0%}, "
            f"growth {inputs['weights'].get('growth', 0):.0%}, work-life "
            f"{inputs['weights'].get('worklife', 0):.0%}), {first['company']} scores "
            f"{first['weightedScore']:.1f} and {second['company']} {second['weightedScore']:.1f}."]
    if money_leader["company"] == first["company"]:
        text.append(f"It also pays the most: {money(first['normalizedTotal'], cur)} a year "
                    f"normalized.")
    else:
        diff = money_leader["normalizedTotal"] - first["normalizedTotal"]
        text.append(f"{money_leader['company']} pays {money(diff, cur)} a year more "
                    f"(normalized), but {first['company']} wins on "
                    + ", ".join(k for k in ("growth", "worklife")
                                if first["scores"][k] > money_leader["scores"][k])
                    + ".")
    flips = {k: v for k, v in inputs["sensitivity"].items() if v != first["company"]}
    if flips:
        text.append("The answer depends on what matters most: "
                    + "; ".join(f"if {k} dominated, {v} would win" for k, v in flips.items())
                    + ".")
    else:
        text.append(f"{first['company']} wins whichever criterion you emphasize.")
    considerations = []
    for row in rows:
        if row["firstYearTotal"] - row["annualTotal"] > 0.1 * row["annualTotal"]:
            considerations.append(f"{row['company']}'s first year ({money(row['firstYearTotal'], cur)}) "
                                  f"is inflated by the signing bonus.")
    if close:
        considerations.append("The scores are close: negotiate with the front-runner using the "
                              "other offer before deciding.")
    questions = ["How is the equity valued, and what are the vesting and refresh policies?",
                 "What does a typical first-year review and raise look like?"]
    if inputs.get("priorities"):
        considerations.append(f"You said what matters: {shorten(fragment(inputs['priorities']), 200)}.")
    return {"headline": headline, "narrative": " ".join(text)[:3000],
            "considerations": considerations[:6], "questionsToAsk": questions}


_EXAMPLE_OFFERS = [
    {"company": "Acme", "baseSalary": 150000, "bonusPercent": 10, "equityTotal": 100000,
     "vestingYears": 4, "ptoDays": 20, "workMode": "remote", "growthRating": 4},
    {"company": "Globex", "baseSalary": 165000, "signingBonus": 20000, "ptoDays": 15,
     "workMode": "onsite", "commuteMinutes": 40, "growthRating": 3, "costOfLivingIndex": 120},
]

TASK = AiTask(
    name=NAME,
    description="The story of an offer comparison whose numbers are already computed.",
    prompt=prompt, input_schema=NarrativeIn, output_schema=NarrativeOut, offline=offline,
    max_tokens=900, temperature=0.3,
    examples=(compare(_EXAMPLE_OFFERS, None, "USD"),),
)
