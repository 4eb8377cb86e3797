"""The same routes with a model behind the real OpenAI SDK (a local fake server)."""

from __future__ import annotations

import pytest

from lightninghire.testing import assert_error, assert_ok
from tests.core.test_ai_fake_server import FakeProviderServer
from tests.plugins.ai_tools.embedding_fake import EmbeddingFakeServer
from tests.plugins.ai_tools.helpers import JOB, STRONG_RESUME, context_plugin

SKILLS = {"kind": "job", "skills": [{"name": "Python", "category": "language"}],
          "niceToHave": [], "seniority": "senior", "yearsOfExperience": 5, "evidence": None}


@pytest.fixture
def llm():
    with EmbeddingFakeServer() as server:
        yield server


def _settings(llm: FakeProviderServer) -> dict[str, str]:
    return {"ai.provider": "openai", "ai.openai_api_key": "sk-test-platform-0001",
            "ai.openai_base_url": llm.openai_url}


def test_analyze_through_a_model_keeps_the_documented_grade(make_app, llm):
    # jobsearch owns the skills step (jobsearch.extract_skills), run by name.
    harness = make_app(plugins=["plans", "ai_tools", "jobsearch"], settings=_settings(llm))
    caller = harness.api_caller()
    dims = [{"name": n, "score": 40, "rationale": "Thin."} for n in
            ("skills", "experience", "seniority", "domain", "logistics")]
    # Four steps, each a model call: both texts' skills, jobsearch's job match, the evaluation.
    llm.reply(SKILLS).reply({**SKILLS, "kind": "resume"}).reply({
        "score": 62, "band": "gaps", "reasons": ["Python shown; Kafka missing."]}).reply({
        "grade": "A", "overallScore": 95, "dimensions": dims, "strengths": ["Python."],
        "gaps": ["Kafka."], "recommendations": ["Show Kafka."], "summary": "Fine."})
    done = assert_ok(caller.post("/api/analyze", json={
        "job": {"description": JOB}, "resume": {"text": STRONG_RESUME}}), 201)
    # The model said A; its own dimension scores (all 40) make it a D by the documented bands.
    assert (done["grade"], done["overallScore"], done["provider"]) == ("D", 40, "openai")
    assert done["recommendations"] == ["Show Kafka."]
    assert [r.path for r in llm.received] == ["/v1/chat/completions"] * 4
    assert "claims platform" in llm.received[3].text


def test_chat_through_a_model_sees_and_cites_only_the_askers_data(make_app, llm):
    data: dict = {}
    harness = make_app(plugins=["plans", "ai_tools", "ctx"], extra_plugins={"ctx": context_plugin(data)},
                       settings=_settings(llm))
    ada, bob = harness.api_caller(), harness.api_caller()
    data[ada.user["email"]] = {"applications": [{"id": "a1", "company": "Acme",
                                                 "stage": "interviewing"}]}
    data[bob.user["email"]] = {"applications": [{"id": "b1", "company": "Acme",
                                                 "notes": "bob-private-note"}]}
    llm.reply({"answer": "You are interviewing at Acme [S1].", "citations": ["S1", "S7"],
               "followUps": []})
    reply = assert_ok(ada.post("/api/chat", json={"message": "Acme status?"}))["message"]
    assert reply["provider"] == "openai" and reply["content"].endswith("[S1].")
    assert [c["id"] for c in reply["citations"]] == ["a1"]  # S7 was never shown: dropped
    assert "interviewing" in llm.received[0].text
    assert "bob-private-note" not in llm.received[0].text


def test_a_provider_failure_is_a_502_that_keeps_the_question_and_the_quota(make_app, llm):
    harness = make_app(plugins=["plans", "ai_tools"],
                       settings={**_settings(llm), "ai.max_retries": 0})
    caller = harness.api_caller()
    llm.fail(401)
    assert_error(caller.post("/api/chat", json={"message": "hello?"}), 502, "AI_UNAVAILABLE")
    assert harness.db["ai_tools_messages"].find_one()["content"] == "hello?"
    for _ in range(5):  # the failed call gave its unit back: five left today
        llm.reply({"answer": "Hi.", "citations": []})
        assert_ok(caller.post("/api/chat", json={"message": "hello?"}))
