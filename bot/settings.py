"""Typed settings: every environment variable tobira reads is declared here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
DEMO_CITY = PACKAGE_DIR / "cities" / "demo.yaml"
LINE_API_DEFAULT = "https://api.line.me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TOBIRA_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///tobira.db",
        description="SQLAlchemy URL; sqlite:///path (embedded) or postgresql://... (production)",
    )
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db; enables locks, dedupe, pub/sub"
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="keys the LINE user id hash, encrypts contact details, signs sessions",
    )
    municipality: Path = Field(default=DEMO_CITY, description="path of the city's YAML")
    line_api_base: str = LINE_API_DEFAULT
    line_channel_secret: SecretStr = Field(
        default=SecretStr(""),
        validation_alias=AliasChoices("LINE_CHANNEL_SECRET", "TOBIRA_LINE_CHANNEL_SECRET"),
    )
    line_channel_access_token: SecretStr = Field(
        default=SecretStr(""),
        validation_alias=AliasChoices(
            "LINE_CHANNEL_ACCESS_TOKEN", "TOBIRA_LINE_CHANNEL_ACCESS_TOKEN"
        ),
    )
    redis_connections: int = Field(
        default=50,
        ge=2,
        description="Redis pool for publishing, dedupe and rate limits (waits when busy)",
    )
    redis_lock_connections: int = Field(
        default=50, ge=1, description="Redis pool of the per-conversation locks alone"
    )
    live_streams: int = Field(
        default=1000,
        ge=1,
        description="open event streams (consoles and widgets) per process; more get 503 and retry",
    )
    workers: int = Field(default=1, ge=1, description="server processes; >1 needs TOBIRA_REDIS_URL")
    line_workers: int = Field(
        default=8, ge=1, le=256, description="concurrent LINE event processors"
    )
    resume_after_hours: float = Field(
        default=6.0,
        description="a pause longer than this starts the next reply with 前回の続きから",
    )
    migrate_on_start: bool = Field(
        default=True,
        description="upgrade the schema at start-up (under a lock); false: wait for `tobira migrate`",
    )
    schema_wait: float = Field(
        default=60.0, ge=0, description="seconds to wait for a schema behind before refusing"
    )
    metrics_token: SecretStr = Field(
        default=SecretStr(""), description="/metrics wants `Authorization: Bearer` this when set"
    )
    max_body: int = Field(default=1024 * 1024, ge=1024, description="largest request body, bytes")
    chat_rate_per_session: int = Field(default=30, ge=1, description="/api/chat/ per minute")
    chat_rate_per_address: int = Field(default=120, ge=1, description="/api/chat/ per minute")
    chat_starts_per_address: int = Field(default=20, ge=1, description="new sessions per 10 min")
    log_level: str = "INFO"
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="the address staff open; alert links use it"
    )
    smtp_url: str | None = Field(
        default=None, description="smtp://host:port (smtp+starttls://, smtps://) for on-call mail"
    )
    smtp_from: str = "tobira@localhost"

    @model_validator(mode="after")
    def _workers_need_redis(self) -> Settings:
        if self.workers > 1 and not self.redis_url:
            raise ValueError(
                "TOBIRA_WORKERS > 1 needs TOBIRA_REDIS_URL: locks, dedupe and live updates "
                "must be shared between processes"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def require_secret(self) -> bytes:
        key = self.secret_key.get_secret_value()
        if len(key) < 16:
            raise SystemExit(
                "TOBIRA_SECRET_KEY is missing or shorter than 16 characters; set it to a long random "
                "value (for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return key.encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
