"""Login throttling: after a few wrong passwords an account, and separately a client address, must wait,
and the wait doubles with each further failure. A refused attempt costs no password hashing, so a flood
of guesses cannot take the server's processors from the reviewers at work."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("jixiao.review")


@dataclass(frozen=True)
class ThrottleSettings:
    free_attempts: int = 5  # wrong passwords allowed (per account and per client) before any wait
    first_wait: float = 30.0  # seconds after the first attempt over; doubling after each further one
    max_wait: float = 900.0
    forget_after: float = 3600.0  # a quiet hour clears an account's or a client's count
    max_keys: int = 100_000  # kept in memory at most; the quietest are forgotten first
    # argon2 is made to be slow and large: one check at a time leaves the other processor to the reviewers.
    concurrent_checks: int = 1


@dataclass
class _Count:
    attempts: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Counts attempts in flight as well as failures, so a burst of simultaneous guesses is throttled too."""

    def __init__(self, settings: ThrottleSettings | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings or ThrottleSettings()
        self.clock = clock
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    def begin(self, keys: list[str]) -> float:
        """0 when an attempt may be checked (it is counted now); else the seconds to wait."""
        s, now = self.settings, self.clock()
        with self._lock:
            counts = [self._count(k, now) for k in keys]
            wait = max((c.locked_until - now for c in counts), default=0.0)
            if wait > 0:
                return wait
            for c in counts:
                c.attempts += 1
                c.last = now
                over = c.attempts - s.free_attempts
                if over > 0:
                    c.locked_until = now + min(s.max_wait, s.first_wait * 2 ** (over - 1))
            return 0.0

    def succeeded(self, keys: list[str]) -> None:
        """A right password clears the account's count (the first key). For the client it takes back only
        this attempt: reviewers behind one address do not lock each other out, and one good account does not
        let a client go on guessing others."""
        with self._lock:
            self._counts.pop(keys[0], None)
            for key in keys[1:]:
                c = self._counts.get(key)
                if c is not None:
                    c.attempts = max(0, c.attempts - 1)
                    if c.attempts <= self.settings.free_attempts:
                        c.locked_until = 0.0

    def _count(self, key: str, now: float) -> _Count:
        c = self._counts.get(key)
        if c is None or now - c.last > self.settings.forget_after:
            if len(self._counts) >= self.settings.max_keys:
                for old in sorted(self._counts, key=lambda k: self._counts[k].last)[: len(self._counts) // 10 + 1]:
                    del self._counts[old]
            c = self._counts[key] = _Count(last=now)
        return c


def login_keys(name: str, client: str) -> tuple[str, str]:
    return f"account:{name.strip().casefold()}", f"client:{client}"
