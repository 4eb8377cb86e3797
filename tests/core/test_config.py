"""Configuration: defaults < TOML file < environment; invalid config stops startup by name."""

from __future__ import annotations

import json

import pytest

from lightninghire import StartupError
from lightninghire.cli import main
from lightninghire.config import allowed_origins, cookie_secure, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "lightninghire.toml"
    path.write_text(text)
    return path


def test_defaults_need_no_file_and_no_environment():
    settings = load_settings(environ={})
    assert settings.server.port == 8000
    assert settings.http.max_body_bytes == 1024 * 1024
    assert settings.database.uri == ""  # the embedded database
    assert settings.enabled_plugins is None  # every first-party plugin


def test_file_overrides_defaults_and_environment_overrides_file(tmp_path):
    path = write(tmp_path, '[server]\nport = 9001\nworkers = 3\n[database]\nuri = "mongodb://file/"\n')
    settings = load_settings(path=path, environ={"MONGODB_URI": "mongodb://env/",
                                                 "LIGHTNINGHIRE_SERVER__WORKERS": "5"})
    assert settings.server.port == 9001
    assert settings.server.workers == 5
    assert settings.database.uri == "mongodb://env/"
    assert settings.source == str(path)


def test_config_file_is_found_through_the_environment(tmp_path):
    path = write(tmp_path, "[server]\nport = 9100\n")
    assert load_settings(environ={"LIGHTNINGHIRE_CONFIG": str(path)}).server.port == 9100


def test_conventional_environment_names_work_as_is():
    # A plugin's own conventional names (STRIPE_SECRET_KEY) are declared by its settings
    # schema and read by the plugin host: tests/core/test_plugin_host.py.
    env = {"CRON_SECRET": "c" * 20, "OPENAI_API_KEY": "sk-1", "ANTHROPIC_API_KEY": "sk-ant",
           "STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
           "SMTP_URL": "smtp://mail:25", "MONGODB_URI": "mongodb://db/"}
    settings = load_settings(environ=env)
    assert settings.auth.cron_secret == "c" * 20
    assert settings.ai.openai_api_key == "sk-1"
    assert settings.ai.anthropic_api_key == "sk-ant"
    assert settings.plugin("billing") == {}  # the core knows no billing names
    assert settings.mail.smtp_url == "smtp://mail:25"


def test_list_values_from_the_environment():
    settings = load_settings(environ={"LIGHTNINGHIRE_PLUGINS": "hello, billing",
                                      "LIGHTNINGHIRE_HTTP__TRUSTED_PROXIES": "10.0.0.0/8"})
    assert settings.enabled_plugins == ["hello", "billing"]
    assert settings.http.trusted_proxies == ["10.0.0.0/8"]
    fetch = load_settings(environ={"LIGHTNINGHIRE_FETCH__ALLOW_NETWORKS": "10.20.0.0/16, ::1/128"})
    assert fetch.fetch.allow_networks == ["10.20.0.0/16", "::1/128"]
    assert load_settings(environ={}).fetch.allow_networks == []  # nothing private by default


@pytest.mark.parametrize(("text", "env", "message"), [
    ("[server]\nport = 'many'\n", {}, r"server\.port: Not a valid integer"),
    ("[server]\nprot = 1\n", {}, r"server\.prot: Unknown field"),
    ("[sever]\nport = 1\n", {}, r"unknown section\(s\) \['sever'\]"),
    ("[http]\ntrusted_proxies = ['not-an-ip']\n", {}, r"http\.trusted_proxies"),
    ("[fetch]\nallow_networks = ['intranet']\n", {}, r"fetch\.allow_networks"),
    ("[server\n", {}, r"not valid TOML"),
    ("", {"LIGHTNINGHIRE_SERVER__WORKERS": "0"}, r"server\.workers"),
    ("", {"CRON_SECRET": "short"}, r"auth\.cron_secret: must be at least 16"),
    ("[plugins]\nenabled = 'hello'\n", {}, r"plugins\.enabled must be a list"),
])
def test_invalid_config_names_the_key(tmp_path, text, env, message):
    with pytest.raises(StartupError, match=message):
        load_settings(path=write(tmp_path, text), environ=env)


