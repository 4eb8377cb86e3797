"""Issue 18 #12: credentials in URLs are masked in every log line: the app's error log and
gunicorn's access and error logs (``lightninghire.logs``)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from gunicorn.config import Config

from lightninghire import endpoint, hookimpl
from lightninghire.config import load_settings
from lightninghire.logs import MASK, RedactingLogger, protect_routes, redact
from lightninghire.server import gunicorn_options

protect_routes(["/api/interviews/calendar/{token}", "/api/companies/{key}"])


@pytest.mark.parametrize(("line", "secret"), [
    ('"GET /api/interviews/calendar/Zx9_kq2LmN0pR7 HTTP/1.1" 200', "Zx9_kq2LmN0pR7"),
    ('"GET /api/unsubscribe?token=ZGlnZXN0CmFkYQ.c2lnbmF0dXJl&x=1 HTTP/1.1"', "ZGlnZXN0CmFkYQ"),
    ('"POST /api/x?list=a&signature=abc123 HTTP/1.1" "https://r.example/?access_token=tok9"',
     "tok9"),
    ("GET /api/health?api_key=lh_live_AbC123dEf456", "AbC123dEf456"),
    ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
    ("GET /api/share/Q2xpZW50U2VjcmV0VmFsdWUxMjM0NTY3ODk HTTP/1.1", "Q2xpZW50U2VjcmV0"),
])
def test_credentials_in_urls_are_masked(line, secret):
    masked = redact(line)
    assert secret not in masked and MASK in masked


@pytest.mark.parametrize("line", [
    "GET /api/companies/acme-corp HTTP/1.1",  # a company key is no credential
    "GET /api/interviews/6650a1b2c3d4e5f601234567?limit=20&cursor=abc HTTP/1.1",
    "GET /api/help/how-to-write-a-great-cover-letter-for-any-job HTTP/1.1",
])
def test_ordinary_urls_are_left_alone(line):
    assert redact(line) == line


def test_gunicorn_uses_the_redacting_logger_and_its_lines_are_masked(tmp_path):
    options = gunicorn_options(load_settings(environ={}, path="/dev/null"))
    assert options["logger_class"] == "lightninghire.logs.RedactingLogger"
    cfg = Config()
    error_path, access_path = tmp_path / "error.log", tmp_path / "access.log"
    cfg.set("errorlog", str(error_path))
    cfg.set("accesslog", str(access_path))
    logger = RedactingLogger(cfg)
    try:
        logger.error("Error handling request %s", "/api/interviews/calendar/Zx9_kq2LmN0pR7?a=1")
        logger.access_log.info("%(r)s", {"r": "GET /api/unsubscribe?token=ZGlnZXN0 HTTP/1.1"})
        try:
            raise ValueError("bad /api/unsubscribe?token=InsideTraceback1")
        except ValueError:
            logger.exception("failed on %s", "/api/x?secret=s3cr3t")
    finally:
        for log in (logger.error_log, logger.access_log):
            for handler in list(log.handlers):
                handler.close()
                log.removeHandler(handler)
    errors, accesses = error_path.read_text(), access_path.read_text()
    assert "calendar/[redacted]" in errors and "secret=[redacted]" in errors
    assert "token=[redacted]" in accesses
    for secret in ("Zx9_kq2LmN0pR7", "ZGlnZXN0", "s3cr3t", "InsideTraceback1"):
        assert secret not in errors + accesses


class _Vault:
    @endpoint(auth="public")
    def on_get(self, req: Any, resp: Any, token: str) -> None:
        raise RuntimeError("the vault is broken")


class _VaultPlugin:
    @hookimpl
    def register_routes(self, routes: Any) -> None:
        routes.add("/api/vault/{token}", _Vault())


def test_the_apps_error_log_masks_a_token_in_the_path(make_app, caplog):
    h = make_app(plugins=["vault"], extra_plugins={"vault": _VaultPlugin()})
    with caplog.at_level(logging.ERROR, logger="lightninghire"):
        result = h.client.simulate_get("/api/vault/SuperSecretCapability7")
    assert result.status_code == 500
    assert "/api/vault/[redacted]" in caplog.text
    assert "SuperSecretCapability7" not in caplog.text
