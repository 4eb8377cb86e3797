"""What plugins register while the app is built: routes, schemas, collections, tasks, policy.

Each registry records which plugin added each entry (``owner``: the plugin whose hook
implementation is running, as the plugin host tells), so a clash names both plugins and a disabled
plugin contributes nothing.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from croniter import croniter
from marshmallow import Schema, fields
from pymongo import IndexModel

from lightninghire.errors import StartupError
from lightninghire.http.endpoint import (
    EndpointOptions,
    merge_options,
    methods_in,
    normalize_options,
    options_of,
)
from lightninghire.policy.plans import (
    BYPASS_TRIGGERS,
    Bypass,
    PlanBook,
    PlanDeclarations,
    Tier,
    UserType,
)

_TEMPLATE_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")
_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,62}$")


# Set by the plugin host around each hook implementation it calls: registries record who added what.
CURRENT_PLUGIN: ContextVar[str | None] = ContextVar("lightninghire_current_plugin", default=None)


def current_plugin() -> str | None:
    """The plugin whose hook implementation is running (``None`` outside hook calls)."""
    return CURRENT_PLUGIN.get()


class _Owned:
    """Base for registries: ``owner`` is the plugin whose hook is running."""

    def __init__(self) -> None:
        self._owner = "?"

    @property
    def owner(self) -> str:
        return current_plugin() or self._owner

    @owner.setter
    def owner(self, value: str) -> None:
        self._owner = value


@dataclass(frozen=True)
class Operation:
    """One (path, method) pair: the responder and its resolved options."""

    path: str
    method: str
    responder: Callable[..., Any]
    options: EndpointOptions
    plugin: str
    resource: object

    @property
    def path_params(self) -> list[str]:
        return _TEMPLATE_FIELD.findall(self.path)

    @property
    def operation_id(self) -> str:
        words = re.sub(r"[{}]", "", self.path.removeprefix("/api/")).replace("-", "_")
        return f"{self.method.lower()}_{re.sub(r'[^A-Za-z0-9_]+', '_', words).strip('_')}"


class RouteTable(_Owned):
    """``routes.add("/api/things/{id}", ThingResource(services), suffix="item", **defaults)``.

    An operation's OpenAPI ``tags`` default to the owning plugin's name; ``with
    routes.group(tags="things"):`` sets other defaults (any endpoint option) for every route
    added inside it. Precedence: group, then ``add``'s defaults, then the responder's own.
    """

    def __init__(self) -> None:
        super().__init__()
        self._operations: dict[tuple[str, str], Operation] = {}
        self._paths: dict[str, str] = {}  # shape of template -> the template as written
        self._groups: list[dict[str, Any]] = []

    @contextmanager
    def group(self, **defaults: Any) -> Iterator[RouteTable]:
        """Defaults for the routes added inside the block (typically one sub-domain's tags)."""
        try:
            checked = normalize_options(defaults)
        except (TypeError, ValueError) as exc:
            raise StartupError(f"plugin {self.owner!r}: route group: {exc}") from None
        self._groups.append(checked)
        try:
            yield self
        finally:
            self._groups.pop()

    def add(self, path: str, resource: object, *, suffix: str | None = None, **defaults: Any) -> None:
        if not path.startswith("/api/") and path != "/api":
            raise StartupError(f"plugin {self.owner!r}: route {path!r} must live under /api/")
        shape = _TEMPLATE_FIELD.sub("{}", path)
        if shape in self._paths and self._paths[shape] != path:
            raise StartupError(
                f"plugin {self.owner!r}: route {path!r} clashes with {self._paths[shape]!r}"
            )
        try:
            route_defaults = normalize_options(defaults)
        except (TypeError, ValueError) as exc:
            raise StartupError(f"plugin {self.owner!r}: route {path}: {exc}") from None
        inherited: dict[str, Any] = {"tags": (self.owner,)}
        for group in self._groups:
            inherited.update(group)
        methods = methods_in(dir(resource), suffix)
        if not methods:
            raise StartupError(f"plugin {self.owner!r}: {type(resource).__name__} at {path} "
                               f"has no on_<method>{'_' + suffix if suffix else ''} responder")
        for method, attr in sorted(methods.items()):
            responder = getattr(resource, attr)
            key = (shape, method)
            if key in self._operations:
                other = self._operations[key]
                raise StartupError(
                    f"route {method} {path} is registered by both plugin {other.plugin!r} "
                    f"and plugin {self.owner!r}"
                )
            options = merge_options(inherited, route_defaults, options_of(responder))
            if options.summary is None and responder.__doc__:
                summary = responder.__doc__.strip().splitlines()[0]
                options = merge_options(vars(options), {"summary": summary})
            self._operations[key] = Operation(path, method, responder, options, self.owner, resource)
        self._paths[shape] = path

    def add_collection(self, path: str, resource: object, **defaults: Any) -> None:
        """The usual pair in one call: ``path`` (``on_get``, ``on_post``) and ``path/{id}``
        (``on_get_item``, ``on_patch_item``, ``on_delete_item``...) on one resource."""
        self.add(path, resource, **defaults)
        self.add(f"{path}/{{id}}", resource, suffix="item", **defaults)

    def operations(self) -> list[Operation]:
        return sorted(self._operations.values(), key=lambda op: (op.path, op.method))

    def by_path(self) -> dict[str, list[Operation]]:
        grouped: dict[str, list[Operation]] = {}
        for op in self.operations():
            grouped.setdefault(op.path, []).append(op)
        return grouped


def openapi_name(schema: Schema | type[Schema]) -> str:
    """The OpenAPI component name of a schema nobody named: its class name without ``Schema``."""
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema") or cls.__name__


# Named by the core's OpenAPI document itself.
RESERVED_SCHEMA_NAMES = frozenset({"Error"})


class SchemaRegistry(_Owned):
    """Named marshmallow schemas for the OpenAPI document."""

    def __init__(self) -> None:
        super().__init__()
        self.schemas: dict[str, type[Schema] | Schema] = {}
        self.owners: dict[str, str] = {}

    def add(self, name: str, schema: type[Schema] | Schema) -> None:
        if name in RESERVED_SCHEMA_NAMES or (name in self.schemas
                                             and self.schemas[name] is not schema):
            other = self.owners.get(name, "core")
            raise StartupError(f"plugin {self.owner!r}: schema name {name!r} is already taken "
                               f"(by plugin {other!r})")
        self.schemas[name] = schema
        self.owners[name] = self.owner

    def check_operations(self, operations: Iterable[Operation]) -> None:
        """Every schema an endpoint uses gets one OpenAPI name: two different classes that
        would share one (``ItemSchema`` in two plugins) stop startup instead of the document
        silently showing one of them for both."""
        def cls_of(schema: Any) -> type:
            return schema if isinstance(schema, type) else type(schema)

        named = {cls_of(s): n for n, s in self.schemas.items()}
        claimed: dict[str, tuple[type, str]] = {
            n: (cls_of(s), self.owners.get(n, "?")) for n, s in self.schemas.items()}
        for op in operations:
            if op.options.hidden:
                continue
            for schema in (op.options.body, op.options.response):
                if schema is None:
                    continue
                cls = type(schema)
                name = named.get(cls) or openapi_name(cls)
                other = claimed.get(name)
                if name in RESERVED_SCHEMA_NAMES or (other is not None and other[0] is not cls):
                    by = other[1] if other else "core"
                    raise StartupError(
                        f"plugin {op.plugin!r}: schema {cls.__module__}.{cls.__qualname__} "
                        f"({op.method} {op.path}) would be named {name!r} in OpenAPI, a name "
                        f"plugin {by!r} already uses; rename the class or give it a name with "
                        f"spec.add() in register_schemas")
                claimed[name] = (cls, op.plugin)


@dataclass(frozen=True)
class CollectionSpec:
    name: str
    indexes: tuple[IndexModel, ...]
    owner_field: str | None
    plugin: str
    # Fields left out of a user's data export (hashes, ciphertexts).
    private_fields: tuple[str, ...] = ()
    # The field a sharded cluster splits this collection by (docs/deploy.md): every query on a
    # request path carries it, so a request touches one shard. Default: the owner field, else _id.
    shard_key: str | None = None

    @property
    def effective_shard_key(self) -> str:
        return self.shard_key or self.owner_field or "_id"


class CollectionRegistry(_Owned):
    """``collections.add(name, indexes=[IndexModel(...)], owner_field="userId")``."""

    def __init__(self) -> None:
        super().__init__()
        self.specs: dict[str, CollectionSpec] = {}

    def add(self, name: str, *, indexes: Iterable[IndexModel] = (),
            owner_field: str | None = None, private_fields: Iterable[str] = (),
            shard_key: str | None = None) -> None:
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]{0,100}$", name):
            raise StartupError(f"plugin {self.owner!r}: collection name {name!r} is not valid")
        if name in self.specs:
            raise StartupError(
                f"collection {name!r} is registered by both plugin {self.specs[name].plugin!r} "
                f"and plugin {self.owner!r}"
            )
        self.specs[name] = CollectionSpec(name, tuple(indexes), owner_field, self.owner,
                                          tuple(private_fields), shard_key)

    def owned(self) -> list[CollectionSpec]:
        """Collections that hold per-user documents (for export and deletion)."""
        return [spec for spec in self.specs.values() if spec.owner_field]