def test_a_missing_config_file_is_named(tmp_path):
    with pytest.raises(StartupError, match=r"nope\.toml not found"):
        load_settings(path=tmp_path / "nope.toml", environ={})


def test_config_show_masks_every_secret(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("LIGHTNINGHIRE_"):
            monkeypatch.delenv(name)
    secrets = {"CRON_SECRET": "cron-secret-value-1234", "OPENAI_API_KEY": "sk-openai-value",
               "STRIPE_SECRET_KEY": "sk_test_stripe_value", "SMTP_URL": "smtp://u:smtp-pw@mail:25",
               "MONGODB_URI": "mongodb://admin:db-pw@db.internal:27017/"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    # STRIPE_SECRET_KEY is the billing plugin's name (its settings schema): shown, masked.
    monkeypatch.setenv("LIGHTNINGHIRE_PLUGINS", "plans,billing")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    for value in ("cron-secret-value-1234", "sk-openai-value", "sk_test_stripe_value",
                  "smtp-pw", "db-pw"):
        assert value not in out
    shown = json.loads(out)
    assert shown["database"]["uri"] == "mongodb://admin:********@db.internal:27017/"
    assert shown["auth"]["cron_secret"] == "********"
    assert shown["plugins"]["billing"]["stripe_secret_key"] == "********"


def test_invalid_config_stops_the_cli_with_a_message(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LIGHTNINGHIRE_SERVER__PORT", "-1")
    assert main(["routes"]) == 2
    assert "server.port" in capsys.readouterr().err


EVERYWHERE = "0.0.0.0"  # noqa: S104 - a setting under test, nothing binds it


def test_the_public_url_is_the_bound_address_unless_set():
    settings = load_settings(environ={}, overrides={"server.port": 9000})
    assert settings.http.public_url == "http://127.0.0.1:9000"
    assert settings.public_url_is_default
    assert settings.with_overrides({"server.port": 9100}).http.public_url == \
        "http://127.0.0.1:9100"  # still derived after a change
    assert load_settings(environ={}, overrides={"server.host": EVERYWHERE}).http.public_url == \
        "http://127.0.0.1:8000"
    given = load_settings(environ={"LIGHTNINGHIRE_HTTP__PUBLIC_URL": "https://api.example.com"},
                          overrides={"server.port": 9000})
    assert given.http.public_url == "https://api.example.com" and not given.public_url_is_default


def test_csrf_origins_and_the_cookie_rule_follow_the_public_url():
    local = load_settings(environ={}, overrides={"server.port": 9000})
    assert set(allowed_origins(local)) == {"http://127.0.0.1:9000", "http://localhost:9000",
                                           "http://[::1]:9000"}
    assert cookie_secure(local) is False  # plain http on loopback: scripts keep the cookie
    deployed = local.with_overrides({"http.public_url": "https://api.example.com"})
    assert allowed_origins(deployed) == ["https://api.example.com"]
    assert cookie_secure(deployed) is True
    assert cookie_secure(local.with_overrides({"server.host": EVERYWHERE})) is True  # reachable
    assert cookie_secure(local.with_overrides({"auth.cookie_secure": True})) is True
    listed = local.with_overrides({"auth.allowed_origins": ["https://app.example.com"]})
    assert allowed_origins(listed) == ["https://app.example.com"]


def test_the_access_log_is_a_setting_on_by_default():
    from lightninghire.config import load_settings
    from lightninghire.server import gunicorn_options

    def options(**environ):
        settings = load_settings(path="/dev/null", environ=environ)
        return gunicorn_options(settings)

    assert options()["accesslog"] == "-"
    assert options(LIGHTNINGHIRE_SERVER__ACCESS_LOG="false")["accesslog"] is None
