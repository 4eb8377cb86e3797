"""Issue 20, interview answers: the offline scorer rewards evidence, not vocabulary, and the text
it generates has no seams. Every answer goes through the real path: the AI task
``interview.score_answer`` run by name on the app (offline provider), or the mock-interview and
live-session routes."""

from __future__ import annotations

import re

import pytest

from lightninghire.testing import assert_ok
from lightninghire_plugins.interview.mock import ai as mock_ai
from tests.plugins.interview import graded_answers as g


@pytest.fixture
def score(make_app):
    services = make_app(plugins=["plans", "interview"]).services

    def run(question: str, answer: str, category: str = "behavioral", **extra):
        return services.ai.run(mock_ai.SCORE, {"question": question, "answer": answer,
                                               "category": category, **extra}).data
    return run


def feedback(result, dimension):
    return next(r["feedback"] for r in result["rubric"] if r["dimension"] == dimension)


# -- the failure modes named in the issue -------------------------------------------------------

PRECISE_FIX = (
    "Last month our search endpoint's p95 went from 300 ms to 2.1 s after a release. I compared "
    "the slow traces in Datadog with the previous build and saw 40 extra queries per request: "
    "a new serializer loaded each author separately. I replaced it with one batched query and "
    "a select_related, which brought p95 back to 280 ms, and I added a query-count assertion "
    "to the endpoint's tests so it cannot regress silently.")


def test_rubric_recitation_scores_below_a_precise_answer_with_measurements(score):
    recital = score(g.DEBUG, g.DEBUG_RUBRIC, "technical")
    precise = score(g.DEBUG, PRECISE_FIX, "technical")
    assert precise["overall"] >= recital["overall"] + 4
    assert precise["scores"]["specificity"] >= 8 and recital["scores"]["specificity"] <= 3
    # The precise answer has an example, an approach and numbers: never "missed" them.
    missed = " ".join(f for f in precise["flags"] if f.startswith("missed:"))
    assert "a concrete example" not in missed and "an approach" not in missed
    assert "lacked specific metric" not in precise["flags"]
    assert "generic answer" in recital["flags"]
    assert "says what a good answer contains" in feedback(recital, "specificity")


def test_hedged_rambling_scores_below_a_structured_shorter_answer(score):
    rambling = score(g.DEBUG, g.DEBUG_RAMBLING, "technical")
    structured = score(g.DEBUG, g.DEBUG_STRUCTURED, "technical")
    assert len(g.DEBUG_STRUCTURED.split()) < len(g.DEBUG_RAMBLING.split())
    assert structured["overall"] >= rambling["overall"] + 4
    assert rambling["scores"]["completeness"] <= 3  # length does not make it complete
    for dimension in ("completeness", "structure", "specificity"):
        assert structured["scores"][dimension] > rambling["scores"][dimension]
    assert "hedging" in rambling["flags"]
    assert "\u201cit could be\u201d" in feedback(rambling, "specificity")
    # A list of guesses is not an example: the feedback does not say it shows one.
    shows = feedback(rambling, "completeness").split(".")[0]
    assert "a concrete example" not in shows


def test_more_rambling_never_raises_completeness(score):
    once = score(g.DEBUG, g.DEBUG_RAMBLING, "technical")
    twice = score(g.DEBUG, g.DEBUG_RAMBLING + " " + g.DEBUG_RAMBLING, "technical")
    assert twice["scores"]["completeness"] <= once["scores"]["completeness"]
    assert twice["scores"]["structure"] <= once["scores"]["structure"]
    assert twice["overall"] <= once["overall"]
    assert "rambling" in twice["flags"] and "it repeats itself" in feedback(twice, "structure")


def test_synonyms_of_the_question_make_an_answer_relevant(score):
    """"Clashed" and "pushed back" answer "disagreed"; a fluent story about something else does
    not, and its overall score drops with its relevance."""
    clashed = score(g.CONFLICT, g.CLASHED)
    assert "disagree" not in g.CLASHED.lower()
    assert clashed["scores"]["relevance"] >= 8 and "off topic" not in clashed["flags"]
    assert "does not answer" not in feedback(clashed, "relevance")
    off_topic = score(g.CONFLICT, g.CONFLICT_OFF_TOPIC)
    assert off_topic["scores"]["relevance"] <= 3 and "off topic" in off_topic["flags"]
    assert off_topic["scores"]["specificity"] >= 8  # fluent and specific, yet
    assert off_topic["overall"] <= 4 < clashed["overall"] - 4


