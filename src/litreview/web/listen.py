"""The workbench's listening socket, opened before anything is printed: a port that is no port or
is taken is one line naming it (exit 2), never a banner followed by a server's traceback."""

from __future__ import annotations

import errno
import socket

from litreview.errors import ConfigError


def check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port {port} is not a port (choose 1-65535)")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port``, for the server to listen on (uvicorn's ``sockets=``)."""
    check_port(port)
    try:
        found = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"--host {host}: cannot listen there ({exc.strerror})") from None
    family, kind, proto, _, address = found[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a port in TIME_WAIT is free
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        hint = " (another server is listening there: stop it or choose another --port)"
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror}"
            + (hint if exc.errno == errno.EADDRINUSE else "")
        ) from None
    return sock
