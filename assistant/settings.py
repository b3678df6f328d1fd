"""One typed settings object. Environment: ``REVOPS_*`` plus the standard ``OPENAI_*``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from tools.errors import RevOpsInputError


class SettingsError(RevOpsInputError):
    """A setting from the environment or ``.env`` has a value that cannot be used."""


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "revops"


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``REVOPS_<FIELD>`` (or in ``.env``)."""

    model_config = SettingsConfigDict(env_prefix="REVOPS_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Where the store and session files live.")
    store_path: Path | None = Field(
        default=None, description="Chroma persistent directory (default: <home>/chroma)."
    )
    chroma_host: str | None = Field(
        default=None, description="Use a Chroma server (client/server) at this host instead of a local store."
    )
    chroma_port: int = Field(default=8000, ge=1, le=65535, description="Chroma server port (with chroma_host).")
    collection: str = Field(default="revops_playbook", description="Chroma collection name.")

    llm: Literal["auto", "offline", "openai"] = Field(
        default="auto",
        description="Chat model: 'openai' (needs OPENAI_API_KEY), 'offline' (embedded), 'auto' (openai if a key is set).",
    )
    openai_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "REVOPS_OPENAI_API_KEY"),
        description="API key for the OpenAI or OpenAI-compatible endpoint.",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "REVOPS_OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-compatible endpoint (default: OpenAI).",
    )
    openai_model: str = Field(
        default="gpt-4o-mini",
        validation_alias=AliasChoices("OPENAI_MODEL", "REVOPS_OPENAI_MODEL"),
        description="Model name on the endpoint.",
    )
    llm_timeout: float = Field(
        default=30.0, gt=0, le=3600,
        description="Seconds the remote model may take for a whole question (all requests and retries); "
        "past it the question is answered offline.",
    )
    llm_max_retries: int = Field(default=1, ge=0, le=10, description="Retries of a failed remote call before falling back.")
    max_tool_calls: int = Field(default=8, ge=1, le=50, description="Upper bound on tool calls per question.")

    upload_max_mb: int = Field(default=200, gt=0, description="Largest accepted upload in the UI, in MB.")
    doc_max_mb: float = Field(
        default=5.0, gt=0, description="Largest playbook document `revops index --add` accepts, in MB."
    )
    ui_password: str | None = Field(default=None, description="If set, the UI asks for user 'revops' and this password.")
    lang: Literal["en", "ja"] = Field(default="en", description="Default language for UI labels and memos.")
    currency: str | None = Field(
        default=None,
        description="ISO 4217 code of the amounts (JPY, USD...) when the upload carries no currency symbol; "
        "money is then written with it (¥69.6M, 6,958万円).",
    )

    @property
    def resolved_store_path(self) -> Path:
        return self.store_path or (self.home / "chroma")


def get_settings(**overrides: object) -> Settings:
    """Fresh settings from the environment (tests monkeypatch env vars, then call this).

    Raises:
        SettingsError: A value cannot be used; the message names the variable, the value and why.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        raise settings_error(err) from None


def env_name(field: str) -> str:
    """The environment variable that sets ``field`` (``REVOPS_LLM_TIMEOUT``, ``OPENAI_API_KEY``)."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices) and alias.choices:
        return str(alias.choices[0])
    return f"REVOPS_{field.upper()}"


def settings_error(err: ValidationError) -> SettingsError:
    """One line per bad setting: ``REVOPS_LLM_TIMEOUT='abc': input should be a valid number``."""
    problems: list[str] = []
    for item in err.errors():
        field = str(item["loc"][0]) if item.get("loc") else "?"
        value: Any = item.get("input")
        shown = repr(value) if isinstance(value, str | int | float) else "this value"
        if len(shown) > 60:
            shown = shown[:57] + "…'"
        problems.append(f"{env_name(field)}={shown}: {str(item['msg'])[:1].lower()}{str(item['msg'])[1:]}")
    return SettingsError("; ".join(problems), hint="Fix or unset it (see .env.example)")
