"""The listening socket: refused with the CLI's message when the port is taken, and made
so that asyncio turns Nagle's algorithm off on each connection."""

from __future__ import annotations

import socket

import pytest

from monitor.errors import ConfigError
from monitor.web.serving import listen


def test_the_socket_names_tcp_so_that_connections_get_nodelay() -> None:
    # asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP; with 0 every
    # keep-alive answer waited 40 ms for the client's delayed ACK.
    sock = listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        with socket.create_connection(sock.getsockname()[:2]):
            accepted, _ = sock.accept()
            with accepted:
                assert accepted.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_a_port_in_use_is_one_line_naming_it() -> None:
    taken = listen("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(ConfigError, match=rf"cannot listen on 127.0.0.1:{port}: .*--port"):
            listen("127.0.0.1", port)
    finally:
        taken.close()