@pytest.mark.parametrize("question, answer, category", [
    ("Tell me about a time you failed.", g.FAILURE_SYNONYM, "behavioral"),
    ("Tell me about a time you had a conflict with a coworker.",
     "My teammate Priya and I butted heads over code review: she objected to every PR I opened "
     "without tests. I sat down with her, agreed on a checklist we both used, and our review "
     "time fell from 3 days to 1.", "behavioral"),
    ("Tell me about a time you had to deliver under a tight deadline.",
     "In March our payments team had 10 days to support a new EU rule or lose $2M a month. I "
     "split the work into 6 tickets, took the two riskiest myself and shipped on day 8; the "
     "bank certified us on the first try.", "behavioral"),
    ("A prospect says your product is too expensive. How do you respond?",
     "I'd ask what budget they had in mind, then tie our $40k licence to their numbers: 20 reps "
     "losing 3 hours a week is about $150k a year. If budget is the real limit I'd offer a "
     "90-day pilot for one team.", "situational"),
    ("How do you handle competing priorities?",
     "Last quarter I triaged 14 requests by revenue impact, deferred 5 with the requesters' "
     "agreement and said no to 2; the 7 we kept all shipped on time.", "situational"),
])
def test_answers_in_other_words_are_on_topic(score, question, answer, category):
    result = score(question, answer, category)
    assert result["scores"]["relevance"] >= 7 and "off topic" not in result["flags"]


def test_a_labelled_result_line_counts_as_a_result(score, make_app):
    answer = ("Situation: our biggest client threatened to leave after three late invoices.\n"
              "Task: I owned the account and had to keep it.\n"
              "Action: I met their finance lead, traced the delays to a manual export and "
              "automated it with a nightly job.\n"
              "Result: zero late invoices in the next two quarters and a two-year extension.")
    result = score("Tell me about a time you kept an unhappy customer.", answer)
    assert "no clear result" not in result["flags"]
    assert "Missing" not in feedback(result, "completeness")
    assert result["scores"]["completeness"] >= 7
    star = make_app(plugins=["plans", "interview"]).services.ai.run(
        "interview.score_star", {"question": "Tell me about an unhappy customer.",
                                 "answer": answer}).data
    result_dim = next(d for d in star["dimensions"] if d["name"] == "result")
    assert result_dim["score"] >= 3 and "Measured outcome" in result_dim["feedback"]
    situation = next(d for d in star["dimensions"] if d["name"] == "situation")
    assert situation["score"] >= 3


def test_labelled_sections_count_as_structure(score):
    labelled = score(g.DESIGN, g.DESIGN_LABELLED, "system_design")
    # The same facts with the labels taken out, as one paragraph.
    plain = re.sub(r"^[A-Za-z ]+: ", "", g.DESIGN_LABELLED, flags=re.MULTILINE).replace("\n", " ")
    unlabelled = score(g.DESIGN, plain, "system_design")
    assert labelled["scores"]["structure"] >= 8
    assert labelled["scores"]["structure"] > unlabelled["scores"]["structure"]
    assert "labelled sections" in feedback(labelled, "structure")
    numbered = score(g.DEBUG, "1. Check p95 in Grafana to see when it regressed.\n"
                              "2. Trace a slow request with OpenTelemetry.\n"
                              "3. Run EXPLAIN on the slowest query and add the missing index.\n"
                              "4. Confirm p95 is back under 200 ms and add an alert.",
                     "technical")
    assert numbered["scores"]["structure"] >= 7
    assert "numbered steps" in feedback(numbered, "structure")


PASSWORD_POINTS = ["slow hash like bcrypt or argon2", "unique salt",
                   "never store plaintext or reversible encryption"]


