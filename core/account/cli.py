"""Deployer commands for bootstrapping accounts: ``users`` and ``keys``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from lightninghire.account.crypto import new_encryption_key
from lightninghire.embedded import database_for
from lightninghire.errors import AppError
from lightninghire.services import Services


def _account(services: Services) -> Any:
    from lightninghire.account.parts import account_of

    return account_of(services)


def _users_options(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="create a user (password from --password, "
                                           "$LIGHTNINGHIRE_PASSWORD or a prompt)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--password")
    # Tiers, roles and user types are declared by the enabled plugins: checked in _users_in.
    create.add_argument("--tier")
    create.add_argument("--role", action="append", dest="roles")
    create.add_argument("--user-type", help="default: the declared default user type")
    tier = sub.add_parser("set-tier", help="set a user's tier")
    tier.add_argument("email")
    tier.add_argument("tier")
    role = sub.add_parser("set-role", help="give a user a role (keeps their other roles)")
    role.add_argument("email")
    role.add_argument("role")
    role.add_argument("--remove", action="store_true", help="take the role away instead")


def _password(args: argparse.Namespace) -> str | None:
    """--password, $LIGHTNINGHIRE_PASSWORD, or a prompt when there is a terminal to ask on."""
    given = args.password or os.environ.get("LIGHTNINGHIRE_PASSWORD")
    if given:
        return given
    if not sys.stdin.isatty():
        print("lightninghire: no password given and no terminal to ask for one: pass "
              "--password, or set LIGHTNINGHIRE_PASSWORD", file=sys.stderr)
        return None
    try:
        return getpass.getpass("Password: ")
    except (EOFError, KeyboardInterrupt):
        print("\nlightninghire: no password entered; no user created", file=sys.stderr)
        return None


def _users(args: argparse.Namespace, services: Services) -> int:
    password = None
    if args.action == "create":
        password = _password(args)  # before the database: nothing starts for nothing
        if password is None:
            return 2
    with database_for(services) as usable:
        return _users_in(args, usable, password)


def _undeclared(args: argparse.Namespace, services: Services) -> str | None:
    """What the arguments name that no enabled plugin declares (as argparse choices would)."""
    plans = services.policy.plans
    given = [("tier", getattr(args, "tier", None), tuple(plans.tiers)),
             ("user type", getattr(args, "user_type", None), tuple(plans.user_types))]
    given += [("role", role, plans.roles)
              for role in (getattr(args, "roles", None) or [getattr(args, "role", None)])]
    for what, value, choices in given:
        if value is not None and value not in choices:
            return f"{what} {value!r} is not declared; choose from {', '.join(choices)}"
    return None


def _users_in(args: argparse.Namespace, services: Services, password: str | None) -> int:
    account = _account(services)
    problem = _undeclared(args, services)
    if problem:
        print(f"lightninghire: {problem}", file=sys.stderr)
        return 2
    try:
        if args.action == "create":
            assert password is not None
            roles = args.roles or None
            user = account.users.create(email=args.email, password=password, name=args.name,
                                        user_type=args.user_type, tier=args.tier, roles=roles)
            print(f"created {user['email']} ({user['_id']}) tier={user['tier']} "
                  f"roles={','.join(user['roles'])}")
            return 0
        user = account.users.by_email(args.email)
        if user is None:
            print(f"lightninghire: no user {args.email}", file=sys.stderr)
            return 1
        if args.action == "set-tier":
            account.users.update(user["_id"], {"tier": args.tier})
            print(f"{user['email']}: tier={args.tier}")
        else:
            roles = [r for r in user.get("roles", []) if r != args.role]
            if not args.remove:
                roles.append(args.role)
            account.users.update(user["_id"], {"roles": roles})
            print(f"{user['email']}: roles={','.join(roles)}")
        return 0
    except AppError as exc:
        print(f"lightninghire: {exc.message}", file=sys.stderr)
        return 1


def _keys_options(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="mint an API key for a user; printed once")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    sub.add_parser("encryption-key", help="print a new value for auth.encryption_key")


def _keys(args: argparse.Namespace, services: Services) -> int:
    if args.action == "encryption-key":
        print(new_encryption_key())
        return 0
    with database_for(services) as usable:
        return _mint(args, usable)


def _mint(args: argparse.Namespace, services: Services) -> int:
    account = _account(services)
    user = account.users.by_email(args.email)
    if user is None:
        print(f"lightninghire: no user {args.email}", file=sys.stderr)
        return 1
    # The deployer's command is not subject to the api_keys feature cap of the HTTP route.
    secret, _doc = account.keys.mint(user["_id"], args.name)
    print(secret)
    return 0


def register(commands: Any) -> None:
    commands.add("users", "Create users, set their tier or roles", configure=_users_options,
                 run=_users)
    commands.add("keys", "Mint API keys; make an encryption key", configure=_keys_options,
                 run=_keys)
