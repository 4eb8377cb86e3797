"""What plugins register while the app is built: routes, schemas, collections, tasks, policy.

Each registry records which plugin added each entry (the host sets ``owner`` before calling a
plugin's hook), so a clash names both plugins and a disabled plugin contributes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from croniter import croniter
from marshmallow import Schema
from pymongo import IndexModel

from lightninghire.errors import StartupError
from lightninghire.http.endpoint import (
    EndpointOptions,
    merge_options,
    methods_in,
    normalize_options,
    options_of,
)

_TEMPLATE_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")
_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,62}$")


class _Owned:
    """Base for registries: ``owner`` is the plugin whose hook is running."""

    def __init__(self) -> None:
        self.owner = "?"


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


class SchemaRegistry(_Owned):
    """Named marshmallow schemas for the OpenAPI document."""

    def __init__(self) -> None:
        super().__init__()
        self.schemas: dict[str, type[Schema] | Schema] = {}

    def add(self, name: str, schema: type[Schema] | Schema) -> None:
        if name in self.schemas and self.schemas[name] is not schema:
            raise StartupError(f"plugin {self.owner!r}: schema name {name!r} is already taken")
        self.schemas[name] = schema


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
    """Casbin lines and entitlement features contributed by plugins (enforced by the core)."""

    lines: list[tuple[str, str]] = field(default_factory=list)  # (plugin, line)
    features: dict[str, Feature] = field(default_factory=dict)

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
