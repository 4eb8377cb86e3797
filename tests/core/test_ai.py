"""The AI client driven through the real OpenAI and Anthropic SDKs against a local fake server:
success, 429, 500, timeouts, malformed and invalid JSON with the repair, BYOK precedence,
metering in ``ai_calls``, the credits callback, and that no key, prompt or provider error body
reaches a log, an exception or ``ai_calls``."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import pytest
from bson import json_util

from lightninghire.ai import (
    AI_CALLS,
    AiClient,
    AiConfig,
    AiResult,
    AiTask,
    AiTaskRegistry,
    AiUnavailable,
    RetryBudget,
)
from lightninghire.clock import FrozenClock
from lightninghire.db import Database
from lightninghire.errors import ValidationFailed
from lightninghire_plugins.ai_tools.summarize import TASK as SUMMARY_TASK
from tests.core.test_ai_fake_server import FakeProviderServer, Received

PLATFORM_KEYS = {"openai": "sk-platform-openai-PLAT0001", "anthropic": "sk-ant-platform-PLAT0002"}
USER_KEYS = {"openai": "sk-user-own-openai-USER0003", "anthropic": "sk-ant-user-own-USER0004"}
SECRETS = (*PLATFORM_KEYS.values(), *USER_KEYS.values())
BODY_MARKER = "body-marker-7f3a"  # what the fake puts in every error body
PROMPT_MARKER = "PROMPT-MARKER-9c1e"  # in every input text: must never be logged or metered
INPUTS = {"text": f"Acme is rebuilding its claims platform in Python and Kafka. {PROMPT_MARKER}.",
          "maxPoints": 2}
VALID = {"summary": "Acme is rebuilding its claims platform.", "keyPoints": ["Python and Kafka."],
         "keywords": ["claims platform"]}
# A real task to drive the client with (a sample: the core registers no tasks of its own).
CORE_TASKS = (SUMMARY_TASK,)
SUMMARIZE = SUMMARY_TASK.name
SLACK = 0.3  # seconds of scheduling and request time a measured wait may add
PROVIDERS = ("openai", "anthropic")


def sent_key(request: Received) -> str:
    """The key a request carried, whichever header the SDK uses for it."""
    return request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix(
        "Bearer ")


@dataclass
class Rig:
    """Builds AiClients against the fake server; the SDKs' waits are measured in ``ai_calls``."""

    llm: FakeProviderServer
    db: Database
    clock: FrozenClock
    actions: list[tuple[Any, AiTask, AiResult]] = field(default_factory=list)

    def client(self, *, byok_key: Any = None, tasks: AiTaskRegistry | None = None,
               **config: Any) -> AiClient:
        settings = {
            "openai_api_key": PLATFORM_KEYS["openai"],
            "anthropic_api_key": PLATFORM_KEYS["anthropic"],
            "openai_base_url": self.llm.openai_url,
            "anthropic_base_url": self.llm.anthropic_url,
            "openai_model": "gpt-test",
            "anthropic_model": "claude-test",
            **config,
        }
        return AiClient(tasks or AiTaskRegistry(CORE_TASKS), config=AiConfig(**settings),
                        db=self.db, clock=self.clock, byok_key=byok_key,
                        on_action=lambda user, task, result: self.actions.append(
                            (user, task, result)))

    def calls(self) -> list[dict[str, Any]]:
        return list(self.db[AI_CALLS].find({}, sort=[("at", 1), ("_id", 1)]))

    def waits(self) -> list[float]:
        """Seconds waited before each attempt of the last call but its first: the SDK's backoff
        (its own jitter takes up to 25 % off) or the provider's Retry-After."""
        return [a["waitMs"] / 1000 for a in self.calls()[-1]["attempts"][1:]]


def backoff(wait: float, longest: float) -> bool:
    """A wait the SDKs choose for a backoff of ``longest`` seconds (jitter: -25 %), allowing
    for the time the fake server and the test machine take."""
    return 0.75 * longest - 0.02 <= wait <= longest + SLACK


def waited(wait: float, asked: float) -> bool:
    """The provider's Retry-After of ``asked`` seconds, honoured."""
    return asked - 0.02 <= wait <= asked + SLACK


@pytest.fixture
def llm():
    with FakeProviderServer() as server:
        yield server


@pytest.fixture
def rig(llm, lh_db, clock):
    return Rig(llm, lh_db, clock)


@pytest.fixture
def accounts(make_app):
    """The real account part: BYOK keys saved encrypted and decrypted per call."""
    return make_app(plugins=[])


