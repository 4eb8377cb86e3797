"""Issue 18 #1: the sign-in throttle holds under concurrency.

An attempt is claimed in the failure counter (one capped ``$inc``) before the password is
verified, so N simultaneous guesses from N addresses get at most the documented number of
verifications; the rest answer 429 without any password check.
"""

from __future__ import annotations

import threading
from collections import Counter

from lightninghire.testing import TEST_PASSWORD, assert_error, assert_ok

GUESSERS = 32


def _race(h, email: str, passwords: list[str]) -> list[int]:
    """Send every sign-in at once, each from its own address; the statuses in order."""
    start = threading.Barrier(len(passwords))
    statuses: list[int] = [0] * len(passwords)

    def attempt(i: int, password: str) -> None:
        start.wait()
        result = h.client.simulate_post("/api/auth/login", remote_addr=f"203.0.113.{i + 1}",
                                        json={"email": email, "password": password})
        statuses[i] = result.status_code

    threads = [threading.Thread(target=attempt, args=(i, p)) for i, p in enumerate(passwords)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_concurrent_wrong_passwords_get_at_most_the_limit_of_verifications(make_app):
    h = make_app(plugins=[])
    user = h.create_user("race@example.com")
    limit = h.services.settings.auth.login_failures_per_account
    passwords = [f"wrong-guess-{i:04d}" for i in range(GUESSERS)]
    passwords.insert(GUESSERS // 2, TEST_PASSWORD)

    statuses = Counter(_race(h, user["email"], passwords))

    # 401 = a wrong password was verified; 200 = the right one was; 429 = no password was checked.
    assert set(statuses) <= {200, 401, 429}, statuses
    failed = h.db["auth_events"].count_documents({"type": "login_failed"})
    assert statuses[401] == failed, (statuses, failed)
    assert failed <= limit, f"{failed} wrong passwords verified of {GUESSERS} (limit {limit})"
    assert statuses[429] >= GUESSERS - limit, statuses
    # Then the account closes to guessing after exactly `limit` verified failures. Whether the
    # right password won a claim in the race is timing (a success gives its claim back), so
    # whatever room is left is used up first — never more than the limit in all.
    def guess(n: int):
        return h.client.simulate_post("/api/auth/login", remote_addr=f"198.51.100.{n}",
                                      json={"email": user["email"], "password": "wrong-1234"})

    for n in range(limit - failed):
        assert_error(guess(n + 1), 401, "INVALID_CREDENTIALS")
    assert_error(guess(99), 429, "RATE_LIMIT")


def test_a_successful_sign_in_gives_its_claim_back(make_app):
    h = make_app(plugins=[], settings={"auth.login_failures_per_account": 2})
    user = h.create_user("claim@example.com")
    good = {"email": user["email"], "password": TEST_PASSWORD}
    for _ in range(5):  # successes never use up the failure budget
        assert_ok(h.client.simulate_post("/api/auth/login", json=good))
    bad = {"email": user["email"], "password": "wrong-password-1"}
    for _ in range(2):
        assert_error(h.client.simulate_post("/api/auth/login", json=bad), 401,
                     "INVALID_CREDENTIALS")
    assert_error(h.client.simulate_post("/api/auth/login", json=good), 429, "RATE_LIMIT")
