"""Limits under gunicorn with 2 workers: counters live in MongoDB, so no worker overshoots."""

from __future__ import annotations

import json
import threading

from tests.e2e.test_auth_e2e import cli


def race(served, count, method, path, body=None, headers=None) -> list[int]:
    """``count`` requests released together, each on its own connection."""
    start = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def one():
        start.wait()
        status = served.request(method, path, body=body, headers=headers)[0]
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(statuses)


def test_twenty_requests_from_one_ip_to_a_10_per_15m_route_let_exactly_ten_pass(served):
    headers = {"Content-Type": "application/json", "X-Forwarded-For": "192.0.2.77"}
    statuses = race(served, 20, "POST", "/api/hello", body=b'{"name": "load"}', headers=headers)
    assert statuses == [200] * 10 + [429] * 10


def test_twenty_requests_racing_for_the_last_three_slots_get_exactly_three(served):
    cli(served, "users", "create", "--email", "racer@example.com", "--name", "Racer")
    key = cli(served, "keys", "create", "racer@example.com", "--name", "race")
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    statuses = race(served, 20, "POST", "/api/hello/greetings",
                    body=json.dumps({"name": "r"}).encode(), headers=headers)
    assert statuses == [201] * 3 + [402] * 17
    status, listed = served.json("GET", "/api/hello/greetings?limit=10", headers=headers)
    assert status == 200 and len(listed["data"]["items"]) == 3
