"""``/api/docs`` in a real headless browser (Debian's chromium), served by ``lightninghire serve``
with every first-party plugin: Swagger UI renders, shows every operation of the OpenAPI document,
and needs nothing from the internet (every host but 127.0.0.1 is unresolvable to the browser).

Swagger UI 5 renders its operation list virtually (only what is in the viewport), so the page
is driven over the DevTools protocol (``--remote-debugging-pipe``: JSON messages on file
descriptors 3 and 4, no extra package) and scrolled to the end, collecting what was rendered.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from lightninghire.app import create_app
from lightninghire.testing import isolated_settings

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", shutil.which("chromium"),
                             shutil.which("chromium-browser")) if p and Path(p).exists()), None)
BASH = shutil.which("bash") or "/bin/bash"
TIMEOUT = 60.0

# Scroll the virtual list to its end, collecting every rendered operation and tag id.
COLLECT = """(async () => {
  for (let i = 0; i < 400 && !document.querySelector('.opblock'); i++)
    await new Promise(r => setTimeout(r, 50));
  const seen = new Set();
  const grab = () => document.querySelectorAll('[id^="operations-"]').forEach(e => seen.add(e.id));
  for (let i = 0; i < 5000; i++) {
    grab();
    const before = window.scrollY;
    window.scrollBy(0, 300);
    await new Promise(r => setTimeout(r, 20));
    if (window.scrollY === before) break;
  }
  grab();
  return JSON.stringify({ids: [...seen], title: document.title,
                         specTitle: (document.querySelector('.info .title') || {}).textContent,
                         errors: window.ui ? window.ui.errSelectors.allErrors().size : -1});
})()"""


class DevTools:
    """The DevTools protocol over ``--remote-debugging-pipe`` (NUL-separated JSON messages)."""

    def __init__(self, args: list[str]) -> None:
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Lift the child's ends above 4, so the shell's 3<& and 4>& cannot overwrite them.
        child_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        shell = f'exec "$0" "$@" 3<&{child_r} 4>&{child_w} {child_r}<&- {child_w}>&-'
        self.process = subprocess.Popen(
            [BASH, "-c", shell, *args, "--remote-debugging-pipe"], pass_fds=(child_r, child_w),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        os.close(child_r)
        os.close(child_w)
        self.write_fd, self.read_fd = to_chrome_w, from_chrome_r
        self.next_id = 0
        self.buffer = b""

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" not in self.buffer:
                left = deadline - time.monotonic()
                ready, _, _ = select.select([self.read_fd], [], [], max(left, 0))
                assert ready, f"chromium did not answer {method} in {TIMEOUT:.0f} s"
                chunk = os.read(self.read_fd, 1 << 16)
                assert chunk, f"chromium closed the pipe during {method}"
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:  # events and other replies are skipped
                assert "error" not in reply, reply
                return reply["result"]

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.call("Browser.close")
                self.process.wait(10)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, 9)
                self.process.wait(10)
            os.close(self.write_fd)
            os.close(self.read_fd)


def test_chromium_is_installed():
    assert CHROMIUM, "the docs page test needs Debian's chromium (apt-get install chromium)"


@pytest.mark.skipif(CHROMIUM is None, reason="reported by test_chromium_is_installed")
def test_the_docs_page_renders_every_operation_offline(full_served, tmp_path):
    status, _, raw = full_served.request("GET", "/api/openapi.json")
    assert status == 200
    document = json.loads(raw)
    operations = {(op["tags"][0], op["operationId"]) for item in document["paths"].values()
                  for op in item.values()}
    assert len(operations) > 150

    browser = DevTools([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900",
                        # Offline: nothing but the served host resolves.
                        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                        "about:blank"])
    try:
        page = next(t for t in browser.call("Target.getTargets")["targetInfos"]
                    if t["type"] == "page")
        session = browser.call("Target.attachToTarget",
                               {"targetId": page["targetId"], "flatten": True})["sessionId"]
        browser.call("Page.navigate", {"url": f"http://127.0.0.1:{full_served.port}/api/docs"},
                     session)
        result = browser.call("Runtime.evaluate", {"expression": COLLECT, "awaitPromise": True,
                                                   "returnByValue": True}, session)
        seen = json.loads(result["result"]["value"])
    finally:
        browser.close()

    assert seen["errors"] == 0, seen  # Swagger UI parsed the document without complaint
    assert seen["specTitle"] and "LightningHire API" in seen["specTitle"]
    rendered = set(seen["ids"])
    missing = sorted(f"{tag}/{oid}" for tag, oid in operations
                     if f"operations-{tag}-{oid}" not in rendered)
    assert missing == [], f"{len(missing)} operations not shown, e.g. {missing[:5]}"
    # Every enabled plugin's routes (from the registry, as served) are among those shown.
    plugins = json.loads(full_served.request("GET", "/api/health")[2])["data"]["plugins"]
    registry = create_app(isolated_settings("mongodb://127.0.0.1:9/", "docs"),
                          plugins=plugins, prepare_database=False)
    try:
        shown = {oid for _, oid in operations} - {m.split("/", 1)[1] for m in missing}
        per_plugin = {plugin: [op.operation_id for op in registry.services.routes.operations()
                               if op.plugin == plugin and not op.options.hidden]
                      for plugin in plugins}
    finally:
        registry.close()
    assert {plugin: [oid for oid in ids if oid not in shown]
            for plugin, ids in per_plugin.items() if set(ids) - shown} == {}
    # Only the data-only plans plugin (tiers, roles, caps) serves no routes.
    assert [plugin for plugin, ids in per_plugin.items() if not ids] == ["plans"]
