"""Route rate limits: per client IP (trusted-proxy aware) or per user, in memory or MongoDB."""

from __future__ import annotations

import pytest

from lightninghire.testing import assert_error, assert_ok


@pytest.fixture(params=["mongo", "memory"])
def limited(request, metered):
    return metered(settings={"http.rate_limit_backend": request.param})


def post(h, **kwargs):
    return h.client.simulate_post("/api/limited", **kwargs)


def test_ten_pass_then_429_in_the_seed_shape_until_the_window_ends(limited, clock):
    for i in range(10):
        result = post(limited, remote_addr="203.0.113.5")
        assert_ok(result)
        assert result.headers["x-ratelimit-limit"] == "10"
        assert result.headers["x-ratelimit-remaining"] == str(9 - i)
    refused = post(limited, remote_addr="203.0.113.5")
    error = assert_error(refused, 429, "RATE_LIMIT")
    assert error["message"] == "Too many requests. Please try again later."
    assert 1 <= int(refused.headers["retry-after"]) <= 900
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert_ok(post(limited, remote_addr="203.0.113.6"))  # another client is not affected
    clock.advance(seconds=901)
    assert_ok(post(limited, remote_addr="203.0.113.5"))


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(limited):
    for i in range(10):
        assert_ok(post(limited, remote_addr="198.51.100.7",
                       headers={"X-Forwarded-For": f"10.0.0.{i}"}))
    refused = post(limited, remote_addr="198.51.100.7", headers={"X-Forwarded-For": "10.9.9.9"})
    assert_error(refused, 429, "RATE_LIMIT")


def test_behind_a_trusted_proxy_each_forwarded_client_counts_alone(limited):
    for _ in range(10):
        assert_ok(post(limited, remote_addr="127.0.0.1", headers={"X-Forwarded-For": "192.0.2.1"}))
    assert_error(post(limited, remote_addr="127.0.0.1",
                      headers={"X-Forwarded-For": "192.0.2.1"}), 429, "RATE_LIMIT")
    assert_ok(post(limited, remote_addr="127.0.0.1", headers={"X-Forwarded-For": "192.0.2.2"}))


def test_per_user_limits_count_the_caller_not_the_address(limited):
    first, second = limited.api_caller(), limited.api_caller()
    for _ in range(2):
        assert_ok(first.get("/api/per-user"))
    assert_error(first.get("/api/per-user"), 429, "RATE_LIMIT")
    assert_ok(second.get("/api/per-user"))