def user_with_keys(accounts, **keys: str) -> dict[str, Any]:
    user = accounts.create_user()
    for provider, key in keys.items():
        accounts.account.account.save_provider_key(user, provider, key)
    return accounts.account.users.by_id(user["_id"])


def assert_nothing_secret(text: str) -> None:
    for secret in (*SECRETS, BODY_MARKER, PROMPT_MARKER):
        assert secret not in text, secret


# -- success through each SDK -------------------------------------------------------------------

def test_openai_answers_in_json_mode_and_the_call_is_metered(rig, llm):
    llm.reply(VALID, input_tokens=120, output_tokens=30)
    result = rig.client(provider="openai").run(SUMMARIZE, INPUTS)
    assert result.data == VALID
    assert (result.provider, result.model, result.status) == ("openai", "gpt-test", "ok")
    assert (result.input_tokens, result.output_tokens) == (120, 30)
    (request,) = llm.received
    assert request.path == "/v1/chat/completions"
    assert sent_key(request) == PLATFORM_KEYS["openai"]
    assert request.body["response_format"] == {"type": "json_object"}
    assert request.body["model"] == "gpt-test" and request.body["max_tokens"] == 600
    system, user = request.body["messages"][0], request.body["messages"][1]
    assert system["role"] == "system" and '"keyPoints": [string, 1 to 300 characters]' in system["content"]
    assert "JSON" in system["content"] and PROMPT_MARKER in user["content"]
    (call,) = rig.calls()
    assert call["_id"] is not None and str(call["_id"]) == result.call_id
    assert {k: call[k] for k in ("userId", "task", "provider", "model", "status", "reason",
                                 "inputTokens", "outputTokens")} == {
        "userId": None, "task": SUMMARIZE, "provider": "openai", "model": "gpt-test",
        "status": "ok", "reason": None, "inputTokens": 120, "outputTokens": 30}
    assert [(a["step"], a["outcome"], a["httpStatus"]) for a in call["attempts"]] == [
        ("answer", "ok", 200)]
    assert call["at"] == rig.clock.now() and call["latencyMs"] >= 0
    assert "prompt" not in call and "replies" not in call


def test_anthropic_answers_through_the_messages_api(rig, llm):
    llm.reply(json.dumps(VALID))
    result = rig.client(provider="anthropic").run(SUMMARIZE, INPUTS)
    assert result.data == VALID and (result.provider, result.model) == ("anthropic", "claude-test")
    (request,) = llm.received
    assert request.path == "/v1/messages" and sent_key(request) == PLATFORM_KEYS["anthropic"]
    assert '"summary": string' in request.body["system"]
    assert request.body["messages"] == [{"role": "user", "content": request.body["messages"][0][
        "content"]}] and PROMPT_MARKER in request.body["messages"][0]["content"]
    assert rig.calls()[0]["provider"] == "anthropic"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_json_answer_in_a_code_fence_or_with_prose_is_accepted(rig, llm, provider):
    llm.reply("```json\n" + json.dumps(VALID) + "\n```")
    llm.reply("Here is the JSON you asked for:\n" + json.dumps(VALID) + "\nHope it helps!")
    client = rig.client(provider=provider)
    assert client.run(SUMMARIZE, INPUTS).data == VALID
    assert client.run(SUMMARIZE, INPUTS).status == "ok"
    assert len(llm.received) == 2


# -- retries ------------------------------------------------------------------------------------

@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_429_is_retried_after_the_providers_retry_after(rig, llm, provider):
    llm.fail(429, headers={"Retry-After": "2"}).reply(VALID)
    result = rig.client(provider=provider).run(SUMMARIZE, INPUTS)
    (wait,) = rig.waits()
    assert result.data == VALID and waited(wait, 2.0)
    assert len(llm.received) == 2
    assert [(a["outcome"], a["httpStatus"]) for a in rig.calls()[0]["attempts"]] == [
        ("rate_limited", 429), ("ok", 200)]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_5xx_is_retried_with_exponential_backoff_then_a_clean_502(rig, llm, provider):
    llm.fail(500).fail(503).fail(502)
    with pytest.raises(AiUnavailable) as caught:
        rig.client(provider=provider, max_retries=2).run(SUMMARIZE, INPUTS)
    error = caught.value
    assert (error.status, error.code, error.reason) == (502, "AI_UNAVAILABLE", "server_error")
    assert error.to_error_body()["code"] == "AI_UNAVAILABLE"
    first, second = rig.waits()
    assert backoff(first, 0.5) and backoff(second, 1.0) and len(llm.received) == 3
    (call,) = rig.calls()
    assert (call["status"], call["reason"]) == ("failed", "server_error")
    assert [a["httpStatus"] for a in call["attempts"]] == [500, 503, 502]
    assert rig.actions == []  # nothing to bill


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_retry_after_longer_than_a_request_can_wait_is_not_waited_for(rig, llm, provider):
    # Left to themselves, the OpenAI SDK would wait up to 120 s and Anthropic's without limit.
    llm.fail(429, headers={"Retry-After": "60"})
    with pytest.raises(AiUnavailable) as caught:
        rig.client(provider=provider).run(SUMMARIZE, INPUTS)
    assert caught.value.reason == "rate_limited" and rig.waits() == [] and len(llm.received) == 1


