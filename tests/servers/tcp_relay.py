"""A TCP relay on 127.0.0.1 in front of a server, so a test can cut the network to it and
mend it: ``cut()`` drops every live connection and stops new ones getting through; ``mend()``
lets them through again.

One thread runs a selectors loop; ``cut``, ``mend`` and ``close`` are handed to it and return
once it has done them, so no socket is touched by two threads. ``close()`` ends the thread.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import selectors
import socket
import struct
import threading
from collections.abc import Callable
from types import TracebackType

HOST = "127.0.0.1"
CHUNK = 65_536
BUFFER_LIMIT = 1 << 20
"""Bytes held for a slow receiver before the relay stops reading from its peer."""
COMMAND_TIMEOUT = 10.0
UPSTREAM_CONNECT_TIMEOUT = 5.0
READ, WRITE = selectors.EVENT_READ, selectors.EVENT_WRITE


class TcpRelay:
    """Accepts on 127.0.0.1:``port`` and forwards each connection to ``target_port``.

    While cut, a new connection either hangs (the default: accepted by nobody, as when the
    network drops every packet; a client's connect timeout ends it) or, with
    ``cut(refuse=True)``, is reset at once (as when the host answers but the port is closed).
    Connections left hanging go through once the relay is mended. A connection made while the
    server is down is ended at once, as the server would refuse it."""

    def __init__(self, target_port: int, target_host: str = HOST) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server((HOST, 0))
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self._selector = selectors.DefaultSelector()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._links: set[_Link] = set()
        self._refusing = False
        self._accepting = True
        self._running = True
        self._selector.register(self._wake_reader, READ)
        self._selector.register(self._listener, READ)
        self._thread = threading.Thread(target=self._serve, name=f"tcp-relay-{self.port}")
        self._thread.start()

    def __enter__(self) -> TcpRelay:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connection_count(self) -> int:
        """Connections being relayed now."""
        return len(self._links)

    def cut(self, *, refuse: bool = False) -> None:
        """Drop every live connection (both ends see a reset); new ones hang, or are reset
        at once with ``refuse``."""
        self._call(lambda: self._cut(refuse))

    def mend(self) -> None:
        """Let connections through again, those left hanging by ``cut()`` included."""
        self._call(self._mend)

    def close(self) -> None:
        """Drop every connection, stop listening and end the relay's thread."""
        if self._thread.is_alive():
            self._call(self._stop)
        self._thread.join(COMMAND_TIMEOUT)
        if self._thread.is_alive():
            raise RuntimeError(f"the relay on port {self.port} did not stop")

    def _call(self, command: Callable[[], None]) -> None:
        """Have the relay's thread run ``command``; return once it has."""
        done = threading.Event()

        def run() -> None:
            try:
                command()
            finally:
                done.set()

        if not self._thread.is_alive():
            raise RuntimeError(f"the relay on port {self.port} is closed")
        self._commands.put(run)
        self._wake_writer.send(b"\0")
        if not done.wait(COMMAND_TIMEOUT):
            raise RuntimeError(f"the relay on port {self.port} did not answer")

    def _serve(self) -> None:
        try:
            while self._running:
                for key, events in self._selector.select():
                    if key.fileobj is self._wake_reader:
                        self._run_commands()
                    elif key.fileobj is self._listener:
                        if self._accepting:  # else cut earlier in this round
                            self._accept()
                    else:
                        key.data(events)  # a link's end: its _Link.on_ready
                    if not self._running:
                        break
        finally:
            self._drop_links()
            self._selector.close()
            for owned in (self._listener, self._wake_reader, self._wake_writer):
                owned.close()

    def _run_commands(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while self._wake_reader.recv(CHUNK):
                pass
        with contextlib.suppress(queue.Empty):
            while True:
                self._commands.get_nowait()()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except BlockingIOError:
                return
            if self._refusing:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, UPSTREAM_CONNECT_TIMEOUT)
            except OSError:
                _reset(client)
                continue
            self._links.add(_Link(self._selector, client, upstream, self._links.discard))

    def _cut(self, refuse: bool) -> None:
        self._drop_links()
        self._refusing = refuse
        # Left in the listen queue, a connection is established to no one: it hangs.
        self._accept_connections(refuse)

    def _mend(self) -> None:
        self._refusing = False
        self._accept_connections(True)

    def _accept_connections(self, accepting: bool) -> None:
        if accepting and not self._accepting:
            self._selector.register(self._listener, READ)
        elif self._accepting and not accepting:
            self._selector.unregister(self._listener)
        self._accepting = accepting

    def _stop(self) -> None:
        self._running = False

    def _drop_links(self) -> None:
        for link in list(self._links):
            link.close(reset=True)


class _Link:
    """One relayed connection: the client's socket and the server's, each with the bytes
    waiting to be written to it."""

    def __init__(
        self,
        selector: selectors.BaseSelector,
        client: socket.socket,
        upstream: socket.socket,
        on_close: Callable[[_Link], None],
    ) -> None:
        self._selector = selector
        self._on_close = on_close
        self._peer = {client: upstream, upstream: client}
        self._outgoing = {client: bytearray(), upstream: bytearray()}
        self._watched: dict[socket.socket, int] = {}
        self._handlers = {end: functools.partial(self.on_ready, end) for end in self._peer}
        self._ending = False
        """One side has closed: what is left goes to the other, then the link closes."""
        self.open = True
        for end in (client, upstream):
            end.setblocking(False)
            # Each message at once: Nagle plus delayed ACKs would hold small ones ~40 ms.
            end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._update()

    def on_ready(self, end: socket.socket, events: int) -> None:
        if not self.open:  # closed earlier in the same round of events
            return
        try:
            if events & WRITE:
                self._flush(end)
            if events & READ and self.open:
                self._read(end)
        except OSError:
            self.close(reset=True)
            return
        if self.open:
            self._update()

    def _read(self, end: socket.socket) -> None:
        try:
            data = end.recv(CHUNK)
        except BlockingIOError:
            return
        peer = self._peer[end]
        if not data:
            self._ending = True
            self._outgoing[end].clear()  # nobody is left there to read it
        else:
            self._outgoing[peer] += data
        self._flush(peer)

    def _flush(self, end: socket.socket) -> None:
        pending = self._outgoing[end]
        if pending:
            with contextlib.suppress(BlockingIOError):
                del pending[: end.send(pending)]
        if self._ending and not any(self._outgoing.values()):
            self.close(reset=False)

    def _update(self) -> None:
        """Watch each end for what it can do now: read while its peer's backlog is small and
        the link is not ending, write while bytes wait for it."""
        for end, peer in self._peer.items():
            wanted = 0
            if not self._ending and len(self._outgoing[peer]) < BUFFER_LIMIT:
                wanted |= READ
            if self._outgoing[end]:
                wanted |= WRITE
            if wanted == self._watched.get(end, 0):
                continue
            if not wanted:
                self._selector.unregister(end)
                del self._watched[end]
            elif end in self._watched:
                self._selector.modify(end, wanted, self._handlers[end])
                self._watched[end] = wanted
            else:
                self._selector.register(end, wanted, self._handlers[end])
                self._watched[end] = wanted

    def close(self, *, reset: bool) -> None:
        if not self.open:
            return
        self.open = False
        for end in self._peer:
            if end in self._watched:
                self._selector.unregister(end)
            if reset:
                _reset(end)
            else:
                end.close()
        self._watched.clear()
        self._on_close(self)


def _reset(end: socket.socket) -> None:
    """Close with a reset (RST) rather than an orderly end (FIN): the peer learns at once."""
    with contextlib.suppress(OSError):
        end.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    end.close()
