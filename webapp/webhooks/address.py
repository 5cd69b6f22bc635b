"""Where a delivery may connect: the SSRF guard, applied to the addresses a host resolves to.

A callback's host is resolved at each attempt and every address it gives must be public (not
loopback, private, link-local, shared, multicast, reserved or unspecified), or the attempt fails
with a clear error. The sender then connects to one of those checked addresses itself, so a
second lookup (DNS rebinding) cannot point the request somewhere else.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The host cannot be resolved, or resolves to an address deliveries may not reach."""


def is_public(address: Address) -> bool:
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    if mapped is not None:
        return is_public(mapped)
    return address.is_global and not address.is_multicast


async def resolve(host: str, port: int, *, allow_private: bool) -> list[Address]:
    """The host's addresses (IPv4 first), all checked; AddressRefused otherwise."""
    try:
        literal: Address | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        found = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise AddressRefused(f"{host} could not be resolved: {exc}") from exc
        found = list(
            dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
        )
    if not found:
        raise AddressRefused(f"{host} resolves to no address")
    if not allow_private:
        for address in found:
            if not is_public(address):
                raise AddressRefused(
                    f"{host} resolves to {address}, which is not a public address: webhooks "
                    "are only sent to public hosts"
                )
    return sorted(found, key=lambda address: address.version)
