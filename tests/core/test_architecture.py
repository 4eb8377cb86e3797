"""The shape of the house, checked: core knows no domain, plugins meet only through the core's
plugin API, and core's modules import each other without a cycle.

The import graph is read from the source with ``ast`` (every ``import`` statement, at module level
or inside a function, and those under ``if TYPE_CHECKING:`` too: an annotation-only cycle still
ties modules together for a reader and for a type checker).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
PLUGINS = ROOT / "plugins"
EXAMPLE = ROOT / "examples" / "hello_plugin"

# What a plugin may import from the core: the documented plugin API (docs/plugins.md) and, in its
# tests, the pytest plugin.
PLUGIN_SURFACE = {"lightninghire.api"}
TEST_SURFACE = PLUGIN_SURFACE | {"lightninghire.testing"}

# Words of the product's domains. Core is a framework: none of them may appear in its code,
# comments, docstrings or templates (whole words, any case, plural forms included).
DOMAIN_WORDS = (
    "jobseeker", "recruiter", "mentor", "interview", "resume", "salary", "salaries", "hiring",
    "stripe", "billing", "streak", "outreach", "jobsearch", "job", "pro", "cover letter",
    "applicant", "employer", "career", "vacancy", "vacancies", "offer letter", "negotiation",
    "recruiting", "mock interview", "linkedin", "pipeline card",
)
# Not listed, though domains use them: words plain English or plumbing also needs ("lead" and
# "candidate" in a parser, "digest" in a hash, "credit" as a balance any plan may sell).
# Whole words, where "_" also separates words (``STRIPE_SECRET_KEY``, ``is_pro``).
DOMAIN_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])(" + "|".join(re.escape(word) + "(?:s|es)?" for word in DOMAIN_WORDS)
    + r")(?![A-Za-z0-9])", re.IGNORECASE)
# Vendored third-party assets, not our words.
NOT_SCANNED = (CORE / "http" / "static",)


def core_module(path: Path) -> str:
    parts = ["lightninghire", *path.relative_to(CORE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, module: str, known: set[str] | frozenset[str] = frozenset()
                   ) -> Iterator[str]:
    """Every module an import statement in ``path`` names (relative imports resolved).

    ``from a import b`` names ``a.b`` when that is a module in ``known``, else ``a`` (the usual
    reading of import-linter and pydeps: importing a submodule does not depend on the package's
    other submodules)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                name = f"{base}.{alias.name}"
                yield name if name in known else base


def core_modules() -> dict[str, Path]:
    return {core_module(path): path for path in CORE.rglob("*.py")}


def core_graph() -> dict[str, set[str]]:
    modules = core_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges = {name for name in imported_names(path, module, set(modules)) if name in modules}
        edges.discard(module)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_core_modules_import_each_other_without_a_cycle() -> None:
    assert cycles(core_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_core_never_imports_a_plugin() -> None:
    offenders = [f"{path.relative_to(ROOT)} imports {name}"
                 for path in CORE.rglob("*.py")
                 for name in imported_names(path, core_module(path))
                 if name.split(".")[0] in ("lightninghire_plugins", "lightninghire_hello")]
    assert offenders == []


def plugin_files() -> Iterator[tuple[str, Path]]:
    for package in sorted(p for p in PLUGINS.iterdir() if (p / "__init__.py").exists()):
        for path in package.rglob("*.py"):
            yield package.name, path


def test_a_plugin_never_imports_another_plugin() -> None:
    offenders = []
    for plugin, path in plugin_files():
        for name in imported_names(path, f"lightninghire_plugins.{plugin}"):
            parts = name.split(".")
            if parts[0] == "lightninghire_plugins" and len(parts) > 1 and parts[1] != plugin:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def core_imports(path: Path) -> set[str]:
    names = set(imported_names(path, "lightninghire_plugins.x", set(core_modules())))
    return {name for name in names if name == "lightninghire" or name.startswith("lightninghire.")}


@pytest.mark.parametrize("folder", [PLUGINS, EXAMPLE / "lightninghire_hello"],
                         ids=["plugins", "hello_plugin"])
def test_plugins_reach_core_only_through_the_plugin_api(folder: Path) -> None:
    offenders = [f"{path.relative_to(ROOT)}: {sorted(core_imports(path) - PLUGIN_SURFACE)}"
                 for path in folder.rglob("*.py") if core_imports(path) - PLUGIN_SURFACE]
    assert offenders == []


def test_plugin_tests_use_the_plugin_api_and_the_test_harness() -> None:
    folders = [ROOT / "tests" / "plugins", EXAMPLE / "tests"]
    offenders = [f"{path.relative_to(ROOT)}: {sorted(core_imports(path) - TEST_SURFACE)}"
                 for folder in folders for path in folder.rglob("*.py")
                 if core_imports(path) - TEST_SURFACE]
    assert offenders == []


def core_text_files() -> Iterator[Path]:
    for path in sorted(CORE.rglob("*")):
        if path.is_file() and not any(path.is_relative_to(skip) for skip in NOT_SCANNED) \
                and path.suffix in (".py", ".html", ".txt", ".toml", ".md", ".csv", ".conf"):
            yield path


def test_core_contains_no_domain_word() -> None:
    found = [f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r}"
             for path in core_text_files()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for match in DOMAIN_PATTERN.finditer(line)]
    assert found == []


def test_the_domain_word_scan_sees_words() -> None:
    assert DOMAIN_PATTERN.search("a Recruiter's interviews") is not None
    assert DOMAIN_PATTERN.search("STRIPE_SECRET_KEY").group(0) == "STRIPE"
    assert DOMAIN_PATTERN.search("the provider's processes, a PROJECT, jobless") is None
