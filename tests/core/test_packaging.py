"""Every package folder is listed in setup.cfg: the folders are renamed on install, so
``find:`` cannot discover them and a forgotten one would be missing from the wheel."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"lightninghire": ROOT / "core", "lightninghire_plugins": ROOT / "plugins"}


def test_every_package_folder_is_listed():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    found = set()
    for name, folder in FOLDERS.items():
        for init in folder.rglob("__init__.py"):
            if "static" in init.parts or "__pycache__" in init.parts:
                continue
            relative = init.parent.relative_to(folder).parts
            found.add(".".join((name, *relative)))
    assert found - listed == set(), f"add these to setup.cfg [options] packages: {found - listed}"
    assert listed - found == set(), f"listed but missing: {listed - found}"


def test_every_first_party_plugin_has_an_entry_point():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    entries = config["options.entry_points"]["lightninghire.plugins"].split("\n")
    names = {line.split("=")[0].strip() for line in entries if line.strip()}
    folders = {p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()}
    assert names == folders


def _package_folder(package: str) -> Path:
    top, *rest = package.split(".")
    return FOLDERS[top].joinpath(*rest)


def test_every_data_file_is_in_package_data():
    """Sample data, guides, templates, pages: a file no package_data pattern names is left out
    of the wheel (the tox run installs the wheel), so `lightninghire demo` or a download would
    break only once installed."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    covered: set[Path] = set()
    for package, patterns in config["options.package_data"].items():
        folder = _package_folder(package)
        for pattern in patterns.replace(",", " ").split():
            covered.update(path for path in folder.glob(pattern) if path.is_file())
    data = {path for folder in FOLDERS.values() for path in folder.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc")
            and "__pycache__" not in path.parts}
    assert data, "no data files found: is this the source tree?"
    missing = sorted(str(p.relative_to(ROOT)) for p in data - covered)
    assert missing == [], f"add to setup.cfg [options.package_data]: {missing}"
    sample = ROOT / "plugins" / "jobsearch" / "sample" / "jobs.json"
    assert sample in covered
