"""An HTTP session with the server: base URL, API key, and the server's errors as exceptions."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx

DEFAULT_SERVER = "http://127.0.0.1:8000"
# The server pings every open stream every 15 s; three missed pings mean the stream is gone.
STREAM_READ_TIMEOUT = 45.0


class ClientError(Exception):
    """Something the command reports and exits on, with its exit status."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(ClientError):
    exit_code = 2


class ServerRefused(ClientError):
    """A 4xx answer: the request was refused; the server's message says why."""

    exit_code = 2

    def __init__(self, status: int, code: str, message: str, details: object = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details  # the error's `details`: a batch's bad lines, say


class ServerUnavailable(ClientError):
    """The server cannot be reached, or answers 5xx: nothing the user typed is at fault."""

    exit_code = 3


def server_url(given: str | None) -> str:
    """--server, else WEBAPP_SERVER, else the local default; only absolute http(s) URLs."""
    url = (given or os.environ.get("WEBAPP_SERVER") or DEFAULT_SERVER).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--server must be an http:// or https:// URL, not {url!r}")
    return url


def error_of(response: httpx.Response) -> ClientError:
    """The app's error shape {"error": {"code", "message"}} as an exception (any body works)."""
    code, message = "http_error", f"HTTP {response.status_code} {response.reason_phrase}"
    details: object = None
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error["message"])
        details = error.get("details")
    except (ValueError, KeyError, TypeError):
        text = response.text.strip()
        if text and len(text) < 300:
            message = f"{message}: {text}"
    if response.status_code >= 500:
        return ServerUnavailable(f"The server could not serve the request ({code}): {message}")
    return ServerRefused(response.status_code, code, message, details)


class ApiClient:
    def __init__(self, base_url: str, *, api_key: str | None = None) -> None:
        self.base_url = base_url
        headers = {"User-Agent": "webapp-cli"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.Client(
            base_url=base_url, headers=headers, timeout=httpx.Timeout(30.0, connect=10.0)
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        return self._json(self._send("POST", path, content=json.dumps(body)))

    def post_multipart(
        self, path: str, files: dict[str, tuple[str, bytes, str]], data: dict[str, str]
    ) -> Any:
        """A form upload: `files` maps a field to (filename, content, media type)."""
        return self._json(self._send("POST", path, files=files, data=data))

    def get_json(self, path: str) -> Any:
        return self._json(self._send("GET", path))

    def get_text(self, path: str) -> str:
        return self._send("GET", path).text

    @contextmanager
    def stream(self, path: str, headers: dict[str, str]) -> Iterator[httpx.Response]:
        """A streamed GET; the caller reads it. Transport errors are the caller's to handle
        (a stream that drops is reconnected, not reported)."""
        timeout = httpx.Timeout(10.0, read=STREAM_READ_TIMEOUT)
        with self._http.stream("GET", path, headers=headers, timeout=timeout) as response:
            yield response

    def _send(
        self,
        method: str,
        path: str,
        content: str | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        data: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json"} if content is not None else None
        try:
            response = self._http.request(
                method, path, content=content, headers=headers, files=files, data=data
            )
        except httpx.TransportError as exc:
            raise unreachable(self.base_url, exc) from None
        if response.status_code >= 400:
            raise error_of(response)
        return response

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ServerUnavailable(
                f"The server at {self.base_url} did not answer JSON: is it this app?"
            ) from None


def unreachable(base_url: str, exc: Exception) -> ServerUnavailable:
    reason = str(exc) or type(exc).__name__
    return ServerUnavailable(
        f"Cannot reach the server at {base_url} ({reason}). Is `python -m webapp serve` "
        "running there? Set --server or WEBAPP_SERVER to another address."
    )
