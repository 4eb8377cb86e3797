"""``AiClient``: the one entry point for model calls, ``services.ai.run(task, inputs, user=user)``.

A run: validate the inputs -> choose where the call goes (the user's BYOK key, else the platform's
key, else offline) -> ask -> read the JSON and validate it with the task's schema -> on failure
ask once more with the errors (repair) -> record the call in ``ai_calls`` -> announce the
completed action (``on_action``; in the app, the ``ai.action_completed`` event). Transient
provider failures (429, 5xx, timeouts, connection errors) are retried by the provider's SDK
inside a time budget (``providers.RetryBudget``); whatever still fails is a 502 ``AI_UNAVAILABLE``
whose message holds no key, prompt or provider error text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError

from lightninghire.ai.config import AiConfig
from lightninghire.ai.jsonout import (
    OutputProblem,
    instructions,
    parse_object,
    problems_text,
    repair_request,
)
from lightninghire.ai.metering import REPAIRED, CallMeter, CallRecord
from lightninghire.ai.providers import (
    AnthropicProvider,
    Attempt,
    Completion,
    OfflineProvider,
    OpenAIProvider,
    ProviderFailure,
    RetryBudget,
    TextProvider,
)
from lightninghire.ai.tasks import AiTask, AiTaskRegistry, fit_output
from lightninghire.clock import Clock
from lightninghire.errors import UpstreamUnavailable

if TYPE_CHECKING:
    from lightninghire.config import Settings
    from lightninghire.db import Database

log = logging.getLogger(__name__)

ByokLookup = Callable[[Mapping[str, Any], str], "str | None"]
OnAction = Callable[[Mapping[str, Any], AiTask, "AiResult"], None]

# The event the app's client emits after each completed AI action made for a user (a plugin that
# meters credits listens for it in ``handle_event``).
AI_ACTION_COMPLETED = "ai.action_completed"

# What a streamed run asks for instead of the JSON shape: the text goes to the user as it comes.
PLAIN_TEXT = ("Reply with the answer itself as plain text (no JSON, no code fence); it is shown "
              "to the user as you write it.")
MIN_ATTEMPT_SECONDS = 1.0  # no attempt starts with less budget left than this (or the timeout)
FAMILY_NAMES = {"openai": "OpenAI", "anthropic": "Anthropic"}


class AiUnavailable(UpstreamUnavailable):
    """502 ``AI_UNAVAILABLE``: the provider failed after retries, or its answer stayed invalid
    after the repair. ``reason`` (in the error body) says which, in one word."""

    code = "AI_UNAVAILABLE"
    default_message = "The AI service is unavailable right now. Please try again in a moment."

    def __init__(self, message: str | None = None, *, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class AiResult:
    """A validated answer and where it came from (``provider``: ``byok-openai``,
    ``byok-anthropic``, ``openai``, ``anthropic`` or ``offline``; ``status``: ``ok`` or
    ``repaired``). ``call_id`` is the ``ai_calls`` document."""

    data: dict[str, Any]
    task: str
    provider: str
    model: str
    status: str
    input_tokens: int
    output_tokens: int
    latency_ms: int
    call_id: str | None = None

    @property
    def byok(self) -> bool:
        return self.provider.startswith("byok-")


class AiStream:
    """One streamed run (``AiClient.stream``): iterate it for the answer's text pieces as they
    come; ``result`` (an ``AiResult``) is set once the last piece is out. A failure raises
    ``AiUnavailable`` from the iteration. Closing it early (``close()``: the listener went away)
    ends the provider's response, records the run as failed with reason ``cancelled`` and
    announces nothing."""

    def __init__(self, task: AiTask, choice: Choice,
                 pieces: Generator[str, None, AiResult]) -> None:
        self.task = task.name
        self.provider = choice.provider
        self._pieces = pieces
        self.result: AiResult | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            return next(self._pieces)
        except StopIteration as done:
            self.result = done.value
            raise

    def close(self) -> None:
        self._pieces.close()


@dataclass(frozen=True)
class Choice:
    """Where one run goes. The key is left out of ``repr`` and lives only as long as the run."""

    provider: str
    family: str
    model: str
    key: str = field(default="", repr=False)

    @property
    def byok(self) -> bool:
        return self.provider.startswith("byok-")


OFFLINE = Choice("offline", "offline", OfflineProvider.model)


class AiClient:
    """Runs registered ``AiTask``s. Built once per app (``services.ai``); thread-safe: a run
    keeps its state in locals, SDK clients are made per request."""

    def __init__(
        self,
        tasks: AiTaskRegistry | None = None,
        *,
        config: AiConfig | None = None,
        db: Database | None = None,
        clock: Clock | None = None,
        byok_key: ByokLookup | None = None,
        on_action: OnAction | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tasks = tasks if tasks is not None else AiTaskRegistry()
        self.config = config or AiConfig()
        self.meter = CallMeter(db, clock or Clock(), log_prompts=self.config.log_prompts)
        self.byok_key = byok_key
        self.on_action = on_action
        # The clock of latencies and of the retry budget.
        self._monotonic = monotonic
        self.providers: dict[str, TextProvider] = {
            "openai": OpenAIProvider(self.config.base_url("openai")),
            "anthropic": AnthropicProvider(self.config.base_url("anthropic")),
        }
        self.offline = OfflineProvider()

    @classmethod
    def from_settings(cls, settings: Settings, *, db: Database | None, clock: Clock,
                      byok_key: ByokLookup | None = None, on_action: OnAction | None = None,
                      tasks: AiTaskRegistry | None = None) -> AiClient:
        """The client for ``[ai]``; nothing touches the network or the database here."""
        return cls(tasks, config=AiConfig.from_section(settings.ai), db=db, clock=clock,
                   byok_key=byok_key, on_action=on_action)

    def ensure_indexes(self) -> None:
        """Create the ``ai_calls`` indexes (TTL included); safe to repeat."""
        self.meter.ensure_indexes()

    # -- choosing --------------------------------------------------------------------------------

    def choose(self, user: Mapping[str, Any] | None) -> Choice:
        """The user's own key (BYOK) -> the platform's key -> offline.

        ``ai.provider = openai|anthropic`` limits both steps to that provider; ``auto`` tries
        OpenAI, then Anthropic; ``offline`` never leaves the process.
        """
        config = self.config
        if config.provider == "offline":
            return OFFLINE
        families = ("openai", "anthropic") if config.provider == "auto" else (config.provider,)
        if user is not None and self.byok_key is not None:
            for family in families:
                key = self.byok_key(user, family)
                if key:
                    return Choice(f"byok-{family}", family, config.model(family), key)
        for family in families:
            key = config.platform_key(family)
            if key:
                return Choice(family, family, config.model(family), key)
        return OFFLINE

    # -- running ---------------------------------------------------------------------------------

    def run(self, task_name: str, inputs: Mapping[str, Any], *,
            user: Mapping[str, Any] | None = None, announce: bool = True) -> AiResult:
        """Run ``task_name`` for ``user`` (``None``: a system call, no BYOK, nothing announced).

        ``announce=False`` marks a step of a larger action (an extraction inside an
        evaluation): it runs on the user's key like the rest, but the action is announced
        once, from its main task.

        Returns validated data; raises ``ValidationFailed`` (400) for bad inputs and
        ``AiUnavailable`` (502 ``AI_UNAVAILABLE``) when no valid answer could be had.
        """
        task = self.tasks.get(task_name)
        values = task.load_inputs(inputs)
        choice = self.choose(user)
        record = self.meter.start(task.name, choice.provider, choice.model, user)
        started = self._monotonic()
        try:
            if choice.family == "offline":
                data = self._offline(task, values)
            else:
                data = self._remote(task, values, choice, record)
        except AiUnavailable as exc:
            self._finish(record, started, failed=exc.reason)
            level = logging.ERROR if exc.reason == "key_rejected" and not choice.byok else logging.WARNING
            log.log(level, "AI task %s via %s (%s) failed: %s after %d attempt(s)", task.name,
                    choice.provider, choice.model, exc.reason, len(record.attempts))
            raise
        except Exception:
            self._finish(record, started, failed="error")
            raise
        return self._conclude(task, choice, record, started, data, user, announce)

    def _conclude(self, task: AiTask, choice: Choice, record: Any, started: float, data: Any,
                  user: Mapping[str, Any] | None, announce: bool) -> AiResult:
        """A run that produced ``data``: recorded, then announced (an AI action of ``user``)."""
        call_id = self._finish(record, started)
        result = AiResult(data, task.name, choice.provider, choice.model, record.status,
                          record.input_tokens, record.output_tokens, record.latency_ms, call_id)
        if announce and user is not None and task.counts_as_ai_action and self.on_action is not None:
            self._announce(user, task, result)
        return result

    def stream(self, task_name: str, inputs: Mapping[str, Any], *,
               user: Mapping[str, Any] | None = None, announce: bool = True) -> AiStream:
        """Run a task that streams (``AiTask.streams``) for ``user``: the same choice of
        provider, metering and announcement as ``run``, but the answer comes as text pieces
        (the model's deltas; offline, the task's ``offline_stream``), and the output is built
        from the whole text by ``task.text_answer`` and validated at the end (no repair: the
        text was already given out). Inputs are validated here (``ValidationFailed``); nothing
        is asked before the first piece is wanted."""
        task = self.tasks.get(task_name)
        if not task.streams:
            raise LookupError(f"AI task {task_name!r} does not stream")
        values = task.load_inputs(inputs)
        choice = self.choose(user)
        return AiStream(task, choice, self._stream(task, values, choice, user, announce))

    def _stream(self, task: AiTask, values: Mapping[str, Any], choice: Choice,
                user: Mapping[str, Any] | None,
                announce: bool) -> Generator[str, None, AiResult]:
        record = self.meter.start(task.name, choice.provider, choice.model, user)
        started = self._monotonic()
        pieces: list[str] = []
        try:
            if choice.family == "offline":
                assert task.offline_stream is not None
                for piece in task.offline_stream(values):
                    if piece:
                        pieces.append(piece)
                        yield piece
            else:
                yield from self._remote_stream(task, values, choice, record, pieces)
            data = self._from_text(task, values, "".join(pieces))
        except AiUnavailable as exc:
            self._finish(record, started, failed=exc.reason)
            log.warning("AI task %s via %s (%s) failed while streaming: %s", task.name,
                        choice.provider, choice.model, exc.reason)
            raise
        except GeneratorExit:
            # The listener left: no outcome, so the run failed, and nothing is announced.
            self._finish(record, started, failed="cancelled")
            raise
        except Exception:
            self._finish(record, started, failed="error")
            raise
        return self._conclude(task, choice, record, started, data, user, announce)

    def _remote_stream(self, task: AiTask, values: Mapping[str, Any], choice: Choice,
                       record: CallRecord, pieces: list[str]) -> Generator[str, None, None]:
        system, user_text = task.prompt(values)
        system = f"{system.strip()}\n\n{PLAIN_TEXT}"
        record.prompt = {"system": system, "user": user_text}
        budget = RetryBudget(self._monotonic() + self.config.total_timeout_seconds,
                             timeout=self.config.timeout_seconds,
                             max_retries=self.config.max_retries, min_attempt=self._min_attempt,
                             monotonic=self._monotonic)
        deltas = self.providers[choice.family].stream(
            api_key=choice.key, model=choice.model, system=system,
            messages=[{"role": "user", "content": user_text}], max_tokens=task.max_tokens,
            temperature=task.temperature, budget=budget)
        try:
            while True:
                try:
                    piece = next(deltas)
                except StopIteration as done:
                    completion: Completion = done.value
                    break
                pieces.append(piece)
                yield piece
        except ProviderFailure as failure:
            _record_attempts(record, "stream", budget.attempts)
            raise AiUnavailable(_message_for(failure, choice), reason=failure.kind) from None
        except GeneratorExit:
            deltas.close()  # ends the provider's HTTP response
            _record_attempts(record, "stream", budget.attempts)
            raise
        _record_attempts(record, "stream", budget.attempts, completion)
        record.replies.append(completion.text)

    def _from_text(self, task: AiTask, values: Mapping[str, Any], text: str) -> dict[str, Any]:
        assert task.text_answer is not None
        try:
            return task.load_output(fit_output(task.output_schema, task.text_answer(values, text)))
        except ValidationError as exc:
            log.error("AI task %s: the streamed answer fails its schema: %s", task.name,
                      problems_text(exc.normalized_messages()))
            raise AiUnavailable("The AI service gave an answer that could not be used. "
                                "Please try again.", reason="invalid_output") from None

    def embed(self, texts: Sequence[str], *, user: Mapping[str, Any] | None, model: str,
              timeout: float | None = None) -> list[list[float]] | None:
        """Vectors for ``texts`` from the provider ``choose(user)`` picks, when it has an
        embeddings API (the OpenAI family, ``base_url`` honoured); ``None`` otherwise (offline,
        Anthropic). One attempt, no retries: callers have a fallback (BM25) and must not hold the
        request. Metered in ``ai_calls`` as task ``embeddings``; a failure raises
        ``AiUnavailable`` with the failure's kind as ``reason`` and no provider text."""
        choice = self.choose(user)
        if choice.family != "openai" or not choice.key:
            return None
        provider = self.providers["openai"]
        record = self.meter.start("embeddings", choice.provider, model, user)
        started = self._monotonic()
        try:
            vectors, tokens = provider.embed(  # type: ignore[attr-defined]
                api_key=choice.key, model=model, inputs=list(texts),
                timeout=timeout or self.config.timeout_seconds)
        except ProviderFailure as failure:
            record.attempt("embed", failure.kind, latency_ms=_ms(self._monotonic() - started),
                           http_status=failure.status)
            self._finish(record, started, failed=failure.kind)
            raise AiUnavailable(reason=failure.kind) from None
        record.attempt("embed", "ok", latency_ms=_ms(self._monotonic() - started),
                       input_tokens=tokens)
        self._finish(record, started)
        return vectors

    def _finish(self, record: CallRecord, started: float, failed: str | None = None) -> str | None:
        """Save the call's record with its latency (``failed``: the reason it failed)."""
        if failed is not None:
            record.fail(failed)
        record.latency_ms = _ms(self._monotonic() - started)
        return self.meter.save(record)

    def _announce(self, user: Mapping[str, Any], task: AiTask, result: AiResult) -> None:
        assert self.on_action is not None
        try:
            self.on_action(user, task, result)
        except Exception:
            # The user has the answer; a listener's hiccup must not turn it into an error.
            log.exception("AI task %s: announcing the completed action failed", task.name)

    def _offline(self, task: AiTask, values: Mapping[str, Any]) -> dict[str, Any]:
        answer = self.offline.answer(task, values)
        try:
            return task.load_output(answer)
        except ValidationError as exc:
            # A bug in the task's offline implementation: loud in the log, a clean 502 outside.
            log.error("AI task %s: the offline answer fails its own schema: %s", task.name,
                      problems_text(exc.normalized_messages()))
            raise AiUnavailable(reason="invalid_output") from None

    def _remote(self, task: AiTask, values: Mapping[str, Any], choice: Choice,
                record: CallRecord) -> dict[str, Any]:
        system, user_text = task.prompt(values)
        system = f"{system.strip()}\n\n{instructions(task.output_schema)}"
        record.prompt = {"system": system, "user": user_text}
        messages = [{"role": "user", "content": user_text}]
        provider = self.providers[choice.family]
        deadline = self._monotonic() + self.config.total_timeout_seconds
        reply = self._complete(provider, choice, task, system, messages, record, "answer", deadline)
        try:
            return self._validated(task, reply.text)
        except OutputProblem as problem:
            record.last_was_invalid()
            messages += [{"role": "assistant", "content": reply.text or "(empty reply)"},
                         {"role": "user", "content": repair_request(problem.detail)}]
        reply = self._complete(provider, choice, task, system, messages, record, "repair", deadline)
        try:
            data = self._validated(task, reply.text)
        except OutputProblem:
            record.last_was_invalid()
            raise AiUnavailable("The AI service gave an answer that could not be used. "
                                "Please try again.", reason="invalid_output") from None
        record.status = REPAIRED
        return data

    @staticmethod
    def _validated(task: AiTask, text: str) -> dict[str, Any]:
        try:
            return task.load_output(parse_object(text))
        except ValidationError as exc:
            raise OutputProblem(problems_text(exc.normalized_messages())) from None

    def _complete(self, provider: TextProvider, choice: Choice, task: AiTask, system: str,
                  messages: list[dict[str, str]], record: CallRecord, step: str,
                  deadline: float) -> Completion:
        """One answer from the provider, its SDK retrying transient failures within the
        deadline; every attempt is recorded."""
        if deadline - self._monotonic() < self._min_attempt:
            raise AiUnavailable(reason="timeout")
        budget = RetryBudget(deadline, timeout=self.config.timeout_seconds,
                             max_retries=self.config.max_retries, min_attempt=self._min_attempt,
                             monotonic=self._monotonic)
        try:
            reply = provider.complete(api_key=choice.key, model=choice.model, system=system,
                                      messages=messages, max_tokens=task.max_tokens,
                                      temperature=task.temperature, budget=budget)
        except ProviderFailure as failure:
            _record_attempts(record, step, budget.attempts)
            raise AiUnavailable(_message_for(failure, choice), reason=failure.kind) from None
        _record_attempts(record, step, budget.attempts, reply)
        record.replies.append(reply.text)
        return reply

    @property
    def _min_attempt(self) -> float:
        return min(MIN_ATTEMPT_SECONDS, self.config.timeout_seconds)


