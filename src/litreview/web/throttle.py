"""Sign-in throttling: a password guesser is slowed down exponentially; an account's owner is never
locked out.

Failed sign-ins are counted under three keys, each forgiving a few failures and then doubling the
wait before the next attempt under that key is checked at all:

- (client address, name): one guesser at one address; waits grow to 15 minutes.
- the name, from any address: a guesser spread over many addresses; waits capped at a minute, so a
  stranger can make the owner wait, never lock them out.
- the address, any name: a guesser spraying names; waits capped at a minute (a team behind one
  address is never locked out by one made-up name: that name's own count stops its guesser first).

A browser that has signed in as a name before carries a device cookie (OWASP's "device cookies"):
its attempts at that name are counted under (that device, name) alone, so the owner's own browser
gets in whatever a stranger does to the name or the address. An attempt is counted the moment it is
admitted, before its password is checked, under one lock: concurrent guesses cannot all slip past
the count (admission and counting are one step). The counts live in the server process.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer


@dataclass(frozen=True)
class Rule:
    free: int  # failures forgiven before any wait
    cap: float  # the longest wait, in seconds
    base: float = 1.0  # the first wait; each further failure doubles it


PAIR = Rule(free=3, cap=15 * 60.0)
NAME = Rule(free=10, cap=60.0)
ADDRESS = Rule(free=20, cap=60.0)
DEVICE = Rule(free=5, cap=60.0)
FORGET = 24 * 3600.0  # a key with no failure for this long starts again from nothing
MAX_KEYS = 100_000  # past this many keys the oldest half is dropped (memory stays bounded)
NAME_CHARS = 100  # names are at most 64 characters; a longer one is kept cut (it never signs in)


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0


class Attempt:
    """One admitted sign-in: say how it ended (``succeeded`` or ``failed``)."""

    def __init__(self, throttle: Throttle, keys: list[tuple[tuple[str, ...], Rule]]):
        self._throttle, self._keys = throttle, keys

    def failed(self) -> None:
        """The password was wrong: the attempt stays counted, and the wait runs from now."""
        self._throttle._stamp(self._keys)

    def succeeded(self) -> None:
        """The owner signed in: this attempt is not a failure, and their own key starts afresh."""
        self._throttle._settle(self._keys)


class Throttle:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, ...], _Count] = {}

    def keys(self, address: str, name: str, device: str | None) -> list[tuple[tuple[str, ...], Rule]]:
        name = name.strip().lower()[:NAME_CHARS]
        if device is not None:
            return [(("device", device, name), DEVICE)]
        return [(("pair", address, name), PAIR), (("name", name), NAME), (("address", address), ADDRESS)]

    def admit(self, address: str, name: str, device: str | None = None) -> Attempt | float:
        """An :class:`Attempt` to check the password, already counted as a failure until it
        succeeds; or the seconds to wait before this attempt may be checked."""
        keys = self.keys(address, name, device)
        with self._lock:
            now = self._clock()
            wait = max(self._wait(key, rule, now) for key, rule in keys)
            if wait > 0:
                return wait
            for key, _ in keys:
                count = self._counts.setdefault(key, _Count())
                count.failures += 1
                count.last = now
            if len(self._counts) > MAX_KEYS:
                self._prune()
            return Attempt(self, keys)

    def _wait(self, key: tuple[str, ...], rule: Rule, now: float) -> float:
        count = self._counts.get(key)
        if count is None:
            return 0.0
        if now - count.last > FORGET:
            del self._counts[key]
            return 0.0
        if count.failures < rule.free:
            return 0.0
        delay = min(rule.cap, rule.base * 2.0 ** min(count.failures - rule.free, 64))
        return max(0.0, count.last + delay - now)

    def _stamp(self, keys: list[tuple[tuple[str, ...], Rule]]) -> None:
        with self._lock:
            now = self._clock()
            for key, _ in keys:
                count = self._counts.get(key)
                if count is not None:
                    count.last = max(count.last, now)

    def _settle(self, keys: list[tuple[tuple[str, ...], Rule]]) -> None:
        with self._lock:
            for key, _ in keys:
                count = self._counts.get(key)
                if count is None:
                    continue
                if key[0] in ("pair", "device"):  # the owner, where they stand: forgiven
                    del self._counts[key]
                else:
                    count.failures = max(0, count.failures - 1)

    def _prune(self) -> None:
        oldest = sorted(self._counts, key=lambda k: self._counts[k].last)
        for key in oldest[: len(oldest) // 2]:
            del self._counts[key]


DEVICE_COOKIE = "litreview_device"
DEVICE_DAYS = 30
DEVICE_NAMES = 8  # the names a shared browser remembers


class DeviceCookies:
    """The device cookie: a random id and the names this browser has signed in as, signed with the
    server's key (a stranger can neither make one nor add a name to one)."""

    def __init__(self, secret_key: str):
        self._signer = URLSafeTimedSerializer(secret_key, salt="litreview-device")

    def read(self, value: str | None) -> tuple[str, list[str]] | None:
        if not value:
            return None
        try:
            data = self._signer.loads(value, max_age=DEVICE_DAYS * 86400)
        except (BadSignature, ValueError, TypeError):
            return None
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("id"), str)
            or not isinstance(data.get("names"), list)
        ):
            return None
        return data["id"], [str(n) for n in data["names"]]

    def device_for(self, value: str | None, name: str) -> str | None:
        """This browser's device id when it has signed in as ``name`` before, else None."""
        found = self.read(value)
        if found is None or name.strip().lower() not in found[1]:
            return None
        return found[0]

    def after_sign_in(self, value: str | None, name: str) -> str:
        """The cookie's new value once ``name`` has signed in on this browser."""
        found = self.read(value)
        device, names = found if found else (_new_id(), [])
        kept = [n for n in names if n != name.lower()][-(DEVICE_NAMES - 1) :]
        names = [*kept, name.lower()]
        return str(self._signer.dumps({"id": device, "names": names}))


def _new_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(18)).decode("ascii")
