"""RAG chat and the aggregated context, fed by a test plugin's ``user_context`` hook."""

from __future__ import annotations

import json

from lightninghire.testing import assert_error, assert_ok
from tests.plugins.ai_tools.helpers import context_plugin

ADA_DATA = {
    "applications": [
        {"id": "a1", "company": "Acme", "role": "Backend Engineer", "stage": "interviewing",
         "nextStep": "onsite on Friday with the platform team"},
        {"id": "a2", "company": "Initech", "role": "Data Engineer", "stage": "applied"},
    ],
    "stories": [{"id": "s1", "title": "Kafka migration",
                 "result": "Moved payments to Kafka, p95 down 60%"}],
}
BOB_DATA = {"applications": [{"id": "b1", "company": "Acme", "role": "Designer",
                              "stage": "offer", "notes": "secret salary 250k at Acme"}]}


def _two_users(make_app, **kwargs):
    data: dict = {}
    harness = make_app(plugins=["plans", "ai_tools", "ctx"], extra_plugins={"ctx": context_plugin(data)},
                       **kwargs)
    ada, bob = harness.api_caller(name="Ada"), harness.api_caller(name="Bob")
    data.update({ada.user["email"]: ADA_DATA, bob.user["email"]: BOB_DATA})
    return harness, ada, bob


def test_chat_cites_only_the_askers_documents(make_app):
    _harness, ada, bob = _two_users(make_app)
    reply = assert_ok(ada.post("/api/chat", json={"message": "Where am I with Acme?"}))
    message = reply["message"]
    assert message["role"] == "assistant" and "[S1]" in message["content"]
    cited = [(c["plugin"], c["id"]) for c in message["citations"]]
    assert cited[0] == ("ctx", "a1")
    assert all(cid not in ("b1",) for _, cid in cited)
    assert "secret" not in json.dumps(reply) and "Designer" not in json.dumps(reply)
    assert "interviewing" in message["content"] or "onsite" in message["content"]
    # Bob's question on the same company finds only his own application.
    theirs = assert_ok(bob.post("/api/chat", json={"message": "Where am I with Acme?"}))
    assert [c["id"] for c in theirs["message"]["citations"]] == ["b1"]
    assert "Backend" not in theirs["message"]["content"]


def test_conversations_continue_list_and_stay_private(make_app, clock):
    harness, ada, bob = _two_users(make_app)
    first = assert_ok(ada.post("/api/chat", json={"message": "Tell me about my Kafka story"}))
    conv = first["conversationId"]
    assert first["message"]["citations"][0]["id"] == "s1"
    again = assert_ok(ada.post("/api/chat", json={"message": "How many applications do I have?",
                                                   "conversationId": conv}))
    assert again["conversationId"] == conv
    assert "You have 2 applications" in again["message"]["content"]
    detail = assert_ok(ada.get(f"/api/chat/conversations/{conv}"))
    assert detail["messageCount"] == 4
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "user", "assistant"]
    assert detail["title"] == "Tell me about my Kafka story"
    listed = assert_ok(ada.get("/api/chat/conversations"))
    assert [c["id"] for c in listed["items"]] == [conv]
    assert assert_ok(bob.get("/api/chat/conversations"))["items"] == []
    assert_error(bob.get(f"/api/chat/conversations/{conv}"), 404, "NOT_FOUND")
    assert_error(bob.post("/api/chat", json={"message": "hi", "conversationId": conv}), 404,
                 "NOT_FOUND")
    assert_error(bob.delete(f"/api/chat/conversations/{conv}"), 404, "NOT_FOUND")
    assert harness.db["ai_tools_messages"].count_documents({"conversationId": conv}) == 4
    assert assert_ok(ada.delete(f"/api/chat/conversations/{conv}")) == {"deleted": True}
    assert harness.db["ai_tools_messages"].count_documents({"conversationId": conv}) == 0


def test_chat_is_capped_at_five_a_day_and_bad_ids_spend_nothing(make_app, clock):
    _harness, ada, _ = _two_users(make_app)
    assert_error(ada.post("/api/chat", json={"message": "hi", "conversationId": "f" * 24}), 404,
                 "NOT_FOUND")
    for _ in range(5):
        assert_ok(ada.post("/api/chat", json={"message": "Acme?"}))
    refused = assert_error(ada.post("/api/chat", json={"message": "Acme?"}), 402,
                           "PAYMENT_REQUIRED")
    assert refused["feature"] == "ai_chat"
    clock.advance(days=1)
    assert_ok(ada.post("/api/chat", json={"message": "Acme?"}))


