"""Providers: OpenAI and Anthropic through their official SDKs, and the offline provider.

A text provider asks once through its SDK and lets the SDK retry transient failures (429, 408,
409, 5xx, timeouts, connection errors, with its own backoff and the provider's Retry-After)
inside a ``RetryBudget``: the SDK client gets ``max_retries`` and ``timeout`` computed from the
time left, and a transport under the SDK records every attempt and tells the SDK not to retry
(the ``x-should-retry: false`` response header both SDKs obey, or an SDK error for a failure
without a response) when the wait and one more attempt would not fit in the budget. Every SDK
failure becomes a ``ProviderFailure`` that carries only a kind, an HTTP status and a Retry-After:
never the provider's error body, which can echo part of the key or of the prompt. The API key is
an argument of each call, used for one SDK client and dropped, so a user's decrypted BYOK key
never outlives the call.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from lightninghire.ai.tasks import AiTask

# The SDKs log each request's options, prompt included, at DEBUG: those lines never leave here.
SDK_LOGGERS = ("openai._base_client", "anthropic._base_client")
RETRYABLE = frozenset({"rate_limited", "server_error", "timeout", "connection"})
# The SDKs' backoff (openai and anthropic alike): 0.5 s doubling up to 8 s, minus up to 25 %
# jitter; a Retry-After from the provider replaces it. The budget plans with the longest wait.
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0  # longest wait; a provider asking for more is not waited for


class _NoRequestBodies(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        text = record.msg if isinstance(record.msg, str) else ""
        return not (record.levelno <= logging.DEBUG
                    and ("Request options" in text or "json_data" in text))


for _name in SDK_LOGGERS:
    logging.getLogger(_name).addFilter(_NoRequestBodies())


@dataclass(frozen=True)
class Completion:
    """A provider's answer: the model's text and what it cost."""

    text: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0


def backoff_delay(attempt: int, retry_after: float | None = None, *, base: float = BACKOFF_BASE,
                  cap: float = BACKOFF_CAP) -> float | None:
    """The longest wait after failed attempt number ``attempt`` (1, 2, ...): ``base * 2**(n-1)``
    up to ``cap`` (the SDKs wait up to 25 % less), or the provider's ``Retry-After`` when it gives
    one. ``None`` means do not retry: the provider asked for a longer wait than a request can
    hold a worker."""
    if retry_after is not None:
        return retry_after if retry_after <= cap else None
    return min(cap, base * 2 ** (attempt - 1))


@dataclass(frozen=True)
class Attempt:
    """One HTTP request of a provider call: ``outcome`` is ``ok`` or a failure kind; ``wait_ms``
    is the time waited before it (the SDK's backoff or the provider's Retry-After)."""

    outcome: str
    status: int | None
    latency_ms: int
    wait_ms: int = 0


@dataclass
class RetryBudget:
    """What one provider call may spend: until ``deadline`` (a ``monotonic`` time), at most
    ``timeout`` seconds per attempt and ``max_retries`` retries, and never an attempt with less
    than ``min_attempt`` seconds left. Filled with the ``attempts`` the SDK made."""

    deadline: float
    timeout: float
    max_retries: int
    min_attempt: float
    monotonic: Callable[[], float] = time.monotonic
    attempts: list[Attempt] = field(default_factory=list)
    _last_end: float | None = None

    def remaining(self) -> float:
        return self.deadline - self.monotonic()

    def sdk_options(self) -> dict[str, Any]:
        """``timeout`` and ``max_retries`` for the SDK client: at most the retries that could
        fit in the time left (failures that come at once, the longest waits, each retry with at
        least ``min_attempt`` seconds). Slower failures are stopped by ``BudgetTransport``."""
        left = self.remaining()
        retries, waited = 0, 0.0
        while retries < self.max_retries:
            wait = backoff_delay(retries + 1)
            assert wait is not None
            if waited + wait + self.min_attempt > left:
                break
            waited += wait
            retries += 1
        return {"timeout": max(0.001, min(self.timeout, left)), "max_retries": retries}

    def starting(self) -> tuple[float, float]:
        """(start time, this attempt's timeout); raises ``TimeoutError`` when no attempt fits."""
        now = self.monotonic()
        left = self.deadline - now
        if self.attempts and left < self.min_attempt:
            raise TimeoutError("the time budget is spent")
        return now, max(0.001, min(self.timeout, left))

    def finished(self, outcome: str, status: int | None, started: float) -> None:
        now = self.monotonic()
        waited = 0.0 if self._last_end is None else started - self._last_end
        self.attempts.append(Attempt(outcome, status, _ms(now - started), _ms(waited)))
        self._last_end = now

    def may_retry(self, retry_after: float | None = None) -> bool:
        """Whether another attempt, after the longest wait the SDK could choose (or the
        provider's Retry-After), still fits: the SDK's retry count and the deadline."""
        if len(self.attempts) > self.max_retries:
            return False
        wait = backoff_delay(len(self.attempts), retry_after)
        return wait is not None and self.monotonic() + wait + self.min_attempt <= self.deadline

    def last_failure(self) -> ProviderFailure | None:
        last = self.attempts[-1] if self.attempts else None
        if last is None or last.outcome == "ok":
            return None
        return ProviderFailure(last.outcome, status=last.status)


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


class BudgetTransport:
    """The HTTP transport under an SDK client (``http_client=...(transport=...)``): records each
    attempt in the budget, cuts each attempt's timeout to the time left, and stops the SDK's
    retries that would not fit (``x-should-retry: false`` on an error response; ``stop(kind)``,
    an SDK error the SDK does not retry, for a timeout or a connection failure)."""

    def __init__(self, budget: RetryBudget, stop: Callable[[str], Exception]) -> None:
        try:
            import httpx2 as httpx  # the SDKs' HTTP client, installed with them
        except ImportError:  # SDK majors before httpx2 ship httpx
            import httpx  # type: ignore[no-redef]

        self._httpx = httpx
        self.inner = httpx.HTTPTransport()
        self.budget = budget
        self.stop = stop

    def handle_request(self, request: Any) -> Any:
        budget, httpx = self.budget, self._httpx
        try:
            started, timeout = budget.starting()
        except TimeoutError:
            raise self.stop("timeout") from None
        request.extensions["timeout"] = {"connect": timeout, "read": timeout, "write": timeout,
                                         "pool": timeout}
        try:
            response = self.inner.handle_request(request)
        except httpx.TimeoutException:
            budget.finished("timeout", None, started)
            if not budget.may_retry():
                raise self.stop("timeout") from None
            raise
        except httpx.RequestError:
            budget.finished("connection", None, started)
            if not budget.may_retry():
                raise self.stop("connection") from None
            raise
        if response.status_code < 400:
            budget.finished("ok", response.status_code, started)
            return response
        failure = failure_for_status(response.status_code, response.headers)
        budget.finished(failure.kind, response.status_code, started)
        if failure.retryable and not budget.may_retry(failure.retry_after):
            response.headers["x-should-retry"] = "false"
        return response

    def close(self) -> None:
        self.inner.close()


EMBED_BATCH = 256  # inputs per embeddings request, well under the API's 2,048


class ProviderFailure(Exception):
    """One failed request. ``kind``: ``rate_limited``, ``server_error``, ``timeout``,
    ``connection`` (all worth a retry), ``key_rejected`` or ``rejected`` (not)."""

    def __init__(self, kind: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(kind if status is None else f"{kind} (HTTP {status})")
        self.kind = kind
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


class TextProvider(Protocol):
    family: str

    def complete(self, *, api_key: str, model: str, system: str,
                 messages: Sequence[Mapping[str, str]], max_tokens: int, temperature: float,
                 budget: RetryBudget) -> Completion:
        """One answer, the SDK retrying within ``budget``; raises ``ProviderFailure``."""

    def stream(self, *, api_key: str, model: str, system: str,
               messages: Sequence[Mapping[str, str]], max_tokens: int, temperature: float,
               budget: RetryBudget) -> Generator[str, None, Completion]:
        """One answer in plain text, yielded piece by piece as the provider sends it; returns
        the ``Completion`` (whole text, tokens). The SDK retries the request within ``budget``
        until the first byte; a failure after that raises ``ProviderFailure`` (nothing is
        retried once text was given out). Closing the generator ends the HTTP response."""


def failure_for_status(status: int, headers: Mapping[str, str] | None) -> ProviderFailure:
    """Classify an HTTP error status the way both providers document them."""
    retry_after = retry_after_seconds(headers or {})
    if status == 429:
        return ProviderFailure("rate_limited", status=status, retry_after=retry_after)
    if status in (401, 403):
        return ProviderFailure("key_rejected", status=status)
    if status == 408:
        return ProviderFailure("timeout", status=status, retry_after=retry_after)
    if status == 409 or status >= 500:  # 409: a lock timeout upstream; 529: Anthropic overloaded
        return ProviderFailure("server_error", status=status, retry_after=retry_after)
    return ProviderFailure("rejected", status=status)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``retry-after-ms`` (OpenAI), else ``retry-after`` in seconds or as an HTTP date."""
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        if "retry-after-ms" in lowered:
            return max(0.0, float(lowered["retry-after-ms"]) / 1000)
        if "retry-after" in lowered:
            return max(0.0, float(lowered["retry-after"]))
    except ValueError:
        pass
    if "retry-after" in lowered:
        try:
            when = parsedate_to_datetime(lowered["retry-after"])
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


def _headers_of(exc: Any) -> Mapping[str, str]:
    response = getattr(exc, "response", None)
    return dict(getattr(response, "headers", {}) or {})


@functools.cache
def _accepts(function: Any, parameter: str) -> bool:
    """Whether an SDK method takes ``parameter`` (SDK majors add and drop some)."""
    try:
        return parameter in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


T = TypeVar("T")


def sdk_call(call: Callable[[], T], sdk: Any, base_error: type[Exception], *,
             budget: RetryBudget | None = None, spent: type[Exception] | None = None,
             other: str = "server_error") -> T:
    """``call()``, with an SDK's errors (``openai`` or ``anthropic``) turned into a
    ``ProviderFailure``: a status error by its status, a timeout, a refused connection, the
    retry budget spent (``spent``, raised by ``BudgetTransport``), anything else the SDK raised
    as ``other`` (e.g. a reply it could not parse)."""
    try:
        return call()
    except sdk.APIStatusError as exc:
        failure = failure_for_status(exc.status_code, _headers_of(exc))
    except sdk.APITimeoutError:
        failure = ProviderFailure("timeout")
    except sdk.APIConnectionError:
        failure = ProviderFailure("connection")
    except base_error as exc:
        spent_budget = spent is not None and isinstance(exc, spent)
        failure = ((budget.last_failure() if budget and spent_budget else None)
                   or ProviderFailure("timeout" if spent_budget else other))
    # Raised outside the except blocks, so no SDK exception (and its body) rides along.
    raise failure


def stream_piece(pieces: Iterator[T], sdk: Any, base_error: type[Exception],
                 httpx: Any) -> T | None:
    """The next item of an SDK's stream, ``None`` at its end; a failure while reading (the
    connection dropped, a read timed out, an error event in the stream) is a
    ``ProviderFailure`` like any other, never the provider's text."""
    try:
        return next(pieces, None)
    except sdk.APIStatusError as exc:
        # An error event inside a 200 stream carries the stream's status: the provider failed.
        status = exc.status_code if exc.status_code >= 400 else None
        failure = (failure_for_status(exc.status_code, _headers_of(exc)) if status
                   else ProviderFailure("server_error"))
    except (sdk.APITimeoutError, httpx.TimeoutException):
        failure = ProviderFailure("timeout")
    except (sdk.APIConnectionError, httpx.HTTPError):
        failure = ProviderFailure("connection")
    except base_error:
        failure = ProviderFailure("server_error")
    raise failure


class OpenAIProvider:
    """Chat Completions in JSON mode; any OpenAI-compatible server through ``base_url``
    (Ollama ``http://127.0.0.1:11434/v1``, a gateway)."""

    family = "openai"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url

    def _client(self, api_key: str, budget: RetryBudget) -> tuple[Any, BudgetTransport, type]:
        """The SDK client on a transport that spends ``budget``; its ``BudgetSpent`` error."""
        import openai  # imported on first use: deployments without a key never pay for it

        class BudgetSpent(openai.OpenAIError):  # an SDK error the SDK raises without a retry
            pass

        transport = BudgetTransport(budget, BudgetSpent)
        client = openai.OpenAI(api_key=api_key, base_url=self.base_url,
                               http_client=openai.DefaultHttpxClient(transport=transport),
                               **budget.sdk_options())
        return client, transport, BudgetSpent

    def complete(self, *, api_key: str, model: str, system: str,
                 messages: Sequence[Mapping[str, str]], max_tokens: int, temperature: float,
                 budget: RetryBudget) -> Completion:
        import openai

        client, _transport, BudgetSpent = self._client(api_key, budget)
        with client:
            response = sdk_call(lambda: client.chat.completions.create(
                model=model,
                messages=[{"role": "system", "content": system}, *messages],  # type: ignore[list-item]
                response_format={"type": "json_object"},
                max_tokens=max_tokens,
                temperature=temperature,
            ), openai, openai.OpenAIError, budget=budget, spent=BudgetSpent)
        choice = response.choices[0] if response.choices else None
        usage = response.usage
        return Completion(
            text=(choice.message.content or "") if choice else "",
            model=response.model or model,
            input_tokens=(usage.prompt_tokens or 0) if usage else 0,
            output_tokens=(usage.completion_tokens or 0) if usage else 0,
        )


    def stream(self, *, api_key: str, model: str, system: str,
               messages: Sequence[Mapping[str, str]], max_tokens: int, temperature: float,
               budget: RetryBudget) -> Generator[str, None, Completion]:
        """Chat Completions with ``stream=True`` (plain text; the usage comes in the last
        chunk, ``stream_options.include_usage``)."""
        import openai

        client, transport, BudgetSpent = self._client(api_key, budget)
        parts: list[str] = []
        answered_by, usage, finished = model, None, False
        with client:
            response = sdk_call(lambda: client.chat.completions.create(
                model=model,
                messages=[{"role": "system", "content": system}, *messages],  # type: ignore[list-item]
                max_tokens=max_tokens, temperature=temperature, stream=True,
                stream_options={"include_usage": True},
            ), openai, openai.OpenAIError, budget=budget, spent=BudgetSpent)
            with response:
                chunks = iter(response)
                while (chunk := stream_piece(chunks, openai, openai.OpenAIError,
                                             transport._httpx)) is not None:
                    answered_by = chunk.model or answered_by
                    usage = chunk.usage or usage
                    for choice in chunk.choices:
                        finished = finished or choice.finish_reason is not None
                        text = choice.delta.content if choice.delta else None
                        if text:
                            parts.append(text)
                            yield text
        if not finished:  # the stream ended without its last chunk: the connection was cut
            raise ProviderFailure("connection")
        return Completion(text="".join(parts), model=answered_by,
                          input_tokens=(usage.prompt_tokens or 0) if usage else 0,
                          output_tokens=(usage.completion_tokens or 0) if usage else 0)

    def embed(self, *, api_key: str, model: str, inputs: Sequence[str],
              timeout: float) -> tuple[list[list[float]], int]:
        """One vector per input, in order, and the tokens used (``embeddings.create``, batched)."""
        import openai

        # One attempt, no SDK retries: callers fall back (BM25) at once rather than wait.
        client = openai.OpenAI(api_key=api_key, base_url=self.base_url, timeout=timeout,
                               max_retries=0)
        vectors: list[list[float]] = []
        tokens = 0
        with client:
            for start in range(0, len(inputs), EMBED_BATCH):
                batch = list(inputs[start:start + EMBED_BATCH])
                create = functools.partial(client.embeddings.create, model=model, input=batch)
                response = sdk_call(create, openai, openai.OpenAIError, other="invalid_output")
                data = sorted(response.data, key=lambda item: item.index)
                if len(data) != len(batch):
                    raise ProviderFailure("invalid_output")
                vectors += [list(item.embedding) for item in data]
                tokens += (response.usage.prompt_tokens or 0) if response.usage else 0
        return vectors, tokens


class AnthropicProvider:
    """The Messages API; the JSON comes back as text (the client validates it)."""

    family = "anthropic"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url

    def _client(self, api_key: str, budget: RetryBudget) -> tuple[Any, BudgetTransport, type]:
        """The SDK client on a transport that spends ``budget``; its ``BudgetSpent`` error."""
        import anthropic

        class BudgetSpent(anthropic.AnthropicError):  # an SDK error the SDK does not retry
            pass

        transport = BudgetTransport(budget, BudgetSpent)
        client = anthropic.Anthropic(api_key=api_key, base_url=self.base_url,
                                     http_client=anthropic.DefaultHttpxClient(transport=transport),
                                     **budget.sdk_options())
        return client, transport, BudgetSpent

    def complete(self, *, api_key: str, model: str, system: str,
                 messages: Sequence[Mapping[str, str]], max_tokens: int, temperature: float,
                 budget: RetryBudget) -> Completion:
        import anthropic

        client, _transport, BudgetSpent = self._client(api_key, budget)
        options: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "system": system,
                                   "messages": list(messages)}
        if _accepts(type(client.messages).create, "temperature"):
            options["temperature"] = temperature
        with client:
            response = sdk_call(lambda: client.messages.create(**options), anthropic,
                                anthropic.AnthropicError, budget=budget, spent=BudgetSpent)
        text = "".join(getattr(block, "text", "") for block in response.content
                       if getattr(block, "type", None) == "text")
        usage = response.usage
        return Completion(
            text=text,
            model=response.model or model,
            input_tokens=(usage.input_tokens or 0) if usage else 0,
            output_tokens=(usage.output_tokens or 0) if usage else 0,
        )

    def stream(self, *, api_key: str, model: str, system: str,
               messages: Sequence[Mapping[str, str]], max_tokens: int, temperature: float,
               budget: RetryBudget) -> Generator[str, None, Completion]:
        """``messages.stream``: the text deltas, then the final message's usage."""
        import anthropic

        client, transport, BudgetSpent = self._client(api_key, budget)
        options: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "system": system,
                                   "messages": list(messages)}
        if _accepts(type(client.messages).stream, "temperature"):
            options["temperature"] = temperature
        with client:
            manager = client.messages.stream(**options)
            stream = sdk_call(manager.__enter__, anthropic, anthropic.AnthropicError,
                              budget=budget, spent=BudgetSpent)
            try:
                texts = iter(stream.text_stream)
                while (text := stream_piece(texts, anthropic, anthropic.AnthropicError,
                                            transport._httpx)) is not None:
                    if text:
                        yield text
                message = stream_piece((stream.get_final_message() for _ in (1,)), anthropic,
                                       anthropic.AnthropicError, transport._httpx)
            finally:
                manager.__exit__(None, None, None)
        if message is None or message.stop_reason is None:  # no message_stop: cut short
            raise ProviderFailure("connection")
        text = "".join(getattr(block, "text", "") for block in message.content
                       if getattr(block, "type", None) == "text")
        usage = message.usage
        return Completion(text=text, model=message.model or model,
                          input_tokens=(usage.input_tokens or 0) if usage else 0,
                          output_tokens=(usage.output_tokens or 0) if usage else 0)


class OfflineProvider:
    """No network, deterministic: the task's own ``offline`` implementation answers."""

    family = "offline"
    model = "offline-1"

    def answer(self, task: AiTask, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return task.answer_offline(inputs)
