"""One delivery attempt: resolve and check the host, connect to a checked address, POST, read
at most a little of the answer. Every way it can go wrong is an `Outcome` with an error, never
an exception: a receiver cannot hurt the dispatcher."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

import httpx

from webapp.webhooks.address import Address, AddressRefused, resolve
from webapp.webhooks.status import origin

logger = logging.getLogger(__name__)

# Of the receiver's answer, only this much is read (and its start kept in the error).
READ_LIMIT = 1024
ERROR_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str | None = None


class Sender:
    def __init__(
        self, client: httpx.AsyncClient, *, timeout_seconds: float, allow_private: bool
    ) -> None:
        self._client = client
        self._timeout = timeout_seconds
        self._allow_private = allow_private

    async def send(self, url: str, headers: dict[str, str], body: bytes) -> Outcome:
        try:
            async with asyncio.timeout(self._timeout):
                return await self._send(url, headers, body)
        except TimeoutError:
            return Outcome(False, error=f"no answer within {self._timeout:g} s")
        except AddressRefused as exc:
            return Outcome(False, error=str(exc))
        except Exception as exc:  # the outside world: whatever it does is a failed attempt
            logger.info("Webhook to %s failed: %r", origin(url), exc)
            return Outcome(False, error=_described(exc))

    async def _send(self, url: str, headers: dict[str, str], body: bytes) -> Outcome:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = await resolve(host, port, allow_private=self._allow_private)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._post(parts._replace(fragment=""), address, headers, body)
            except httpx.ConnectError as exc:  # try the host's next address
                error = exc
        assert error is not None
        raise error

    async def _post(
        self, parts: SplitResult, address: Address, headers: dict[str, str], body: bytes
    ) -> Outcome:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        where = f"[{address}]" if address.version == 6 else str(address)
        pinned = urlunsplit(parts._replace(netloc=f"{where}:{port}"))
        host = parts.hostname or ""
        request = self._client.build_request(
            "POST",
            pinned,
            content=body,
            # The name, not the address: what the receiver's virtual host and certificate know.
            headers={**headers, "Host": host if parts.port is None else f"{host}:{parts.port}"},
            extensions={"sni_hostname": host} if parts.scheme == "https" else {},
        )
        response = await self._client.send(request, stream=True)
        try:
            start = b""
            async for chunk in response.aiter_raw():
                start += chunk
                if len(start) >= READ_LIMIT:
                    break
        finally:
            await response.aclose()
        if 200 <= response.status_code < 300:
            return Outcome(True, response.status_code)
        text = start[:ERROR_LIMIT].decode(errors="replace").strip()
        kind = " (a redirect, not followed)" if 300 <= response.status_code < 400 else ""
        return Outcome(
            False,
            response.status_code,
            f"HTTP {response.status_code}{kind}" + (f": {text}" if text else ""),
        )


def _described(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:ERROR_LIMIT]
