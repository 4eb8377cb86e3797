"""Chat retrieval with embeddings (the real OpenAI SDK against a local fake), fused with BM25."""

from __future__ import annotations

import json
import logging

import pytest

from lightninghire.testing import assert_ok
from tests.plugins.ai_tools.embedding_fake import EmbeddingFakeServer
from tests.plugins.ai_tools.helpers import context_plugin

PLATFORM_KEY = "sk-test-platform-0001"
BYOK_KEY = "sk-test-byok-bob-0002"
QUESTION = "Which company offered the best pay?"
PAY_ARTICLE = {"id": "n1", "title": "Pay bands article",
               "text": "Best pay practices: how each company sets pay bands, and why the best "
                       "company pay is public."}
GLOBEX = {"id": "g1", "company": "Globex", "role": "Platform Engineer", "stage": "offer",
          "notes": "They came back with 180k base and equity."}
KAFKA = {"id": "s1", "title": "Kafka migration", "result": "Moved payments to Kafka"}
ADA_DATA = {"notes": [PAY_ARTICLE], "applications": [GLOBEX], "stories": [KAFKA]}
ANSWER = {"answer": "See [S1].", "citations": ["S1", "S2"], "followUps": []}


def meaning(text: str) -> list[float]:
    """Axes: compensation, reading, engineering. The Globex offer means what the question
    asks (cosine 0.97); the article only shares its words (cosine 0.10, under the 0.3 floor)."""
    if text == QUESTION:
        return [1.0, 0.0, 0.0]
    if "Globex" in text:
        return [0.9, 0.1, 0.2]
    if "article" in text:
        return [0.1, 1.0, 0.0]
    return [0.0, 0.0, 1.0]


@pytest.fixture
def llm():
    with EmbeddingFakeServer(meaning) as server:
        yield server


def _app(make_app, llm, data, **settings):
    return make_app(plugins=["plans", "ai_tools", "ctx"], extra_plugins={"ctx": context_plugin(data)},
                    settings={"ai.provider": "openai", "ai.openai_api_key": PLATFORM_KEY,
                              "ai.openai_base_url": llm.openai_url, **settings})


def _ask(caller, llm, question=QUESTION):
    llm.reply(ANSWER)
    return assert_ok(caller.post("/api/chat", json={"message": question}))["message"]


def test_bm25_alone_ranks_the_literal_match_first(make_app, llm):
    data: dict = {}
    harness = _app(make_app, llm, data, **{"plugins.ai_tools.embedding_model": ""})
    ada = harness.api_caller()
    data[ada.user["email"]] = ADA_DATA
    cited = _ask(ada, llm)["citations"]
    assert [c["id"] for c in cited] == ["n1", "g1"]
    assert "similarity" not in cited[0]
    assert llm.embedding_requests == []  # embeddings switched off: nothing asked


def test_embeddings_move_the_semantically_closer_passage_first(make_app, llm):
    data: dict = {}
    harness = _app(make_app, llm, data)
    ada = harness.api_caller()
    data[ada.user["email"]] = ADA_DATA
    cited = _ask(ada, llm)["citations"]
    assert [c["id"] for c in cited] == ["g1", "n1"]
    assert cited[0]["similarity"] == pytest.approx(0.970, abs=0.001)
    assert cited[1]["score"] > cited[0]["score"]  # BM25 alone still prefers the article
    [request] = llm.embedding_requests
    assert request.body["model"] == "text-embedding-3-small"
    assert request.headers["authorization"] == f"Bearer {PLATFORM_KEY}"
    # The question, then the four items (ai_tools' own profile item included).
    assert request.body["input"][0] == QUESTION and len(request.body["input"]) == 5
    prompt = llm.received[0].text  # the model is shown the fused order
    assert prompt.index("Globex") < prompt.index("Pay bands")
    assert harness.db["ai_tools_embeddings"].count_documents({}) == 4
    # The call went through the core AI client: metered like any other, never with the key.
    [metered] = harness.db["ai_calls"].find({"task": "embeddings"})
    assert (metered["userId"], metered["model"], metered["status"]) == (
        str(ada.user["_id"]), "text-embedding-3-small", "ok")
    assert PLATFORM_KEY not in str(metered)


def test_the_embedding_model_is_a_plugin_setting(make_app, llm):
    data: dict = {}
    harness = _app(make_app, llm, data, **{"plugins.ai_tools.embedding_model": "my-embedder"})
    ada = harness.api_caller()
    data[ada.user["email"]] = ADA_DATA
    _ask(ada, llm)
    assert llm.embedding_requests[0].body["model"] == "my-embedder"


