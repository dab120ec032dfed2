"""The sign-in throttle on a clock the test moves: waits double per (address, name), the name-wide
and address-wide waits never exceed a minute (no lock-out of the owner), an owner's device and
another address are not held up, and admission counts before the password is checked."""

from __future__ import annotations

import threading

from litreview.web.throttle import ADDRESS, NAME, PAIR, Attempt, DeviceCookies, Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: Throttle, address: str, name: str, device: str | None = None) -> float:
    """One wrong password; 0.0 when it was checked, else the wait the throttle asked for."""
    attempt = throttle.admit(address, name, device)
    if isinstance(attempt, float):
        return attempt
    attempt.failed()
    return 0.0


def test_waits_per_address_and_name_double_up_to_the_cap():
    clock = Clock()
    throttle = Throttle(clock)
    waits = []
    for _ in range(PAIR.free + 12):
        wait = fail(throttle, "10.0.0.1", "ana")
        while wait:  # the guesser waits exactly as long as told, then tries again
            waits.append(round(wait))
            clock.now += wait
            wait = fail(throttle, "10.0.0.1", "ana")
    assert waits[:6] == [1, 2, 4, 8, 16, 32]
    assert max(waits) == PAIR.cap and waits == sorted(waits)


def test_the_owner_gets_in_from_another_address_and_from_their_own_device():
    clock = Clock()
    throttle = Throttle(clock)
    for k in range(40):  # a guesser at one address, and another spread over forty
        fail(throttle, "10.0.0.1", "ana")
        fail(throttle, f"10.1.0.{k}", "ana")
    assert fail(throttle, "10.0.0.1", "ana") > 0  # the guesser waits
    owner = throttle.admit("192.168.1.5", "ana")  # a new browser elsewhere: at most the name's minute
    assert isinstance(owner, Attempt) or owner <= NAME.cap
    device = throttle.admit("10.0.0.1", "ana", "owners-device")  # their own browser, even at that address
    assert isinstance(device, Attempt)
    device.succeeded()


def test_a_made_up_name_does_not_lock_the_team_out_of_a_shared_address():
    throttle = Throttle(Clock())
    for _ in range(6):
        fail(throttle, "10.0.0.1", "nobody")
    assert fail(throttle, "10.0.0.1", "nobody") > 0
    assert isinstance(throttle.admit("10.0.0.1", "ben"), Attempt)


def test_spraying_names_from_one_address_is_slowed_but_never_for_more_than_a_minute():
    clock = Clock()
    throttle = Throttle(clock)
    for k in range(ADDRESS.free):
        assert fail(throttle, "10.0.0.1", f"name{k}") == 0
    waits = [fail(throttle, "10.0.0.1", f"other{k}") for k in range(3)]
    assert 0 < waits[0] <= ADDRESS.cap
    clock.now += 10_000
    assert all(fail(throttle, "10.0.0.1", f"late{k}") <= ADDRESS.cap for k in range(30))


def test_concurrent_admissions_are_counted_before_any_password_is_checked():
    throttle = Throttle(Clock())
    admitted, start = [], threading.Barrier(40)

    def guess() -> None:
        start.wait()
        attempt = throttle.admit("10.0.0.1", "ana")
        if not isinstance(attempt, float):
            admitted.append(attempt)  # not settled yet: its password is "being checked"

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(admitted) == PAIR.free


def test_a_success_forgives_the_owners_own_count_only():
    throttle = Throttle(Clock())
    for _ in range(2):
        fail(throttle, "10.0.0.1", "ana")
    attempt = throttle.admit("10.0.0.1", "ana")
    assert isinstance(attempt, Attempt)
    attempt.succeeded()
    for _ in range(PAIR.free):
        assert fail(throttle, "10.0.0.1", "ana") == 0


def test_device_cookies_are_signed_and_name_the_names_signed_in():
    cookies = DeviceCookies("key")
    value = cookies.after_sign_in(None, "Ana")
    device = cookies.device_for(value, "ana")
    assert device and cookies.device_for(value, "ben") is None
    assert cookies.device_for(value[:-2] + "xx", "ana") is None  # tampered
    assert DeviceCookies("other key").device_for(value, "ana") is None
    both = cookies.after_sign_in(value, "ben")
    assert cookies.device_for(both, "ana") == cookies.device_for(both, "ben") == device
