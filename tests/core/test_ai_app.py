"""The AI client inside the app: a plugin route running a task for the signed-in user with the
key saved in their settings (decrypted by the account part), errors in the envelope, and the
hooks that wire it (checked once core/hookspecs.py declares them)."""

from __future__ import annotations

import types
from typing import Any

import pytest
from marshmallow import Schema, fields

from lightninghire import endpoint, hookimpl, hookspecs
from lightninghire.account.parts import account_of
from lightninghire.ai import AI_ACTION_COMPLETED, AI_CALLS, AiClient, AiConfig, AiTask, AiTaskRegistry
from lightninghire.app import ai_client_for
from lightninghire.services import Services
from lightninghire.testing import assert_error, assert_ok
from lightninghire_plugins.ai_tools.summarize import TASK as SUMMARY_TASK
from tests.core.test_ai_fake_server import FakeProviderServer

PLATFORM_KEY = "sk-platform-openai-PLAT0001"
USER_KEY = "sk-user-own-openai-USER0003"
BODY_MARKER = "body-marker-7f3a"
VALID = {"summary": "Acme rebuilds claims.", "keyPoints": ["Python."], "keywords": ["claims"]}
WIRED = hasattr(hookspecs, "register_ai_tasks") and "ai" in getattr(Services,
                                                                     "__dataclass_fields__", {})
NOT_WIRED = "register_ai_tasks and services.ai are not wired into the core yet"
# A real task to drive the client with (a sample: the core registers no tasks of its own).
CORE_TASKS = (SUMMARY_TASK,)
SUMMARIZE = SUMMARY_TASK.name


class SummaryIn(Schema):
    text = fields.String(required=True)