@dataclass(frozen=True)
class TaskSpec:
    name: str
    schedule: str
    run: Callable[..., Any]
    lease_seconds: int
    description: str
    plugin: str


class TaskRegistry(_Owned):
    """``tasks.add(name, schedule="*/15 * * * *", run=fn, lease_seconds=300)``."""

    def __init__(self) -> None:
        super().__init__()
        self.specs: dict[str, TaskSpec] = {}

    def add(self, name: str, *, schedule: str, run: Callable[..., Any],
            lease_seconds: int = 300, description: str = "") -> None:
        if not _NAME.match(name):
            raise StartupError(f"plugin {self.owner!r}: task name {name!r} must be like "
                               f"'lifecycle-emails'")
        if name in self.specs:
            raise StartupError(f"task {name!r} is registered by both plugin "
                               f"{self.specs[name].plugin!r} and plugin {self.owner!r}")
        if not croniter.is_valid(schedule) or len(schedule.split()) != 5:
            raise StartupError(f"plugin {self.owner!r}: task {name!r} schedule {schedule!r} "
                               f"is not a five-field cron expression")
        if lease_seconds < 1:
            raise StartupError(f"plugin {self.owner!r}: task {name!r} lease must be positive")
        doc = description or (run.__doc__ or "").strip().split("\n")[0]
        self.specs[name] = TaskSpec(name, schedule, run, lease_seconds, doc, self.owner)


