"""Every hook is typed, documented in its docstring, and described in docs/plugins.md."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from lightninghire import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "plugins.md"


def all_hooks(module=hookspecs):
    return [func for name, func in inspect.getmembers(module, inspect.isfunction)
            if hasattr(func, "lightninghire_spec")]


def plugin_hookspecs():
    """(plugin, hookspec functions) of every first-party plugin that declares hooks."""
    found = []
    for path in sorted((ROOT / "plugins").glob("*/hookspecs.py")):
        plugin = path.parent.name
        module = importlib.import_module(f"lightninghire_plugins.{plugin}.hookspecs")
        assert importlib.import_module(f"lightninghire_plugins.{plugin}").plugin_hookspecs is module
        found.append((plugin, all_hooks(module)))
    return found


def test_there_are_hooks():
    assert {f.__name__ for f in all_hooks()} >= {
        "register_routes", "register_schemas", "register_collections", "register_tasks",
        "register_policy", "startup", "shutdown", "handle_event", "user_context"}


def test_every_hook_has_a_docstring_and_type_hints():
    for func in all_hooks() + [f for _, hooks in plugin_hookspecs() for f in hooks]:
        assert func.__doc__ and len(func.__doc__.strip()) > 40, func.__name__
        signature = inspect.signature(func)
        for param in signature.parameters.values():
            assert param.annotation is not inspect.Parameter.empty, (func.__name__, param.name)
        assert signature.return_annotation is not inspect.Signature.empty, func.__name__


def test_every_hook_is_described_in_docs_plugins_md():
    text = DOCS.read_text()
    headings = set(re.findall(r"^### `?([a-z_]+)\(", text, flags=re.MULTILINE))
    missing = {f.__name__ for f in all_hooks()} - headings
    assert not missing, f"docs/plugins.md lacks a '### name(...)' section for: {sorted(missing)}"


def test_the_core_declares_no_domain_hook():
    assert {f.__name__ for f in all_hooks()}.isdisjoint({"job_sources", "collect_digest"})


def test_every_hook_a_plugin_declares_is_described_in_its_own_docs():
    declared = plugin_hookspecs()
    assert {plugin for plugin, _ in declared} >= {"jobsearch", "cron"}
    for plugin, hooks in declared:
        text = (ROOT / "docs" / f"{plugin}.md").read_text()
        described = set(re.findall(r"^(?:#+ |\| )`([a-z_]+)\(", text, flags=re.MULTILINE))
        missing = {f.__name__ for f in hooks} - described
        assert hooks and not missing, f"docs/{plugin}.md does not describe {sorted(missing)}"
