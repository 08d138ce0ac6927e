"""A Redis that accepts connections and never answers, for the tests and
``bench/bench_frozen_broker.py``."""

import socket
import threading


class FrozenRedis:
    """A TCP server on a spare local port that accepts every connection and never writes a
    byte: what a hung Redis looks like to a client. ``accepted``: the connections so far
    (kept open, never answered)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.server.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()
        for connection in self.accepted:
            connection.close()

    def __enter__(self) -> "FrozenRedis":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