def _record_attempts(record: CallRecord, step: str, attempts: list[Attempt],
                     reply: Completion | None = None) -> None:
    """The SDK's attempts into the call record; the answering one carries the tokens."""
    if reply is not None and (not attempts or attempts[-1].outcome != "ok"):
        attempts = [*attempts, Attempt("ok", 200, 0)]  # a transport that recorded nothing
    for number, attempt in enumerate(attempts, start=1):
        answered = reply is not None and number == len(attempts)
        record.attempt(step, attempt.outcome, http_status=attempt.status,
                       latency_ms=attempt.latency_ms, wait_ms=attempt.wait_ms,
                       input_tokens=reply.input_tokens if answered and reply else 0,
                       output_tokens=reply.output_tokens if answered and reply else 0)


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _message_for(failure: ProviderFailure, choice: Choice) -> str | None:
    """What the user reads: specific when it is about their own key, generic otherwise (a
    platform key problem is the operator's, and is logged as an error)."""
    name = FAMILY_NAMES.get(choice.family, choice.family)
    if choice.byok and failure.kind == "key_rejected":
        return f"Your saved {name} key was refused by {name}. Check or replace it in Settings."
    if choice.byok and failure.kind == "rate_limited":
        return (f"Your {name} account is rate limited or out of quota. Please try again later "
                f"or check your plan with {name}.")
    return None


def action_payload(result: AiResult) -> dict[str, Any]:
    """The ``ai.action_completed`` event's payload: which task, who answered (``byok``: the
    user's own key), the tokens, and the ``ai_calls`` document (``callId``)."""
    return {"task": result.task, "provider": result.provider, "model": result.model,
            "byok": result.byok, "status": result.status, "inputTokens": result.input_tokens,
            "outputTokens": result.output_tokens, "callId": result.call_id}