def test_key_points_count_when_shown_and_are_named_missing_otherwise(score):
    question = "How would you store passwords securely?"
    shown = score(question, "I'd hash them with argon2id, a slow, memory-hard function, with a "
                            "unique salt per user stored beside the hash, so a leaked table "
                            "cannot be cracked with rainbow tables. I'd set the cost so one "
                            "hash takes about 250 ms on our servers. Never encrypt them: "
                            "encryption can be reversed if the key leaks.",
                  "technical", keyPoints=PASSWORD_POINTS)
    vague = score(question, "I would make sure they are stored securely using best practices "
                            "and consider the edge cases.", "technical",
                  keyPoints=PASSWORD_POINTS)
    assert not any(f.startswith("missed:") for f in shown["flags"])
    assert shown["scores"]["completeness"] >= 7 and shown["overall"] >= vague["overall"] + 4
    assert vague["flags"][0] == "missed: " + ", ".join(PASSWORD_POINTS)
    assert feedback(vague, "completeness").startswith("Add slow hash")


def test_the_graded_set_is_ranked_like_the_grader(score):
    """Every pair of answers to one question whose grades differ by 3 or more is ordered as the
    grader ordered it (the hand-graded set in graded_answers.py)."""
    for question, answers in g.GRADED.items():
        results = [(grade, score(question, text, g.CATEGORY[question])["overall"])
                   for grade, text in answers]
        for better, better_score in results:
            for worse, worse_score in results:
                if better - worse >= 3:
                    assert better_score > worse_score, (question, better, worse)


def test_short_generic_and_filler_answers_stay_low(score):
    for question, answer in ((g.CONFLICT, g.CONFLICT_VAGUE), (g.CONFLICT, g.CONFLICT_FILLER),
                             (g.FAILURE, g.FAILURE_WEAK), (g.STAKEHOLDER, g.STAKEHOLDER_VAGUE)):
        result = score(question, answer, g.CATEGORY[question])
        assert result["overall"] <= 4, answer


def test_red_flags_are_held_low(score):
    blames = score(g.FAILURE, "The release failed but honestly it was not my fault: QA missed "
                              "it and the product manager rushed us. I shipped what I was "
                              "told on 3 March and fixed 12 bugs the week after.")
    assert "red flag" in blames["flags"] and blames["overall"] <= 2.5


# -- feedback agrees with the score ---------------------------------------------------------------


@pytest.mark.parametrize("question, answer", [
    (q, a) for q, answers in g.GRADED.items() for _, a in answers])
def test_feedback_agrees_with_the_scores(score, question, answer):
    result = score(question, answer, g.CATEGORY[question])
    scores = result["scores"]
    for line in result["strengths"]:
        assert scores[line.split(":")[0].lower()] >= 7
    for line in result["improvements"]:
        assert scores[line.split(":")[0].lower()] <= 6
    assert ("off topic" in result["flags"]) == (scores["relevance"] <= 3)
    if scores["specificity"] >= 7:
        assert "lacked specific metric" not in result["flags"] or \
            g.CATEGORY[question] not in ("behavioral", "system_design", "case")
    if any(ch.isdigit() for ch in answer) and g.CATEGORY[question] == "technical":
        assert "a concrete example" not in " ".join(result["flags"])
    if "no clear personal actions" in result["flags"]:
        assert not re.search(r"\bI (?:\w+ )?(?:wrote|rewrote|added|pushed|pulled|proposed|"
                             r"rolled|led|set|moved)\b", answer)


# -- seams in generated text ----------------------------------------------------------------------

SEAM_ANSWERS = [
    "Basically, I usually just, like, do what my manager says. i mean, he is the manager so "
    "it's kind of his call, you know.",
    ", so um we had a deadline and uh i just worked late ,, and it was fine .",
    "you know, the thing is, we were behind. i guess i talked to the team. it went ok i think",
    "um... honestly? i don't know. maybe i would ask someone",
    "- first I checked the logs\n- then I restarted the service\n- result: it worked",
    "Situation: a migration broke checkout.\nAction: i rolled it back , wrote a test.\n"
    "Result: no repeat since.",
    "like, we basically kind of just shipped it, and stuff",
    "I led the team. We shipped on time!! Everyone was happy.",
    "so yeah... it could be the database, it could be the network, maybe the cache",
    "My approach: edge cases, for example, trade-offs; I would communicate.",
    "Scale: 10k rps. API: POST /links. Data model: code -> url.",
    "at Acme in 2021 i owned billing; i cut failed payments from 4% to 1% by adding retries",
]

