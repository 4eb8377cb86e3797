"""``POST /api/chat/stream``: server-sent events written while the answer is composed (offline)
or generated (the OpenAI and Anthropic SDKs' streaming APIs against the local fake server), the
JSON envelope for errors before the stream starts, and the refund rule when a stream is cut."""

from __future__ import annotations

import json

import falcon.testing
import pytest

from lightninghire.testing import assert_error, assert_ok, settle
from lightninghire_plugins.ai_tools.chat.service import MESSAGES
from tests.core.test_ai_fake_server import FakeProviderServer
from tests.plugins.ai_tools.chat_data import PLUGINS, seed

AI_CALLS = "ai_calls"  # the core's metering collection (docs/ai.md)
QUESTION = {"message": "When is my next interview?"}


def events_of(text: str) -> list[tuple[str, object]]:
    found = []
    for block in text.strip().split("\n\n"):
        name, data = block.split("\n", 1)
        found.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return found


def open_stream(harness, caller, body):
    """The WSGI answer as a server would see it: the status, and the body's iterable, read
    chunk by chunk (``close()`` is what a server does when the client goes away)."""
    start = falcon.testing.StartResponseMock()
    environ = falcon.testing.create_environ(
        method="POST", path="/api/chat/stream", body=json.dumps(body),
        headers={**caller.headers, "Content-Type": "application/json"})
    return start, harness.app(environ, start)


def chat_usage(caller) -> int:
    return assert_ok(caller.get("/api/usage"))["ai_chat"]["current"]


@pytest.fixture
def seeded(make_app, clock):
    harness = make_app(plugins=PLUGINS)
    caller = harness.api_caller()
    made = seed(caller, clock)
    return harness, caller, made


def test_offline_events_are_sent_one_by_one_as_the_answer_is_composed(seeded):
    harness, caller, made = seeded
    start, body = open_stream(harness, caller, QUESTION)
    assert start.status == "200 OK"
    assert dict(start.headers)["content-type"].startswith("text/event-stream")
    chunks = []
    for chunk in body:  # each chunk the server writes is one whole event
        chunks.append(chunk)
    settle(harness.app)
    events = [events_of(chunk.decode())[0] for chunk in chunks]
    assert [len(events_of(chunk.decode())) for chunk in chunks] == [1] * len(chunks)
    names = [name for name, _ in events]
    assert names[:2] == ["conversation", "citations"] and names[-1] == "done"
    deltas = [data["text"] for name, data in events if name == "delta"]
    assert len(deltas) >= 4  # the sentences and each supporting line, as composed
    done = events[-1][1]
    assert "".join(deltas) == done["content"]
    assert done["content"].startswith("Your next interview is with Acme for Backend Engineer")
    assert events[1][1][0]["id"] == made["next"]["id"]  # the sources, the answering one first
    assert done["citations"][0]["id"] == made["next"]["id"] and done["provider"] == "offline"
    stored = assert_ok(caller.get(f"/api/chat/conversations/{events[0][1]['conversationId']}"))
    assert stored["messages"][-1]["content"] == done["content"]
    assert chat_usage(caller) == 1


def test_errors_before_the_stream_use_the_envelope_and_spend_nothing(seeded):
    _harness, caller, _ = seeded
    assert_error(caller.post("/api/chat/stream", json={"message": ""}), 400, "VALIDATION")
    assert_error(caller.post("/api/chat/stream", json={"message": "hi", "extra": 1}), 400,
                 "VALIDATION")
    assert_error(caller.post("/api/chat/stream", json={"message": "hi",
                                                        "conversationId": "f" * 24}),
                 404, "NOT_FOUND")
    assert chat_usage(caller) == 0
    for _ in range(5):
        assert caller.post("/api/chat/stream", json=QUESTION).status_code == 200
    assert_error(caller.post("/api/chat/stream", json=QUESTION), 402, "PAYMENT_REQUIRED")


def test_a_client_leaving_mid_stream_gets_the_unit_back_and_no_answer_is_stored(seeded):
    harness, caller, _ = seeded
    _start, body = open_stream(harness, caller, QUESTION)
    chunks = iter(body)
    conversation = events_of(next(chunks).decode())[0][1]["conversationId"]
    assert events_of(next(chunks).decode())[0][0] == "citations"
    assert events_of(next(chunks).decode())[0][0] == "delta"
    body.close()  # what the WSGI server does when the client disconnects
    settle(harness.app)
    assert chat_usage(caller) == 0
    call = harness.db[AI_CALLS].find_one({"task": "ai_tools.chat_answer"})
    assert (call["status"], call["reason"]) == ("failed", "cancelled")
    assert [m["role"] for m in harness.db[MESSAGES].find({"conversationId": conversation})] \
        == ["user"]  # the question is kept, no half answer
    assert [e.payload["task"] for e in harness.services.events.named("ai.action_completed")
            if e.payload["task"] == "ai_tools.chat_answer"] == []  # no credits spent
    # The unit came back: all five of the day's chats are still there.
    for _ in range(5):
        assert_ok(caller.post("/api/chat", json=QUESTION))
    assert_error(caller.post("/api/chat", json=QUESTION), 402, "PAYMENT_REQUIRED")


