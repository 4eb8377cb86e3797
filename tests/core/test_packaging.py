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
