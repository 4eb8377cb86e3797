"""The plugin host lets pluggy call hooks (call order, wrappers, firstresult), loads each plugin's
settings through its schema, keeps per-plugin state, checks declared events, and stops startup
on silent mistakes."""

from __future__ import annotations

import json
import logging
import threading
import types
from typing import Any

import pytest
from marshmallow import Schema, fields, validate

from lightninghire import StartupError, endpoint, hookimpl
from lightninghire.app import create_app
from lightninghire.cli import main
from lightninghire.config import load_settings
from lightninghire.events import UndeclaredEvent
from lightninghire.registry import current_plugin
from lightninghire.testing import assert_ok

USER = {"_id": "u1"}
BOTH_ORDERS = pytest.mark.parametrize("order", [["a", "b"], ["b", "a"]])


def plugin(name: str, **attrs: object) -> types.SimpleNamespace:
    return types.SimpleNamespace(__name__=name, **attrs)


def answering(name: str, calls: list[str], **marks: bool) -> types.SimpleNamespace:
    """A plugin whose ``user_context`` records the call and answers with its name."""
    @hookimpl(**marks)
    def user_context(user):
        calls.append(name)
        return {"from": name}

    return plugin(name, user_context=user_context)


def build(lh_settings, order, **extra):
    return create_app(lh_settings, plugins=order, extra_plugins=extra, prepare_database=False)


def context_answers(app) -> list[tuple[str, Any]]:
    return list(app.services.plugins.call_each("user_context", user=USER,
                                               services=app.services))


# -- call order ------------------------------------------------------------------------------


@BOTH_ORDERS
def test_the_first_configured_plugin_is_called_first(lh_settings, order):
    calls: list[str] = []
    app = build(lh_settings, order, a=answering("a", calls), b=answering("b", calls))
    assert context_answers(app) == [(name, {"from": name}) for name in order]
    assert calls == order


@BOTH_ORDERS
def test_tryfirst_runs_before_the_others_whatever_the_order(lh_settings, order):
    calls: list[str] = []
    app = build(lh_settings, order, a=answering("a", calls),
                b=answering("b", calls, tryfirst=True))
    assert [name for name, _ in context_answers(app)] == ["b", "a"]
    assert calls == ["b", "a"]


@BOTH_ORDERS
def test_trylast_runs_after_the_others_whatever_the_order(lh_settings, order):
    calls: list[str] = []
    app = build(lh_settings, order, a=answering("a", calls, trylast=True),
                b=answering("b", calls))
    assert [name for name, _ in context_answers(app)] == ["b", "a"]
    assert calls == ["b", "a"]


@BOTH_ORDERS
def test_an_old_style_hookwrapper_wraps_every_implementation(lh_settings, order):
    calls: list[str] = []

    @hookimpl(hookwrapper=True)
    def user_context(user):
        calls.append("before")
        outcome = yield
        calls.append(f"after:{len(outcome.get_result())}")

    wrapping = plugin("a", user_context=user_context)
    app = build(lh_settings, order, a=wrapping, b=answering("b", calls))
    assert context_answers(app) == [("b", {"from": "b"})]
    assert calls == ["before", "b", "after:1"]


@BOTH_ORDERS
def test_a_new_style_wrapper_can_change_the_answer(lh_settings, order):
    calls: list[str] = []

    @hookimpl(wrapper=True)
    def user_context(user):
        calls.append(f"wrapper runs as {current_plugin()}")
        answers = yield
        return [*answers, {"added": "by the wrapper"}]

    app = build(lh_settings, order, a=plugin("a", user_context=user_context),
                b=answering("b", calls))
    assert context_answers(app) == [("b", {"from": "b"}), ("?", {"added": "by the wrapper"})]
    assert calls == ["wrapper runs as a", "b"]
    assert app.services.plugins.hook.user_context(user=USER, services=app.services) == [
        {"from": "b"}, {"added": "by the wrapper"}]


def facts_plugin(name: str, answer: dict[str, Any] | None) -> types.SimpleNamespace:
    @hookimpl
    def entitlement_facts(user):
        return answer

    return plugin(name, entitlement_facts=entitlement_facts)


@BOTH_ORDERS
def test_the_first_configured_plugin_wins_a_firstresult_hook(lh_settings, order):
    app = build(lh_settings, order, a=facts_plugin("a", {"tier": "a"}),
                b=facts_plugin("b", {"tier": "b"}))
    hook = app.services.plugins.hook
    assert hook.entitlement_facts(user=USER, services=app.services) == {"tier": order[0]}
    assert list(app.services.plugins.call_each("entitlement_facts", user=USER,
                                               services=app.services)) == [
        (order[0], {"tier": order[0]})]


