"""Derive the committed files in data/regions/ and data/figures/ from the shared sources.

Why a script: the source files live outside the repo (they are not on users'
machines), so the small derived CSVs are committed and this script documents,
checks and reproduces exactly how they were made. Output is deterministic:
rerunning it gives byte-identical files.

Usage: python scripts/derive_data.py [--shared PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_SUBDIR = Path("data") / "jeugdregios" / "regions"
REGIONS_SOURCE = "jeugdregios_2025.csv"
MUNICIPALITIES_SOURCE = "gemeente_jeugdregio_2025.csv"
GEO_SUBDIR = Path("data") / "jeugdregios" / "geo"
GEO_FILES = ("jeugdregio_2025.topojson", "gemeente_2025.topojson")
REGION_COLUMNS = ("jz_code", "jz_naam", "n_gemeenten_afgeleid")
MUNICIPALITY_COLUMNS = ("gm_code", "gm_naam", "jz_code")


class DeriveError(Exception):
    """A problem with the source data; the message is Dutch and shown as-is."""


def read_source(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a source CSV, failing clearly if it or a needed column is missing."""
    if not path.is_file():
        raise DeriveError(
            f"Bronbestand ontbreekt: {path}. Geef met --shared de map op die "
            f"'{SOURCE_SUBDIR.as_posix()}' bevat."
        )
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DeriveError(
                f"Bronbestand {path}: kolom(men) {', '.join(missing)} ontbreken in de kopregel."
            )
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def derive(shared: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Return (region rows, municipality rows), checked and sorted."""
    src = shared / SOURCE_SUBDIR
    regions = read_source(src / REGIONS_SOURCE, REGION_COLUMNS)
    municipalities = read_source(src / MUNICIPALITIES_SOURCE, MUNICIPALITY_COLUMNS)

    names = {r["jz_code"]: r["jz_naam"] for r in regions}
    if len(names) != len(regions):
        raise DeriveError(f"{REGIONS_SOURCE}: regiocodes komen dubbel voor.")
    counts: Counter[str] = Counter()
    for i, m in enumerate(municipalities, start=1):
        if m["jz_code"] not in names:
            raise DeriveError(
                f"{MUNICIPALITIES_SOURCE}, rij {i}: onbekende regio '{m['jz_code']}'."
            )
        counts[m["jz_code"]] += 1
    if len({m["gm_code"] for m in municipalities}) != len(municipalities):
        raise DeriveError(f"{MUNICIPALITIES_SOURCE}: gemeentecodes komen dubbel voor.")
    for r in regions:
        if str(counts[r["jz_code"]]) != r["n_gemeenten_afgeleid"]:
            raise DeriveError(
                f"{REGIONS_SOURCE}: regio {r['jz_code']} heeft n_gemeenten_afgeleid="
                f"{r['n_gemeenten_afgeleid']}, maar {counts[r['jz_code']]} gemeenten."
            )

    region_rows = [[code, names[code], str(counts[code])] for code in sorted(names)]
    municipality_rows = sorted(
        ([m["gm_code"], m["gm_naam"], m["jz_code"], "ja"] for m in municipalities),
        key=lambda row: (row[2], row[1], row[0]),
    )
    return region_rows, municipality_rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write UTF-8 with LF line endings so the bytes never depend on the platform."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="map met data/jeugdregios/regions/ (standaard: <repo>/../shared)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "data",
        help="gegevensmap om in te schrijven (standaard: <repo>/data)",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from derive_figures import COLUMNS, FiguresSourceError, derive_figures

    try:
        region_rows, municipality_rows = derive(args.shared)
        names = {row[0]: row[1] for row in municipality_rows}
        figure_rows = derive_figures(args.shared, names)
        geo = [args.shared / GEO_SUBDIR / name for name in GEO_FILES]
        for path in geo:
            if not path.is_file():
                raise DeriveError(f"Bronbestand ontbreekt: {path}.")
    except (DeriveError, FiguresSourceError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    regions_out, figures_out = args.out / "regions", args.out / "figures"
    for folder in (regions_out / "geo", figures_out):
        folder.mkdir(parents=True, exist_ok=True)
    write_csv(regions_out / "jeugdregios.csv", ["code", "naam", "n_gemeenten"], region_rows)
    write_csv(
        regions_out / "gemeenten.csv",
        ["gm_code", "gm_naam", "jz_code", "afgeleid"],
        municipality_rows,
    )
    for path in geo:  # boundaries for the maps: verbatim copies
        shutil.copyfile(path, regions_out / "geo" / path.name)
    write_csv(figures_out / "cijfers.csv", COLUMNS, figure_rows)
    print(
        f"Geschreven naar {args.out}: {len(region_rows)} regio's, "
        f"{len(municipality_rows)} gemeenten, {len(figure_rows)} cijfers, "
        f"{len(geo)} kaartbestanden."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