class SummaryResource:
    def __init__(self, ai: AiClient) -> None:
        self.ai = ai

    @endpoint(body=SummaryIn)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Summarize a text for the caller."""
        result = self.ai.run(SUMMARIZE, req.context.body,
                             user=req.context.principal.user)
        return {"summary": result.data, "provider": result.provider}


def ai_test_plugin(llm: FakeProviderServer) -> types.SimpleNamespace:
    @hookimpl
    def register_routes(routes, services):
        client = AiClient(
            AiTaskRegistry(CORE_TASKS),
            config=AiConfig(openai_api_key=PLATFORM_KEY, openai_base_url=llm.openai_url,
                            provider="openai"),
            db=services.db, clock=services.clock,
            byok_key=lambda user, provider: account_of(services).account.provider_key(
                user, provider))
        routes.add("/api/ai-test/summary", SummaryResource(client))

    return types.SimpleNamespace(__name__="aitest", register_routes=register_routes)


@pytest.fixture
def llm():
    with FakeProviderServer() as server:
        yield server


def test_a_route_runs_on_the_callers_own_key_and_never_shows_a_key(make_app, llm):
    h = make_app(plugins=["aitest"], extra_plugins={"aitest": ai_test_plugin(llm)})
    owner = h.session_caller()
    assert_ok(owner.put("/api/settings/provider-keys/openai", json={"apiKey": USER_KEY}))
    other = h.api_caller()
    llm.reply(VALID).reply(VALID)

    mine = owner.post("/api/ai-test/summary", json={"text": "Acme rebuilds its claims system."})
    assert assert_ok(mine) == {"summary": VALID, "provider": "byok-openai"}
    theirs = other.post("/api/ai-test/summary", json={"text": "Acme rebuilds claims."})
    assert assert_ok(theirs)["provider"] == "openai"
    assert [r.headers["authorization"] for r in llm.received] == [f"Bearer {USER_KEY}",
                                                                  f"Bearer {PLATFORM_KEY}"]

    llm.fail(401)
    refused = owner.post("/api/ai-test/summary", json={"text": "Acme."})
    error = assert_error(refused, 502, "AI_UNAVAILABLE")
    assert error["reason"] == "key_rejected" and "Settings" in error["message"]
    llm.fail(500).fail(500).fail(500)
    assert assert_error(other.post("/api/ai-test/summary", json={"text": "Acme."}), 502,
                        "AI_UNAVAILABLE")["reason"] == "server_error"
    for result in (mine, theirs, refused):
        for secret in (USER_KEY, PLATFORM_KEY, BODY_MARKER):
            assert secret not in result.text
    calls = list(h.db[AI_CALLS].find({}, sort=[("_id", 1)]))
    assert [(c["userId"], c["provider"], c["status"]) for c in calls] == [
        (str(owner.user["_id"]), "byok-openai", "ok"), (str(other.user["_id"]), "openai", "ok"),
        (str(owner.user["_id"]), "byok-openai", "failed"),
        (str(other.user["_id"]), "openai", "failed")]


def test_bad_task_inputs_from_a_route_are_a_400(make_app, llm):
    h = make_app(plugins=["aitest"], extra_plugins={"aitest": ai_test_plugin(llm)})
    result = h.api_caller().post("/api/ai-test/summary", json={"text": ""})
    assert "text" in assert_error(result, 400, "VALIDATION")["fields"]
    assert llm.received == []


def test_the_apps_client_reads_byok_keys_through_the_account_part(make_app):
    h = make_app(plugins=[])
    client = ai_client_for(h.services)
    client.tasks.add(CORE_TASKS[0])
    user = h.create_user()
    h.account.account.save_provider_key(user, "anthropic", USER_KEY)
    with_key = h.account.users.by_id(user["_id"])
    choice = client.choose(with_key)
    assert (choice.provider, choice.model, choice.key) == ("byok-anthropic", "claude-haiku-4-5",
                                                           USER_KEY)
    assert client.choose(h.create_user()).provider == "offline"  # test settings: no platform key
    result = client.run(SUMMARIZE, {"text": "Ship the beta on Friday."},
                        user=h.create_user())
    assert result.provider == "offline" and result.data["summary"] == "Ship the beta on Friday."
    h.settle()  # the app's client writes its metering after the answer
    assert h.db[AI_CALLS].count_documents({"provider": "offline"}) == 1


# -- once core/hookspecs.py and Services carry the AI wiring -------------------------------------

@pytest.mark.skipif(not WIRED, reason=NOT_WIRED)
def test_plugins_register_ai_tasks_that_services_ai_runs(make_app):
    echo = AiTask(name="demo.echo", description="Echo a text.",
                  prompt=lambda inputs: ("Echo.", inputs["text"]),
                  output_schema=CORE_TASKS[0].output_schema,
                  offline=lambda inputs: {"summary": inputs["text"], "keyPoints": []})

    @hookimpl
    def register_ai_tasks(tasks):
        tasks.add(echo)

    demo = types.SimpleNamespace(__name__="demo", register_ai_tasks=register_ai_tasks)
    h = make_app(plugins=["demo"], extra_plugins={"demo": demo})
    ai = h.services.ai
    assert ai.tasks.owner_of("demo.echo") == "demo"
    assert ai.tasks.names() == ["demo.echo"]  # the core registers no AI task of its own
    assert ai.run("demo.echo", {"text": "Hi"}, user=h.create_user()).data["summary"] == "Hi"
    assert any("expireAfterSeconds" in index for index in h.db[AI_CALLS].list_indexes())


def test_each_completed_ai_action_is_announced_as_an_event(make_app):
    heard = []

    @hookimpl
    def handle_event(event, services):
        if event.name == AI_ACTION_COMPLETED:
            heard.append((event.user_id, event.payload["task"], event.payload["provider"],
                          event.payload["byok"], event.payload["callId"] is not None))

    probe = types.SimpleNamespace(__name__="probe", handle_event=handle_event)
    h = make_app(plugins=["probe"], extra_plugins={"probe": probe})
    client = ai_client_for(h.services)
    client.tasks.add(CORE_TASKS[0])
    user = h.create_user()
    client.run(SUMMARIZE, {"text": "Ship the beta on Friday."}, user=user)
    client.run(SUMMARIZE, {"text": "Ship the beta on Friday."})  # a system call
    client.run(SUMMARIZE, {"text": "Ship the beta on Friday."}, user=user, announce=False)
    assert heard == [(str(user["_id"]), SUMMARIZE, "offline", False, True)]
    assert not hasattr(hookspecs, "ai_action_completed")  # an event now, not a core hook
