"""A TCP server that accepts connections, reads what is sent, and never answers: a hung LLM
endpoint or Chroma server, for tests of bounded waits."""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class SilentServer:
    """`with SilentServer() as server:` listens on 127.0.0.1:`server.port` until the block ends;
    `server.connections` counts the connections accepted."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self.port: int = self._socket.getsockname()[1]
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        self._socket.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                conn, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._held.append(conn)  # kept open, never answered

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self._socket.close()
