"""The loopback server the live paths are tested against: a client that gives up on an injected delay
leaves no traceback behind (it printed from the server's thread into whichever test ran next)."""

from __future__ import annotations

import socket
import struct
import time

from litreview.testing.loopback import Corpus, Fault, LoopbackServer


def test_a_client_that_hangs_up_on_a_delay_prints_nothing(capfd):
    with LoopbackServer(Corpus()) as server:
        server.inject(Fault("esearch.fcgi", "timeout", delay=0.3))
        host, port = server.base.split("//")[1].rstrip("/").split(":")
        client = socket.create_connection((host, int(port)))
        client.sendall(b"GET /eutils/esearch.fcgi?db=pubmed&term=x HTTP/1.1\r\nHost: x\r\n\r\n")
        # hang up with a reset, as a client's timeout does, before the answer is written
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        time.sleep(0.8)
    assert capfd.readouterr().err == ""
