"""Domain events reach every enabled plugin; a failing handler never breaks the emitter."""

from __future__ import annotations

import types

from lightninghire import hookimpl


def listener(name, seen, fail=False):
    @hookimpl
    def handle_event(event, services):
        if fail:
            raise RuntimeError("handler bug")
        seen.append((name, event.name, event.payload["n"], event.at))

    # Every event a plugin emits is declared (plugin_events); here each may emit the test's.
    return types.SimpleNamespace(__name__=name, handle_event=handle_event,
                                 plugin_events={"emits": ("thing.happened",)})


def test_events_reach_every_plugin_even_past_a_failing_one(make_app, clock, caplog):
    seen: list = []
    harness = make_app(plugins=["a", "broken", "b"], extra_plugins={
        "a": listener("a", seen), "broken": listener("broken", seen, fail=True),
        "b": listener("b", seen)})
    event = harness.services.events.emit("thing.happened", {"n": 1}, user_id="u1")
    assert seen == [("a", "thing.happened", 1, clock.now()), ("b", "thing.happened", 1, clock.now())]
    assert harness.events == [event] and event.user_id == "u1"
    assert "handler bug" in caplog.text


def test_the_clock_moves_only_when_told(make_app, clock):
    harness = make_app(plugins=[])
    before = harness.services.clock.now()
    assert harness.services.clock.now() == before
    clock.advance(days=7)
    assert (harness.services.clock.now() - before).days == 7


def test_plugins_shut_down_once_when_the_app_closes(make_app):
    closed: list[str] = []

    @hookimpl
    def shutdown(app, services):
        closed.append("x")

    harness = make_app(plugins=["x"], extra_plugins={
        "x": types.SimpleNamespace(__name__="x", shutdown=shutdown)})
    harness.app.close()
    harness.app.close()
    assert closed == ["x"]
