"""`ztmo regio ...` and `ztmo data ...`: parse, then call the core."""

from __future__ import annotations

import argparse
import sys

from .errors import ZtmoError


def add_parsers(sub: argparse._SubParsersAction) -> None:
    regio = sub.add_parser("regio", help="de 42 jeugdregio's")
    rverbs = regio.add_subparsers(dest="verb", required=True)
    rverbs.add_parser("lijst", help="toon alle regio's: code en naam, een per regel")


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "regio" and args.verb == "lijst":
            from .regions import load_regions

            for region in load_regions():
                print(f"{region.code} {region.name}")
            return 0
    except ZtmoError as exc:
        print(f"{exc.title}. {exc}", file=sys.stderr)
        return 2
    return 2
