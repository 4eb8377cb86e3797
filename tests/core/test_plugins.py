"""Plugin host: discovery by entry point, enabling by configuration, clashes named at startup."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types

import pytest

from lightninghire import StartupError, endpoint, hookimpl
from lightninghire.app import create_app
from lightninghire.config import load_settings
from lightninghire.testing import assert_error, assert_ok


def plugin(name: str, **hooks: object) -> types.SimpleNamespace:
    """A plugin object built in the test; the host treats it like an installed one."""
    return types.SimpleNamespace(__name__=name, **hooks)


class Ping:
    @endpoint(auth="public")
    def on_get(self, req, resp):
        return {"pong": True}


@hookimpl
def startup():
    """A hook implementation that does nothing: a plugin needs one to be enabled at all."""


def routes_plugin(path: str):
    @hookimpl
    def register_routes(routes):
        routes.add(path, Ping())

    return register_routes


def test_hello_enabled_by_config_exposes_its_route_task_and_collection(make_app):
    harness = make_app(plugins=["hello"])
    result = harness.client.simulate_get("/api/hello", params={"name": "Ada"})
    assert assert_ok(result) == {"message": "Hello, Ada!"}
    assert "hello-tidy" in harness.services.tasks.specs
    assert "hello_greetings" in harness.services.collections.specs
    indexes = harness.db["hello_greetings"].index_information().values()
    assert any(index["key"][0] == ("userId", 1) for index in indexes)
    assert assert_ok(harness.client.simulate_get("/api/health"))["plugins"] == ["hello"]


def test_hello_disabled_contributes_nothing(make_app):
    harness = make_app(plugins=[])
    assert_error(harness.client.simulate_get("/api/hello"), 404, "NOT_FOUND")
    services = harness.services
    contributed = [*services.tasks.specs.values(), *services.collections.specs.values(),
                   *services.policy.features.values(), *services.routes.operations()]
    assert [c for c in contributed if c.plugin == "hello"] == []
    assert "hello_greetings" not in services.collections.specs
    assert "/api/hello" not in harness.client.simulate_get("/api/openapi.json").json["paths"]
    assert assert_ok(harness.client.simulate_get("/api/health"))["plugins"] == []


def test_plugin_settings_come_from_its_own_table(make_app):
    harness = make_app(plugins=["hello"], settings={"plugins.hello.greeting": "Hi {name}."})
    assert assert_ok(harness.client.simulate_get("/api/hello"))["message"] == "Hi world."


def test_the_environment_chooses_the_plugins(lh_settings):
    settings = load_settings(path=lh_settings.source, environ={"LIGHTNINGHIRE_PLUGINS": "hello"},
                             overrides={"database.uri": lh_settings.database.uri})
    app = create_app(settings, prepare_database=False)
    assert app.services.plugins.user_plugins() == ["hello"]


def test_a_config_file_chooses_the_plugins(tmp_path):
    config = tmp_path / "lightninghire.toml"
    config.write_text('[plugins]\nenabled = ["hello"]\n\n[plugins.hello]\ngreeting = "Yo {name}"\n')
    settings = load_settings(path=config, environ={})
    app = create_app(settings, prepare_database=False)
    assert app.services.plugins.user_plugins() == ["hello"]
    assert settings.plugin("hello") == {"greeting": "Yo {name}"}


def test_unknown_plugin_name_stops_startup_listing_the_available(lh_settings):
    with pytest.raises(StartupError, match=r"unknown plugin 'helo'.*available: .*hello"):
        create_app(lh_settings, plugins=["helo"], prepare_database=False)


def test_builtins_cannot_be_disabled(make_app):
    harness = make_app(plugins=[])
    assert_ok(harness.client.simulate_get("/api/health"))
    assert harness.services.plugins.enabled == ["core", "account"]
    assert harness.services.plugins.user_plugins() == []


def test_plugins_are_called_in_the_configured_order(lh_settings):
    calls: list[str] = []

    def recorder(name):
        @hookimpl
        def register_collections(collections):
            calls.append(name)

        return plugin(name, register_collections=register_collections)

    extra = {"b": recorder("b"), "a": recorder("a")}
    create_app(lh_settings, plugins=["b", "a"], extra_plugins=extra, prepare_database=False)
    assert calls == ["b", "a"]
    calls.clear()
    create_app(lh_settings, plugins=["a", "b"], extra_plugins=extra, prepare_database=False)
    assert calls == ["a", "b"]


@pytest.mark.parametrize(("first_path", "second_path", "problem"), [
    ("/api/same", "/api/same", r"GET /api/same.*'first'.*'second'"),  # both plugins named
    ("/api/x/{id}", "/api/x/{key}", r"clashes"),  # differing only in field names
], ids=["same-route", "same-shape"])
def test_two_plugins_claiming_one_route_stop_startup(lh_settings, first_path, second_path,
                                                     problem):
    extra = {"first": plugin("first", register_routes=routes_plugin(first_path)),
             "second": plugin("second", register_routes=routes_plugin(second_path))}
    with pytest.raises(StartupError, match=problem):
        create_app(lh_settings, plugins=["first", "second"], extra_plugins=extra,
                   prepare_database=False)


def test_two_plugins_registering_one_collection_are_both_named(lh_settings):
    @hookimpl
    def register_collections(collections):
        collections.add("shared_things", owner_field="userId")

    extra = {"one": plugin("one", register_collections=register_collections),
             "two": plugin("two", register_collections=register_collections)}
    with pytest.raises(StartupError, match=r"collection 'shared_things'.*'one'.*'two'"):
        create_app(lh_settings, plugins=["one", "two"], extra_plugins=extra,
                   prepare_database=False)


def test_a_route_outside_api_is_refused(lh_settings):
    extra = {"rogue": plugin("rogue", register_routes=routes_plugin("/admin"))}
    with pytest.raises(StartupError, match=r"'rogue'.*under /api/"):
        create_app(lh_settings, plugins=["rogue"], extra_plugins=extra, prepare_database=False)


def test_a_misspelled_hook_is_caught_at_startup(lh_settings):
    @hookimpl
    def register_route(routes):  # missing the s
        pass

    extra = {"typo": plugin("typo", register_route=register_route)}
    with pytest.raises(StartupError, match=r"plugin 'typo': unknown hook 'register_route'"):
        create_app(lh_settings, plugins=["typo"], extra_plugins=extra, prepare_database=False)


def test_a_plugin_declares_the_hooks_it_offers_the_others(lh_settings):
    """As pytest's pytest_addhooks: ``plugin_hookspecs`` names a namespace of @hookspec
    functions, added when the plugin is enabled; without it the hook does not exist."""
    from lightninghire.hookspecs import hookspec

    @hookspec(firstresult=True)
    def offered_answer_spec(question: str) -> str | None:
        """The answer to ``question``."""

    @hookimpl
    def offered_answer(question):
        return f"{question}: 42"

    offering = plugin("offering", offered_answer=offered_answer)
    offering.plugin_hookspecs = types.SimpleNamespace(offered_answer=offered_answer_spec)
    app = create_app(lh_settings, plugins=["offering"], extra_plugins={"offering": offering},
                     prepare_database=False)
    assert app.services.plugins.hook.offered_answer(question="life") == "life: 42"
    alone = create_app(lh_settings, plugins=[], prepare_database=False)
    assert getattr(alone.services.plugins.hook, "offered_answer", None) is None

    @hookspec
    def user_context(user: dict) -> None:
        """Declared by the core already."""

    clashing = plugin("clashing", startup=startup)
    clashing.plugin_hookspecs = types.SimpleNamespace(user_context=user_context)
    with pytest.raises(StartupError, match=r"plugin 'clashing'"):
        create_app(lh_settings, plugins=["clashing"], extra_plugins={"clashing": clashing},
                   prepare_database=False)


def test_a_plugin_requiring_another_that_is_not_enabled_is_named(lh_settings):
    needy = plugin("needy", startup=startup)
    needy.plugin_requires = ("hello",)
    with pytest.raises(StartupError, match=r"'needy' requires plugin 'hello', which is not enabled"):
        create_app(lh_settings, plugins=["needy"], extra_plugins={"needy": needy},
                   prepare_database=False)
    create_app(lh_settings, plugins=["hello", "needy"], extra_plugins={"needy": needy},
               prepare_database=False)


def test_a_feature_nobody_declares_stops_startup(lh_settings):
    class Capped:
        @endpoint(auth="public", feature="mock_interviews")
        def on_get(self, req, resp):
            return {}

    @hookimpl
    def register_routes(routes):
        routes.add("/api/capped", Capped())

    extra = {"capped": plugin("capped", register_routes=register_routes)}
    with pytest.raises(StartupError,
                       match=r"GET /api/capped.*declares feature 'mock_interviews', which no"):
        create_app(lh_settings, plugins=["capped"], extra_plugins=extra, prepare_database=False)


def _installed_distribution(tmp_path, name: str, module_source: str) -> None:
    """Write a real (if minimal) installed distribution: a module plus its dist-info."""
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(module_source))
    info = tmp_path / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[lightninghire.plugins]\n{name} = {name}\n")


def test_a_plugin_missing_a_dependency_is_named(tmp_path, lh_settings, monkeypatch):
    _installed_distribution(tmp_path, "broken_plugin", "import not_installed_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(StartupError,
                       match=r"plugin 'broken_plugin'.*missing dependency 'not_installed_anywhere'"):
        create_app(lh_settings, plugins=["broken_plugin"], prepare_database=False)
    # Not enabled, it is never imported, so it breaks nothing.
    create_app(lh_settings, plugins=["hello"], prepare_database=False)
    assert "broken_plugin" not in sys.modules


def test_a_plugin_that_is_not_enabled_is_never_imported(lh_settings):
    code = textwrap.dedent(f"""
        import sys
        from lightninghire.app import create_app
        from lightninghire.testing import isolated_settings
        create_app(isolated_settings({lh_settings.database.uri!r}, "x"), plugins=[],
                   prepare_database=False)
        print("lightninghire_hello" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_add_collection_registers_the_list_and_item_routes(lh_settings):
    class Things:
        @endpoint(auth="public")
        def on_get(self, req, resp):
            return []

        @endpoint(auth="public")
        def on_delete_item(self, req, resp, id):
            return {"deleted": id}

    @hookimpl
    def register_routes(routes):
        routes.add_collection("/api/things", Things())

    app = create_app(lh_settings, plugins=["things"], prepare_database=False,
                     extra_plugins={"things": plugin("things", register_routes=register_routes)})
    shapes = {(op.method, op.path) for op in app.services.routes.operations()
              if op.plugin == "things"}
    assert shapes == {("GET", "/api/things"), ("DELETE", "/api/things/{id}")}
