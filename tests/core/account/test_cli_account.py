"""The deployer's bootstrap commands: users and keys."""

from __future__ import annotations

import pytest

from lightninghire.cli import main
from lightninghire.testing import TEST_PASSWORD, assert_ok


@pytest.fixture
def cli_env(monkeypatch, tmp_path, lh_settings):
    monkeypatch.chdir(tmp_path)
    for name in ("LIGHTNINGHIRE_CONFIG", "LIGHTNINGHIRE_PLUGINS", "CRON_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MONGODB_URI", lh_settings.database.uri)
    monkeypatch.setenv("LIGHTNINGHIRE_DATABASE__NAME", lh_settings.database.name)
    monkeypatch.setenv("LIGHTNINGHIRE_PLUGINS", "none")


def test_users_create_set_tier_set_role_and_keys_create(cli_env, capsys, make_app):
    assert main(["users", "create", "--email", "Root@Example.com", "--name", "Root",
                 "--password", TEST_PASSWORD, "--role", "super_admin"]) == 0
    assert "root@example.com" in capsys.readouterr().out
    assert main(["users", "set-tier", "root@example.com", "pro"]) == 0
    assert main(["users", "set-role", "root@example.com", "mentor"]) == 0
    assert main(["keys", "create", "root@example.com", "--name", "bootstrap"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("lh_live_")
    h = make_app(plugins=[])
    me = assert_ok(h.client.simulate_get("/api/me", headers={"Authorization": f"Bearer {key}"}))
    assert (me["tier"], me["roles"]) == ("pro", ["super_admin", "mentor"])


def test_cli_errors_are_messages(cli_env, capsys):
    assert main(["users", "set-tier", "ghost@example.com", "pro"]) == 1
    assert "no user ghost@example.com" in capsys.readouterr().err
    assert main(["users", "create", "--email", "weak@example.com", "--name", "W",
                 "--password", "short"]) == 1
    assert "at least 10" in capsys.readouterr().err


def test_keys_encryption_key_prints_a_usable_key(cli_env, capsys):
    from cryptography.fernet import Fernet

    assert main(["keys", "encryption-key"]) == 0
    Fernet(capsys.readouterr().out.strip().encode())
