"""The one settings object: defaults in code, then the config file, then environment, then flags.

The config file is TOML at `$XDG_CONFIG_HOME/litassist/config.toml` (or `LITASSIST_CONFIG`).
Environment variables use the `LITASSIST_` prefix; the OpenAI ones (`OPENAI_API_KEY`,
`OPENAI_BASE_URL`) are read too, so existing setups work unchanged.  Flags reach us as
keyword overrides.  `describe()` renders the settings with the API key masked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant.errors import LitassistError
from assistant.redact import mask_url

APP_NAME = "litassist"
ModeSetting = Literal["auto", "llm", "extractive"]

# Keys a user may save from the TUI or `litassist config set` (never the API key).
SAVABLE_KEYS = ("openai_base_url", "model", "answer_mode", "k", "theme", "embedder", "chroma_url")


URL_KEYS = ("chroma_url", "openai_base_url")


class SettingsError(LitassistError):
    """The config file cannot be read, or a setting's value is invalid."""


def default_config_file() -> Path:
    override = os.environ.get("LITASSIST_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def _default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LITASSIST_",
        extra="ignore",
        populate_by_name=True,
        validate_default=True,
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        validation_alias=AliasChoices("data_dir", "LITASSIST_HOME", "LITASSIST_DATA_DIR"),
        description="Folder holding the paper library, search indexes and conversations.",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Folder for the prepared local embedding model.",
    )
    chroma_url: str | None = Field(
        default=None, description="Chroma server URL (http://host:port); embedded store if unset."
    )
    embedder: str = Field(
        default="local",
        description="'local' (offline MiniLM) or 'openai:<model>' for an embeddings endpoint.",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("openai_api_key", "LITASSIST_API_KEY", "OPENAI_API_KEY"),
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("openai_base_url", "LITASSIST_BASE_URL", "OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama.",
    )
    model: str = Field(default="gpt-4o-mini", description="Chat model name at the endpoint.")
    answer_mode: ModeSetting = Field(
        default="auto",
        validation_alias=AliasChoices("answer_mode", "LITASSIST_MODE", "LITASSIST_ANSWER_MODE"),
        description="auto: the LLM when an endpoint is configured, else offline extractive.",
    )
    k: int = Field(default=8, ge=1, le=100, description="Passages retrieved per question.")
    timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds the LLM endpoint may stay silent before a call fails.",
    )
    connect_timeout: float = Field(
        default=5.0, gt=0, le=120, description="Seconds to connect to the LLM endpoint or Chroma."
    )
    answer_timeout: float = Field(
        default=90.0,
        gt=0,
        description="Seconds an LLM answer may take in all, every retry included.",
    )
    chroma_timeout: float = Field(
        default=60.0, gt=0, description="Seconds the Chroma server may take to answer a request."
    )
    max_retries: int = Field(default=3, ge=0, le=10, description="Retries on 429/5xx/timeouts.")
    theme: str = Field(default="textual-dark", description="Textual theme of the terminal UI.")
    max_input_mb: float = Field(
        default=512, gt=0, description="Files larger than this (MB) are refused by ingest."
    )
    max_abstract_chars: int = Field(
        default=100_000, ge=1000, le=1_000_000, description="Longer abstracts are cut at ingest."
    )
    config_file: Path = Field(
        default_factory=default_config_file,
        validation_alias=AliasChoices("config_file", "LITASSIST_CONFIG"),
        description="The TOML file these settings were read from; `prompts/` beside it "
        "overrides the shipped prompts.",
    )
    # Zotero and the scholarly APIs (assistant/zotero/, assistant/scholarly/).
    zotero_dir: Path = Field(
        default=Path("~/Zotero"), description="Zotero's data folder (holding zotero.sqlite)."
    )
    zotero_api_url: str = Field(
        default="http://localhost:23119/api", description="Zotero 7's local API."
    )
    contact_email: str | None = Field(
        default=None, description="Sent to the scholarly APIs (their polite pools); optional."
    )
    openalex_url: str = Field(default="https://api.openalex.org", description="OpenAlex API.")
    openalex_api_key: SecretStr | None = Field(
        default=None, description="OpenAlex API key (free; raises the daily search allowance)."
    )
    crossref_url: str = Field(default="https://api.crossref.org", description="Crossref API.")
    arxiv_url: str = Field(default="https://export.arxiv.org/api", description="arXiv API.")
    pubmed_url: str = Field(
        default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils", description="NCBI E-utilities."
    )
    semanticscholar_url: str = Field(
        default="https://api.semanticscholar.org", description="Semantic Scholar Graph API."
    )

    @field_validator("data_dir", "cache_dir", "config_file", "zotero_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("chroma_url", "openai_base_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("chroma_url", "openai_base_url", mode="after")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        from urllib.parse import urlsplit

        if value is not None:
            parts = urlsplit(value.strip())
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("not an http:// or https:// URL")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file named by `config_file=` (a test, a front end's --config) or LITASSIST_CONFIG.
        given = getattr(init_settings, "init_kwargs", {}).get("config_file")
        toml_file = Path(given).expanduser() if given else default_config_file()
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_file)
        return (init_settings, env_settings, toml)

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key)

    @property
    def effective_mode(self) -> Literal["llm", "extractive"]:
        if self.answer_mode == "auto":
            return "llm" if self.llm_configured else "extractive"
        return self.answer_mode

    def describe(self) -> dict[str, str]:
        """Every setting as text, secrets masked (the keys, and credentials or key-like query
        parameters in URLs): safe to print, log or export."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                shown[name] = "set (hidden)" if value.get_secret_value() else "not set"
            elif value is None:
                shown[name] = "not set"
            else:
                shown[name] = mask_url(str(value)) if "://" in str(value) else str(value)
        shown["effective_mode"] = self.effective_mode
        return shown


def valid_values(key: str) -> str:
    """What `key` accepts, in words: `k must be a whole number from 1 to 100`."""
    import typing

    field = Settings.model_fields[key]
    if key in URL_KEYS:
        return f"{key} must be an http:// or https:// URL with a host, e.g. http://localhost:8000"
    if typing.get_origin(field.annotation) is Literal:
        return f"{key} must be one of {', '.join(typing.get_args(field.annotation))}"
    low = high = None
    strict_low = False
    for rule in field.metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
        if getattr(rule, "gt", None) is not None:
            low, strict_low = rule.gt, True
    kind = "a whole number" if field.annotation is int else "a number"
    if low is not None and high is not None and not strict_low:
        return f"{key} must be {kind} from {low:g} to {high:g}"
    if low is not None:
        above = "above" if strict_low else "of at least"
        most = f" and at most {high:g}" if high is not None else ""
        return f"{key} must be {kind} {above} {low:g}{most}"
    return f"{key} must be {kind}" if field.annotation in (int, float) else f"{key} is invalid"


def _invalid(exc: ValidationError, config_file: Path | None) -> SettingsError:
    first = exc.errors()[0]
    key = str(first.get("loc", ("settings",))[0])
    where = f" (from the environment, a flag or {config_file})" if config_file else ""
    if key not in Settings.model_fields:
        return SettingsError(f"Invalid setting {key}{where}: {first.get('msg')}.")
    value = first.get("input")
    shown = mask_url(str(value)) if isinstance(value, str) else value
    return SettingsError(f"Invalid value {shown!r} for {key}{where}: {valid_values(key)}.")


def load_settings(**overrides: Any) -> Settings:
    """Settings with flag overrides applied (None values mean 'flag not given').

    Raises:
        SettingsError: the config file is not valid TOML or cannot be read, or a value is
            invalid; the message names the file or the key and what is valid.
    """
    import tomllib

    given = {key: value for key, value in overrides.items() if value is not None}
    named = given.get("config_file")
    config = Path(named).expanduser() if named else default_config_file()
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise _invalid(exc, config) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"The config file {config} is not valid TOML ({exc}); fix it, or move it aside "
            "to use the defaults."
        ) from exc
    except OSError as exc:
        raise SettingsError(
            f"Cannot read the config file {config}: {exc.strerror or exc}."
        ) from exc


def check_value(key: str, value: str) -> Any:
    """`value` (as typed for `config set`) converted for `key`, or a `SettingsError` naming the
    key and what is valid (the value is checked alone, not against the config file)."""
    if key not in SAVABLE_KEYS:
        raise SettingsError(f"Cannot save {key!r}; savable keys: {', '.join(SAVABLE_KEYS)}.")
    try:
        checked = Settings.__pydantic_validator__.validate_assignment(
            Settings.model_construct(), key, value
        )
    except ValidationError as exc:
        shown = mask_url(value)
        raise SettingsError(f"Invalid value {shown!r} for {key}: {valid_values(key)}.") from exc
    return getattr(checked, key)


def save_settings(values: dict[str, Any], path: Path | None = None) -> Path:
    """Merge `values` into the TOML config file (atomically); only `SAVABLE_KEYS` are accepted."""
    import tomllib

    import tomli_w

    from assistant.files import write_atomic

    unknown = set(values) - set(SAVABLE_KEYS)
    if unknown:
        raise ValueError(f"cannot save setting(s): {', '.join(sorted(unknown))}")
    target = path or default_config_file()
    current: dict[str, Any] = {}
    if target.is_file():
        try:
            current = tomllib.loads(target.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(
                f"The config file {target} is not valid TOML ({exc}); fix it, or move it "
                "aside, before saving settings."
            ) from exc
    for key, value in values.items():
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
    write_atomic(target, tomli_w.dumps(current), overwrite=True)
    return target
