"""What the workbench does at its edge, before and after any handler: request bodies capped before
anything reads them, the client's address and scheme taken from a reverse proxy only when the
operator named it, and cookies marked ``Secure`` with HSTS when the site is served over TLS.
Plain ASGI: nothing is buffered."""

from __future__ import annotations

import contextlib
import ipaddress
from typing import Any

from litreview.errors import ConfigError

# The workbench's largest form is a note (5,000 characters) or a list of highlight words: a
# megabyte is far more than any of them, and nothing larger is read, parsed or spooled to disk.
MAX_BODY = 1024 * 1024
HSTS = b"max-age=31536000"  # a year; no includeSubDomains: other sites of the domain are not ours


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse (413) a request whose body is larger than ``limit``: at once when its Content-Length
    says so (before authentication, before a byte is read), else as soon as that many bytes have
    arrived (a chunked body). ``larger``: the few POST paths allowed more (a PDF upload), each
    still capped the same way."""

    def __init__(self, app: Any, limit: int = MAX_BODY, larger: dict[str, int] | None = None):
        self.app, self.default, self.larger = app, limit, dict(larger or {})

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = (
            self.larger.get(scope.get("path", ""), self.default)
            if scope.get("method") == "POST"
            else self.default
        )
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        received, started, refused = 0, False, False

        async def counted() -> Any:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started and not refused:
                        refused = True
                        await _too_large(send, limit)
                    raise BodyTooLarge  # the reader stops here (the app's own error answer is dropped)
            return message

        async def watched(message: Any) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counted, watched)


async def _too_large(send: Any, limit: int) -> None:
    body = f"request body larger than {limit} bytes".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def trusted_proxies(value: str | None) -> list[str]:
    """The reverse proxies an operator names (``--forwarded-allow-ips``: addresses or networks,
    comma-separated); none by default. Only these may say who the client is (X-Forwarded-For) and
    that it came over https (X-Forwarded-Proto)."""
    out = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            network = ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise ConfigError(
                f"--forwarded-allow-ips: {part!r} is not an IP address or network (name the reverse proxy's "
                "address, e.g. 127.0.0.1 or 10.0.0.0/24)"
            ) from None
        out.append(str(network.network_address) if network.num_addresses == 1 else str(network))
    return out


class BehindProxies:
    """The client address and scheme from X-Forwarded-For/-Proto, only from the named proxies
    (uvicorn's own middleware does the reading); with none named the headers are ignored."""

    def __init__(self, app: Any, proxies: list[str]):
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        self.app = ProxyHeadersMiddleware(app, trusted_hosts=proxies) if proxies else app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


class SecureTransport:
    """Over TLS (``https_only``, or a request that came over https: a trusted proxy said so, or
    uvicorn served TLS itself) every cookie is ``Secure`` and HSTS tells browsers to keep to https."""

    def __init__(self, app: Any, https_only: bool = False):
        self.app, self.https_only = app, https_only

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not (self.https_only or scope.get("scheme") == "https"):
            await self.app(scope, receive, send)
            return

        async def secured(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, _secure(v) if k.lower() == b"set-cookie" else v)
                    for k, v in message.get("headers", [])
                ]
                message["headers"] = [*headers, (b"strict-transport-security", HSTS)]
            await send(message)

        await self.app(scope, receive, secured)


def _secure(cookie: bytes) -> bytes:
    attributes = [a.strip().lower() for a in cookie.split(b";")[1:]]
    return cookie if b"secure" in attributes else cookie + b"; Secure"