def test_openai_retry_after_ms_is_honoured(rig, llm):
    llm.fail(429, headers={"retry-after-ms": "250"}).reply(VALID)
    rig.client(provider="openai").run(SUMMARIZE, INPUTS)
    (wait,) = rig.waits()
    assert waited(wait, 0.25)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_retry_after_past_the_budget_is_not_waited_for(rig, llm, provider):
    llm.fail(503, headers={"Retry-After": "5"}).reply(VALID)
    with pytest.raises(AiUnavailable) as caught:
        rig.client(provider=provider, timeout_seconds=1.0, total_timeout_seconds=4.0).run(
            SUMMARIZE, INPUTS)
    assert caught.value.reason == "server_error" and len(llm.received) == 1


def test_the_sdk_gets_only_the_retries_that_can_fit():
    def options(left: float, retries: int = 2, timeout: float = 20.0) -> dict[str, Any]:
        return RetryBudget(left, timeout=timeout, max_retries=retries, min_attempt=1.0,
                           monotonic=lambda: 0.0).sdk_options()

    assert options(25.0) == {"timeout": 20.0, "max_retries": 2}
    assert options(25.0, retries=0) == {"timeout": 20.0, "max_retries": 0}
    # 0.5 s + 1 s of waiting, each followed by at least a 1 s attempt: two retries need 2.5 s.
    assert options(2.4) == {"timeout": 2.4, "max_retries": 1}
    assert options(1.4) == {"timeout": 1.4, "max_retries": 0}
    # Waits 0.5, 1, 2, 4, 8, 8 s (capped) = 23.5 s, then one more 8 s wait and 1 s attempt: 32.5.
    assert options(30.0, retries=10)["max_retries"] == 6


@pytest.mark.parametrize("provider", PROVIDERS)
def test_retries_stop_when_the_time_budget_would_be_exceeded(rig, llm, provider):
    llm.fail(500).fail(500).reply(VALID)
    client = rig.client(provider=provider, max_retries=5, timeout_seconds=1.0,
                        total_timeout_seconds=2.0)
    with pytest.raises(AiUnavailable) as caught:
        client.run(SUMMARIZE, INPUTS)
    # After up to 0.5 s of waiting, a 1 s wait plus a 1 s attempt would end past the 2 s budget:
    # the SDK is told not to retry (x-should-retry: false).
    assert caught.value.reason == "server_error"
    (wait,) = rig.waits()
    assert backoff(wait, 0.5) and len(llm.received) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_provider_slower_than_the_timeout_is_retried_then_502(rig, llm, provider):
    # The one test that waits for real time: the SDK's own timeout (0.3 s) must fire.
    llm.reply(VALID, delay=1).reply(VALID, delay=1)
    with pytest.raises(AiUnavailable) as caught:
        rig.client(provider=provider, timeout_seconds=0.3, max_retries=1).run(SUMMARIZE, INPUTS)
    (wait,) = rig.waits()
    assert caught.value.reason == "timeout" and backoff(wait, 0.5)
    assert [a["outcome"] for a in rig.calls()[0]["attempts"]] == ["timeout", "timeout"]


def test_an_unreachable_provider_is_a_connection_failure(rig, llm):
    client = rig.client(provider="openai", openai_base_url="http://127.0.0.1:9/v1", max_retries=1)
    with pytest.raises(AiUnavailable) as caught:
        client.run(SUMMARIZE, INPUTS)
    (wait,) = rig.waits()
    assert caught.value.reason == "connection" and backoff(wait, 0.5)


