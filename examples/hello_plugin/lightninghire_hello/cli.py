"""``lightninghire hello stats``: greeting counts, as JSON, from a shell."""

from __future__ import annotations

import argparse
import json

from lightninghire.api import Services, database_for
from lightninghire_hello.service import greetings_of


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("stats", help="print how many greetings are stored")


def run(args: argparse.Namespace, services: Services) -> int:
    # database_for: the configured database, or the embedded one of this folder (as `serve` uses).
    with database_for(services) as usable:
        print(json.dumps({"stored": greetings_of(usable).stats()["stored"]}))
    return 0
