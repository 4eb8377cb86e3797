"""The ``lightninghire`` command as a deployer runs it (the installed console script)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# The script installed beside this interpreter (tox's venv, or the developer's).
COMMAND = str(Path(sys.executable).with_name("lightninghire"))


def run(*args: str, env: dict[str, str] | None = None, cwd=None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("LIGHTNINGHIRE") and k not in {"MONGODB_URI", "CRON_SECRET"}}
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, timeout=60,
                          env={**clean, **(env or {})}, cwd=cwd)


def test_console_script_is_installed():
    assert Path(COMMAND).is_file(), f"{COMMAND} is missing: is the package installed?"


def test_routes_lists_every_route_with_plugin_and_auth(tmp_path):
    out = run("routes", env={"LIGHTNINGHIRE_PLUGINS": "hello"}, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(line.split()[:4] == ["GET", "/api/hello", "hello", "public"] for line in lines)
    assert any(line.split()[:4] == ["POST", "/api/hello/greetings", "hello", "session|api_key"]
               for line in lines)
    assert any(line.split()[:3] == ["TASK", "hello-tidy", "hello"] for line in lines)


def test_plugins_shows_enabled_and_disabled(tmp_path):
    enabled = run("plugins", env={"LIGHTNINGHIRE_PLUGINS": "hello"}, cwd=tmp_path).stdout
    disabled = run("plugins", env={"LIGHTNINGHIRE_PLUGINS": "none"}, cwd=tmp_path).stdout
    assert [line.split()[1] for line in enabled.splitlines() if line.startswith("hello")] == ["enabled"]
    assert [line.split()[1] for line in disabled.splitlines() if line.startswith("hello")] == ["disabled"]


def test_openapi_prints_the_document(tmp_path):
    out = run("openapi", env={"LIGHTNINGHIRE_PLUGINS": "hello"}, cwd=tmp_path)
    document = json.loads(out.stdout)
    assert document["openapi"] == "3.1.0"
    assert "/api/hello/greetings" in document["paths"]


def test_unknown_plugin_exits_2_with_the_name(tmp_path):
    out = run("routes", env={"LIGHTNINGHIRE_PLUGINS": "nope"}, cwd=tmp_path)
    assert out.returncode == 2
    assert "unknown plugin 'nope'" in out.stderr
    assert "Traceback" not in out.stderr