@BOTH_ORDERS
def test_a_firstresult_none_lets_the_next_plugin_answer(lh_settings, order):
    app = build(lh_settings, order, a=facts_plugin("a", None), b=facts_plugin("b", {"tier": "b"}))
    assert app.services.plugins.hook.entitlement_facts(user=USER, services=app.services) == {
        "tier": "b"}


def test_a_plugin_overrides_a_core_default(lh_settings):
    class SingleSignOn:
        def authenticate(self, req):
            return None

    sso = SingleSignOn()

    @hookimpl
    def register_authenticators(authenticators):
        authenticators["session"] = sso

    app = build(lh_settings, ["sso"], sso=plugin("sso", register_authenticators=register_authenticators))
    assert app.services.authenticators["session"] is sso
    assert type(build(lh_settings, []).services.authenticators["session"]).__name__ == (
        "SessionAuthenticator")


def test_with_on_error_a_failing_plugin_is_reported_and_the_next_still_answers(lh_settings):
    calls: list[str] = []

    @hookimpl
    def user_context(user):
        raise RuntimeError("broken plugin")

    app = build(lh_settings, ["a", "broken", "b"], a=answering("a", calls),
                broken=plugin("broken", user_context=user_context), b=answering("b", calls))
    failed: list[tuple[str, str]] = []
    answers = list(app.services.plugins.call_each(
        "user_context", on_error=lambda name, exc: failed.append((name, str(exc))),
        user=USER, services=app.services))
    assert answers == [("a", {"from": "a"}), ("b", {"from": "b"})]
    assert failed == [("broken", "broken plugin")]
    with pytest.raises(RuntimeError, match="broken plugin"):  # without on_error, it propagates
        list(app.services.plugins.call_each("user_context", user=USER, services=app.services))


def test_registries_name_the_plugin_whose_implementation_ran(lh_settings):
    @hookimpl(tryfirst=True)
    def register_collections(collections):
        collections.add("first_things", owner_field="userId")

    @hookimpl(hookwrapper=True)
    def register_tasks(tasks):
        yield
        tasks.add("wrapped-task", schedule="0 * * * *", run=lambda *_: None)

    app = build(lh_settings, ["one", "two"],
                one=plugin("one", register_tasks=register_tasks),
                two=plugin("two", register_collections=register_collections))
    assert app.services.collections.specs["first_things"].plugin == "two"
    assert app.services.tasks.specs["wrapped-task"].plugin == "one"
    assert app.services.collections.specs["users"].plugin == "account"


# -- hooks a plugin declares ---------------------------------------------------------------------


def test_collect_digest_is_declared_by_cron_and_jobsearch_starts_without_it(lh_settings):
    alone = build(lh_settings, ["plans", "jobsearch"])
    assert getattr(alone.services.plugins.hook, "collect_digest", None) is None \
        or alone.services.plugins.hook.collect_digest.spec is None
    assert alone.services.plugins.hook.job_sources.spec is not None  # jobsearch's own
    both = build(lh_settings, ["plans", "cron", "jobsearch"])
    impls = both.services.plugins.hook.collect_digest.get_hookimpls()
    assert [impl.plugin_name for impl in impls] == ["jobsearch"]
    core = build(lh_settings, [])
    assert getattr(core.services.plugins.hook, "job_sources", None) is None


# -- settings ------------------------------------------------------------------------------------


class TypedSettings(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1))
    label = fields.String(load_default="plain")
    token = fields.String(load_default="", metadata={"env": "TYPED_TOKEN"})


@hookimpl
def startup():
    """Does nothing: a plugin needs one hook to be enabled."""


def typed_plugin() -> types.SimpleNamespace:
    return plugin("typed", startup=startup, plugin_settings=TypedSettings)


def typed_settings(environ: dict[str, str], toml: str = "", tmp_path=None) -> Any:
    path = None
    if toml:
        path = tmp_path / "lightninghire.toml"
        path.write_text(toml)
    return load_settings(path=path or "/dev/null", environ=environ)


def test_settings_are_loaded_through_the_plugins_schema(lh_settings, tmp_path):
    settings = typed_settings({"LIGHTNINGHIRE_PLUGINS__TYPED__LIMIT": "5",
                               "MONGODB_URI": lh_settings.database.uri})
    app = create_app(settings, plugins=["typed"], extra_plugins={"typed": typed_plugin()},
                     prepare_database=False)
    # The environment's text "5" arrives as the schema's integer; defaults are applied.
    assert app.services.plugin_settings("typed") == {"limit": 5, "label": "plain", "token": ""}
    from_file = typed_settings({}, '[plugins.typed]\nlimit = 7\nlabel = "x"\n', tmp_path)
    app = create_app(from_file, plugins=["typed"], extra_plugins={"typed": typed_plugin()},
                     prepare_database=False)
    assert app.services.plugin_settings("typed")["limit"] == 7


