"""`ztmo editie`: placeholder until the editions renderer lands (issue 6)."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("editie", help="maak statische regio-edities (HTML)")
    p.add_argument("--regio", help="naam of code van de jeugdregio")


def run(args: argparse.Namespace) -> int:
    print("Edities zijn nog niet beschikbaar.", file=sys.stderr)
    return 2
