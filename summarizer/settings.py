"""One settings model, read from the environment (prefix `NTTR_`) and an optional config file."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from summarizer.errors import ConfigError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def default_data_dir() -> Path:
    """The per-user data folder: `$XDG_DATA_HOME/nttr`, else `~/.local/share/nttr`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "nttr"


class Settings(BaseSettings):
    """Everything a run can be told; built once where the program starts, then passed down."""

    model_config = SettingsConfigDict(env_prefix="NTTR_", extra="forbid", validate_default=True)

    data_dir: Path = Field(default_factory=default_data_dir, description="All state: embedding cache, state store.")
    output_dir: Path = Field(Path("outputs"), description="Where dated digest folders are written.")
    model: str = Field(DEFAULT_MODEL, description="Embedding model: a name, or a path to a sentence-transformers folder.")
    algorithm: str = Field("nttr", description="Summarizer name from the registry.")
    budget_words: int = Field(100, ge=10, le=2000, description="Word budget of each summary.")
    dedup_threshold: float = Field(
        0.87, gt=0.0, le=1.0, description="Cosine similarity at or above which two statements are the same."
    )
    max_similarity: float = Field(
        0.7,
        gt=0.0,
        le=1.0,
        description="No two sentences of one summary are more similar than this (the repeated-point threshold).",
    )
    timezone: str = Field("UTC", description="Time zone of the daily schedule and of digest dates.")
    task_runner: Literal["default", "dask"] = "default"
    dask_address: str | None = Field(None, description="An existing Dask scheduler; a local cluster when unset.")
    summary_workers: int | None = Field(
        None, ge=0, le=64,
        description="Processes that write summaries beside a run that encodes: unset, one per core (at most 4, none "
        "on one core) when it encodes 1,000 statements or more; a number: that many whenever it encodes; 0: none.",
    )
    batch_size: int = Field(64, ge=1, le=4096, description="Statements per embedding batch.")
    embed_precision: Literal["auto", "float32", "bfloat16"] = Field(
        "auto", description="auto: bfloat16 where the CPU has it natively (half the time), else float32."
    )
    prefect_server: Literal["background", "temporary"] = Field(
        "background", description="Without PREFECT_API_URL: a local server kept running, or a temporary one per run."
    )
    prefect_server_idle_hours: float = Field(
        1.0, ge=0, le=8760, description="The background server stops after this many hours unused (0: never)."
    )
    fetch_timeout: float = Field(10.0, gt=0, le=600, description="Seconds to wait for a feed or page over HTTP.")
    fetch_retries: int = Field(2, ge=0, le=10, description="Retries of a feed or page after a 5xx or a timeout.")

    smtp_host: str = "localhost"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_security: Literal["ssl", "starttls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    email_from: str | None = Field(None, description="The From address of digest emails; needed to send.")
    unsubscribe: str | None = Field(
        None,
        description="Where an unsubscribe request goes: mailto:ADDRESS (a mailbox you read) or an https:// URL "
        "({email} is replaced by the address); default mailto: the From address.",
    )
    email_nothing_new: bool = Field(False, description="On a day with nothing new for them, send a one-line email.")
    retention_days: int = Field(90, ge=1, le=36500, description="`nttr prune` forgets digests older than this.")

    @field_validator("unsubscribe")
    @classmethod
    def _unsubscribe_target(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and not value.lower().startswith(("mailto:", "https://", "http://")):
            raise ValueError(f"{value!r} is neither mailto:ADDRESS nor an http(s):// URL")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)") from None
        return value

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def state_path(self) -> Path:
        return self.data_dir / "state.sqlite3"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _ConfigFileSource(settings_cls)


class _ConfigFileSource(PydanticBaseSettingsSource):
    """Values from the file named by `NTTR_CONFIG` (TOML or YAML); the environment wins over it."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = os.environ.get("NTTR_CONFIG")
        return read_config_file(Path(path)) if path else {}


def read_config_file(path: Path) -> dict[str, Any]:
    """Read a TOML or YAML config file into a dict of settings."""
    try:
        raw = path.read_text(encoding="utf-8")
        data = tomllib.loads(raw) if path.suffix == ".toml" else yaml.safe_load(raw)
    except OSError as exc:
        raise ConfigError(f"NTTR_CONFIG={path}: cannot read it ({exc.strerror}); fix the path or unset it") from None
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0]
        raise ConfigError(f"NTTR_CONFIG={path}: not valid {path.suffix.lstrip('.') or 'YAML'} ({first})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"NTTR_CONFIG={path}: expected a table of settings, found {type(data).__name__}")
    return data


def load_settings(**overrides: Any) -> Settings:
    """Build the settings, turning any invalid value into one `ConfigError` line naming the setting."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"]) or "settings"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown setting"
        raise ConfigError(f"setting {name} (NTTR_{name.upper()}): {msg}") from None