Window = Literal["total", "week", "day"]


@dataclass(frozen=True)
class Feature:
    """A metered capability: per-tier limit (``None`` = unlimited, 0 = hard gate) and window."""

    key: str
    label: str
    limits: Mapping[str, int | None]
    window: Window
    upgrade_hint: str
    ai_action: bool = False
    plugin: str = "?"


@dataclass
class PolicyRegistry(_Owned):
    """Casbin lines, entitlement features and plan declarations contributed by plugins
    (enforced by the core). Tiers, user types and roles are data here: the core names none."""

    lines: list[tuple[str, str]] = field(default_factory=list)  # (plugin, line)
    features: dict[str, Feature] = field(default_factory=dict)
    # Caps a plugin adds to a feature another part declared: (plugin, key, limits, hint).
    extra_caps: list[tuple[str, str, dict[str, int | None], str | None]] = field(
        default_factory=list)
    declared: PlanDeclarations = field(default_factory=PlanDeclarations)
    _book: PlanBook | None = None

    def __post_init__(self) -> None:
        super().__init__()

    def add_lines(self, lines: Sequence[str]) -> None:
        for line in lines:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if text.split(",", 1)[0].strip() not in {"p", "g", "g2"}:
                raise StartupError(f"plugin {self.owner!r}: policy line {text!r} must start "
                                   f"with p, g or g2")
            self.lines.append((self.owner, text))

    def add_feature(self, *, key: str, label: str, limits: Mapping[str, int | None],
                    window: Window = "total", upgrade_hint: str, ai_action: bool = False) -> None:
        if key in self.features:
            raise StartupError(f"feature {key!r} is declared by both plugin "
                               f"{self.features[key].plugin!r} and plugin {self.owner!r}")
        if window not in ("total", "week", "day"):
            raise StartupError(f"plugin {self.owner!r}: feature {key!r} window must be "
                               f"total, week or day")
        self.features[key] = Feature(key, label, dict(limits), window, upgrade_hint, ai_action,
                                     self.owner)

    def add_caps(self, feature: str, limits: Mapping[str, int | None], *,
                 upgrade_hint: str | None = None) -> None:
        """Caps (and optionally the upgrade hint) for a feature another part declares, e.g.
        the core's ``ai_actions``: a plan owner prices features it does not implement."""
        self.extra_caps.append((self.owner, feature, dict(limits), upgrade_hint))

    # -- plans as data ---------------------------------------------------------------------------

    def add_tier(self, name: str, *, label: str | None = None, unlimited: bool = False,
                 caps_from: str | None = None, user_type: str | None = None,
                 flags: Sequence[str] = ()) -> None:
        """A column of the caps table. ``unlimited`` lifts numeric caps (hard gates, a 0 in
        the column, still hold); ``caps_from`` is read when this column has no line."""
        self._book = None
        tier = Tier(name, label or name, unlimited, caps_from, user_type, tuple(flags))
        self.declared.merge("tier", self.declared.tiers, name, self.owner, tier)

    def add_user_type(self, name: str, *, starting_tier: str, upgraded_tier: str | None = None,
                      default: bool = False) -> None:
        """A kind of account (also a role of that name, a member of ``member``): the tier a
        sign-up starts on and the column that applies once caps are lifted."""
        self._book = None
        user_type = UserType(name, starting_tier, upgraded_tier, default)
        self.declared.merge("user type", self.declared.user_types, name, self.owner, user_type)

    def add_role(self, name: str) -> None:
        """A role an admin may grant; it is a member (reads and edits its own account)."""
        self._book = None
        self.declared.roles.setdefault(name, self.owner)

    def add_cap_bypass(self, trigger: str, *, flags: Sequence[str] = ()) -> None:
        """Lift numeric caps when ``trigger`` holds: ``provider_keys`` (the user saved an AI
        provider key) or ``credit_balance`` (the entitlement facts report credits > 0)."""
        if trigger not in BYPASS_TRIGGERS:
            raise StartupError(f"plugin {self.owner!r}: cap bypass {trigger!r} must be one of "
                               f"{', '.join(BYPASS_TRIGGERS)}")
        self._book = None
        self.declared.merge("cap bypass", self.declared.bypasses, trigger, self.owner,
                            Bypass(trigger, tuple(flags)))

    def set_plan_names(self, *, capped: str, uncapped: str) -> None:
        """What ``GET /api/entitlements`` calls a user's plan (``role``) with and without caps."""
        self._book = None
        self.declared.merge_single("plan_names", "the plan names", self.owner, (capped, uncapped))

    def set_self_hosted_hint(self, template: str) -> None:
        """The upgrade hint (``{label}``: the feature's) while no plugin sells plans."""
        self._book = None
        self.declared.merge_single("self_hosted_hint", "the self-hosted hint", self.owner,
                                   template)

    def sells_plans(self) -> None:
        """This plugin sells plans now: features show their own upgrade hints."""
        self._book = None
        self.declared.sellers.append(self.owner)

    @property
    def plans(self) -> PlanBook:
        """The resolved tiers, user types and roles (checked once, on first use)."""
        if self._book is None:
            self._book = PlanBook(self.declared)
        return self._book

    def apply_caps(self) -> None:
        """Fold ``add_caps`` into the features; a cap on an unknown feature stops startup."""
        for plugin, key, limits, hint in self.extra_caps:
            feature = self.features.get(key)
            if feature is None:
                raise StartupError(f"plugin {plugin!r} sets caps on feature {key!r}, which no "
                                   f"enabled plugin declares")
            self.features[key] = replace(feature, limits={**feature.limits, **limits},
                                         upgrade_hint=hint or feature.upgrade_hint)
        self.extra_caps.clear()