def test_a_body_closed_before_its_first_event_still_gives_the_unit_back(seeded):
    harness, caller, _ = seeded
    _start, body = open_stream(harness, caller, QUESTION)
    body.close()  # the client was gone before anything was written
    settle(harness.app)
    assert chat_usage(caller) == 0
    call = harness.db[AI_CALLS].find_one({"task": "ai_tools.chat_answer"})
    assert (call["status"], call["reason"]) == ("failed", "cancelled")


@pytest.fixture
def llm():
    with FakeProviderServer() as server:
        yield server


def provider_settings(llm, provider):
    # Keyword retrieval only: the fake speaks chat, not embeddings.
    return {"plugins.ai_tools.embedding_model": "",
            "ai.provider": provider, f"ai.{provider}_api_key": "sk-test-platform-0001",
            f"ai.{provider}_base_url": llm.openai_url if provider == "openai"
            else llm.anthropic_url}


def with_model(make_app, clock, llm, provider):
    """The data seeded offline (the mock's questions and scores), then the same database
    served with every AI call going to the fake provider."""
    offline = make_app(plugins=PLUGINS)
    seeder = offline.api_caller()
    made = seed(seeder, clock)
    harness = make_app(plugins=PLUGINS, settings=provider_settings(llm, provider))
    return harness, harness.api_caller(user=seeder.user), made


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_model_streams_token_by_token_from_the_ordered_sources(make_app, clock, llm,
                                                                 provider):
    harness, caller, made = with_model(make_app, clock, llm, provider)
    tokens = ["Your next", " interview is", " with Acme", " on Tuesday [S1]."]
    llm.reply("".join(tokens), pieces=tokens, input_tokens=300, output_tokens=12)
    result = caller.post("/api/chat/stream", json=QUESTION)
    assert result.status_code == 200
    events = events_of(result.text)
    assert [data["text"] for name, data in events if name == "delta"] == tokens
    done = events[-1][1]
    assert events[-1][0] == "done" and done["content"] == "".join(tokens)
    assert done["provider"] == provider
    assert [c["id"] for c in done["citations"]] == [made["next"]["id"]]
    # The model was given the next interview first, and asked for plain text, streamed.
    [request] = [r for r in llm.received if r.body.get("stream")]
    prompt = request.text
    assert "plain text" in prompt
    assert prompt.index("[S1] (upcomingInterviews)") < prompt.index("[S2] (upcomingInterviews)")
    assert prompt.index("company: Acme") < prompt.index("company: Globex")
    call = harness.db[AI_CALLS].find_one({"task": "ai_tools.chat_answer"})
    assert (call["status"], call["inputTokens"], call["outputTokens"]) == ("ok", 300, 12)
    assert chat_usage(caller) == 1


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_provider_failing_mid_stream_sends_an_error_event_and_refunds(make_app, clock, llm,
                                                                        provider):
    harness, caller, _ = with_model(make_app, clock, llm, provider)
    llm.reply("Your next interview is soon", cut_after=2)
    events = events_of(caller.post("/api/chat/stream", json=QUESTION).text)
    assert [name for name, _ in events] == ["conversation", "citations", "delta", "delta",
                                            "error"]
    error = events[-1][1]
    assert (error["code"], error["reason"]) == ("AI_UNAVAILABLE", "server_error")
    assert "body-marker" not in json.dumps(events)
    assert chat_usage(caller) == 0
    call = harness.db[AI_CALLS].find_one({"task": "ai_tools.chat_answer"})
    assert (call["status"], call["reason"]) == ("failed", "server_error")
    assert harness.db[MESSAGES].count_documents({"role": "assistant"}) == 0


def test_a_provider_down_before_the_first_token_is_a_json_502(make_app, clock, llm):
    harness = make_app(plugins=PLUGINS, settings=provider_settings(llm, "openai"))
    caller = harness.api_caller()
    llm.fail(401)
    error = assert_error(caller.post("/api/chat/stream", json=QUESTION), 502, "AI_UNAVAILABLE")
    assert error["reason"] == "key_rejected"
    assert chat_usage(caller) == 0


def test_post_chat_gives_a_model_the_answering_records_first_too(make_app, clock, llm):
    _harness, caller, made = with_model(make_app, clock, llm, "anthropic")
    llm.reply({"answer": "Work on relevance first [S1].", "citations": ["S1"], "followUps": []})
    reply = assert_ok(caller.post("/api/chat", json={
        "message": "What did my mock interview say I should work on?"}))["message"]
    assert reply["provider"] == "anthropic"
    assert [c["id"] for c in reply["citations"]] == [made["mock"]["id"]]
    prompt = llm.received[-1].text
    assert "[S1] (mockInterviews)" in prompt and "focusNext" in prompt
    assert "about the user's mock interview feedback" in prompt
