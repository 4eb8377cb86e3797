"""``lightninghire jobs import FILE``: load job postings from CSV (the template's columns) or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lightninghire.api import AppError, Services, database_for


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    load = sub.add_parser("import", help="import postings from a CSV or JSON file")
    load.add_argument("file", help="a .csv in jobs_import_template.csv's columns, or a .json")
    load.add_argument("--format", choices=["csv", "json"],
                      help="default: from the file's extension")
    load.add_argument("--source", default="import",
                      help="recorded on each posting; with external_id it makes re-imports update")


def run(args: argparse.Namespace, services: Services) -> int:
    from lightninghire_plugins.jobsearch.jobs.service import JobService

    path = Path(args.file)
    fmt = args.format or ("json" if path.suffix.lower() == ".json" else "csv")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"lightninghire: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    with database_for(services) as usable:
        try:
            result = JobService(usable).import_text(text, fmt, args.source)
        except AppError as exc:
            print(f"lightninghire: {exc.message}", file=sys.stderr)
            return 1
    for error in result["errors"]:
        print(f"row {error['row']}: {error['message']}", file=sys.stderr)
    print(json.dumps({k: result[k] for k in ("created", "updated")} |
                     {"errors": len(result["errors"])}))
    return 0 if not result["errors"] else 1