@pytest.mark.parametrize(("table", "message"), [
    ({"limit": 0}, "plugin 'typed': setting limit: Must be greater than or equal to 1."),
    ({"limit": "many"}, "plugin 'typed': setting limit: Not a valid integer."),
    ({"limti": 3}, "plugin 'typed': setting limti: Unknown field."),
])
def test_a_bad_setting_stops_startup_in_one_line_naming_plugin_and_key(lh_settings, table,
                                                                       message):
    settings = lh_settings.with_overrides({f"plugins.typed.{k}": v for k, v in table.items()})
    with pytest.raises(StartupError) as raised:
        build(settings, ["typed"], typed=typed_plugin())
    assert str(raised.value) == message


def test_a_plugin_names_its_conventional_environment_variables(lh_settings):
    env = {"STRIPE_SECRET_KEY": "sk_test_env", "STRIPE_WEBHOOK_SECRET": "whsec_env",
           "TYPED_TOKEN": "tok"}
    settings = load_settings(path="/dev/null", environ=env,
                             overrides={"database.uri": lh_settings.database.uri})
    app = create_app(settings, plugins=["plans", "billing", "typed"],
                     extra_plugins={"typed": typed_plugin()}, prepare_database=False)
    billing = app.services.plugin_settings("billing")
    assert billing["stripe_secret_key"] == "sk_test_env"
    assert billing["stripe_webhook_secret"] == "whsec_env"
    assert billing["trial_days"] == 7  # the schema's default
    assert app.services.plugin_settings("typed")["token"] == "tok"
    # The plugin's own LIGHTNINGHIRE_ name (or an override) beats the conventional one.
    explicit = load_settings(path="/dev/null", environ={
        **env, "LIGHTNINGHIRE_PLUGINS__BILLING__STRIPE_SECRET_KEY": "sk_test_explicit"})
    app = create_app(explicit, plugins=["plans", "billing"], prepare_database=False)
    assert app.services.plugin_settings("billing")["stripe_secret_key"] == "sk_test_explicit"


