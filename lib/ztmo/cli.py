"""Command line: `ztmo serve` (more verbs follow). Parses, then calls the core."""

from __future__ import annotations

import argparse
from dataclasses import replace

from . import serve


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ztmo", description="Leeromgeving Zo thuis mogelijk opgroeien")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="start de apps in Voila")
    s.add_argument("--host", help="adres om op te luisteren (standaard $ZTMO_HOST of 127.0.0.1)")
    s.add_argument("--port", type=int, help="poort (standaard $PORT of 8866)")
    s.add_argument("--pool-size", type=int, help="aantal voorverwarmde kernels per notebook")
    s.add_argument("--geen-voorverwarming", action="store_true", help="zet voorverwarmen uit")
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
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
