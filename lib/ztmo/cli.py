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
    s.add_argument("--deelnemers", type=int,
                   help="aantal deelnemers tegelijk: zoveel kernels staan klaar voor de startpagina")
    s.add_argument("--pool-size", type=int,
                   help="(verouderd) voorverwarmde kernels voor elke andere app (standaard 0)")
    s.add_argument("--geen-voorverwarming", action="store_true", help="zet voorverwarmen uit")

    sessie = sub.add_parser("sessie", help="groepssessies: maken, exporteren, verwijderen")
    verbs = sessie.add_subparsers(dest="verb", required=True)
    nieuw = verbs.add_parser("nieuw", help="maak een nieuwe sessie en toon code en sleutel")
    nieuw.add_argument("--naam", required=True, help="naam van de sessie, bijv. plaats en datum")
    export = verbs.add_parser("export", help="schrijf de antwoorden van een sessie naar een "
                              "Excel-bestand (.xlsx) en/of een CSV-bestand")
    export.add_argument("code", help="code van de sessie")
    export.add_argument("--xlsx", type=Path, help="Excel-bestand om naar te schrijven")
    export.add_argument("--csv", type=Path, help="CSV-bestand om naar te schrijven (met ;)")
    export.add_argument("--met-verborgen", action="store_true",
                        help="neem ook de antwoorden mee die de trainer heeft verborgen")
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
        try:
            settings = serve.ServeSettings.from_env()
        except serve.SettingsError as exc:
            print(f"De server start niet: {exc}", file=sys.stderr)
            return 2
        changes = {k: v for k, v in (("host", args.host), ("port", args.port),
                                     ("deelnemers", args.deelnemers),
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
            return export_session(store, args)
        if args.verb == "verwijder":
            code = store.get_session(args.code).code
            store.delete_session(code, args.sleutel)
            print(f"Sessie {code} is verwijderd, met alle deelnemers en antwoorden.")
            return 0
    return 2


def _count(n: int) -> str:
    return f"{n} {'antwoord' if n == 1 else 'antwoorden'}"


def export_session(store, args: argparse.Namespace) -> int:
    """`ztmo sessie export CODE --xlsx FILE --csv FILE [--met-verborgen]`."""
    from .export import to_csv, to_xlsx

    if args.xlsx is None and args.csv is None:
        raise ZtmoError("Zeg waar de antwoorden heen moeten: --xlsx BESTAND.xlsx en/of "
                        "--csv BESTAND.csv.")
    everything = store.export(args.code, include_hidden=True)
    hidden = everything["verborgen"] == "ja"
    frame = everything if args.met_verborgen else everything[~hidden].reset_index(drop=True)
    files = [(path, make(frame)) for path, make in ((args.xlsx, to_xlsx), (args.csv, to_csv))
             if path is not None]
    for path, data in files:
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise ZtmoError(f"Het bestand {path} kon niet worden geschreven "
                            f"({exc.strerror or exc}). Kies een andere plek.") from exc
    print(f"{_count(len(frame))} geschreven naar {' en '.join(str(p) for p, _ in files)}")
    left_out = int(hidden.sum())
    if left_out and not args.met_verborgen:
        it, are = ("het", "is") if left_out == 1 else ("ze", "zijn")
        print(f"{_count(left_out)} niet meegenomen, omdat {it} verborgen {are}. "
              f"Wil je {it} er toch in? Gebruik --met-verborgen.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