def test_config_show_shows_a_bad_value_instead_of_crashing(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("LIGHTNINGHIRE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LIGHTNINGHIRE_PLUGINS", "plans,cron")
    monkeypatch.setenv("LIGHTNINGHIRE_PLUGINS__CRON__BATCH_SIZE", "lots")
    assert main(["config", "show"]) == 2
    captured = capsys.readouterr()
    problem = "plugin 'cron': setting batch_size: Not a valid integer."
    assert captured.err.strip() == f"lightninghire: {problem}"
    shown = json.loads(captured.out)
    assert shown["problem"] == problem
    assert shown["plugins"]["cron"] == {"batch_size": "lots"}
    monkeypatch.setenv("LIGHTNINGHIRE_PLUGINS__CRON__BATCH_SIZE", "50")
    assert main(["config", "show"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["plugins"]["cron"]["batch_size"] == 50  # loaded: typed, defaults applied
    assert shown["plugins"]["cron"]["digest_max_items"] == 20


# -- per-plugin state --------------------------------------------------------------------------


def test_state_is_built_once_per_app_even_from_many_threads(lh_settings):
    app, other = build(lh_settings, []), build(lh_settings, [])
    built: list[int] = []
    gate = threading.Barrier(8)

    def factory(services):
        built.append(1)
        return object()

    found: list[object] = []

    def ask():
        gate.wait()
        found.append(app.services.state("test.thing", factory))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and all(obj is found[0] for obj in found)
    assert other.services.state("test.thing", factory) is not found[0]  # one per app


# -- events ---------------------------------------------------------------------------------------


def test_emitting_an_undeclared_event_is_an_error_in_tests_and_logged_when_served(
        make_app, lh_settings, caplog):
    harness = make_app(plugins=[])
    with pytest.raises(UndeclaredEvent, match=r"event 'lead.capturd' is emitted, but no enabled"):
        harness.services.events.emit("lead.capturd", {})
    assert harness.services.events.emit("user.signed_up", {}).name == "user.signed_up"  # core's
    served = create_app(lh_settings, plugins=[], prepare_database=False)
    with caplog.at_level(logging.ERROR):
        served.services.events.emit("lead.capturd", {})
        served.services.events.emit("lead.capturd", {})
    assert caplog.text.count("event 'lead.capturd' is emitted") == 1


def test_a_listener_fails_startup_when_the_enabled_emitter_does_not_declare_the_event(
        lh_settings):
    emitter = plugin("emitter", startup=startup, plugin_events={"emits": ("thing.made",)})
    listener = plugin("listener", startup=startup,
                      plugin_events={"listens": {"emitter": ("thing.made", "thing.gone")}})
    with pytest.raises(StartupError, match=r"^plugin 'listener' listens for thing.gone from "
                                           r"plugin 'emitter', which does not declare"):
        build(lh_settings, ["emitter", "listener"], emitter=emitter, listener=listener)
    # The emitter simply disabled: nothing to hear, the listener starts.
    build(lh_settings, ["listener"], emitter=emitter, listener=listener)
    fine = plugin("listener", startup=startup,
                  plugin_events={"listens": {"emitter": ("thing.made",)}})
    build(lh_settings, ["emitter", "listener"], emitter=emitter, listener=fine)


def test_every_first_party_plugin_declares_what_it_emits_and_hears(lh_settings):
    app = build(lh_settings, None)
    declared = app.services.plugins.declared_events()
    assert {"user.signed_up", "lead.captured", "digest.ready", "billing.changed",
            "interview.reminder_due", "mentorship.booked"} <= declared
    assert {"booking.changed", "mentorship.booking_changed"}.isdisjoint(declared)


# -- fail closed at startup ------------------------------------------------------------------


def test_a_plugin_with_no_hook_implementation_stops_startup(lh_settings):
    with pytest.raises(StartupError, match=r"^plugin 'empty' \('empty'\) implements no hook"):
        build(lh_settings, ["empty"], empty=plugin("empty"))


def test_two_schemas_with_one_openapi_name_stop_startup(lh_settings):
    def with_item_schema(name: str, path: str):
        item = type("ItemSchema", (Schema,), {"name": fields.String()})

        class Resource:
            @endpoint(auth="public", response=item)
            def on_get(self, req, resp):
                return {"name": name}

        @hookimpl
        def register_routes(routes):
            routes.add(path, Resource())

        return plugin(name, register_routes=register_routes)

    with pytest.raises(StartupError, match=r"^plugin 'two': schema .*ItemSchema \(GET /api/two\) "
                                           r"would be named 'Item' in OpenAPI, a name plugin "
                                           r"'one' already uses"):
        build(lh_settings, ["one", "two"], one=with_item_schema("one", "/api/one"),
              two=with_item_schema("two", "/api/two"))
    build(lh_settings, ["one"], one=with_item_schema("one", "/api/one"))  # one alone starts


def test_two_plugins_naming_schemas_alike_are_both_named(lh_settings):
    def naming(name: str):
        schema = type("ThingSchema", (Schema,), {"id": fields.String()})

        @hookimpl
        def register_schemas(spec):
            spec.add("Thing", schema)

        return plugin(name, register_schemas=register_schemas)

    with pytest.raises(StartupError, match=r"^plugin 'two': schema name 'Thing' is already taken "
                                           r"\(by plugin 'one'\)"):
        build(lh_settings, ["one", "two"], one=naming("one"), two=naming("two"))
    with pytest.raises(StartupError, match=r"schema name 'Error' is already taken"):
        build(lh_settings, ["one"], one=plugin("one", register_schemas=hookimpl(
            lambda spec: spec.add("Error", Schema))))


def test_an_empty_plugin_list_from_the_environment_is_refused(lh_settings):
    with pytest.raises(StartupError, match=r"LIGHTNINGHIRE_PLUGINS is set but empty.*'none'"):
        load_settings(path="/dev/null", environ={"LIGHTNINGHIRE_PLUGINS": " "})
    only_core = load_settings(path="/dev/null", environ={"LIGHTNINGHIRE_PLUGINS": "none"},
                              overrides={"database.uri": lh_settings.database.uri})
    app = create_app(only_core, prepare_database=False)
    assert app.services.plugins.user_plugins() == []


def test_a_settings_table_for_no_installed_plugin_stops_startup(lh_settings):
    with pytest.raises(StartupError, match=r"^config: \[plugins.jobserch\] names no installed "
                                           r"plugin \(installed: .*jobsearch"):
        build(lh_settings.with_overrides({"plugins.jobserch.pdf_max_pages": 3}), [])
    # A table for an installed plugin that is not enabled is fine (it is not read).
    build(lh_settings.with_overrides({"plugins.jobsearch.pdf_max_pages": 3}), [])


def test_the_default_app_starts_with_every_check_on(harness):
    assert assert_ok(harness.client.simulate_get("/api/health"))["status"] == "ok"
