"""``AiClient.stream``: a task's answer as text pieces, through the real OpenAI and Anthropic
SDKs' streaming APIs against the local fake server, and offline piece by piece; metering,
announcing and the failures (before the first piece, mid-stream, the listener leaving)."""

from __future__ import annotations

import logging

import pytest
from marshmallow import Schema, fields, validate

from lightninghire.ai import AI_CALLS, AiOutput, AiStream, AiTask, AiTaskRegistry, AiUnavailable
from lightninghire.errors import StartupError
from tests.core.test_ai import BODY_MARKER, PROVIDERS, SECRETS, Rig
from tests.core.test_ai_fake_server import FakeProviderServer


class EchoIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 200))


class EchoOut(AiOutput):
    answer = fields.String(required=True, validate=validate.Length(1, 500))
    words = fields.Integer(required=True)


def _offline_pieces(inputs):
    for word in inputs["text"].split(" "):
        yield f"{word} "


def _from_text(inputs, text):
    return {"answer": text.strip(), "words": len(text.split())}


ECHO = AiTask(name="sample.echo", description="Says the text back, streamed.",
              prompt=lambda inputs: ("Repeat the text.", inputs["text"]),
              input_schema=EchoIn, output_schema=EchoOut,
              offline=lambda inputs: _from_text(inputs, "".join(_offline_pieces(inputs))),
              text_answer=_from_text, offline_stream=_offline_pieces)
USER = {"_id": "665f00000000000000000001", "email": "u@example.com"}


@pytest.fixture
def llm():
    with FakeProviderServer() as server:
        yield server


@pytest.fixture
def rig(llm, lh_db, clock):
    return Rig(llm, lh_db, clock)


def _client(rig, provider):
    return rig.client(provider=provider, tasks=AiTaskRegistry([ECHO]))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_sdk_stream_gives_each_delta_as_it_comes(rig, llm, provider):
    llm.reply("Interviews on Tuesday [S1].", pieces=["Interviews", " on Tues", "day [S1]."],
              input_tokens=40, output_tokens=9)
    stream = _client(rig, provider).stream("sample.echo", {"text": "hello"}, user=USER)
    assert isinstance(stream, AiStream) and llm.received == []  # nothing asked before wanted
    pieces = list(stream)
    assert pieces == ["Interviews", " on Tues", "day [S1]."]
    assert stream.result.data == {"answer": "Interviews on Tuesday [S1].", "words": 4}
    assert (stream.result.provider, stream.result.input_tokens,
            stream.result.output_tokens) == (provider, 40, 9)
    [request] = llm.received
    assert request.body["stream"] is True
    assert "plain text" in request.text and "JSON object" not in request.text
    [call] = rig.calls()
    assert (call["status"], call["inputTokens"], call["outputTokens"]) == ("ok", 40, 9)
    assert [a["step"] for a in call["attempts"]] == ["stream"]
    assert [result.task for _, _, result in rig.actions] == ["sample.echo"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_provider_down_fails_before_the_first_piece_after_the_sdk_retries(rig, llm,
                                                                            provider):
    llm.fail(500).fail(500).fail(500)
    stream = _client(rig, provider).stream("sample.echo", {"text": "hello"}, user=USER)
    with pytest.raises(AiUnavailable) as failed:
        next(stream)
    assert failed.value.reason == "server_error"
    [call] = rig.calls()
    assert (call["status"], call["reason"]) == ("failed", "server_error")
    assert [a["outcome"] for a in call["attempts"]] == ["server_error"] * 3
    assert rig.actions == []


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("cut_with", ["error", "drop"])
def test_a_stream_cut_by_the_provider_fails_without_its_text(rig, llm, provider, cut_with,
                                                             caplog):
    caplog.set_level(logging.DEBUG)
    llm.reply("one two three four", cut_after=2, cut_with=cut_with)
    stream = _client(rig, provider).stream("sample.echo", {"text": "hello"}, user=USER)
    got = []
    with pytest.raises(AiUnavailable) as failed:
        for piece in stream:
            got.append(piece)
    assert got == ["one ", "two "]  # what came before the cut was given out
    assert failed.value.reason == ("server_error" if cut_with == "error" else "connection")
    assert BODY_MARKER not in str(failed.value) and BODY_MARKER not in caplog.text
    [call] = rig.calls()
    assert (call["status"], call["reason"]) == ("failed", failed.value.reason)
    assert stream.result is None and rig.actions == []
    assert not any(secret in caplog.text for secret in SECRETS)


@pytest.mark.parametrize("provider", [*PROVIDERS, "offline"])
def test_closing_a_stream_early_records_a_cancelled_run_and_announces_nothing(rig, llm,
                                                                              provider):
    llm.reply("one two three four five")
    client = _client(rig, provider) if provider != "offline" else rig.client(
        provider="offline", tasks=AiTaskRegistry([ECHO]))
    stream = client.stream("sample.echo", {"text": "one two three four five"}, user=USER)
    assert next(stream) == "one "
    stream.close()
    [call] = rig.calls()
    assert (call["provider"], call["status"], call["reason"]) == (provider, "failed",
                                                                   "cancelled")
    assert rig.actions == [] and stream.result is None


def test_offline_streams_the_pieces_the_task_composes(rig):
    client = rig.client(provider="offline", tasks=AiTaskRegistry([ECHO]))
    stream = client.stream("sample.echo", {"text": "a b c"}, user=USER)
    assert list(stream) == ["a ", "b ", "c "]
    assert stream.result.data == {"answer": "a b c", "words": 3}
    assert rig.db[AI_CALLS].find_one()["status"] == "ok" and len(rig.actions) == 1


def test_a_task_streams_only_when_it_says_how():
    registry = AiTaskRegistry()
    with pytest.raises(StartupError, match="go together"):
        registry.add(AiTask(name="sample.half", description="x", prompt=ECHO.prompt,
                            output_schema=EchoOut, offline=ECHO.offline,
                            text_answer=_from_text))
    plain = AiTask(name="sample.plain", description="x", prompt=ECHO.prompt,
                   output_schema=EchoOut, offline=ECHO.offline)
    assert not plain.streams and ECHO.streams
