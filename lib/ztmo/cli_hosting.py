"""`ztmo trainer ...` and `ztmo opruimen`: what an administrator of a hosted server does.

Parse, then call the store. Keys are shown once and never again; names of trainers are
the only names the store keeps (participants stay anonymous).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

from .errors import ZtmoError


def add_parsers(sub: argparse._SubParsersAction) -> None:
    trainer = sub.add_parser("trainer", help="trainersaccounts op een gehoste server")
    verbs = trainer.add_subparsers(dest="verb", required=True)
    new = verbs.add_parser("nieuw", help="maak een account en toon de persoonlijke sleutel "
                           "(eenmalig)")
    new.add_argument("--naam", required=True, help="naam van de trainer, zodat je de account "
                     "herkent")
    verbs.add_parser("lijst", help="toon alle trainers: code, naam, sinds, status")
    revoke = verbs.add_parser("intrekken", help="de sleutel werkt niet meer; sessies en "
                              "antwoorden blijven")
    revoke.add_argument("code", help="code van de trainer (zie: ztmo trainer lijst)")

    clean = sub.add_parser("opruimen", help="verwijder sessies en leernetwerken ouder dan de "
                           "bewaartermijn")
    clean.add_argument("--proef", action="store_true",
                       help="toon alleen wat weg zou gaan; verwijder niets")
    clean.add_argument("--maanden", type=int, metavar="N",
                       help="bewaartermijn in maanden (standaard $ZTMO_BEWAARTERMIJN of 12)")


def _day(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def run(args: argparse.Namespace) -> int:
    from .store import Store

    try:
        with Store.from_env() as store:
            if args.command == "trainer":
                return trainer(store, args)
            return clean_up(store, args)
    except ZtmoError as exc:
        print(f"{exc.title}. {exc}", file=sys.stderr)
        return 2


def trainer(store, args: argparse.Namespace) -> int:
    from .store.trainers import format_key

    if args.verb == "nieuw":
        t = store.create_trainer(args.naam)
        print(f"Trainer: {t.name} (code {t.id})")
        print(f"Persoonlijke sleutel: {format_key(t.key)}")
        print("Geef deze sleutel alleen aan de trainer zelf. Hij wordt niet bewaard en is hierna "
              "niet meer te zien; kwijt is een nieuwe account maken en deze intrekken.")
        return 0
    if args.verb == "lijst":
        found = store.trainers()
        if not found:
            print("Er zijn nog geen trainers. Maak er een met: ztmo trainer nieuw --naam NAAM")
            return 0
        for t in found:
            state = "actief" if t.active else f"ingetrokken op {_day(t.revoked_at.date())}"
            print(f"{t.id}  {t.name}  sinds {_day(t.created_at.date())}  {state}  "
                  f"{t.sessions} sessies, {t.networks} leernetwerken")
        return 0
    if args.verb == "intrekken":
        t = store.revoke_trainer(args.code)
        print(f"De sleutel van {t.name} (code {t.id}) werkt niet meer; wie met deze sleutel "
              "was aangemeld, is afgemeld. De sessies en antwoorden blijven.")
        return 0
    return 2


def clean_up(store, args: argparse.Namespace) -> int:
    from .hosting import AddressError, local_day, retention_cutoff, retention_months
    from .store.retention import _now

    if args.maanden is not None:
        months = args.maanden
        if not 1 <= months <= 120:
            raise ZtmoError(f"De bewaartermijn moet tussen 1 en 120 maanden zijn, niet {months}.")
    else:
        try:
            months = retention_months(os.environ)
        except AddressError as exc:
            raise ZtmoError(str(exc)) from None
    cutoff = retention_cutoff(local_day(_now()), months)
    found = store.expired(cutoff) if args.proef else store.purge(cutoff)
    verb = "zou weggaan" if args.proef else "is verwijderd"
    print(f"Bewaartermijn: {months} maanden. Alles van vóór {_day(cutoff)} {verb}.")
    for s in found.sessions:
        print(f"  sessie {s.code}  {s.name}  ({_day(s.held_on)})")
    for n in found.networks:
        print(f"  leernetwerk {n.id}  {n.name}  (gemaakt {_day(n.created_on)})")
    sessions = len(found.sessions)
    networks = len(found.networks)
    print(f"{'Zou verwijderen' if args.proef else 'Verwijderd'}: {sessions} "
          f"{'sessie' if sessions == 1 else 'sessies'}, {networks} "
          f"{'leernetwerk' if networks == 1 else 'leernetwerken'}, {found.logins} oude "
          f"{'aanmelding' if found.logins == 1 else 'aanmeldingen'}.")
    return 0