_SEAMS = (" ,", ",,", ". .", "..", " .", ";;", "( )", "[]", "[ ]", "  ", ",.", ", .")


def _assert_clean(text: str, where: str) -> None:
    bare = re.sub(r"\s?\u2026", "", text)  # an ellipsis stands for a word: "to \u2026 by"
    for seam in _SEAMS:
        assert seam not in bare, (where, seam, text)
    for paragraph in text.split("\n\n"):
        assert paragraph.strip(), (where, text)
        first = paragraph.lstrip("[\u201c\"")[:1]
        assert first.isupper() or first.isdigit(), (where, paragraph)
        assert paragraph.rstrip()[-1] in ".!?]\u201d\"", (where, paragraph)
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            assert not re.match(r"[\s,;:.!?-]", sentence), (where, sentence)


@pytest.mark.parametrize("answer", SEAM_ANSWERS)
@pytest.mark.parametrize("category", ["behavioral", "technical", "situational"])
def test_generated_sentences_have_no_seams(score, answer, category):
    result = score("Tell me about a time you disagreed with your manager.", answer, category)
    _assert_clean(result["improvedAnswer"], "improvedAnswer")
    for item in (*result["strengths"], *result["improvements"],
                 *(r["feedback"] for r in result["rubric"])):
        _assert_clean(item, "feedback")
    assert not result["improvedAnswer"].startswith((",", " ", "."))


def test_the_rewrite_of_a_weak_answer_keeps_the_words_without_the_fillers(score):
    result = score("Tell me about a time you disagreed with your manager.", SEAM_ANSWERS[0])
    improved = result["improvedAnswer"]
    assert improved.startswith("I usually do what my manager says.")
    assert "He is the manager so it's his call." in improved
    for filler in ("asically", "just", "like", "you know", "i mean", "kind of"):
        assert filler not in improved.split("[")[0].lower().replace("likely", "")


def test_hard_wrapped_lines_stay_whole_sentences(score):
    wrapped = ("At Northwind I rewrote the export as an Airflow DAG but skipped a dry\n"
               "run. The first night it dropped rows with null region codes, so I rolled it "
               "back within\n2 hours. What\nI did next:\n"
               "1. Wrote a test for null fields.\n2. Re-ran the exports by noon.\n"
               "No customer churned and we have had no repeat in 18 months.")
    result = score(g.FAILURE, wrapped)
    improved = result["improvedAnswer"]
    _assert_clean(improved, "improvedAnswer")
    assert "skipped a dry run." in improved and "rolled it back within 2 hours." in improved
    assert "Wrote a test for null fields. Re-ran the exports by noon." in improved
    assert "no repeat in 18 months" in improved and "no clear result" not in result["flags"]


# -- debriefs -------------------------------------------------------------------------------------


