"""Command line: `ztmo serve` and `ztmo sessie ...`. Parses, then calls the core."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from . import serve
from .errors import ZtmoError

JOIN_PATH = "voila/render/notebooks/index.ipynb?sessie={code}"
TRAINER_PATH = "voila/render/notebooks/trainer.ipynb?sessie={code}&sleutel={key}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ztmo", description="Leeromgeving Zo thuis mogelijk opgroeien")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="start de apps in Voila")
    s.add_argument("--host", help="adres om op te luisteren (standaard $ZTMO_HOST of 127.0.0.1)")
    s.add_argument("--port", type=int, help="poort (standaard $PORT of 8866)")
    s.add_argument("--pool-size", type=int, help="aantal voorverwarmde kernels per notebook")
    s.add_argument("--geen-voorverwarming", action="store_true", help="zet voorverwarmen uit")

    sessie = sub.add_parser("sessie", help="groepssessies: maken, exporteren, verwijderen")
    verbs = sessie.add_subparsers(dest="verb", required=True)
    nieuw = verbs.add_parser("nieuw", help="maak een nieuwe sessie en toon code en sleutel")
    nieuw.add_argument("--naam", required=True, help="naam van de sessie, bijv. plaats en datum")
    export = verbs.add_parser("export", help="schrijf alle antwoorden van een sessie naar CSV")
    export.add_argument("code", help="code van de sessie")
    export.add_argument("--csv", required=True, type=Path, help="bestand om naar te schrijven")
    weg = verbs.add_parser("verwijder", help="verwijder een sessie met alle antwoorden")
    weg.add_argument("code", help="code van de sessie")
    weg.add_argument("--sleutel", required=True, help="sleutel van de trainer")

    from . import cli_data
    from .editions import cli as editie_cli  # cheap: heavy imports happen in run()

    cli_data.add_parsers(sub)
    editie_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        settings = serve.ServeSettings.from_env()
        changes = {k: v for k, v in (("host", args.host), ("port", args.port),
                                     ("pool_size", args.pool_size)) if v is not None}
        if args.geen_voorverwarming:
            changes["preheat"] = False
        return serve.run(replace(settings, **changes))
    if args.command == "editie":
        from .editions import cli as editie_cli

        return editie_cli.run(args)
    if args.command in ("data", "regio"):
        from . import cli_data

        return cli_data.run(args)
    if args.command == "sessie":
        try:
            return sessie(args)
        except ZtmoError as exc:
            print(f"{exc.title}. {exc}", file=sys.stderr)
            return 2
    return 2


def sessie(args: argparse.Namespace) -> int:
    """The session verbs; errors are ZtmoError, shown by main() without a traceback."""
    from .store import Store  # lazily: `ztmo serve` does not need SQLAlchemy

    with Store.from_env() as store:
        if args.verb == "nieuw":
            s = store.create_session(args.naam)
            print(f"Sessie: {s.name}")
            print(f"Code voor deelnemers: {s.code}")
            print(f"Sleutel voor de trainer: {s.trainer_key}  (bewaar deze goed; "
                  "je hebt hem nodig om de sessie te sluiten of te verwijderen)")
            print(f"Deelnemers: {JOIN_PATH.format(code=s.code)}")
            print(f"Trainer: {TRAINER_PATH.format(code=s.code, key=s.trainer_key)}")
            return 0
        if args.verb == "export":
            frame = store.export(args.code)
            try:
                frame.to_csv(args.csv, index=False, encoding="utf-8")
            except OSError as exc:
                raise ZtmoError(f"Het bestand {args.csv} kon niet worden geschreven "
                                f"({exc.strerror or exc}). Kies een andere plek.") from exc
            print(f"{len(frame)} antwoorden geschreven naar {args.csv}")
            return 0
        if args.verb == "verwijder":
            code = store.get_session(args.code).code
            store.delete_session(code, args.sleutel)
            print(f"Sessie {code} is verwijderd, met alle deelnemers en antwoorden.")
            return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
