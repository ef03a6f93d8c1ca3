"""Command line: `ztmo serve`, `ztmo sessie ...`, `ztmo netwerk ...`, `ztmo verslag ...`.
Parses, then calls the core."""

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

    verslag = sub.add_parser("verslag", help="maak het verslag van een sessie (HTML, en PDF "
                             "als dat kan)")
    verslag.add_argument("code", help="code van de sessie")
    verslag.add_argument("--uit", type=Path, metavar="MAP",
                         help="map voor het verslag (standaard var/verslagen)")
    verslag.add_argument("--geen-pdf", action="store_true", help="maak alleen de HTML-pagina")
    verslag.add_argument("--opnieuw", action="store_true",
                         help="maak het verslag opnieuw, ook als er niets veranderd is")

    netwerk = sub.add_parser("netwerk", help="leernetwerken: maken, bijeenkomst starten, "
                             "exporteren, verwijderen")
    nverbs = netwerk.add_subparsers(dest="verb", required=True)
    nnieuw = nverbs.add_parser("nieuw", help="maak een leernetwerk en toon code en sleutel")
    nnieuw.add_argument("--naam", required=True, help="naam, bijv. Leernetwerk Twente")
    nnieuw.add_argument("--regio", help="jeugdregio van het netwerk (naam of code), als het er "
                        "bij één hoort")
    meet = nverbs.add_parser("bijeenkomst", help="start een nieuwe bijeenkomst van het netwerk")
    meet.add_argument("id", help="code van het leernetwerk")
    meet.add_argument("--naam", required=True, help="naam van de bijeenkomst")
    meet.add_argument("--sleutel", required=True, help="sleutel van het leernetwerk")
    meet.add_argument("--datum", type=_day, help="datum van de bijeenkomst (JJJJ-MM-DD)")
    meet.add_argument("--leeg", action="store_true",
                      help="begin met een leeg draaiboek (niet dat van de vorige keer)")
    nexport = nverbs.add_parser("export", help="schrijf alle antwoorden van alle bijeenkomsten "
                                "naar een Excel-bestand (.xlsx)")
    nexport.add_argument("id", help="code van het leernetwerk")
    nexport.add_argument("--xlsx", type=Path, required=True, help="Excel-bestand")
    nexport.add_argument("--sleutel", required=True, help="sleutel van het leernetwerk")
    nexport.add_argument("--met-verborgen", action="store_true",
                         help="neem ook de verborgen antwoorden mee")
    nweg = nverbs.add_parser("verwijder", help="verwijder het leernetwerk met alle bijeenkomsten, "
                             "of één bijeenkomst")
    nweg.add_argument("id", help="code van het leernetwerk")
    nweg.add_argument("--sleutel", required=True, help="sleutel van het leernetwerk")
    nweg.add_argument("--bijeenkomst", metavar="CODE",
                      help="verwijder alleen deze bijeenkomst (code van de sessie)")

    from . import cli_data, cli_hosting
    from .editions import cli as editie_cli  # cheap: heavy imports happen in run()

    cli_data.add_parsers(sub)
    cli_hosting.add_parsers(sub)
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
    if args.command in ("trainer", "opruimen"):
        from . import cli_hosting

        return cli_hosting.run(args)
    if args.command in ("data", "regio"):
        from . import cli_data

        return cli_data.run(args)
    if args.command in ("sessie", "verslag", "netwerk"):
        try:
            return {"sessie": sessie, "verslag": report, "netwerk": network}[args.command](args)
        except ZtmoError as exc:
            print(f"{exc.title}. {exc}", file=sys.stderr)
            return 2
    return 2


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is geen datum; schrijf hem als "
                                         "JJJJ-MM-DD, bijvoorbeeld 2026-10-06") from None


def report(args: argparse.Namespace) -> int:
    """`ztmo verslag CODE --uit MAP`: the report's path on stdout, notes on stderr."""
    from . import report as report_module

    done = report_module.render(args.code, args.uit, pdf=not args.geen_pdf,
                                force=args.opnieuw)
    print(done.html)
    if done.pdf:
        print(done.pdf)
    for note in done.notes:
        print(note, file=sys.stderr)
    if done.reused:
        print("Er was niets veranderd sinds het vorige verslag: dat is het nog steeds.",
              file=sys.stderr)
    return 0


def network(args: argparse.Namespace) -> int:
    """The network verbs; errors are ZtmoError, shown by main() without a traceback."""
    from .store import Store

    with Store.from_env() as store:
        if args.verb == "nieuw":
            net = store.create_network(args.naam, args.regio)
            region = f" (jeugdregio {net.region_code})" if net.region_code else ""
            print(f"Leernetwerk: {net.name}{region}")
            print(f"Code van het leernetwerk: {net.id}")
            print(f"Sleutel van het leernetwerk: {net.trainer_key}  (bewaar deze goed; je hebt "
                  "hem nodig voor nieuwe bijeenkomsten, de export en het verwijderen)")
            print(f"Netwerkpagina: voila/render/notebooks/netwerk.ipynb?netwerk={net.id}")
            return 0
        if args.verb == "bijeenkomst":
            s = store.start_meeting(args.id, args.sleutel, args.naam, args.datum,
                                    template=not args.leeg)
            print(f"Bijeenkomst: {s.name}")
            print(f"Code voor deelnemers: {s.code}")
            print(f"Sleutel voor de trainer: {s.trainer_key}")
            print(f"Trainer: {TRAINER_PATH.format(code=s.code, key=s.trainer_key)}")
            return 0
        if args.verb == "export":
            from .export import to_xlsx

            frame = store.export_network(args.id, args.sleutel, include_hidden=args.met_verborgen)
            try:
                args.xlsx.write_bytes(to_xlsx(frame))
            except OSError as exc:
                raise ZtmoError(f"Het bestand {args.xlsx} kon niet worden geschreven "
                                f"({exc.strerror or exc}). Kies een andere plek.") from exc
            print(f"{_count(len(frame))} geschreven naar {args.xlsx}")
            return 0
        if args.verb == "verwijder":
            if args.bijeenkomst:
                code = store.get_session(args.bijeenkomst).code
                store.delete_meeting(args.id, args.sleutel, code)
                print(f"Bijeenkomst {code} is verwijderd, met alle deelnemers en antwoorden.")
                return 0
            n = store.delete_network(args.id, args.sleutel)
            print(f"Het leernetwerk is verwijderd, met {n} "
                  f"{'bijeenkomst' if n == 1 else 'bijeenkomsten'} en alle antwoorden.")
            return 0
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
    # Asked for as such: without hidden answers, nothing of them shows (not even a hidden
    # idea's text in the votes that went to it).
    frame = store.export(args.code, include_hidden=args.met_verborgen)
    left_out = sum(1 for a in store.snapshot(args.code).answers if a.hidden)
    files = [(path, make(frame)) for path, make in ((args.xlsx, to_xlsx), (args.csv, to_csv))
             if path is not None]
    for path, data in files:
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise ZtmoError(f"Het bestand {path} kon niet worden geschreven "
                            f"({exc.strerror or exc}). Kies een andere plek.") from exc
    print(f"{_count(len(frame))} geschreven naar {' en '.join(str(p) for p, _ in files)}")
    if left_out and not args.met_verborgen:
        it, are = ("het", "is") if left_out == 1 else ("ze", "zijn")
        print(f"{_count(left_out)} niet meegenomen, omdat {it} verborgen {are}. "
              f"Wil je {it} er toch in? Gebruik --met-verborgen.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