@pytest.mark.parametrize("status, delay", [(500, 0.0), (401, 0.0), (429, 0.0), (200, 30.0)],
                         ids=["server-error", "key-rejected", "rate-limited", "timeout"])
def test_a_failing_embedding_provider_falls_back_to_bm25(make_app, llm, caplog, status, delay):
    data: dict = {}
    harness = _app(make_app, llm, data, **{"plugins.ai_tools.embedding_timeout_seconds": 0.3})
    ada = harness.api_caller()
    data[ada.user["email"]] = ADA_DATA
    llm.fail_embeddings(status, delay=delay)
    with caplog.at_level(logging.WARNING):
        message = _ask(ada, llm)
    assert [c["id"] for c in message["citations"]] == ["n1", "g1"]  # BM25's order
    assert message["provider"] == "openai"
    assert len(llm.embedding_requests) == 1  # no retry: the chat is not held up
    assert harness.db["ai_tools_embeddings"].count_documents({}) == 0
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "BM25 only" in logged
    assert PLATFORM_KEY not in logged and "body-marker" not in logged


def test_an_anthropic_choice_means_bm25_only(make_app, llm):
    data: dict = {}
    harness = make_app(plugins=["plans", "ai_tools", "ctx"], extra_plugins={"ctx": context_plugin(data)},
                       settings={"ai.provider": "anthropic", "ai.anthropic_api_key": "sk-ant-1",
                                 "ai.anthropic_base_url": llm.anthropic_url,
                                 "ai.openai_api_key": PLATFORM_KEY,
                                 "ai.openai_base_url": llm.openai_url})
    ada = harness.api_caller()
    data[ada.user["email"]] = ADA_DATA
    message = _ask(ada, llm)
    assert message["provider"] == "anthropic"
    assert [c["id"] for c in message["citations"]] == ["n1", "g1"]
    assert llm.embedding_requests == []  # the chat's provider has no embeddings: none asked


def test_cached_embeddings_are_not_requested_again(make_app, llm):
    data: dict = {}
    harness = _app(make_app, llm, data)
    ada = harness.api_caller()
    data[ada.user["email"]] = json.loads(json.dumps(ADA_DATA))
    _ask(ada, llm)
    assert len(llm.embedding_requests[0].body["input"]) == 5
    again = _ask(ada, llm)
    assert llm.embedding_requests[1].body["input"] == [QUESTION]  # passages from the cache
    assert [c["id"] for c in again["citations"]] == ["g1", "n1"]
    # One changed item: only it is embedded again.
    data[ada.user["email"]]["stories"][0]["result"] = "Moved billing to Kafka"
    _ask(ada, llm)
    third = llm.embedding_requests[2].body["input"]
    assert third[0] == QUESTION and len(third) == 2 and "billing" in third[1]
    assert harness.db["ai_tools_embeddings"].count_documents({}) == 5


def test_two_users_never_share_passages_or_cached_vectors(make_app, llm):
    data: dict = {}
    harness = _app(make_app, llm, data)
    ada, bob = harness.session_caller(), harness.session_caller()
    assert_ok(bob.put("/api/settings/provider-keys/openai", json={"apiKey": BYOK_KEY}))
    shared = {"id": "x1", "title": "Salary notes", "text": "Same text in both accounts."}
    data[ada.user["email"]] = {**ADA_DATA, "notes": [PAY_ARTICLE, shared]}
    data[bob.user["email"]] = {"applications": [{**GLOBEX, "id": "b1",
                                                 "notes": "bob-private offer 250k"}],
                               "notes": [{**shared, "id": "x2"}]}
    _ask(ada, llm)
    bob_cited = _ask(bob, llm)["citations"]
    ada_request, bob_request = llm.embedding_requests
    assert ada_request.headers["authorization"] == f"Bearer {PLATFORM_KEY}"
    assert bob_request.headers["authorization"] == f"Bearer {BYOK_KEY}"  # his own key
    assert not any("bob-private" in text for text in ada_request.body["input"])
    assert not any("Pay bands" in text or "Kafka" in text for text in bob_request.body["input"])
    # The text both have is embedded for each: one user's cache never answers the other.
    assert sum("Same text" in text for text in llm.embedded_texts) == 2
    assert {c["id"] for c in bob_cited} <= {"b1", "x2"}
    cache = harness.db["ai_tools_embeddings"]
    assert cache.count_documents({"userId": str(ada.user["_id"])}) == 5
    assert cache.count_documents({"userId": str(bob.user["_id"])}) == 3
    # The cache is the user's data: in their export.
    export = assert_ok(bob.get("/api/account/export"))["collections"]["ai_tools_embeddings"]
    assert len(export["documents"]) == 3
    assert {d["userId"] for d in export["documents"]} == {str(bob.user["_id"])}
