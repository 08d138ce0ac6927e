"""The cache fails open: a Redis that is down or frozen never answers a request with a 500,
nor holds it for more than one socket timeout.

The cache holds only what may be lost: the API's rate-limit counters (DRF throttles) and
nothing a trader or an officer relies on (sessions, locks and the outbox are in
PostgreSQL). So when Redis fails, each operation answers as an empty cache would (a read
misses, a write is dropped, a counter starts again) and the error is logged. After a
failure the process leaves Redis alone for ``FAIL_OPEN_SECONDS`` (30 by default), so that
a frozen Redis costs one socket timeout per process and period, not one per request; the
throttles let requests through meanwhile (fail open, as a rate limit must: it protects the
service, it must not become its outage).

Settings: ``CACHES["default"]`` with ``"BACKEND": "singlewindow.cache.FailOpenRedisCache"``
and ``"FAIL_OPEN_SECONDS"`` beside ``LOCATION``; the socket timeouts in ``OPTIONS`` bound
the one wait (``REDIS_SOCKET_TIMEOUT``).
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DEFAULT_FAIL_OPEN_SECONDS = 30.0

# What each client operation answers while Redis fails: what an empty cache answers.
# ``get`` gives its default, ``incr`` its delta (a counter that starts again).
_EMPTY: dict[str, Callable[[tuple[Any, ...]], Any]] = {
    "add": lambda args: False,
    "get": lambda args: args[1] if len(args) > 1 else None,
    "set": lambda args: None,
    "touch": lambda args: False,
    "delete": lambda args: False,
    "get_many": lambda args: {},
    "has_key": lambda args: False,
    "incr": lambda args: args[1] if len(args) > 1 else 1,
    "set_many": lambda args: None,
    "delete_many": lambda args: None,
    "clear": lambda args: False,
}

# Until when (time.monotonic()) each Redis location is left alone, shared by the threads of
# the process (a cache object is made per thread).
_resting_until: dict[str, float] = {}


class _FailOpenClient:
    """Django's ``RedisCacheClient`` with every operation of ``_EMPTY`` failing open."""

    def __init__(self, client: Any, location: str, rest_seconds: float) -> None:
        self._client = client
        self._location = location
        self._rest_seconds = rest_seconds

    def __getattr__(self, name: str) -> Any:
        operation = getattr(self._client, name)
        empty = _EMPTY.get(name)
        if empty is None:
            return operation

        def fail_open(*args: Any, **kwargs: Any) -> Any:
            if time.monotonic() < _resting_until.get(self._location, 0.0):
                return empty(args)
            try:
                return operation(*args, **kwargs)
            except (RedisError, OSError) as error:
                _resting_until[self._location] = time.monotonic() + self._rest_seconds
                logger.warning(
                    "Cache at %s failed (%s: %s); answering as an empty cache for %.0f s",
                    self._location,
                    type(error).__name__,
                    error,
                    self._rest_seconds,
                )
                return empty(args)

        return fail_open


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache backend that answers as an empty cache while Redis fails (see
    the module docstring); ``params["FAIL_OPEN_SECONDS"]``: how long a process leaves a
    failed Redis alone."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._rest_seconds = float(params.get("FAIL_OPEN_SECONDS", DEFAULT_FAIL_OPEN_SECONDS))
        self._location = server if isinstance(server, str) else ",".join(server)

    @cached_property
    def _cache(self) -> Any:
        client = self._class(self._servers, **self._options)
        return _FailOpenClient(client, self._location, self._rest_seconds)
