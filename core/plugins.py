"""The plugin host: discovery by entry point, enabling by configuration, hook calls.

As in CKAN, plugins are discovered through the ``lightninghire.plugins`` entry-point group but
loaded only when enabled, in the configured order; as in pytest, a plugin that is not enabled is
never imported, and ``check_pending()`` rejects misspelled hook implementations at startup.

pluggy calls every hook (``tryfirst``/``trylast``, wrappers and ``firstresult`` behave as pluggy
documents). pluggy calls the implementation registered *last* first, so the host registers the
built-ins first and then the enabled plugins in *reverse* configured order: among implementations
without ``tryfirst``/``trylast``, the first plugin of the enabled list is called first and wins a
``firstresult`` hook; the built-ins' defaults are ``trylast`` and run after every plugin.

Each registered implementation runs inside a thin wrapper that names its plugin
(``current_plugin()``), so registries know who added what, and that, when the caller asked for
it (``call_each(..., on_error=...)``), reports an implementation's exception and lets the next
plugin run.
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
import logging
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any

import pluggy
from marshmallow import Schema, ValidationError

from lightninghire.config import Settings
from lightninghire.errors import StartupError
from lightninghire.registry import CURRENT_PLUGIN

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lightninghire.plugins"
FIRST_PARTY_PREFIX = "lightninghire_plugins."
# Parts of the core that are plugins too (so they use the same hooks) but cannot be disabled.
BUILTINS: dict[str, str] = {
    "core": "lightninghire.builtin",
    "account": "lightninghire.account",
}

@dataclass
class _Call:
    """What ``call_each`` asks of the implementations of one hook call."""

    hook: str
    on_error: Callable[[str, Exception], None] | None
    owner_of: Any
    answers: list[tuple[str, Any]] = field(default_factory=list)


_CALL: ContextVar[_Call | None] = ContextVar("lightninghire_hook_call", default=None)


def _attributed(plugin: str, hook: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (a plain implementation) run as ``plugin``: registries name it as owner,
    and within ``call_each(on_error=...)`` its exception is reported instead of raised."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        scope = _CALL.get()
        mine = scope if scope is not None and scope.hook == hook else None
        plugin_token = CURRENT_PLUGIN.set(plugin)
        call_token = _CALL.set(None)  # hooks called from inside see no outer call_each
        try:
            if mine is not None and hasattr(mine.owner_of, "owner"):
                mine.owner_of.owner = plugin
            result = function(*args, **kwargs)
        except Exception as exc:
            if mine is None or mine.on_error is None:
                raise
            mine.on_error(plugin, exc)
            return None
        finally:
            _CALL.reset(call_token)
            CURRENT_PLUGIN.reset(plugin_token)
        if mine is not None and result is not None:
            mine.answers.append((plugin, result))
        return result

    return call


def _attributed_wrapper(plugin: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A hook wrapper (old or new style) run as ``plugin`` around the implementations."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        token = CURRENT_PLUGIN.set(plugin)
        try:
            return (yield from function(*args, **kwargs))
        finally:
            CURRENT_PLUGIN.reset(token)

    return call


class _Registered:
    """What the host registers with pluggy for one plugin: its hook implementations, each
    wrapped to name the plugin; any other attribute is the plugin's own."""

    def __init__(self, target: object, hooks: Mapping[str, Callable[..., Any]]) -> None:
        object.__setattr__(self, "_target", target)
        self.__dict__.update(hooks)

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "_target"), name)

    def __repr__(self) -> str:
        return f"<plugin {object.__getattribute__(self, '_target')!r}>"


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, registering each plugin as ``_Registered`` (its implementations wrapped
    to name the plugin), however it is registered: by the host, or by a test with
    ``pm.register(obj, name=...)``. ``get_name``/``is_registered``/``unregister`` accept the
    plugin's own object; ``get_plugin`` returns what pluggy holds (``PluginHost.plugin(name)``
    returns the plugin's own object)."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self._held: dict[int, _Registered] = {}

    def register(self, plugin: object, name: str | None = None) -> str | None:
        name = name or self.get_canonical_name(plugin)
        hooks: dict[str, Callable[..., Any]] = {}
        for attr in dir(plugin):
            opts = self.parse_hookimpl_opts(plugin, attr)
            if opts is None:
                continue
            function = getattr(plugin, attr)
            if opts.get("hookwrapper") or opts.get("wrapper"):
                if not inspect.isgeneratorfunction(function):
                    raise pluggy.PluginValidationError(
                        plugin, f"hook wrapper {attr!r} must be a generator function")
                hooks[attr] = _attributed_wrapper(name, function)
            else:
                hooks[attr] = _attributed(name, opts.get("specname") or attr, function)
        held = _Registered(plugin, hooks)
        registered = super().register(held, name)
        if registered is not None:
            self._held[id(plugin)] = held
        return registered

    def _held_for(self, plugin: object) -> object:
        return self._held.get(id(plugin), plugin)

    def get_name(self, plugin: object) -> str | None:
        return super().get_name(self._held_for(plugin))

    def is_registered(self, plugin: object) -> bool:
        return super().is_registered(self._held_for(plugin))

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any | None:
        if plugin is not None:
            held = self._held.pop(id(plugin), None)
            plugin = held if held is not None else plugin
        return super().unregister(plugin, name)


