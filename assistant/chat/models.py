"""The chat-model factory: the one module that imports ``openai`` / ``langchain_openai``.

Two chat models are selectable (``resolve_mode``):

- ``openai`` — an OpenAI or OpenAI-compatible endpoint through ``langchain_openai.ChatOpenAI``
  (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_MODEL``, ``REVOPS_LLM_TIMEOUT``,
  ``REVOPS_LLM_MAX_RETRIES``), built by ``make_remote_model``;
- ``offline`` — the embedded deterministic planner (``assistant.offline.planner``), which runs the
  same tools directly: no key, no network, and no LangChain import.

``REVOPS_LLM=auto`` (the default) picks ``openai`` when an API key or a base URL is configured and
``offline`` otherwise. Both are imported lazily so the offline path never loads the OpenAI client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from tools.errors import RevOpsInputError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings

ModelMode = Literal["offline", "openai"]
LLM_CHOICES = ("auto", "offline", "openai")
#: Placeholder key for keyless OpenAI-compatible servers (vLLM, Ollama, llama.cpp) given a base URL.
KEYLESS_PLACEHOLDER = "not-needed"


class ModelConfigError(RevOpsInputError):
    """The chat model cannot be configured as asked (unknown choice, missing key)."""


def resolve_mode(settings: Settings) -> ModelMode:
    """Which chat model ``settings`` selects: ``"openai"`` or ``"offline"``."""
    choice = settings.llm
    if choice not in LLM_CHOICES:
        raise ModelConfigError(
            f"unknown chat model '{choice}'", hint=f"Set REVOPS_LLM to one of: {', '.join(LLM_CHOICES)}"
        )
    if choice == "offline":
        return "offline"
    if choice == "openai":
        if not settings.openai_api_key and not settings.openai_base_url:
            raise ModelConfigError(
                "REVOPS_LLM=openai needs an API key",
                hint="Set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server), "
                "or set REVOPS_LLM=offline",
            )
        return "openai"
    return "openai" if (settings.openai_api_key or settings.openai_base_url) else "offline"


def make_remote_model(settings: Settings) -> BaseChatModel:
    """An OpenAI / OpenAI-compatible chat model with the configured timeout and retries."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as err:  # pragma: no cover - a broken install
        raise ModelConfigError(
            "langchain-openai is not installed", hint="pip install langchain-openai, or set REVOPS_LLM=offline"
        ) from err
    api_key = settings.openai_api_key or KEYLESS_PLACEHOLDER
    kwargs: dict[str, Any] = {
        "model": settings.openai_model,
        "api_key": api_key,
        "timeout": settings.llm_timeout,
        "max_retries": settings.llm_max_retries,
        "temperature": 0,
    }
    if settings.openai_base_url:
        kwargs["base_url"] = settings.openai_base_url
    return ChatOpenAI(**kwargs)


def describe_remote_failure(err: BaseException) -> str:
    """A one-line, user-facing reason a remote model call failed (no secrets, no traceback)."""
    import openai

    if isinstance(err, openai.APITimeoutError):
        return "the remote model timed out (REVOPS_LLM_TIMEOUT)"
    if isinstance(err, openai.AuthenticationError):
        return "the remote model rejected the API key (401; check OPENAI_API_KEY)"
    if isinstance(err, openai.PermissionDeniedError):
        return "the remote model refused access (403; check OPENAI_API_KEY and OPENAI_MODEL)"
    if isinstance(err, openai.RateLimitError):
        return "the remote model is rate-limited or out of quota (429)"
    if isinstance(err, openai.NotFoundError):
        return "the remote endpoint or model was not found (404; check OPENAI_BASE_URL and OPENAI_MODEL)"
    if isinstance(err, openai.APIConnectionError):
        return "the remote model could not be reached (connection failed; check OPENAI_BASE_URL)"
    if isinstance(err, openai.APIStatusError):
        return f"the remote model returned HTTP {err.status_code}"
    name = type(err).__name__
    if "Timeout" in name:
        return "the remote model timed out (REVOPS_LLM_TIMEOUT)"
    return f"the remote model failed ({name})"
