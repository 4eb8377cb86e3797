"""The ``[ai]`` configuration the client runs on, with its defaults.

Read from ``settings.ai`` with ``.get`` so the client works before every key below is declared
in the config schema (keys missing there fall back to these defaults).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PROVIDERS = ("auto", "openai", "anthropic", "offline")
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_ANTHROPIC_MODEL = "claude-haiku-4-5"


@dataclass(frozen=True)
class AiConfig:
    """Keys are kept out of ``repr`` so a logged config never shows them."""

    provider: str = "auto"
    openai_api_key: str = field(default="", repr=False)
    openai_model: str = DEFAULT_OPENAI_MODEL
    openai_base_url: str = ""
    anthropic_api_key: str = field(default="", repr=False)
    anthropic_model: str = DEFAULT_ANTHROPIC_MODEL
    anthropic_base_url: str = ""
    # One provider request; and everything one task run does (retries, repair) together, kept
    # under gunicorn's worker timeout (server.timeout, 30 s by default).
    timeout_seconds: float = 20.0
    total_timeout_seconds: float = 25.0
    max_retries: int = 2
    log_prompts: bool = False

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValueError(f"ai.provider must be one of {', '.join(PROVIDERS)}")
        if self.timeout_seconds <= 0 or self.total_timeout_seconds <= 0 or self.max_retries < 0:
            raise ValueError("ai: timeouts must be positive and max_retries not negative")

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> AiConfig:
        defaults = cls()
        values = {name: section.get(name, getattr(defaults, name))
                  for name in cls.__dataclass_fields__}
        # Empty strings in config mean "the default" for models (a blank env var, say).
        values["openai_model"] = values["openai_model"] or DEFAULT_OPENAI_MODEL
        values["anthropic_model"] = values["anthropic_model"] or DEFAULT_ANTHROPIC_MODEL
        return cls(**values)

    def platform_key(self, family: str) -> str:
        return self.openai_api_key if family == "openai" else self.anthropic_api_key

    def model(self, family: str) -> str:
        return self.openai_model if family == "openai" else self.anthropic_model

    def base_url(self, family: str) -> str | None:
        url = self.openai_base_url if family == "openai" else self.anthropic_base_url
        return url or None
