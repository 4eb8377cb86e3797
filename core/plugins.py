"""The plugin host: discovery by entry point, enabling by configuration, hook calls.

As in CKAN, plugins are discovered through the ``lightninghire.plugins`` entry-point group but
loaded only when enabled, in the configured order; as in pytest, a plugin that is not enabled is
never imported, and ``check_pending()`` rejects misspelled hook implementations at startup.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy

from lightninghire import hookspecs
from lightninghire.config import Settings
from lightninghire.errors import StartupError

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lightninghire.plugins"
FIRST_PARTY_PREFIX = "lightninghire_plugins."
# Parts of the core that are plugins too (so they use the same hooks) but cannot be disabled.
BUILTINS: dict[str, str] = {
    "core": "lightninghire.builtin",
    "account": "lightninghire.account",
}


@dataclass(frozen=True)
class PluginInfo:
    name: str
    module: str
    version: str | None
    builtin: bool
    first_party: bool


class PluginHost:
    """Owns the pluggy ``PluginManager`` and knows which plugins are enabled, in order."""

    def __init__(self, settings: Settings, extra: Mapping[str, object] | None = None) -> None:
        self.settings = settings
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        # Plugin objects handed in directly (tests); they behave like discovered ones.
        self._extra = dict(extra or {})
        self.available: dict[str, PluginInfo] = {}
        self.enabled: list[str] = []

    @property
    def hook(self) -> Any:
        return self.pm.hook

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
        """Import and register the built-ins, then every enabled plugin, then validate hooks."""
        discovered = self.discover()
        for name, ep in discovered.items():
            version = ep.dist.version if ep.dist else None
            self.available[name] = PluginInfo(name, ep.value, version, False,
                                              ep.value.startswith(FIRST_PARTY_PREFIX))
        for name, obj in self._extra.items():
            self.available[name] = PluginInfo(name, getattr(obj, "__name__", repr(obj)), None,
                                              False, False)
        wanted = self._wanted()
        for name, module in BUILTINS.items():
            self._register(name, importlib.import_module(module))
        for name in wanted:
            obj = self._extra[name] if name in self._extra else self._import(name, discovered[name])
            self._register(name, obj)
        self._check_requirements()
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self.pm.get_name(exc.plugin) or "?"
            raise StartupError(f"plugin {name!r}: {str(exc).split(' in plugin ')[0]} "
                               f"(no such hook; see docs/plugins.md)") from None

    def _wanted(self) -> list[str]:
        configured = self.settings.enabled_plugins
        if configured is None:
            return [name for name, info in self.available.items() if info.first_party]
        names: list[str] = []
        for name in configured:
            if name in BUILTINS:
                continue  # always on; naming it is harmless
            if name not in self.available:
                choices = ", ".join(sorted(self.available)) or "none installed"
                raise StartupError(f"unknown plugin {name!r} in the enabled list; "
                                   f"available: {choices}")
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

    def _register(self, name: str, obj: object) -> None:
        # A hook one plugin offers the others (as pytest's pytest_addhooks): the plugin names
        # a module of @hookspec functions as ``plugin_hookspecs``; its callers cope with its
        # absence when the plugin is not enabled.
        specs = getattr(obj, "plugin_hookspecs", None)
        if specs is not None:
            try:
                self.pm.add_hookspecs(specs)
            except ValueError as exc:
                raise StartupError(f"plugin {name!r}: {exc}") from None
        try:
            self.pm.register(obj, name=name)
        except pluggy.PluginValidationError as exc:
            raise StartupError(f"plugin {name!r}: {exc}") from None
        self.enabled.append(name)
        if name in BUILTINS:
            self.available.setdefault(name, PluginInfo(name, BUILTINS[name], None, True, True))

    def _check_requirements(self) -> None:
        # A plugin may say which other plugins must be enabled beside it (it still never imports
        # them: it relies on their hooks or routes).
        for name in self.enabled:
            plugin = self.pm.get_plugin(name)
            for needed in getattr(plugin, "plugin_requires", ()):
                if needed not in self.enabled:
                    state = "not enabled" if needed in self.available else "not installed"
                    raise StartupError(f"plugin {name!r} requires plugin {needed!r}, "
                                       f"which is {state}")

    def user_plugins(self) -> list[str]:
        """Enabled plugins that are not built into the core, in order."""
        return [name for name in self.enabled if name not in BUILTINS]

    def call_each(self, hook_name: str, owner_of: Any = None,
                  on_error: Callable[[str, Exception], None] | None = None,
                  **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call one hook plugin by plugin, in the configured order, yielding (plugin, result).

        Unlike ``pm.hook.X(...)`` this tells which plugin produced what, so registries can name
        owners. ``owner_of`` (a registry) gets its ``owner`` set before each call. With
        ``on_error``, a plugin's exception is handed to it and the next plugin is still called
        (events, shutdown); without it, the exception propagates (registration).
        """
        caller = getattr(self.pm.hook, hook_name)
        order = {name: i for i, name in enumerate(self.enabled)}
        impls = sorted(caller.get_hookimpls(), key=lambda impl: order.get(impl.plugin_name, 0))
        for impl in impls:
            if hasattr(owner_of, "owner"):
                owner_of.owner = impl.plugin_name
            args = {arg: kwargs[arg] for arg in impl.argnames}
            if on_error is None:
                yield impl.plugin_name, impl.function(**args)
                continue
            try:
                result = impl.function(**args)
            except Exception as exc:
                on_error(impl.plugin_name, exc)
                continue
            yield impl.plugin_name, result