def test_mock_debrief_numbers_agree_with_dimension_averages(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    mock = assert_ok(caller.post("/api/mock-interview", json={
        "company": "Acme", "role": "Engineer", "interviewType": "behavioral"}), 201)
    path = f"/api/mock-interview/{mock['id']}"
    answers = (g.CLASHED, g.CONFLICT_VAGUE, g.FAILURE_SYNONYM)
    scored = [assert_ok(caller.post(f"{path}/answers", json={
        "questionId": q["id"], "answer": a}), 201)
        for q, a in zip(mock["questions"], answers, strict=False)]
    debrief = assert_ok(caller.post(f"{path}/complete"))["debrief"]
    averages = debrief["dimensionAverages"]
    for name, value in averages.items():
        mean = sum(s["scores"][name] for s in scored) / len(scored)
        assert value == float(f"{mean + 1e-9:.1f}")  # one decimal, half up, not truncated
    shown = dict(re.findall(r"(completeness|relevance|structure|specificity) \((\d+(?:\.\d)?)\)",
                            debrief["summary"]))
    assert shown and all(float(v) == averages[k] for k, v in shown.items())
    assert any(not float(v).is_integer() for v in averages.values())


SLOW_SEGMENTS = [
    {"speaker": "interviewer", "text": "Tell me about a time you fixed a production problem?",
     "startMs": 0, "endMs": 3000},
    # Speech-to-text style: lower case, run-on, full of first-person actions; spoken slowly.
    {"speaker": "candidate", "text": "so last spring at northwind the nightly export broke and "
                                     "customers got empty files so i checked the logs and i "
                                     "found a null region code then i wrote a fix and i added a "
                                     "test and i reran the exports and i called the two "
                                     "customers myself and after that no export failed for six "
                                     "months", "startMs": 4000, "endMs": 40000},
]


def test_live_debrief_sees_spoken_actions_and_names_the_pace_it_has(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    session = assert_ok(caller.post("/api/sessions", json={"company": "Acme",
                                                           "role": "Engineer"}), 201)
    path = f"/api/sessions/{session['id']}"
    assert_ok(caller.post(f"{path}/transcript", json={"segments": SLOW_SEGMENTS}), 201)
    ended = assert_ok(caller.post(f"{path}/end", json={}))
    debrief, metrics = ended["debrief"], ended["metrics"]
    assert metrics["paceLabel"] == "slow"
    style = debrief["communicationStyle"]
    assert "not enough timed speech" not in style.lower()
    assert style.startswith("Slow") and str(metrics["wordsPerMinute"]) in style
    [insight] = debrief["insights"]
    # It may advise the STAR order, but never says the (plentiful) actions are missing or thin.
    assert not re.search(r"(?:missing|thin):[^.]*\baction", insight["change"].lower())
    assert "no clear personal actions" not in " ".join(debrief["concerns"])


@pytest.mark.parametrize("pace", [None, "slow", "steady", "fast"])
def test_live_debrief_sentences_have_no_seams(make_app, pace):
    services = make_app(plugins=["plans", "interview"]).services
    exchanges = [{"question": "Tell me about a time you disagreed with your manager.",
                  "answer": answer, "category": category}
                 for answer, category in zip(SEAM_ANSWERS, ["behavioral", "technical",
                                                            "situational"] * 4, strict=False)]
    metrics = {"paceLabel": pace, "wordsPerMinute": None if pace is None else 140,
               "averageAnswerWords": 120, "fillerCount": 9, "fillersPer100Words": 5.0,
               "fillers": {"um": 5, "like": 4}, "longPauses": 2}
    debrief = services.ai.run("interview.session_debrief", {
        "company": "Acme", "role": "Engineer", "exchanges": exchanges, "metrics": metrics,
        "mockAverage": 5.5, "today": "2031-03-01"}).data
    texts = [debrief["summary"], debrief["communicationStyle"], *debrief["concerns"],
             *debrief["adviceForNextRound"], *(s["action"] for s in debrief["nextSteps"]),
             *(i["change"] for i in debrief["insights"])]
    for text in texts:
        _assert_clean(text, "session debrief")
        assert "(s)" not in text and ": 1 answer" not in text
    style = debrief["communicationStyle"].lower()
    assert ("not enough timed speech" in style) == (pace is None)
    if pace:
        assert style.startswith(pace) and "140 words a minute" in style


def test_mock_debrief_sentences_have_no_seams(make_app):
    services = make_app(plugins=["plans", "interview"]).services
    for scores, flags in ((
            {"completeness": 7, "relevance": 8, "structure": 6, "specificity": 4},
            ["lacked specific metric", "missed: edge cases, trade-offs"]),
            ({"completeness": 5, "relevance": 5, "structure": 5, "specificity": 5},
             ["hedging", "rambling"]),
            ({"completeness": 9, "relevance": 9, "structure": 8, "specificity": 9}, [])):
        answers = [{"question": "Tell me about a conflict.", "category": "behavioral",
                    "overall": 6.3, "scores": scores, "flags": flags},
                   {"question": "Design a cache.", "category": "system_design",
                    "overall": 4.8, "scores": {k: max(1, v - 1) for k, v in scores.items()},
                    "flags": flags[:1]}]
        debrief = services.ai.run(mock_ai.DEBRIEF, {
            "company": "Acme", "role": "Engineer", "interviewType": "behavioral", "total": 5,
            "answers": answers}).data
        for text in (debrief["summary"], *debrief["strengths"], *debrief["focusNext"]):
            _assert_clean(text, "mock debrief")
            assert "missed: " not in text and "1 of 1 answers" not in text


# -- generalisation beyond the first labelled set (dev2) ----------------------------------------

ACHIEVEMENT = "What is the achievement you are proudest of in your career so far?"


def test_numbers_no_one_can_check_are_claims_not_evidence(score):
    boast = score(ACHIEVEMENT, (
        "I consistently deliver 300% ROI at every company I join, and I'm a top 2% performer in "
        "my field. I have always exceeded my targets by 150% and my track record shows 100% of "
        "my launches succeed. Honestly my results speak for themselves."), "behavioral")
    real = score(ACHIEVEMENT, (
        "In 2023 I rewrote the invoice export at a logistics firm. It had taken 40 minutes and "
        "timed out for our 1,200 largest customers; I profiled it, replaced row-by-row queries "
        "with one batched query and streamed the file. Export time fell to 3 minutes and the "
        "support tickets about it stopped; it has always stayed under 5 minutes since. I "
        "learned to measure before I optimise."),
        "behavioral")
    assert "unverifiable numbers" in boast["flags"] and "unverifiable numbers" not in real["flags"]
    assert real["scores"]["specificity"] >= boast["scores"]["specificity"] + 4
    assert real["overall"] >= boast["overall"] + 3
    assert "no one can check" in feedback(boast, "specificity")


STORY_I = (
    "Our nightly billing job failed twice in one week and 300 invoices went out late. I traced "
    "both failures to a lock timeout, rescheduled the job away from the backup window and added "
    "an alert on its runtime. I then wrote a runbook for the on-call engineer. No invoice has "
    "gone out late in the six months since.")
STORY_WE = (
    "Our nightly billing job failed twice in one week and 300 invoices went out late. We traced "
    "both failures to a lock timeout, we rescheduled the job away from the backup window and we "
    "added an alert on its runtime. We then wrote a runbook for the on-call engineer. No invoice "
    "has gone out late in the six months since.")


def test_a_story_told_as_we_throughout_never_shows_the_candidate(score):
    question = "Tell me about a time you fixed a recurring problem."
    mine, ours = score(question, STORY_I), score(question, STORY_WE)
    assert ours["overall"] <= 6.0 < mine["overall"]
    assert "says what we did, not what you did" in ours["flags"]
    assert "says what we did, not what you did" not in mine["flags"]


def test_tell_me_about_yourself_wants_the_working_life_not_the_life_story(score):
    question = "Tell me about yourself."
    life = score(question, (
        "I grew up near the sea and as a child I loved drawing. At school I played football and "
        "the piano. After my gap year I travelled through Asia for six months. In my free time I "
        "go hiking with my dog and I bake bread at the weekends."), "culture_fit")
    work = score(question, (
        "I'm a product designer with six years in fintech. At my current company I redesigned "
        "the onboarding flow, which lifted completed sign-ups from 52% to 68%, and I now lead "
        "a team of three designers. I'm looking for a role closer to research."), "culture_fit")
    assert life["scores"]["relevance"] <= 4 and "off topic" in life["flags"]
    assert work["scores"]["relevance"] >= 7
    assert work["overall"] >= life["overall"] + 3
    assert "private life" in feedback(life, "relevance")


TOP_CUSTOMERS = ("Given a payments table (id, merchant_id, paid_at, amount), how would you find "
                 "the ten merchants with the highest total in the last 90 days?")


def test_a_query_is_a_worked_step_laid_out_not_a_run_on_sentence(score):
    query = score(TOP_CUSTOMERS, (
        "select merchant_id, sum(amount) as total\n"
        "from payments\n"
        "where paid_at >= now() - interval '90 days'\n"
        "group by merchant_id\n"
        "order by total desc\n"
        "limit 10;\n\n"
        "Refunds are negative amounts here, so they net out; ties at tenth place are cut "
        "arbitrarily, which I'd mention."), "technical")
    vague = score(TOP_CUSTOMERS, (
        "I would look at the payments and add them up for each merchant, then sort them and "
        "take the biggest ones. I would make sure the dates are right."), "technical")
    assert query["scores"]["structure"] >= 7
    assert "code laid out" in feedback(query, "structure")
    assert "group by merchant_id\norder by total desc" in query["improvedAnswer"]  # verbatim
    assert query["overall"] >= vague["overall"] + 2


def test_an_imperative_plan_has_steps_and_deferring_to_the_rulebook_does_not(score):
    question = ("A visitor on your construction site is walking around without a helmet. "
                "What do you do?")
    plan = score(question, (
        "Stop him before he goes further and walk him back to the site office. Give him a "
        "helmet and a hi-vis vest, check that he signed in and had the induction, and brief "
        "the gate on who let him through. Note it in the site diary."), "situational")
    rulebook = score(question, (
        "I would follow the site safety procedures and the company policy on visitors. Safety "
        "is always the top priority and everyone must follow the rules."), "situational")
    assert plan["overall"] >= rulebook["overall"] + 2
    assert "concrete steps" not in " ".join(plan["flags"])
    assert "concrete steps" in " ".join(rulebook["flags"])


def test_blaming_the_customer_is_a_red_flag(score):
    result = score("Tell me about a time you handled a difficult customer.", (
        "A client kept saying our export was broken, but it was clearly user error, so I told "
        "him to read the documentation again and closed the ticket."))
    assert "red flag" in result["flags"] and result["overall"] <= 2.5


def test_a_story_told_through_neighbouring_concepts_is_not_off_topic(score):
    """An underperformer story in other words (missed deadlines, pairing, goals) reaches two
    concepts next to "underperforming": partly on topic, never flagged off topic; a story that
    shares one incidental word with a neighbour stays off topic (see the conflict test)."""
    question = "How do you deal with a team member who is consistently underperforming?"
    story = score(question, (
        "Last year one of my analysts, Tom, started missing report deadlines. I asked him "
        "privately what was going on; he was stuck on a new SQL warehouse and embarrassed to "
        "say so. I paired him with a senior analyst for two weeks, we agreed three concrete "
        "goals with dates, and I checked in every Friday. He hit all three, and six months "
        "later he was training new joiners. I learned to ask before I judge."))
    vague = score(question, (
        "We had someone on the team who wasn't performing well. We talked to him and we gave "
        "him some support and training, and after a while we saw some improvement."))
    assert "off topic" not in story["flags"] and story["scores"]["relevance"] >= 4
    assert story["overall"] >= vague["overall"] + 1


def test_a_strong_story_about_something_else_is_only_partly_an_answer(score):
    """A polished debugging story given to a collaboration question: every other dimension is
    high, but it answers a different question, so it cannot rank with real answers."""
    story = ("Situation: our checkout API p95 went from 300 ms to 2.1 s after a release. Task: I "
             "owned the fix. Action: I traced it with Datadog APM, found 40 extra ORM queries per "
             "request, added a select_related and an index on orders.user_id, and rolled it out "
             "behind a flag. Result: p95 back to 280 ms within a day; I added a query-count check "
             "to CI so it cannot regress.")
    asked = "Describe a time you collaborated closely with product or design on a feature."
    elsewhere = score(asked, story)
    assert elsewhere["overall"] <= elsewhere["scores"]["relevance"] + 1
    assert {"off topic", "partly off topic"} & set(elsewhere["flags"])
    on_topic = score("Tell me about a time you debugged a slow endpoint.", story, "technical")
    assert on_topic["overall"] >= elsewhere["overall"] + 2


def test_echoing_the_questions_subject_does_not_cover_its_situation(score):
    """ "angry" and "patient" share a concept (dealing with people in care); an answer that only
    repeats "patients" reaches the subject, not the situation asked about."""
    asked = "Tell me about a time you dealt with an angry patient."
    echo = score(asked, "I love working with patients and I chose nursing because patients "
                        "matter to me. I was named employee of the month twice on my ward.")
    assert echo["scores"]["relevance"] < 10  # was 10: the echo covered "angry" too
    answered = score(asked, "A patient's son shouted at me at the desk because his father had "
                            "waited four hours for pain relief. I listened, apologised, paged the "
                            "doctor and gave the dose within ten minutes; he thanked me later.")
    assert answered["scores"]["relevance"] > echo["scores"]["relevance"]
