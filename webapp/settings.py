"""Settings, read once from WEBAPP_* environment variables into a frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

Source = Literal["auto", "demo"]


class SettingsError(ValueError):
    """A WEBAPP_* variable holds a value the app cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    database: Path = Path("data/webapp.db")
    max_concurrency: int = 32
    max_queued: int = 10_000
    max_attempts: int = 4
    job_ttl_seconds: float = 86_400.0
    sweep_interval_seconds: float = 60.0
    retry_base_seconds: float = 2.0
    retry_max_seconds: float = 300.0
    demo_delay_seconds: float = 3.0
    source: Source = "auto"
    youtube_api_key: str = field(default="", repr=False)  # a secret: never in logs
    youtube_api_base: str = "https://www.googleapis.com/youtube/v3"
    instagram_access_token: str = field(default="", repr=False)  # a secret: never in logs
    instagram_user_id: str = ""
    instagram_graph_base: str = "https://graph.facebook.com/v21.0"
    # The token-less readers of public pages are best effort, so opt-in: by the flag, or by
    # pointing their base URL somewhere (empty means instagram.com / tiktok.com when enabled).
    instagram_web: bool = False
    instagram_web_base: str = ""
    tiktok_client_key: str = ""
    tiktok_client_secret: str = field(default="", repr=False)  # a secret: never in logs
    tiktok_api_base: str = "https://open.tiktokapis.com"
    tiktok_web: bool = False
    tiktok_web_base: str = ""
    max_body_bytes: int = 16 * 1024
    max_upload_bytes: int = 5 * 1024 * 1024
    stream_ping_seconds: float = 15.0
    # Security and limits (README "Security"). Comma-separated keys; when set, /api/ needs
    # `Authorization: Bearer <key>`, and the pages too with pages_need_key (HTTP Basic).
    api_keys: str = field(default="", repr=False)  # secrets: never in logs
    pages_need_key: bool = False
    # Job creation per client (its API key, else its address) per window; 0 turns it off.
    rate_limit_jobs: int = 60
    rate_limit_window_seconds: float = 60.0
    # Live streams (SSE and WebSocket) one client may hold open at once; 0 turns it off.
    max_streams_per_client: int = 100
    # A connection must send a whole request head within this time (slow-header clients are
    # dropped); an idle keep-alive connection is closed after keep_alive_seconds.
    header_timeout_seconds: float = 10.0
    keep_alive_seconds: int = 5
    # Open connections of the process; 0 picks its open-file limit less a reserve.
    max_connections: int = 0
    # Worker processes for analysis; 0 runs it in a thread of the web process.
    analysis_processes: int = field(default_factory=lambda: default_analysis_processes())
    log_level: str = "INFO"
    # One line per request on stdout (webapp.access_log); off by default: it costs a third of
    # what answering a status poll does.
    access_log: bool = False
    # Scale-out: with a Redis URL, jobs, reports and events live in Redis, web processes only
    # enqueue, and `python -m webapp worker` processes (SAQ) run the jobs.
    redis_url: str = field(default="", repr=False)  # may carry a password
    worker_concurrency: int = 16
    # A worker that stops heart-beating for this long is taken for dead, and its job re-run.
    worker_heartbeat_seconds: float = 10.0
    # How often workers look for jobs of dead workers (and orphaned or expired entries).
    worker_sweep_seconds: float = 5.0
    # Key of the read-only share links (any long random string). Empty: a random key is made
    # on first use and kept in the store, so links survive restarts and work on every process.
    share_secret: str = field(default="", repr=False)  # a secret: never in logs
    # Webhooks (README "Webhooks"): the key that signs deliveries (empty: one is made on first
    # use and kept in the store; `python -m webapp webhook-secret` prints it), whether they may
    # go to private addresses (local set-ups and tests only), each attempt's time limit, how
    # many attempts and how far apart (base * 3^(n-1), capped), and how often every process
    # that runs jobs looks for deliveries other processes' jobs made due.
    webhook_secret: str = field(default="", repr=False)  # a secret: never in logs
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = 10.0
    webhook_max_attempts: int = 8
    webhook_retry_base_seconds: float = 10.0
    webhook_retry_max_seconds: float = 3600.0
    webhook_poll_seconds: float = 2.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in fields(cls):
            raw = env.get(f"WEBAPP_{setting.name.upper()}")
            if raw is None or raw.strip() == "":
                continue
            values[setting.name] = _parse(setting.name, raw.strip(), getattr(cls(), setting.name))
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        positive = (
            "max_concurrency",
            "max_queued",
            "max_attempts",
            "max_body_bytes",
            "max_upload_bytes",
            "worker_concurrency",
            "webhook_max_attempts",
        )
        for name in positive:
            if getattr(self, name) < 1:
                raise SettingsError(f"WEBAPP_{name.upper()} must be at least 1")
        non_negative = (
            "analysis_processes",
            "rate_limit_jobs",
            "max_streams_per_client",
            "max_connections",
            "job_ttl_seconds",
            "retry_base_seconds",
            "retry_max_seconds",
            "demo_delay_seconds",
            "webhook_retry_base_seconds",
            "webhook_retry_max_seconds",
        )
        for name in non_negative:
            if getattr(self, name) < 0:
                raise SettingsError(f"WEBAPP_{name.upper()} must not be negative")
        for name in (
            "rate_limit_window_seconds",
            "header_timeout_seconds",
            "keep_alive_seconds",
            "sweep_interval_seconds",
            "stream_ping_seconds",
            "worker_heartbeat_seconds",
            "worker_sweep_seconds",
            "webhook_timeout_seconds",
            "webhook_poll_seconds",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"WEBAPP_{name.upper()} must be greater than 0")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError(
                "WEBAPP_REDIS_URL must start with redis://, rediss:// or unix:// "
                "(e.g. redis://localhost:6379/0)"
            )
        if self.pages_need_key and not self.keys():
            raise SettingsError("WEBAPP_PAGES_NEED_KEY needs keys in WEBAPP_API_KEYS")
        if self.source not in ("auto", "demo"):
            raise SettingsError("WEBAPP_SOURCE must be 'auto' or 'demo'")

    def keys(self) -> tuple[str, ...]:
        """The API keys of WEBAPP_API_KEYS, without blanks."""
        return tuple(key.strip() for key in self.api_keys.split(",") if key.strip())


def default_analysis_processes() -> int:
    """One per core but the one the event loop needs; at least one, at most four."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def _parse(name: str, raw: str, default: object) -> object:
    variable = f"WEBAPP_{name.upper()}"
    if isinstance(default, Path):
        return Path(raw)
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{variable} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{variable} must be a whole number, not {raw!r}") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise SettingsError(f"{variable} must be a number of seconds, not {raw!r}") from None
    return raw