def test_a_rejected_request_is_not_retried(rig, llm):
    llm.fail(400)
    with pytest.raises(AiUnavailable) as caught:
        rig.client(provider="openai").run(SUMMARIZE, INPUTS)
    assert caught.value.reason == "rejected" and rig.waits() == [] and len(llm.received) == 1


# -- validation and the one repair --------------------------------------------------------------

@pytest.mark.parametrize("provider", PROVIDERS)
def test_malformed_json_gets_one_repair_attempt(rig, llm, provider):
    llm.reply('{"summary": "Acme", "keyPoints": [') .reply(VALID)
    result = rig.client(provider=provider).run(SUMMARIZE, INPUTS)
    assert result.data == VALID and result.status == "repaired"
    repair = llm.received[1]
    messages = repair.body["messages"]
    assert [m["role"] for m in messages[-3:]] == ["user", "assistant", "user"]
    assert messages[-2]["content"] == '{"summary": "Acme", "keyPoints": ['
    assert "not valid JSON" in messages[-1]["content"]
    (call,) = rig.calls()
    assert call["status"] == "repaired"
    assert [(a["step"], a["outcome"]) for a in call["attempts"]] == [("answer", "invalid"),
                                                                     ("repair", "ok")]
    assert call["inputTokens"] == 22 and call["outputTokens"] == 14  # both attempts counted


def test_an_answer_failing_the_schema_is_repaired_with_the_errors_sent_back(rig, llm):
    llm.reply({"summary": "", "keyPoints": "Python", "extra": 1}).reply(VALID)
    result = rig.client(provider="openai").run(SUMMARIZE, INPUTS)
    assert result.status == "repaired" and result.data == VALID
    asked = llm.received[1].body["messages"][-1]["content"]
    assert "summary: Length must be between 1 and 600." in asked
    assert "keyPoints: Not a valid list." in asked


def test_an_answer_still_invalid_after_the_repair_is_a_502(rig, llm):
    llm.reply("I cannot answer that.").reply({"summary": "ok"})
    with pytest.raises(AiUnavailable) as caught:
        rig.client(provider="anthropic").run(SUMMARIZE, INPUTS)
    assert caught.value.reason == "invalid_output" and len(llm.received) == 2
    assert "no JSON object" in llm.received[1].text
    (call,) = rig.calls()
    assert (call["status"], call["reason"]) == ("failed", "invalid_output")
    assert [a["outcome"] for a in call["attempts"]] == ["invalid", "invalid"]


def test_the_repair_is_retried_like_any_request(rig, llm):
    llm.reply("nope").fail(429, headers={"Retry-After": "1"}).reply(VALID)
    result = rig.client(provider="openai").run(SUMMARIZE, INPUTS)
    assert result.status == "repaired"
    attempts = rig.calls()[0]["attempts"]
    assert [(a["step"], a["outcome"]) for a in attempts] == [
        ("answer", "invalid"), ("repair", "rate_limited"), ("repair", "ok")]
    assert [a["waitMs"] for a in attempts[:2]] == [0, 0] and waited(attempts[2]["waitMs"] / 1000, 1.0)


def test_bad_inputs_are_a_400_before_any_call(rig, llm):
    client = rig.client()
    with pytest.raises(ValidationFailed) as caught:
        client.run(SUMMARIZE, {"text": "", "maxPoints": 99, "colour": "red"})
    assert set(caught.value.extra["fields"]) == {"text", "maxPoints", "colour"}
    with pytest.raises(LookupError, match=r"no AI task named 'core\.nope'"):
        client.run("core.nope", {})
    assert llm.received == [] and rig.calls() == []


# -- provider choice and BYOK -------------------------------------------------------------------

def test_the_users_own_key_comes_before_the_platforms(rig, llm, accounts):
    user = user_with_keys(accounts, openai=USER_KEYS["openai"])
    client = rig.client(byok_key=accounts.account.account.provider_key)
    llm.reply(VALID).reply(VALID).reply(VALID)
    assert client.run(SUMMARIZE, INPUTS, user=user).provider == "byok-openai"
    other = accounts.create_user()
    assert client.run(SUMMARIZE, INPUTS, user=other).provider == "openai"
    assert client.run(SUMMARIZE, INPUTS).provider == "openai"  # a system call: no user, no BYOK
    assert [sent_key(r) for r in llm.received] == [USER_KEYS["openai"], PLATFORM_KEYS["openai"],
                                                  PLATFORM_KEYS["openai"]]
    assert [c["userId"] for c in rig.calls()] == [str(user["_id"]), str(other["_id"]), None]
    assert [c["provider"] for c in rig.calls()] == ["byok-openai", "openai", "openai"]


