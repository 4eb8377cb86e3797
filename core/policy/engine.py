"""Route permissions with pycasbin: ``p, role, object, action[, allow|deny]`` and ``g, role, role``.

Casbin keeps no decision cache and one ``enforce`` costs tens of microseconds, so decisions are
cached per (roles, object, action) and the cache is emptied on every policy change.
"""

from __future__ import annotations

import csv
import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import casbin
import falcon

from lightninghire.errors import Forbidden, StartupError, Unauthenticated

if TYPE_CHECKING:  # the registry imports the policy package (plans): no cycle at run time
    from lightninghire.registry import Operation

log = logging.getLogger(__name__)

MODEL = """
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act, eft
p2 = sub, obj, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub) && (p.obj == "*" || r.obj == p.obj) && (p.act == "*" || r.act == p.act)
"""

# The core's own lines; plugins add theirs through register_policy, the deployer's file comes last.
CORE_POLICY = (
    "p, super_admin, *, *",
    "g, super_admin, admin",
    "p, admin, admin, read",
    # Every role is a member first: whatever else it may do, it reads and edits its own account
    # (/api/me, settings, keys). Each declared user type and role gets its "g, <role>, member"
    # line (member_lines); a deployer's new role needs its own.
    "g, admin, member",
    "p, member, account, read",
    "p, member, account, write",
)


def member_lines(roles: Iterable[str]) -> list[str]:
    """``g, <role>, member`` for each declared role the core does not define itself."""
    return [f"g, {role}, member" for role in roles if role not in ("member", "admin",
                                                                     "super_admin")]


def parse_line(text: str) -> list[str]:
    return [part.strip() for part in next(csv.reader([text], skipinitialspace=True))]


def _parse_cap(value: str, source: str, number: int) -> int | None:
    if value == "unlimited":
        return None
    if not value.isdigit():
        raise StartupError(f"{source} line {number}: a cap is a whole number or 'unlimited'")
    return int(value)


class PolicyEngine:
    """Loads policy lines into a Casbin enforcer; ``allowed(roles, obj, act)`` is cached."""

    def __init__(self, lines: Iterable[str] = ()) -> None:
        model = casbin.model.Model()
        model.load_model_from_text(MODEL)
        self._enforcer = casbin.Enforcer(model)
        self._cache: dict[tuple[tuple[str, ...], str, str], bool] = {}
        self._caps: dict[tuple[str, str], tuple[bool, int | None]] = {}
        self._lock = threading.Lock()
        self.add_lines(lines)

    def add_lines(self, lines: Iterable[str], source: str = "policy") -> None:
        with self._lock:
            for number, raw in enumerate(lines, 1):
                text = raw.strip()
                if not text or text.startswith("#"):
                    continue
                kind, *rest = parse_line(text)
                if kind == "p" and len(rest) in (3, 4):
                    effect = rest[3] if len(rest) == 4 else "allow"
                    if effect not in ("allow", "deny"):
                        raise StartupError(f"{source} line {number}: effect must be allow or deny")
                    self._enforcer.add_policy(*rest[:3], effect)
                elif kind == "g" and len(rest) == 2:
                    self._enforcer.add_grouping_policy(*rest)
                elif kind == "p2" and len(rest) == 3:
                    tier, feature, value = rest
                    self._set_cap(tier, feature, _parse_cap(value, source, number))
                else:
                    raise StartupError(f"{source} line {number}: {text!r} is not "
                                       f"'p, role, object, action[, allow|deny]', 'g, role, role' "
                                       f"or 'p2, tier, feature, limit|unlimited'")
            self._cache.clear()
            self._caps.clear()

    def add_file(self, path: str | Path) -> None:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise StartupError(f"policy file {file}: {exc.strerror}") from None
        self.add_lines(text.splitlines(), source=str(file))

    def set_cap(self, tier: str, feature: str, limit: int | None) -> None:
        """A feature's cap for a tier (``None``: unlimited); a later call replaces it."""
        with self._lock:
            self._set_cap(tier, feature, limit)

    def _set_cap(self, tier: str, feature: str, limit: int | None) -> None:
        self._enforcer.remove_filtered_named_policy("p2", 0, tier, feature)
        self._enforcer.add_named_policy("p2", tier, feature,
                                        "unlimited" if limit is None else str(limit))
        self._caps.clear()

    def cap(self, tier: str, feature: str) -> tuple[bool, int | None]:
        """``(found, limit)`` for a tier's cap on a feature, from the ``p2`` lines."""
        key = (tier, feature)
        if not tier:  # Casbin reads an empty filter value as "any": no tier has no cap line
            return False, None
        if key not in self._caps:
            rules = self._enforcer.get_filtered_named_policy("p2", 0, tier, feature)
            value = rules[-1][2] if rules else None
            self._caps[key] = (False, None) if value is None else (
                True, None if value == "unlimited" else int(value))
        return self._caps[key]

    def permission_objects(self) -> set[str]:
        """The objects named by ``p`` lines: what startup checks route permissions against."""
        return {obj for _sub, obj, *_rest in self._enforcer.get_policy()}

    def cap_tiers(self) -> set[str]:
        """The tiers named by ``p2`` lines."""
        return {rule[0] for rule in self._enforcer.get_named_policy("p2")}

    def allowed(self, roles: Iterable[str], obj: str, act: str) -> bool:
        key = (tuple(sorted(roles)), obj, act)
        decision = self._cache.get(key)
        if decision is None:
            with self._lock:
                decision = any(self._enforcer.enforce(role, obj, act) for role in key[0])
                self._cache[key] = decision
        return decision


class PermissionStage:
    """The pipeline's permission stage: the caller's roles must grant the route's object:action."""

    def __init__(self, engine: PolicyEngine) -> None:
        self.engine = engine

    def __call__(self, op: Operation, req: falcon.Request, resp: falcon.Response) -> None:
        permission = op.options.permission
        assert permission is not None  # the pipeline calls this only for routes that declare one
        principal = req.context.principal
        if principal.kind == "anonymous":
            raise Unauthenticated()
        if not self.engine.allowed(principal.roles, permission.obj, permission.action):
            raise Forbidden()
