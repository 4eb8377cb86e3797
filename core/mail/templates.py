"""Mail templates with Jinja2, found in packages: the core's, and each plugin's.

A template ``<prefix>/<name>`` is up to three files in the package's template folder:
``<name>.subject.txt`` and ``<name>.txt`` (required) and ``<name>.html`` (optional). HTML is
autoescaped; text and subject are not (they are not HTML). The prefix is the plugin's name
(``core`` for the core's own), so two plugins never shadow each other's templates, and a plugin
can extend the core's layout with ``{% extends "core/layout.html" %}``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from importlib import resources
from types import ModuleType
from typing import Any, NamedTuple

from jinja2 import (
    Environment,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

DEFAULT_FOLDER = "mail_templates"


class Rendered(NamedTuple):
    subject: str
    text: str
    html: str | None


class Templates:
    """``templates.render("core/notice", {...})`` -> ``Rendered(subject, text, html)``."""

    def __init__(self) -> None:
        self._loaders: dict[str, PackageLoader] = {"core": PackageLoader("lightninghire.mail",
                                                                         "templates")}
        self._lock = threading.Lock()
        self.env = Environment(
            loader=PrefixLoader(self._loaders, delimiter="/"),
            autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml"),
                                         default_for_string=False, default=False),
            # A missing variable is a bug in the caller: fail in its tests, not in a user's inbox.
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    @property
    def prefixes(self) -> list[str]:
        return sorted(self._loaders)

    def add_package(self, prefix: str, package: str | ModuleType | object,
                    folder: str = DEFAULT_FOLDER, *, required: bool = True) -> bool:
        """Serve ``<prefix>/...`` from ``package``'s ``folder``; ``True`` when added.

        With ``required=False`` a package without the folder is skipped (discovery over every
        enabled plugin); otherwise that is a ``ValueError``, as is a prefix already taken.
        """
        name = package if isinstance(package, str) else getattr(package, "__name__", None)
        if not prefix or "/" in prefix:
            raise ValueError(f"mail template prefix {prefix!r} must be a plain name")
        try:
            present = isinstance(name, str) and resources.files(name).joinpath(folder).is_dir()
        except (ModuleNotFoundError, TypeError, ValueError):
            present = False  # not an importable package (a plain module, or a test's object)
        if not present:
            if required:
                raise ValueError(f"mail templates: package {name!r} has no folder {folder!r}")
            return False
        with self._lock:
            existing = self._loaders.get(prefix)
            if existing is not None:
                if (existing.package_name, existing.package_path) == (name, folder):
                    return False
                raise ValueError(f"mail template prefix {prefix!r} is already served by "
                                 f"package {existing.package_name!r}")
            self._loaders[prefix] = PackageLoader(name, folder)
        return True

    def render(self, name: str, context: Mapping[str, Any] | None = None) -> Rendered:
        """Render ``name``'s subject, text and (when present) HTML with the same context."""
        values = dict(context or {})
        subject = " ".join(self.env.get_template(f"{name}.subject.txt").render(values).split())
        if not subject:
            raise ValueError(f"mail template {name!r} rendered an empty subject")
        text = self.env.get_template(f"{name}.txt").render(values)
        try:
            html_template = self.env.get_template(f"{name}.html")
        except TemplateNotFound:
            html = None
        else:
            html = html_template.render(values)
        return Rendered(subject, text, html)