def test_chat_validates_its_input(make_app):
    _harness, ada, _ = _two_users(make_app)
    assert_error(ada.post("/api/chat", json={"message": ""}), 400, "VALIDATION")
    assert_error(ada.post("/api/chat", json={"message": "x" * 2001}), 400, "VALIDATION")
    assert_error(ada.post("/api/chat", json={"message": "hi", "model": "gpt"}), 400,
                 "VALIDATION")


def test_chat_streams_server_sent_events(make_app):
    _harness, ada, _ = _two_users(make_app)
    result = ada.post("/api/chat/stream", json={"message": "Where am I with Acme?"})
    assert result.status_code == 200
    assert result.headers["content-type"].startswith("text/event-stream")
    events = [block.split("\n", 1) for block in result.text.strip().split("\n\n")]
    names = [e[0].removeprefix("event: ") for e in events]
    assert names[0] == "conversation" and names[1] == "citations" and names[-1] == "done"
    assert "delta" in names
    payloads = [json.loads(e[1].removeprefix("data: ")) for e in events]
    text = "".join(p["text"] for n, p in zip(names, payloads, strict=True) if n == "delta")
    assert text == payloads[-1]["content"] and payloads[1][0]["id"] == "a1"
    conv = payloads[0]["conversationId"]
    assert assert_ok(ada.get(f"/api/chat/conversations/{conv}"))["messageCount"] == 2


def test_context_aggregates_the_hook_and_is_bounded(make_app):
    _harness, ada, _bob = _two_users(make_app)
    context = assert_ok(ada.get("/api/context"))
    assert context["sections"]["ctx"] == ADA_DATA and context["truncated"] is False
    assert context["sections"]["ai_tools"]["profile"] == {"name": "Ada"}
    assert "b1" not in json.dumps(context)
    assert_error(ada.get("/api/context", params={"debug": "1"}), 400, "VALIDATION")

    big = {"applications": [{"id": f"x{i}", "company": f"Company {i}", "notes": "n" * 3000}
                            for i in range(40)]}
    data: dict = {}
    small = make_app(plugins=["plans", "ai_tools", "ctx"], extra_plugins={"ctx": context_plugin(data)},
                     settings={"plugins.ai_tools.context_max_chars": 5000})
    carol = small.api_caller()
    data[carol.user["email"]] = big
    bounded = assert_ok(carol.get("/api/context"))
    assert bounded["truncated"] is True and bounded["chars"] <= 5000 == bounded["maxChars"]
    kept = bounded["sections"]["ctx"]["applications"]
    assert 0 < len(kept) < 40 and kept[0]["id"] == "x0"  # the first items survive


def test_a_disabled_plugin_disappears_and_a_broken_one_is_skipped(make_app):
    _harness, ada, _ = _two_users(make_app)
    assert "ctx" in assert_ok(ada.get("/api/context"))["plugins"]
    # The same database, served without the ctx plugin: its data is gone from context and chat.
    without = make_app(plugins=["plans", "ai_tools"])
    ada_again = without.api_caller(user=ada.user)
    assert assert_ok(ada_again.get("/api/context"))["plugins"] == ["ai_tools"]
    reply = assert_ok(ada_again.post("/api/chat", json={"message": "Where am I with Acme?"}))
    assert reply["message"]["citations"] == []
    assert reply["message"]["content"] == "You have no applications tracked yet."
    unknown = assert_ok(ada_again.post("/api/chat", json={"message": "Any notes on Globex?"}))
    assert unknown["message"]["content"] == (
        "I found nothing in your data about \u201cAny notes on Globex?\u201d. I can search "
        "your profile.")

    broken = make_app(plugins=["plans", "ai_tools", "ctx"],
                      extra_plugins={"ctx": context_plugin({}, fail=True)})
    carol = broken.api_caller(name="Carol")
    assert assert_ok(carol.get("/api/context"))["sections"] == {
        "ai_tools": {"profile": {"name": "Carol"}}}
