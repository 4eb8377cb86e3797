"""Every hook is typed, documented in its docstring, and described in docs/plugins.md."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from lightninghire import hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def all_hooks():
    return [func for name, func in inspect.getmembers(hookspecs, inspect.isfunction)
            if hasattr(func, "lightninghire_spec")]


def test_there_are_hooks():
    assert {f.__name__ for f in all_hooks()} >= {
        "register_routes", "register_schemas", "register_collections", "register_tasks",
        "register_policy", "startup", "shutdown", "handle_event", "user_context"}


def test_every_hook_has_a_docstring_and_type_hints():
    for func in all_hooks():
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