def test_an_anthropic_byok_key_is_used_when_the_user_has_no_openai_one(rig, llm, accounts):
    user = user_with_keys(accounts, anthropic=USER_KEYS["anthropic"])
    llm.reply(VALID)
    result = rig.client(byok_key=accounts.account.account.provider_key).run(
        SUMMARIZE, INPUTS, user=user)
    assert result.provider == "byok-anthropic" and result.byok
    assert llm.received[0].path == "/v1/messages"
    assert sent_key(llm.received[0]) == USER_KEYS["anthropic"]


def test_a_configured_provider_limits_byok_and_platform_keys_to_it(rig, llm, accounts):
    user = user_with_keys(accounts, openai=USER_KEYS["openai"])
    llm.reply(VALID)
    result = rig.client(provider="anthropic", byok_key=accounts.account.account.provider_key).run(
        SUMMARIZE, INPUTS, user=user)
    assert result.provider == "anthropic"
    assert sent_key(llm.received[0]) == PLATFORM_KEYS["anthropic"]


def test_offline_when_configured_or_when_there_is_no_key(rig, llm, accounts):
    user = user_with_keys(accounts, openai=USER_KEYS["openai"])
    forced = rig.client(provider="offline", byok_key=accounts.account.account.provider_key)
    keyless = rig.client(openai_api_key="", anthropic_api_key="")
    for client, who in ((forced, user), (keyless, None)):
        result = client.run(SUMMARIZE, INPUTS, user=who)
        assert (result.provider, result.model, result.status) == ("offline", "offline-1", "ok")
        assert result.data["summary"].startswith("Acme is rebuilding its claims platform")
    assert llm.received == []
    assert [(c["provider"], c["inputTokens"], c["attempts"]) for c in rig.calls()] == [
        ("offline", 0, []), ("offline", 0, [])]


def test_a_rejected_byok_key_says_so_and_is_not_retried(rig, llm, accounts):
    user = user_with_keys(accounts, openai=USER_KEYS["openai"])
    llm.fail(401)
    with pytest.raises(AiUnavailable) as caught:
        rig.client(byok_key=accounts.account.account.provider_key).run(SUMMARIZE, INPUTS,
                                                                      user=user)
    assert caught.value.reason == "key_rejected" and len(llm.received) == 1
    assert caught.value.message == ("Your saved OpenAI key was refused by OpenAI. Check or "
                                    "replace it in Settings.")


def test_a_rejected_platform_key_is_an_operator_error_not_shown_to_users(rig, llm, caplog):
    llm.fail(403)
    with caplog.at_level(logging.ERROR, logger="lightninghire.ai"), \
            pytest.raises(AiUnavailable) as caught:
        rig.client(provider="openai").run(SUMMARIZE, INPUTS)
    assert "key" not in caught.value.message.lower()
    assert any(r.levelno == logging.ERROR and "key_rejected" in r.getMessage()
               for r in caplog.records)


# -- secrets ------------------------------------------------------------------------------------

@pytest.mark.parametrize("provider", PROVIDERS)
def test_no_key_prompt_or_provider_error_body_reaches_a_log_an_error_or_ai_calls(
        rig, llm, accounts, caplog, provider):
    caplog.set_level(logging.DEBUG)  # the SDKs and httpx log a lot at DEBUG
    user = user_with_keys(accounts, **{provider: USER_KEYS[provider]})
    client = rig.client(provider=provider, byok_key=accounts.account.account.provider_key)
    llm.reply(VALID)  # success
    llm.fail(500).fail(500).fail(500)  # retried, then 502
    llm.fail(401)  # the user's key refused
    llm.reply("garbage").reply("more garbage")  # invalid twice
    errors = []
    for who in (user, None, user, None):
        try:
            client.run(SUMMARIZE, INPUTS, user=who)
        except AiUnavailable as exc:
            errors.append(exc)
    assert [e.reason for e in errors] == ["server_error", "key_rejected", "invalid_output"]
    assert sent_key(llm.received[0]) == USER_KEYS[provider]  # the key did go to the provider
    assert "HTTP Request: POST" in caplog.text  # the SDKs' own logging was captured
    assert_nothing_secret(caplog.text)
    for error in errors:
        assert_nothing_secret(f"{error} {error!r} {error.to_error_body()} {error.__cause__!r}")
        assert error.__cause__ is None
    assert_nothing_secret(json_util.dumps(rig.calls()))
    assert_nothing_secret(repr(client.config) + repr(client.choose(user)))


