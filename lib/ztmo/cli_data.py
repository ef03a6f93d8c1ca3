"""`ztmo regio ...` and `ztmo data ...`: parse, then call the core."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ZtmoError


def add_parsers(sub: argparse._SubParsersAction) -> None:
    regio = sub.add_parser("regio", help="de 42 jeugdregio's")
    rverbs = regio.add_subparsers(dest="verb", required=True)
    rverbs.add_parser("lijst", help="toon alle regio's: code en naam, een per regel")

    data = sub.add_parser("data", help="cijfers controleren en vernieuwen")
    dverbs = data.add_subparsers(dest="verb", required=True)
    check = dverbs.add_parser("controleer", help="controleer een bestand met eigen cijfers")
    check.add_argument("bestand", type=Path, help="CSV volgens data/templates/regio_cijfers.csv")
    new = dverbs.add_parser("vernieuwen", help="haal de nieuwste cijfers op bij CBS (internet)")
    new.add_argument("--jaren", help="alleen deze jaren, bijv. 2022,2023,2024")


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "regio" and args.verb == "lijst":
            from .regions import load_regions

            for region in load_regions():
                print(f"{region.code} {region.name}")
            return 0
        if args.command == "data" and args.verb == "controleer":
            return controleer(args.bestand)
        if args.command == "data" and args.verb == "vernieuwen":
            return vernieuwen(args.jaren)
    except ZtmoError as exc:
        print(f"{exc.title}. {exc}", file=sys.stderr)
        return 2
    return 2


def controleer(path: Path) -> int:
    """Every fault on its own line; exit 1 when there are faults, 0 when the file is fine."""
    from .localfigures import check

    frame, faults = check(path)
    if faults:
        print(f"{path}: {len(faults)} fout(en) gevonden. Verbeter ze en controleer opnieuw.")
        for fault in faults:
            print(f"- {fault.text()}")
        return 1
    regions = ", ".join(sorted(set(frame.regio_code))) or "geen"
    print(f"{path} is in orde: {len(frame)} cijfers voor {regions}.")
    return 0


def vernieuwen(years: str | None) -> int:
    """Download from CBS; on any failure the current files stay (RefreshError -> exit 2)."""
    import os

    from .paths import data_dir
    from .refresh import BASE_URL, refresh

    chosen = None
    if years:
        try:
            chosen = [int(y) for y in years.split(",") if y.strip()]
        except ValueError:
            print(f"'{years}' is geen lijst van jaren, zoals 2022,2023.", file=sys.stderr)
            return 2
    base = os.environ.get("ZTMO_CBS_URL", BASE_URL)  # another address: a mirror or a test
    report = refresh(data_dir(), years=chosen, base_url=base,
                     progress=lambda m: print(m, file=sys.stderr))
    years_text = ", ".join(map(str, report.years))
    print(f"Vernieuwd: {report.rows} cijfers voor {report.regions} regio's ({years_text}); "
          f"{report.missing} ontbreken bij het CBS.")
    for path in report.paths:
        print(f"Geschreven: {path}")
    return 0
