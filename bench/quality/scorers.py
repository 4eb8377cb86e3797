"""Drive each offline scorer through the path the product uses, on a real app.

Each scorer takes an ``AppHarness`` (``lightninghire.testing``: the full app from
``create_app``, its ``DrainingClient`` and helpers to make signed-in users) and the labelled
groups, and returns ``{item id: Scored}``:

- ``mock_answer``: the AI task ``interview.score_answer`` run by name through the app's AI
  service with the inputs ``plugins/interview/mock/service.py`` gives it; its ``overall``.
- ``job_match``: ``POST /api/jobs/match`` with the posting and the resume text (a Pro user).
- ``analyze``: ``POST /api/analyze`` with ``{job: {description, title, company}, resume:
  {text}}`` (a Pro user); ``overallScore``, or the A-F grade mapped to a number when absent.
- ``fit_score``: a recruiter (Recruiter Pro) creates one role per posting (title, location,
  description) and one candidate per resume (name, resumeText), then
  ``POST /api/candidates/{id}/fit-score``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

ANSWER_SCORERS = ("mock_answer",)
RESUME_SCORERS = ("job_match", "analyze", "fit_score")
SCORERS = ANSWER_SCORERS + RESUME_SCORERS
# Run by name, as the mock-interview service does: the task's module may move, its name stays.
SCORE_ANSWER = "interview.score_answer"
# Only used when an evaluation carries a grade but no number (the middle of each band).
GRADE_POINTS = {"A": 95.0, "B": 82.0, "C": 67.0, "D": 52.0, "F": 30.0}


@dataclass(frozen=True)
class Scored:
    score: float
    detail: str  # a few words shown by ``--show`` (flags, band, grade…)


def kind_of(scorer: str) -> str:
    return "answers" if scorer in ANSWER_SCORERS else "resumes"


def _ok(result: Any, *statuses: int) -> Any:
    if result.status_code not in (statuses or (200,)):
        raise RuntimeError(f"{result.status_code}: {result.text[:300]}")
    return result.json["data"]


def mock_answer(harness: Any, groups: Iterable[Any]) -> dict[str, Scored]:
    user = harness.create_user(tier="pro")
    out = {}
    for group in groups:
        question = group.prompt
        for item in group.items:
            data = harness.services.ai.run(SCORE_ANSWER, {
                "question": question["question"], "answer": item.text,
                "category": question["category"],
                "interviewType": question.get("interview_type")}, user=user).data
            scores = data["scores"]
            detail = (f"c{scores['completeness']} r{scores['relevance']} "
                      f"s{scores['structure']} sp{scores['specificity']}"
                      + (f" flags: {'; '.join(data['flags'])}" if data.get("flags") else ""))
            out[item.id] = Scored(float(data["overall"]), detail)
    return out


def job_match(harness: Any, groups: Iterable[Any]) -> dict[str, Scored]:
    caller = harness.api_caller(tier="pro")
    out = {}
    for group in groups:
        job = group.prompt
        for item in group.items:
            data = _ok(caller.post("/api/jobs/match", json={
                "jobTitle": job["title"], "jobDescription": job["description"].strip(),
                "resumeText": item.text}))
            out[item.id] = Scored(float(data["score"]), f"{data['band']}")
    return out


def analyze(harness: Any, groups: Iterable[Any]) -> dict[str, Scored]:
    caller = harness.api_caller(tier="pro")
    out = {}
    for group in groups:
        job = group.prompt
        for item in group.items:
            data = _ok(caller.post("/api/analyze", json={
                "job": {"description": job["description"].strip(), "title": job["title"],
                        "company": job["company"]},
                "resume": {"text": item.text}}), 200, 201)
            number = data.get("overallScore")
            grade = data.get("grade")
            if number is None and grade is None:
                raise RuntimeError(f"analyze gave neither a score nor a grade: {data}")
            score = float(number) if number is not None else GRADE_POINTS[grade]
            out[item.id] = Scored(score, f"grade {grade}")
    return out


def fit_score(harness: Any, groups: Iterable[Any]) -> dict[str, Scored]:
    caller = harness.api_caller(user_type="recruiter", tier="recruiter_pro", roles=["recruiter"])
    out = {}
    for group in groups:
        job = group.prompt
        role = _ok(caller.post("/api/roles", json={
            "title": job["title"], "location": job["location"],
            "description": job["description"].strip(), "status": "active"}), 201)
        for item in group.items:
            name = item.text.splitlines()[0].split(" — ")[0].strip()[:200] or item.id
            candidate = _ok(caller.post("/api/candidates", json={
                "name": name, "roleId": role["id"], "resumeText": item.text}), 201)
            data = _ok(caller.post(f"/api/candidates/{candidate['id']}/fit-score"))
            out[item.id] = Scored(float(data["score"]), data["label"])
    return out


RUNNERS: dict[str, Callable[[Any, Iterable[Any]], dict[str, Scored]]] = {
    "mock_answer": mock_answer, "job_match": job_match, "analyze": analyze,
    "fit_score": fit_score}


@contextlib.contextmanager
def bench_app(uri: str = "") -> Iterator[Any]:
    """The full app (``create_app``, default plugins, offline AI) on a throwaway database: the
    embedded nx-27017 in memory unless ``uri`` names a MongoDB. Wrapped in the test harness's
    ``AppHarness`` for its signed-in callers."""
    from lightninghire.clock import FrozenClock
    from lightninghire.embedded import EmbeddedMongo
    from lightninghire.mail import MemoryTransport
    from lightninghire.testing import AppHarness, DrainingClient, create_app, isolated_settings

    with contextlib.ExitStack() as stack:
        if not uri:
            uri = stack.enter_context(EmbeddedMongo("memory")).uri
        name = f"bench_quality_{uuid.uuid4().hex[:12]}"
        transport = MemoryTransport()
        app = create_app(isolated_settings(uri, name), clock=FrozenClock(),
                         mail_transport=transport, background_threads=False)
        stack.callback(_drop, uri, name)
        stack.callback(app.close)
        yield AppHarness(app, DrainingClient(app), transport)


def _drop(uri: str, name: str) -> None:
    from pymongo import MongoClient

    client: MongoClient[dict[str, Any]] = MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        client.drop_database(name)
    finally:
        client.close()
