"""The AI client: ``services.ai.run("plugin.task", inputs, user=user)`` -> validated data.

Plugins declare ``AiTask``s (a prompt builder, a marshmallow output schema, and an offline
implementation that answers usefully with no network) through the ``register_ai_tasks`` hook.
A run goes to the user's own provider key (BYOK), else the platform's key, else offline; the
answer is validated (one repair attempt), transient provider errors are retried by the SDKs
within a time budget, and every run is metered in ``ai_calls``. See ``docs/ai.md``.
"""

from lightninghire.ai.client import (
    AI_ACTION_COMPLETED,
    AiClient,
    AiResult,
    AiStream,
    AiUnavailable,
    Choice,
    action_payload,
)
from lightninghire.ai.config import AiConfig
from lightninghire.ai.jsonout import OutputProblem, describe, instructions, parse_object
from lightninghire.ai.metering import AI_CALLS, FAILED, OK, REPAIRED
from lightninghire.ai.metering import INDEXES as AI_CALL_INDEXES
from lightninghire.ai.providers import (
    AnthropicProvider,
    Completion,
    OfflineProvider,
    OpenAIProvider,
    ProviderFailure,
    RetryBudget,
    backoff_delay,
)
from lightninghire.ai.tasks import (
    AiOutput,
    AiTask,
    AiTaskRegistry,
    examples_markdown,
    verify_offline,
)

__all__ = [
    "AI_ACTION_COMPLETED",
    "AI_CALLS",
    "AI_CALL_INDEXES",
    "FAILED",
    "OK",
    "REPAIRED",
    "AiClient",
    "AiConfig",
    "AiOutput",
    "AiResult",
    "AiStream",
    "AiTask",
    "AiTaskRegistry",
    "AiUnavailable",
    "AnthropicProvider",
    "Choice",
    "Completion",
    "OfflineProvider",
    "OpenAIProvider",
    "OutputProblem",
    "ProviderFailure",
    "RetryBudget",
    "action_payload",
    "backoff_delay",
    "describe",
    "examples_markdown",
    "instructions",
    "parse_object",
    "verify_offline",
]
