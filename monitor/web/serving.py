"""Running the app under uvicorn: in the foreground (``serve``) or beside the daemon.

The socket is bound before anything else starts, so a port already in use is the
CLI's one-line error at once, not a log line from a thread after the daemon has
taken its lock. Beside the daemon the server runs in a thread (uvicorn installs
no signal handlers there): the daemon's own SIGTERM/SIGINT handling stops the
schedule first, then the server, and a server that dies on its own stops the
daemon, so a supervisor restarts the whole process rather than run it half.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from monitor.errors import ConfigError

log = logging.getLogger(__name__)

# Seconds an open connection may take to finish once the server is told to stop.
GRACEFUL_SECONDS = 5


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (IPv6 when the host is one).

    Made with the protocol named (IPPROTO_TCP), not 0: asyncio sets TCP_NODELAY on an
    accepted connection only then, and without it every keep-alive answer waited 40 ms
    for the client's delayed ACK (Nagle's algorithm on the body after the headers)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
            " (another server on that port? choose one with --port)"
        ) from None
    sock.set_inheritable(True)
    return sock


class WebServer:
    """One uvicorn server on a socket this process bound."""

    def __init__(self, app: FastAPI, sock: socket.socket, *, log_level: str = "info") -> None:
        self.sock = sock
        host, port = sock.getsockname()[:2]
        self.address = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        config = uvicorn.Config(
            app,
            log_level=log_level,
            access_log=False,
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
        )
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None

    @classmethod
    def bind(cls, app: FastAPI, host: str, port: int, *, log_level: str = "info") -> WebServer:
        return cls(app, listen(host, port), log_level=log_level)

    def run(self) -> None:
        """Serve in this thread until SIGTERM or SIGINT (uvicorn's own handlers)."""
        try:
            self.server.run(sockets=[self.sock])
        finally:
            self.sock.close()

    def start(self, on_exit: Callable[[], None]) -> None:
        """Serve from a thread; ``on_exit`` runs if the server stops without being asked."""

        def serve() -> None:
            try:
                self.server.run(sockets=[self.sock])
            except BaseException:  # a SystemExit from uvicorn's start-up included
                log.exception("the web server failed")
            if not self.server.should_exit:
                log.error("the web server stopped on its own: stopping the daemon")
                on_exit()

        self.thread = threading.Thread(target=serve, name="web-server", daemon=True)
        self.thread.start()
        log.info("serving the web app and API on %s", self.address)

    def stop(self) -> None:
        """Stop accepting, let open requests finish (a few seconds at most), close."""
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(GRACEFUL_SECONDS + 10)
        self.sock.close()
