"""The ``lightninghire`` command: serve, inspect plugins/routes/config, print OpenAPI.

Plugins add sub-commands through the ``register_commands`` hook; a command's ``run(args,
services)`` gets the same services the app uses.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence

from lightninghire import __version__
from lightninghire.app import build_services
from lightninghire.config import Settings, load_settings, redacted_plugin
from lightninghire.embedded import CREATE_DATABASE
from lightninghire.errors import StartupError
from lightninghire.registry import CommandRegistry
from lightninghire.services import Services
from lightninghire.tasks.cli import register_commands as register_task_commands

DATA_DIR_HELP = "embedded database folder (default: database.data_dir, ./lightninghire-data)"


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="bind address (default: server.host, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: server.port, 8000)")
    parser.add_argument("--workers", type=int, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, help="threads per worker (gthread)")
    parser.add_argument("--data-dir", help=DATA_DIR_HELP)
    parser.add_argument("--scheduler", dest="scheduler", action="store_true", default=None,
                        help="run the task scheduler beside the workers (default on the "
                             "embedded database: server.scheduler)")
    parser.add_argument("--no-scheduler", dest="scheduler", action="store_false",
                        help="do not run the task scheduler (another process runs it)")
    parser.add_argument("--demo", action="store_true",
                        help="load the sample data and a demo user first (prints its password)")


def _serve(args: argparse.Namespace, services: Services) -> int:
    from lightninghire.server import serve

    overrides = {k: v for k, v in {"server.host": args.host, "server.port": args.port,
                                   "server.workers": args.workers, "server.threads": args.threads,
                                   "database.data_dir": args.data_dir}.items() if v is not None}
    services.db.close()  # serve builds its own, per worker
    serve(services.settings.with_overrides(overrides), scheduler=args.scheduler, demo=args.demo)
    return 0


def _demo(args: argparse.Namespace, services: Services) -> int:
    from lightninghire.demo import load_demo
    from lightninghire.embedded import database_for

    with database_for(services, create=True) as usable:
        load_demo(usable.settings, out=sys.stdout)
    return 0


def _plugins(args: argparse.Namespace, services: Services) -> int:
    host = services.plugins
    for name, info in sorted(host.available.items()):
        state = "built-in" if info.builtin else ("enabled" if name in host.enabled else "disabled")
        origin = "first-party" if info.first_party else "third-party"
        version = info.version or "-"
        print(f"{name:<16} {state:<9} {origin:<12} {version:<10} {info.module}")
    if args.enabled:
        print("enabled order:", ", ".join(host.enabled))
    return 0


def _routes(args: argparse.Namespace, services: Services) -> int:
    for op in services.routes.operations():
        auth = "|".join(op.options.auth)
        extras = [f"{k}={v}" for k, v in (("permission", op.options.permission),
                                         ("feature", op.options.feature),
                                         ("rate_limit", op.options.rate_limit and
                                          op.options.rate_limit.text)) if v]
        print(f"{op.method:<7} {op.path:<40} {op.plugin:<12} {auth:<16} {' '.join(extras)}")
    for task in services.tasks.specs.values():
        print(f"{'TASK':<7} {task.name:<40} {task.plugin:<12} {task.schedule}")
    return 0


def _openapi(args: argparse.Namespace, services: Services) -> int:
    from lightninghire.http.openapi import build_openapi

    document = build_openapi(services.routes.operations(), services.schemas,
                             title="LightningHire API", version=__version__,
                             server_url=services.settings.http.public_url)
    print(json.dumps(document, indent=2, sort_keys=False))
    return 0


def _config(args: argparse.Namespace, services: Services) -> int:
    shown = services.settings.redacted()
    for name in services.plugins.enabled:  # as loaded: defaults applied, env names read
        if values := services.plugin_settings(name):
            shown["plugins"][name] = redacted_plugin(name, values)
    print(json.dumps({"source": services.settings.source, **shown}, indent=2, sort_keys=True,
                     default=str))
    return 0


def _config_problem(settings: Settings | None, problem: StartupError) -> None:
    """``config show`` when startup fails: what was read (secrets masked) and the problem,
    so a deployer sees the configuration that does not start."""
    shown = settings.redacted() if settings is not None else {}
    print(json.dumps({"source": settings.source if settings else None, **shown,
                      "problem": str(problem)}, indent=2, sort_keys=True, default=str))


def _core_commands(registry: CommandRegistry) -> None:
    registry.add("serve", "Serve the API under gunicorn (embedded database unless MONGODB_URI)",
                 configure=_serve_options, run=_serve)
    registry.add("plugins", "List installed plugins and which are enabled",
                 configure=lambda p: p.add_argument("--enabled", action="store_true",
                                                    help="also print the enabled order"),
                 run=_plugins)
    registry.add("routes", "List every route, its plugin and auth, and every task", run=_routes)
    registry.add("openapi", "Print the OpenAPI 3.1 document", run=_openapi)
    registry.add("config", "Show the effective configuration (secrets masked)",
                 configure=lambda p: p.add_argument("action", choices=["show"]), run=_config)
    registry.add("demo", "Load every plugin's sample data and a demo user; prints its password",
                 run=_demo)


def _global_options(argv: Sequence[str]) -> argparse.Namespace:
    """``--data-dir`` and ``--create`` wherever they stand (``lightninghire users create
    --data-dir X`` as well as ``lightninghire --data-dir X users create``): read before the
    commands exist, since the settings they change build the plugins that add commands."""
    early = argparse.ArgumentParser(add_help=False)
    _add_global_options(early)
    known, _rest = early.parse_known_args(list(argv))
    return known


def _add_global_options(parser: argparse.ArgumentParser, *, top: bool = True) -> None:
    names = {option for action in parser._actions for option in action.option_strings}
    default = None if top else argparse.SUPPRESS
    if "--data-dir" not in names:
        parser.add_argument("--data-dir", default=default, help=DATA_DIR_HELP)
    if "--create" not in names:
        parser.add_argument("--create", action="store_true", default=default or False,
                            help="make a new, empty database when --data-dir holds none "
                                 "(otherwise such a command stops and says where it looked)")


def _every_parser(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _every_parser(child)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    early = _global_options(argv)
    settings: Settings | None = None
    try:
        overrides = {"database.data_dir": early.data_dir} if early.data_dir else None
        settings = load_settings(overrides=overrides)
        services = build_services(settings)
        registry = CommandRegistry()
        _core_commands(registry)
        register_task_commands(registry)
        for _plugin, _ in services.plugins.call_each("register_commands", owner_of=registry,
                                                     commands=registry):
            pass
    except StartupError as exc:
        print(f"lightninghire: {exc}", file=sys.stderr)
        if [a for a in argv if not a.startswith("-")][:2] == ["config", "show"]:
            _config_problem(settings, exc)
        return 2
    parser = argparse.ArgumentParser(prog="lightninghire", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"lightninghire {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_global_options(parser)
    for command in registry.commands.values():
        command.configure(sub.add_parser(command.name, help=command.help,
                                         description=command.help))
    for child in list(_every_parser(parser))[1:]:
        _add_global_options(child, top=False)
    args = parser.parse_args(argv)
    token = CREATE_DATABASE.set(bool(early.create))
    try:
        return int(registry.commands[args.command].run(args, services) or 0)
    except StartupError as exc:
        print(f"lightninghire: {exc}", file=sys.stderr)
        return 2
    finally:
        CREATE_DATABASE.reset(token)
        services.close()  # a command's deferred work is done before the process exits

