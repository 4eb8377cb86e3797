"""``lightninghire serve`` on the embedded database, exercised over real HTTP under gunicorn."""

from __future__ import annotations

import json

from pymongo import MongoClient

from tests.e2e.conftest import start_server


def test_health_answers_the_envelope_with_the_database_up(served):
    status, body = served.json("GET", "/api/health")
    assert status == 200
    assert body["ok"] is True
    assert body["data"]["db"] == "up" and body["data"]["plugins"] == ["plans", "hello"]


def test_framework_errors_keep_the_envelope_over_http(served):
    status, body = served.json("GET", "/api/nowhere")
    assert (status, body["error"]["code"]) == (404, "NOT_FOUND")
    status, body = served.json("PUT", "/api/health")
    assert (status, body["error"]["code"]) == (405, "METHOD_NOT_ALLOWED")


def test_a_chunked_body_over_the_limit_is_413(served):
    # No Content-Length: the cap must hold while the body is read, not only on the header.
    json_type = {"Content-Type": "application/json"}
    big = iter([b'{"name": "' + b"x" * 65536] * 20)  # 1.25 MiB > the 1 MiB default
    status, _, body = served.request("POST", "/api/hello", body=big, headers=json_type)
    assert status == 413, body
    small = iter([b'{"name": ', b'"Ada"}'])
    status, _, body = served.request("POST", "/api/hello", body=small, headers=json_type)
    assert (status, json.loads(body)["data"]) == (200, {"message": "Hello, Ada!"})


def test_a_malformed_chunked_body_is_400(served):
    status, _, body = served.request("POST", "/api/hello", body=b"not-a-chunk-size\r\n",
                                     headers={"Content-Type": "application/json",
                                              "Transfer-Encoding": "chunked"})
    assert status == 400, body


def test_docs_page_is_served_offline(served):
    status, _, body = served.request("GET", "/api/docs/swagger-ui-bundle.js")
    assert status == 200 and len(body) > 100_000


def test_stop_takes_the_database_down_and_a_restart_reuses_the_data(tmp_path):
    data = tmp_path / "data"
    first = start_server(data, tmp_path / "first.log", workers=1)
    client = MongoClient(first.database_uri)
    client["lightninghire"]["marker"].insert_one({"kept": True})
    client.close()
    children = first.children()
    key_file = data / "encryption.key"  # made once for BYOK secrets, beside the database
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text()
    assert first.stop() == 0
    assert all(not (_alive(pid)) for pid in children), "the embedded database outlived serve"
    second = start_server(data, tmp_path / "second.log", workers=1)
    try:
        client = MongoClient(second.database_uri)
        assert client["lightninghire"]["marker"].find_one({}, {"_id": 0}) == {"kept": True}
        client.close()
        assert key_file.read_text() == key
    finally:
        second.stop()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_cli_commands_join_the_embedded_database_of_a_running_serve(tmp_path):
    import json as _json
    import os
    import subprocess

    from tests.e2e.conftest import COMMAND

    data = tmp_path / "data"
    server = start_server(data, tmp_path / "serve.log", workers=1)
    try:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("LIGHTNINGHIRE") and k not in {"MONGODB_URI", "CRON_SECRET"}}
        env.update(LIGHTNINGHIRE_DATABASE__DATA_DIR=str(data), LIGHTNINGHIRE_PLUGINS="plans,hello",
                   LIGHTNINGHIRE_PASSWORD="correct horse battery staple")
        created = subprocess.run([COMMAND, "users", "create", "--email", "joined@example.com",
                                  "--name", "Joined"], env=env, capture_output=True, text=True,
                                 timeout=60)
        assert created.returncode == 0, created.stderr
        status, body = server.json("POST", "/api/auth/login", body=_json.dumps(
            {"email": "joined@example.com", "password": "correct horse battery staple"}).encode(),
            headers={"Content-Type": "application/json"})
        assert status == 200, body
    finally:
        server.stop()
    assert not (data / "server.uri").exists()
