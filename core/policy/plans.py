"""Plans as data: tiers, user types and roles that plugins declare, and how the entitlement
engine reads them. The core knows no tier by name.

A *tier* is a column of the caps table (``p2, <tier>, <feature>, <limit>``). ``unlimited``
tiers lift numeric caps; ``caps_from`` names the column read when the tier has no line of its
own. A *user type* says which tier a new account starts on and which column applies once its
caps are lifted (an unlimited tier, or a declared cap bypass: saved provider keys, a credit
balance). Identical declarations from several plugins merge; conflicting ones stop startup
naming both plugins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lightninghire.errors import StartupError

# Roles the core itself relies on (the admin routes, the account routes' base role).
CORE_ROLES = ("member", "admin", "super_admin")
# What a cap bypass may be triggered by: facts the core itself knows of a user.
BYPASS_TRIGGERS = ("provider_keys", "credit_balance")


@dataclass(frozen=True)
class Tier:
    name: str
    label: str
    unlimited: bool = False
    caps_from: str | None = None
    user_type: str | None = None
    # Names of booleans ``GET /api/entitlements`` sets for users on this tier ("isPro").
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserType:
    name: str
    starting_tier: str
    # The column once caps are lifted; None: the starting tier's column stays.
    upgraded_tier: str | None = None
    default: bool = False


@dataclass(frozen=True)
class Bypass:
    """Caps are lifted when ``trigger`` holds for a user; ``flags`` are then set in the payload."""

    trigger: str
    flags: tuple[str, ...] = ()


@dataclass
class PlanDeclarations:
    """What plugins declared through ``PolicyRegistry``: each entry remembers its plugin."""

    tiers: dict[str, tuple[str, Tier]] = field(default_factory=dict)
    user_types: dict[str, tuple[str, UserType]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # role -> first declaring plugin
    bypasses: dict[str, tuple[str, Bypass]] = field(default_factory=dict)
    # Singletons: (plugin, value).
    plan_names: tuple[str, tuple[str, str]] | None = None
    self_hosted_hint: tuple[str, str] | None = None
    sellers: list[str] = field(default_factory=list)

    @staticmethod
    def merge(kind: str, table: dict[str, tuple[str, Any]], key: str, plugin: str,
              value: Any) -> None:
        found = table.get(key)
        if found is None:
            table[key] = (plugin, value)
        elif found[1] != value:
            raise StartupError(f"{kind} {key!r} is declared differently by plugin {found[0]!r} "
                               f"and plugin {plugin!r}")

    def merge_single(self, attr: str, kind: str, plugin: str, value: Any) -> None:
        found = getattr(self, attr)
        if found is None:
            setattr(self, attr, (plugin, value))
        elif found[1] != value:
            raise StartupError(f"{kind} is declared differently by plugin {found[0]!r} "
                               f"and plugin {plugin!r}")


class PlanBook:
    """The resolved declarations: the questions the entitlement engine and the account ask."""

    def __init__(self, declared: PlanDeclarations) -> None:
        self.tiers = {name: tier for name, (_, tier) in declared.tiers.items()}
        self.user_types = {name: ut for name, (_, ut) in declared.user_types.items()}
        self.bypasses = [bypass for _, bypass in declared.bypasses.values()]
        self.plan_names = declared.plan_names[1] if declared.plan_names else None
        self.self_hosted_hint = declared.self_hosted_hint[1] if declared.self_hosted_hint else None
        self.selling = bool(declared.sellers)
        self.roles = tuple(dict.fromkeys([*CORE_ROLES, *self.user_types, *declared.roles]))
        defaults = [ut.name for ut in self.user_types.values() if ut.default]
        self.default_user_type = defaults[0] if defaults else next(iter(self.user_types), None)
        self.flags = tuple(dict.fromkeys(
            [flag for tier in self.tiers.values() for flag in tier.flags]
            + [flag for bypass in self.bypasses for flag in bypass.flags]))
        self._check(declared)

    def _check(self, declared: PlanDeclarations) -> None:
        if len([ut for ut in self.user_types.values() if ut.default]) > 1:
            raise StartupError("more than one user type is declared the default: "
                               + ", ".join(f"{ut.name!r} (plugin {declared.user_types[ut.name][0]!r})"
                                           for ut in self.user_types.values() if ut.default))
        for name, (plugin, tier) in declared.tiers.items():
            if tier.caps_from is not None and tier.caps_from not in self.tiers:
                raise StartupError(f"plugin {plugin!r}: tier {name!r} takes its caps from "
                                   f"{tier.caps_from!r}, which no enabled plugin declares")
            if tier.user_type is not None and tier.user_type not in self.user_types:
                raise StartupError(f"plugin {plugin!r}: tier {name!r} is for user type "
                                   f"{tier.user_type!r}, which no enabled plugin declares")
        for name, (plugin, ut) in declared.user_types.items():
            for tier in (ut.starting_tier, ut.upgraded_tier):
                if tier is not None and tier not in self.tiers:
                    raise StartupError(f"plugin {plugin!r}: user type {name!r} names tier "
                                       f"{tier!r}, which no enabled plugin declares")

    # -- accounts ----------------------------------------------------------------------------

    def starting_tier(self, user_type: str | None) -> str | None:
        ut = self.user_types.get(user_type or "")
        return ut.starting_tier if ut else None

    def showcase_tier(self, user_type: str | None) -> str | None:
        """The tier a demo user of ``user_type`` is put on, so that every feature is open: the
        first declared unlimited tier for that type, else its starting tier."""
        for name, tier in self.tiers.items():
            if tier.unlimited and tier.user_type in (None, user_type):
                return name
        return self.starting_tier(user_type)

    # -- caps --------------------------------------------------------------------------------

    def lifted(self, tier: str, triggers: Iterable[str]) -> tuple[bool, tuple[str, ...]]:
        """Whether caps are lifted for a user on ``tier`` with these facts, and the flags set."""
        found = self.tiers.get(tier)
        flags = list(found.flags) if found else []
        on = set(triggers)
        fired = [bypass for bypass in self.bypasses if bypass.trigger in on]
        for bypass in fired:
            flags += bypass.flags
        return bool((found and found.unlimited) or fired), tuple(dict.fromkeys(flags))

    def column(self, tier: str, user_type: str, lifted: bool) -> str:
        """The tier whose caps apply: the user type's starting or upgraded column."""
        ut = self.user_types.get(user_type)
        if ut is None:
            return tier
        if not lifted:
            return ut.starting_tier
        if ut.upgraded_tier is not None:
            return ut.upgraded_tier
        own = self.tiers.get(tier)
        return tier if own is not None and own.unlimited else ut.starting_tier

    def chain(self, column: str) -> list[str]:
        """The column, then the columns it takes caps from (each once)."""
        seen: list[str] = []
        current: str | None = column
        while current is not None and current not in seen:
            seen.append(current)
            tier = self.tiers.get(current)
            current = tier.caps_from if tier else None
        return seen

    def uncapped_column(self, column: str) -> bool:
        """A column with no cap line for a feature: unlimited tiers allow it; with no tier
        declared at all nothing is capped (nothing to upgrade to)."""
        tier = self.tiers.get(column)
        return (tier.unlimited if tier else False) or not self.tiers

    def plan_name(self, lifted: bool, fallback: str) -> str:
        if self.plan_names is None:
            return fallback
        return self.plan_names[1] if lifted else self.plan_names[0]

