"""Providers: OpenAI and Anthropic through their official SDKs, and the offline provider.

A text provider makes exactly one request (the SDKs' own retries are off: the client retries
with its own, testable backoff) and turns every SDK failure into a ``ProviderFailure`` that
carries only a kind, an HTTP status and a Retry-After: never the provider's error body, which
can echo part of the key or of the prompt. The API key is an argument of each call, used for one
SDK client and dropped, so a user's decrypted BYOK key never outlives the call.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from lightninghire.ai.tasks import AiTask

# The SDKs log each request's options, prompt included, at DEBUG: those lines never leave here.
SDK_LOGGERS = ("openai._base_client", "anthropic._base_client")
RETRYABLE = frozenset({"rate_limited", "server_error", "timeout", "connection"})


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
                 timeout: float) -> Completion:
        """One request; raises ``ProviderFailure``."""


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


class OpenAIProvider:
    """Chat Completions in JSON mode; any OpenAI-compatible server through ``base_url``
    (Ollama ``http://127.0.0.1:11434/v1``, a gateway)."""

    family = "openai"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url

    def complete(self, *, api_key: str, model: str, system: str,
                 messages: Sequence[Mapping[str, str]], max_tokens: int, temperature: float,
                 timeout: float) -> Completion:
        import openai  # imported on first use: deployments without a key never pay for it

        client = openai.OpenAI(api_key=api_key, base_url=self.base_url, timeout=timeout,
                               max_retries=0)
        failure: ProviderFailure | None = None
        try:
            response = client.chat.completions.create(
                model=model,
                messages=[{"role": "system", "content": system}, *messages],  # type: ignore[list-item]
                response_format={"type": "json_object"},
                max_tokens=max_tokens,
                temperature=temperature,
            )
        except openai.APIStatusError as exc:
            failure = failure_for_status(exc.status_code, _headers_of(exc))
        except openai.APITimeoutError:
            failure = ProviderFailure("timeout")
        except openai.APIConnectionError:
            failure = ProviderFailure("connection")
        except openai.OpenAIError:  # e.g. a reply the SDK could not parse
            failure = ProviderFailure("server_error")
        finally:
            client.close()
        # Raised outside the except blocks, so no SDK exception (and its body) rides along.
        if failure is not None:
            raise failure
        choice = response.choices[0] if response.choices else None
        usage = response.usage
        return Completion(
            text=(choice.message.content or "") if choice else "",
            model=response.model or model,
            input_tokens=(usage.prompt_tokens or 0) if usage else 0,
            output_tokens=(usage.completion_tokens or 0) if usage else 0,
        )


    def embed(self, *, api_key: str, model: str, inputs: Sequence[str],
              timeout: float) -> tuple[list[list[float]], int]:
        """One vector per input, in order, and the tokens used (``embeddings.create``, batched)."""
        import openai

        client = openai.OpenAI(api_key=api_key, base_url=self.base_url, timeout=timeout,
                               max_retries=0)
        failure: ProviderFailure | None = None
        vectors: list[list[float]] = []
        tokens = 0
        try:
            for start in range(0, len(inputs), EMBED_BATCH):
                batch = list(inputs[start:start + EMBED_BATCH])
                response = client.embeddings.create(model=model, input=batch)
                data = sorted(response.data, key=lambda item: item.index)
                if len(data) != len(batch):
                    failure = ProviderFailure("invalid_output")
                    break
                vectors += [list(item.embedding) for item in data]
                tokens += (response.usage.prompt_tokens or 0) if response.usage else 0
        except openai.APIStatusError as exc:
            failure = failure_for_status(exc.status_code, _headers_of(exc))
        except openai.APITimeoutError:
            failure = ProviderFailure("timeout")
        except openai.APIConnectionError:
            failure = ProviderFailure("connection")
        except openai.OpenAIError:
            failure = ProviderFailure("invalid_output")
        finally:
            client.close()
        if failure is not None:  # outside the except blocks: no SDK exception rides along
            raise failure
        return vectors, tokens


class AnthropicProvider:
    """The Messages API; the JSON comes back as text (the client validates it)."""

    family = "anthropic"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url

    def complete(self, *, api_key: str, model: str, system: str,
                 messages: Sequence[Mapping[str, str]], max_tokens: int, temperature: float,
                 timeout: float) -> Completion:
        import anthropic

        client = anthropic.Anthropic(api_key=api_key, base_url=self.base_url, timeout=timeout,
                                     max_retries=0)
        options: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "system": system,
                                   "messages": list(messages)}
        if _accepts(type(client.messages).create, "temperature"):
            options["temperature"] = temperature
        failure: ProviderFailure | None = None
        try:
            response = client.messages.create(**options)
        except anthropic.APIStatusError as exc:
            failure = failure_for_status(exc.status_code, _headers_of(exc))
        except anthropic.APITimeoutError:
            failure = ProviderFailure("timeout")
        except anthropic.APIConnectionError:
            failure = ProviderFailure("connection")
        except anthropic.AnthropicError:
            failure = ProviderFailure("server_error")
        finally:
            client.close()
        if failure is not None:
            raise failure
        text = "".join(getattr(block, "text", "") for block in response.content
                       if getattr(block, "type", None) == "text")
        usage = response.usage
        return Completion(
            text=text,
            model=response.model or model,
            input_tokens=(usage.input_tokens or 0) if usage else 0,
            output_tokens=(usage.output_tokens or 0) if usage else 0,
        )


class OfflineProvider:
    """No network, deterministic: the task's own ``offline`` implementation answers."""

    family = "offline"
    model = "offline-1"

    def answer(self, task: AiTask, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return task.answer_offline(inputs)
