"""LightningHire: a minimal Falcon core whose every domain is a pluggy plugin.

Plugins import from ``lightninghire.api`` (docs/plugins.md); deployers build the WSGI app with
``lightninghire.app.create_app``. The package itself imports nothing, so that importing any part
of the core never drags in the rest: the older spellings ``from lightninghire import hookimpl``
(and the other names of the plugin API) and ``from lightninghire import create_app`` still work,
resolved on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # PEP 562: a lazy attribute, so this module stays a leaf of core's import graph.
    if name == "create_app":
        return importlib.import_module("lightninghire.app").create_app
    api = importlib.import_module("lightninghire.api")
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'lightninghire' has no attribute {name!r}")
