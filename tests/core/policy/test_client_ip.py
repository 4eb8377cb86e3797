"""Issue 18 #4: per-IP limits count a client once, however its address is spelled, and an IPv6
client per network (``http.ipv6_prefix``, /64 by default), not per address."""

from __future__ import annotations

import pytest

from lightninghire.config import load_settings
from lightninghire.errors import StartupError
from lightninghire.http.clientip import canonical_ip, ip_bucket
from lightninghire.testing import assert_error, assert_ok


@pytest.mark.parametrize(("given", "canonical", "bucket"), [
    ("192.0.2.1", "192.0.2.1", "192.0.2.1"),
    ("192.0.2.1:5555", "192.0.2.1", "192.0.2.1"),
    ("::ffff:192.0.2.1", "192.0.2.1", "192.0.2.1"),
    ("[::ffff:c000:201]:443", "192.0.2.1", "192.0.2.1"),
    ("2001:DB8:0:0:0:0:0:1", "2001:db8::1", "2001:db8::/64"),
    ("[2001:db8::1]", "2001:db8::1", "2001:db8::/64"),
    ("[2001:db8:0:0:abcd::7]:8443", "2001:db8::abcd:0:0:7", "2001:db8::/64"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("fe80::1%eth0", "fe80::1", "fe80::/64"),
    (" \"198.51.100.9\" ", "198.51.100.9", "198.51.100.9"),
    ("unknown", "unknown", "unknown"),
])
def test_addresses_have_one_canonical_spelling_and_ipv6_is_bucketed(given, canonical, bucket):
    assert canonical_ip(given) == canonical
    assert ip_bucket(given) == bucket


def test_the_ipv6_prefix_is_configurable_and_validated():
    assert ip_bucket("2001:db8:1:2:3::1", 48) == "2001:db8:1::/48"
    assert ip_bucket("2001:db8:1:2:3::1", 128) == "2001:db8:1:2:3::1"
    assert load_settings(environ={}, overrides={"http.ipv6_prefix": 56}).http.ipv6_prefix == 56
    for bad in (0, 8, 129, "sixty-four"):
        with pytest.raises(StartupError, match=r"http\.ipv6_prefix"):
            load_settings(environ={}, overrides={"http.ipv6_prefix": bad})


def post(h, **kwargs):
    return h.client.simulate_post("/api/limited", **kwargs)


def test_one_ipv6_subnet_is_one_client_for_a_per_ip_limit(metered):
    h = metered()
    for i in range(10):  # ten addresses of one /64: ten requests of one client
        assert_ok(post(h, remote_addr=f"2001:db8:5:6::{i + 1:x}"))
    assert_error(post(h, remote_addr="2001:db8:5:6:ffff:ffff:ffff:ffff"), 429, "RATE_LIMIT")
    assert_ok(post(h, remote_addr="2001:db8:5:7::1"))  # the next /64 is someone else


def test_the_prefix_setting_decides_the_bucket(metered):
    h = metered(settings={"http.ipv6_prefix": 128})
    for i in range(12):
        assert_ok(post(h, remote_addr=f"2001:db8:5:6::{i + 1:x}"))


def test_spellings_of_one_address_behind_a_trusted_proxy_count_together(metered):
    h = metered()
    spellings = ["192.0.2.1", "::ffff:192.0.2.1", "[::ffff:192.0.2.1]:1234", "192.0.2.1:5555",
                 "::FFFF:C000:0201"]
    for i in range(10):
        assert_ok(post(h, remote_addr="127.0.0.1",
                       headers={"X-Forwarded-For": spellings[i % len(spellings)]}))
    assert_error(post(h, remote_addr="127.0.0.1", headers={"X-Forwarded-For": "192.0.2.1"}),
                 429, "RATE_LIMIT")
    # The proxy's own address may be spelled IPv4-mapped too (a dual-stack socket): still trusted.
    assert_error(post(h, remote_addr="::ffff:127.0.0.1",
                      headers={"X-Forwarded-For": "[::ffff:192.0.2.1]"}), 429, "RATE_LIMIT")
    assert_ok(post(h, remote_addr="::ffff:127.0.0.1", headers={"X-Forwarded-For": "192.0.2.2"}))


def test_the_sign_in_throttle_per_ip_counts_an_ipv6_subnet_once(make_app):
    h = make_app(plugins=[], settings={"auth.login_failures_per_ip": 3})
    for i in range(3):
        assert_error(h.client.simulate_post(
            "/api/auth/login", remote_addr=f"2001:db8:77:1::{i + 1}",
            json={"email": f"u{i}@example.com", "password": "wrong-password-1"}),
            401, "INVALID_CREDENTIALS")
    assert_error(h.client.simulate_post(
        "/api/auth/login", remote_addr="2001:db8:77:1:abcd::9",
        json={"email": "u9@example.com", "password": "wrong-password-1"}), 429, "RATE_LIMIT")
    assert_error(h.client.simulate_post(
        "/api/auth/login", remote_addr="2001:db8:77:2::1",
        json={"email": "u9@example.com", "password": "wrong-password-1"}),
        401, "INVALID_CREDENTIALS")
