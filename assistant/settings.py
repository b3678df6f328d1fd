"""One typed settings object. Environment: ``REVOPS_*`` plus the standard ``OPENAI_*``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    chroma_port: int = Field(default=8000, description="Chroma server port (with chroma_host).")
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
    llm_timeout: float = Field(default=30.0, description="Seconds before a remote model call times out.")
    llm_max_retries: int = Field(default=1, description="Retries of a failed remote call before falling back.")
    max_tool_calls: int = Field(default=8, description="Upper bound on tool calls per question.")

    upload_max_mb: int = Field(default=200, description="Largest accepted upload in the UI, in MB.")
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
    """Fresh settings from the environment (tests monkeypatch env vars, then call this)."""
    return Settings(**overrides)  # type: ignore[arg-type]
