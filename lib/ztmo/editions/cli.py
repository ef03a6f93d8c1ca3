"""`ztmo editie`: parse, check the regions, then call `render.render`.

Importing this module stays cheap (the main CLI imports it for every command):
Papermill, nbconvert and the worker processes are only touched in `run`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "editie", help="maak statische regio-edities (HTML)",
        description="Maak de editie van een of meer jeugdregio's: alle notebooks uitgevoerd "
                    "voor die regio, als losse HTML-pagina's om te lezen, door te sturen en "
                    "af te drukken.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--regio", action="append", metavar="NAAM",
                       help="naam of code van de jeugdregio (mag vaker)")
    which.add_argument("--alle", action="store_true", help="alle 42 jeugdregio's")
    p.add_argument("--uit", type=Path, metavar="MAP",
                   help="map voor de edities (standaard var/edities in de repository)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="aantal edities tegelijk (standaard: het aantal processorkernen)")
    p.add_argument("--opnieuw", action="store_true",
                   help="maak alles opnieuw, ook edities waarvan niets veranderd is")
    p.add_argument("--notebooks", type=Path, metavar="MAP",
                   help="map met de notebooks (standaard notebooks/ in de repository)")


def run(args: argparse.Namespace) -> int:
    from ..errors import ZtmoError
    from ..regions import get_region, load_regions
    from . import render

    try:
        regions = (list(load_regions()) if args.alle
                   else [get_region(name) for name in args.regio])
        if args.workers is not None and args.workers < 1:
            raise render.EditionError("Kies voor --workers een getal van 1 of meer.")
        summary = render.render(regions, args.uit or render.default_output(),
                                notebooks_dir=args.notebooks, workers=args.workers,
                                force=args.opnieuw)
    except ZtmoError as exc:
        print(f"{exc.title}. {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nOnderbroken. Start dezelfde opdracht opnieuw: wat al klaar was, blijft "
              "staan en de rest wordt alsnog gemaakt.", file=sys.stderr)
        return 130
    for line in render.describe(summary):
        print(line, file=sys.stderr if line.startswith(("Mislukt", "- ", "  ")) else sys.stdout)
    return 0 if summary.ok else 1