# -- user preferences as declarations (register_preferences) ----------------------------------

_PREF_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
# Settings keys the account itself owns: a group may not shadow them.
_RESERVED_SETTINGS = frozenset({"timezone", "theme", "marketingOptIn", "analyticsOptOut", "providerKeys"})


class PreferenceRegistry(_Owned):
    """What a user sets on their account, declared by the plugins that use it
    (``register_preferences``): preference toggles per group (``settings.<group>.<key>``,
    shown by ``GET /api/settings`` with their defaults, accepted by ``PATCH``) and the fields
    of the user's ``profile`` (``PATCH /api/me``). Each entry remembers its plugin."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[str, dict[str, tuple[str, bool]]] = {}
        self.profile: dict[str, tuple[str, Any]] = {}  # field name -> (plugin, marshmallow field)

    def add(self, group: str, key: str, *, default: bool = True) -> None:
        for name in (group, key):
            if not _PREF_KEY.match(name):
                raise StartupError(f"plugin {self.owner!r}: preference name {name!r} must be "
                                   f"letters, digits or _")
        if group in _RESERVED_SETTINGS:
            raise StartupError(f"plugin {self.owner!r}: {group!r} is an account setting, not a "
                               f"preference group")
        found = self.groups.setdefault(group, {}).get(key)
        if found is not None and found[1] != default:
            raise StartupError(f"preference {group}.{key} is declared with default {found[1]} "
                               f"by plugin {found[0]!r} and {default} by plugin {self.owner!r}")
        if found is None:
            self.groups[group][key] = (self.owner, bool(default))

    def add_profile_field(self, name: str, field: Any) -> None:
        """A field of the user's ``profile`` (``PATCH /api/me``), as a marshmallow field."""
        if not _PREF_KEY.match(name):
            raise StartupError(f"plugin {self.owner!r}: profile field {name!r} must be "
                               f"letters, digits or _")
        found = self.profile.get(name)
        if found is not None:
            raise StartupError(f"profile field {name!r} is declared by both plugin "
                               f"{found[0]!r} and plugin {self.owner!r}")
        self.profile[name] = (self.owner, field)

    def profile_schema(self) -> type[Schema]:
        return Schema.from_dict({name: field for name, (_plugin, field) in self.profile.items()},
                                name="ProfileSchema")

    def defaults(self) -> dict[str, dict[str, bool]]:
        return {group: {key: default for key, (_plugin, default) in keys.items()}
                for group, keys in self.groups.items()}

    def schema_fields(self) -> dict[str, Any]:
        """One nested schema per group, of the declared booleans (unknown keys are refused)."""
        nested: dict[str, Any] = {}
        for group, keys in self.groups.items():
            name = f"{group[:1].upper()}{group[1:]}PrefsSchema"
            schema = Schema.from_dict({key: fields.Boolean() for key in keys}, name=name)
            nested[group] = fields.Nested(schema)
        return nested


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    # run(args, services) -> exit status (None is 0)
    run: Callable[[argparse.Namespace, Any], int | None]
    plugin: str


class CommandRegistry(_Owned):
    """``commands.add("import-notes", "Import notes", configure=fn(parser), run=fn(args, services))``."""

    def __init__(self) -> None:
        super().__init__()
        self.owner = "core"
        self.commands: dict[str, Command] = {}

    def add(self, name: str, help: str, *, run: Callable[[argparse.Namespace, Any], int | None],
            configure: Callable[[argparse.ArgumentParser], None] | None = None) -> None:
        if name in self.commands:
            raise StartupError(f"command {name!r} is registered by both "
                               f"{self.commands[name].plugin!r} and {self.owner!r}")
        self.commands[name] = Command(name, help, configure or (lambda parser: None), run,
                                      self.owner)