def test_prompts_are_stored_only_when_configured_and_keys_never(rig, llm):
    llm.reply("not json").reply(VALID)
    rig.client(provider="openai", log_prompts=True).run(SUMMARIZE, INPUTS)
    (call,) = rig.calls()
    assert PROMPT_MARKER in call["prompt"]["user"] and "keyPoints" in call["prompt"]["system"]
    assert call["replies"] == ["not json", json.dumps(VALID)]
    text = json_util.dumps(call)
    assert all(secret not in text for secret in SECRETS)


# -- the credits callback -----------------------------------------------------------------------

def _task(name: str, counts: bool) -> AiTask:
    return AiTask(name=name, description="A test task.", prompt=lambda inputs: ("Be brief.", "Hi"),
                  output_schema=CORE_TASKS[0].output_schema, counts_as_ai_action=counts,
                  offline=lambda inputs: {"summary": "Hello.", "keyPoints": []})


def test_a_completed_action_for_a_user_is_announced_once(rig, llm, accounts):
    user = accounts.create_user()
    tasks = AiTaskRegistry([*CORE_TASKS, _task("test.free", counts=False)])
    client = rig.client(tasks=tasks)
    llm.reply(VALID).reply(VALID).fail(400).reply({"summary": "Hi", "keyPoints": []})
    result = client.run(SUMMARIZE, INPUTS, user=user)
    client.run(SUMMARIZE, INPUTS)  # no user: a system call is nobody's action
    with pytest.raises(AiUnavailable):
        client.run(SUMMARIZE, INPUTS, user=user)  # failed: nothing to bill
    client.run("test.free", {}, user=user)  # declared as not an AI action
    assert [(u["_id"], t.name, r) for u, t, r in rig.actions] == [(user["_id"], SUMMARIZE, result)]


def test_offline_answers_are_announced_too_so_billing_can_decide(rig, accounts):
    user = accounts.create_user()
    rig.client(provider="offline").run(SUMMARIZE, INPUTS, user=user)
    ((_, _, result),) = rig.actions
    assert result.provider == "offline" and not result.byok


def test_steps_of_a_larger_action_are_not_announced(rig, accounts):
    user = accounts.create_user()
    client = rig.client(provider="offline")
    client.run(SUMMARIZE, INPUTS, user=user, announce=False)
    assert rig.actions == []
    assert len(rig.calls()) == 1  # still metered


def test_a_failing_credits_callback_does_not_take_the_answer_away(lh_db, clock, accounts, caplog):
    def broken(user, task, result):
        raise RuntimeError("billing is down")

    client = AiClient(AiTaskRegistry(CORE_TASKS), config=AiConfig(provider="offline"), db=lh_db,
                      clock=clock, on_action=broken)
    with caplog.at_level(logging.ERROR, logger="lightninghire.ai"):
        result = client.run(SUMMARIZE, INPUTS, user=accounts.create_user())
    assert result.data["summary"] and "announcing the completed action failed" in caplog.text


# -- metering details ---------------------------------------------------------------------------

def test_ai_calls_indexes_include_a_ttl_on_at(rig):
    client = rig.client()
    client.ensure_indexes()
    client.ensure_indexes()  # idempotent
    indexes = list(rig.db[AI_CALLS].list_indexes())
    ttl = [i for i in indexes if "expireAfterSeconds" in i]
    assert len(ttl) == 1 and list(ttl[0]["key"]) == ["at"]
    assert ttl[0]["expireAfterSeconds"] == 180 * 86400
    assert any(list(i["key"]) == ["userId", "at"] for i in indexes)


def test_an_offline_answer_that_breaks_its_own_schema_is_a_logged_502(rig, caplog):
    broken = AiTask(name="test.broken", description="Broken on purpose.",
                    prompt=lambda inputs: ("", ""), output_schema=CORE_TASKS[0].output_schema,
                    offline=lambda inputs: {"summary": 42})
    client = rig.client(provider="offline", tasks=AiTaskRegistry([broken]))
    with caplog.at_level(logging.ERROR, logger="lightninghire.ai"), \
            pytest.raises(AiUnavailable) as caught:
        client.run("test.broken", {})
    assert caught.value.reason == "invalid_output"
    assert "offline answer fails its own schema" in caplog.text and "summary" in caplog.text
    assert rig.calls()[0]["status"] == "failed"