@dataclass(frozen=True)
class PluginInfo:
    name: str
    module: str
    version: str | None
    builtin: bool
    first_party: bool


class PluginHost:
    """Owns the pluggy ``PluginManager`` and knows which plugins are enabled, in order."""

    def __init__(self, settings: Settings, specs: ModuleType,
                 extra: Mapping[str, object] | None = None) -> None:
        # ``specs``: the module of core hookspecs (``lightninghire.hookspecs``), handed in by the
        # app so that the host, which the hookspecs' annotations name, does not import them.
        self.settings = settings
        self.pm = _PluginManager(specs.PROJECT)
        self.pm.add_hookspecs(specs)
        # Plugin objects handed in directly (tests); they behave like discovered ones.
        self._extra = dict(extra or {})
        self.available: dict[str, PluginInfo] = {}
        self.enabled: list[str] = []
        self._objects: dict[str, object] = {}
        self._settings: dict[str, dict[str, Any]] = {}

    @property
    def hook(self) -> Any:
        return self.pm.hook

    def plugin(self, name: str) -> object | None:
        """The plugin's own object (its module, for an installed plugin), or ``None``."""
        return self._objects.get(name)

    def discover(self) -> dict[str, EntryPoint]:
        found: dict[str, EntryPoint] = {}
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in BUILTINS:
                raise StartupError(f"plugin name {ep.name!r} ({ep.value}) is reserved for the core")
            if ep.name in found and found[ep.name].value != ep.value:
                raise StartupError(f"two installed plugins are named {ep.name!r}: "
                                   f"{found[ep.name].value} and {ep.value}")
            found[ep.name] = ep
        return found

    def load(self) -> None:
        """Import the built-ins and every enabled plugin (in the configured order), register
        them with pluggy, then validate hooks, requirements, settings and events."""
        discovered = self.discover()
        for name, ep in discovered.items():
            version = ep.dist.version if ep.dist else None
            self.available[name] = PluginInfo(name, ep.value, version, False,
                                              ep.value.startswith(FIRST_PARTY_PREFIX))
        for name, obj in self._extra.items():
            self.available[name] = PluginInfo(name, getattr(obj, "__name__", repr(obj)), None,
                                              False, False)
        for name, module in BUILTINS.items():
            self.available[name] = PluginInfo(name, module, None, True, True)
        self._check_setting_tables()
        wanted = self._wanted()
        for name, module in BUILTINS.items():
            self._objects[name] = importlib.import_module(module)
        for name in wanted:
            self._objects[name] = (self._extra[name] if name in self._extra
                                   else self._import(name, discovered[name]))
        self.enabled = [*BUILTINS, *wanted]
        for name in self.enabled:
            self._add_hookspecs(name, self._objects[name])
        # pluggy calls the last registered first: the first configured plugin goes in last.
        for name in [*BUILTINS, *reversed(wanted)]:
            self._register(name, self._objects[name])
        self._check_requirements()
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self.pm.get_name(exc.plugin) or "?"
            raise StartupError(f"plugin {name!r}: {str(exc).split(' in plugin ')[0]} "
                               f"(no such hook; see docs/plugins.md)") from None
        for name in self.enabled:
            self._settings[name] = self._load_settings(name, self._objects[name])
        self._check_events()

    def _check_setting_tables(self) -> None:
        for name in self.settings.plugin_tables():
            if name not in self.available:
                choices = ", ".join(sorted(n for n in self.available if n not in BUILTINS))
                raise StartupError(f"config: [plugins.{name}] names no installed plugin "
                                   f"(installed: {choices or 'none'})")

    def _wanted(self) -> list[str]:
        configured = self.settings.enabled_plugins
        if configured is None:
            return [name for name, info in self.available.items()
                    if info.first_party and not info.builtin]
        names: list[str] = []
        for name in configured:
            if name in BUILTINS:
                continue  # always on; naming it is harmless
            if name not in self.available:
                choices = ", ".join(sorted(n for n in self.available if n not in BUILTINS))
                raise StartupError(f"unknown plugin {name!r} in the enabled list; "
                                   f"available: {choices or 'none installed'}")
            if name not in names:
                names.append(name)
        return names

    def _import(self, name: str, ep: EntryPoint) -> object:
        try:
            return ep.load()
        except ModuleNotFoundError as exc:
            raise StartupError(f"plugin {name!r} ({ep.value}) cannot load: missing dependency "
                               f"{exc.name!r} ({exc})") from None
        except Exception as exc:  # a broken plugin must name itself, not crash anonymously
            raise StartupError(f"plugin {name!r} ({ep.value}) failed to import: "
                               f"{type(exc).__name__}: {exc}") from exc

    def _add_hookspecs(self, name: str, obj: object) -> None:
        # A hook one plugin offers the others (as pytest's pytest_addhooks): the plugin names
        # a module of @hookspec functions as ``plugin_hookspecs``; its callers cope with its
        # absence when the plugin is not enabled.
        specs = getattr(obj, "plugin_hookspecs", None)
        if specs is not None:
            try:
                self.pm.add_hookspecs(specs)
            except ValueError as exc:
                raise StartupError(f"plugin {name!r}: {exc}") from None

    def _register(self, name: str, obj: object) -> None:
        implements = any(self.pm.parse_hookimpl_opts(obj, attr) is not None for attr in dir(obj))
        if not implements and getattr(obj, "plugin_hookspecs", None) is None:
            raise StartupError(f"plugin {name!r} ({getattr(obj, '__name__', obj)!r}) implements "
                               f"no hook (no @hookimpl): enabled, it would contribute nothing")
        try:
            self.pm.register(obj, name=name)
        except pluggy.PluginValidationError as exc:
            raise StartupError(f"plugin {name!r}: {exc}") from None

    def _check_requirements(self) -> None:
        # A plugin may say which other plugins must be enabled beside it (it still never imports
        # them: it relies on their hooks or routes).
        for name in self.enabled:
            for needed in getattr(self._objects[name], "plugin_requires", ()):
                if needed not in self.enabled:
                    state = "not enabled" if needed in self.available else "not installed"
                    raise StartupError(f"plugin {name!r} requires plugin {needed!r}, "
                                       f"which is {state}")

    # -- settings ------------------------------------------------------------------------------

    def _load_settings(self, name: str, obj: object) -> dict[str, Any]:
        """``[plugins.<name>]`` (file, then environment) through the plugin's ``plugin_settings``
        schema: values typed, defaults applied, unknown keys and bad values refused."""
        table = self.settings.plugin(name)
        declared = getattr(obj, "plugin_settings", None)
        if declared is None:
            return table
        schema = declared() if isinstance(declared, type) else declared
        if not isinstance(schema, Schema):
            raise StartupError(f"plugin {name!r}: plugin_settings must be a marshmallow Schema")
        for key, fld in schema.fields.items():
            # A conventional environment name (ACME_API_KEY) under the explicit ones.
            env = fld.metadata.get("env")
            loaded_as = fld.data_key or key
            if env and env in self.settings.environ and not self.settings.is_explicit(
                    f"plugins.{name}.{loaded_as}"):
                table[loaded_as] = self.settings.environ[env]
        try:
            return dict(schema.load(table))
        except ValidationError as exc:
            raise StartupError(f"plugin {name!r}: setting {_first_problem(exc)}") from None

    def plugin_settings(self, name: str) -> dict[str, Any]:
        """The plugin's settings: loaded through its schema when it declares one (a copy)."""
        if name in self._settings:
            return copy.deepcopy(self._settings[name])
        return self.settings.plugin(name)

    # -- events ---------------------------------------------------------------------------------

    def events_of(self, name: str) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
        """What plugin ``name`` declares: the events it emits, and per emitting plugin the
        events it listens to (``plugin_events = {"emits": (...), "listens": {plugin: (...)}}``)."""
        declared = getattr(self._objects.get(name), "plugin_events", None) or {}
        if not isinstance(declared, Mapping) or set(declared) - {"emits", "listens"}:
            raise StartupError(f"plugin {name!r}: plugin_events must be a dict with 'emits' "
                               f"(event names) and 'listens' ({{plugin: event names}})")
        emits = declared.get("emits", ())
        listens = declared.get("listens", {})
        if isinstance(emits, str) or not all(isinstance(e, str) for e in emits) or not (
                isinstance(listens, Mapping) and all(
                    not isinstance(v, str) and all(isinstance(e, str) for e in v)
                    for v in listens.values())):
            raise StartupError(f"plugin {name!r}: plugin_events['emits'] must be a tuple of "
                               f"event names and ['listens'] a dict of plugin -> event names")
        return frozenset(emits), {str(k): frozenset(v) for k, v in listens.items()}

    def declared_events(self) -> frozenset[str]:
        """Every event an enabled plugin (core included) declares emitting."""
        return frozenset().union(*(self.events_of(name)[0] for name in self.enabled))

    def _check_events(self) -> None:
        # A listener names the plugin it expects an event from: an enabled emitter must declare
        # that event (a renamed or never-emitted event fails here, not silently in production);
        # a disabled one simply sends nothing.
        for name in self.enabled:
            for emitter, names in self.events_of(name)[1].items():
                if emitter in self.enabled:
                    missing = sorted(names - self.events_of(emitter)[0])
                    if missing:
                        raise StartupError(
                            f"plugin {name!r} listens for {', '.join(missing)} from plugin "
                            f"{emitter!r}, which does not declare emitting it "
                            f"(plugin_events['emits'])")
                elif emitter not in self.available:
                    log.warning("plugin %s listens for %s from plugin %s, which is not "
                                "installed", name, ", ".join(sorted(names)), emitter)

    # -- calling hooks --------------------------------------------------------------------------

    def user_plugins(self) -> list[str]:
        """Enabled plugins that are not built into the core, in order."""
        return [name for name in self.enabled if name not in BUILTINS]

    def call_each(self, hook_name: str, owner_of: Any = None,
                  on_error: Callable[[str, Exception], None] | None = None,
                  **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call one hook through pluggy and yield ``(plugin, answer)`` for each answer.

        pluggy orders the call (``tryfirst``/``trylast``, wrappers, ``firstresult``); this only
        names who answered what (``None`` answers are left out, as pluggy does). ``owner_of`` (a
        registry) gets its ``owner`` set to each implementation's plugin before it runs. With
        ``on_error``, an implementation's exception is handed to it and the next implementation
        still runs (events, shutdown); without it, the exception propagates (registration). A
        hook no enabled plugin declares (a plugin's own hook, its plugin disabled) yields
        nothing. The hook is called at once, not when the iterator is read.
        """
        caller = getattr(self.pm.hook, hook_name, None)
        if caller is None:
            return iter(())
        scope = _Call(hook_name, on_error, owner_of)
        token = _CALL.set(scope)
        try:
            outcome = caller(**kwargs)
        finally:
            _CALL.reset(token)
        if caller.spec is not None and caller.spec.opts.get("firstresult"):
            results = [] if outcome is None else [outcome]
        else:
            results = list(outcome)
        return iter(_named(results, scope.answers))


def _named(results: list[Any], answers: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Pair each result pluggy returned (after any wrapper) with the plugin that gave it."""
    left = list(answers)
    named: list[tuple[str, Any]] = []
    for value in results:
        for i, (plugin, answer) in enumerate(left):
            if answer is value:
                named.append((plugin, value))
                del left[i]
                break
        else:
            named.append(("?", value))  # added by a hook wrapper
    return named


def _first_problem(exc: ValidationError) -> str:
    """``key: message`` of a marshmallow error, on one line (nested keys dotted)."""
    messages: Any = exc.normalized_messages()
    path: list[str] = []
    while isinstance(messages, dict) and messages:
        key, messages = next(iter(messages.items()))
        path.append(str(key))
    if isinstance(messages, list):
        messages = " ".join(str(m) for m in messages)
    return f"{'.'.join(path) or '?'}: {messages}"
