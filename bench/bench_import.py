"""Benchmark of the visits import: a 100 000-line CSV into a fresh database (budget: 10 s).

It prints figures rather than asserting them: the seconds to check the file in a dry run and
to import it (read, check, write, commit), for each of ``--repeat`` fresh databases set up by
``tiers-lieu init``, then the median; and the rows read back. The file mixes what real tally
sheets hold: both date formats, times or none, services in varied spelling, groups, communes
by name or INSEE code (a few unknown to the site, added outside the territory) and partial
details. Timings on a shared machine vary: the median is the figure to quote.

With ``--into FILE`` each run imports into a copy of FILE (its first site) instead, e.g. the
``large`` demo, to see the cost of indexes that already hold 250 000 visits.

Run: ``.venv/bin/python bench/bench_import.py [--rows 100000] [--repeat 3] [--into FILE]``
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tiers_lieu.__main__ import main as cli
from tiers_lieu.app import build
from tiers_lieu.db import backup_sqlite
from tiers_lieu.models import Commune, Visit

SERVICES = [
    "Accueil / information",
    "ACCUEIL / INFORMATION",
    "Epicerie",
    "Épicerie",
    "Café / convivialité",
    "Relais colis / poste",
    "Médiation numérique",
    "coworking",
]
COMMUNES = ["Felletin", "23079", "Aubusson", "Vallière", "Saint-Yrieix-la-Montagne", ""]
AGES = ["", "", "25-39", "40-59", "60-69", "70+", "Non communiqué"]
GENDERS = ["", "F", "Masculin", "féminin", "Non communiqué"]
STATUSES = ["", "", "Retraité", "En emploi", "sans emploi"]


def write_csv(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    start = date.today() - timedelta(days=3 * 365)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            ["date", "heure", "service", "nombre", "commune", "tranche_age", "genre", "statut"]
        )
        for _ in range(rows):
            day = start + timedelta(days=rng.randrange(3 * 365))
            when = day.strftime("%d/%m/%Y") if rng.random() < 0.7 else day.isoformat()
            hour = f"{rng.randint(9, 18):02d}:{rng.randrange(60):02d}" if rng.random() < 0.6 else ""
            count = "" if rng.random() < 0.9 else str(rng.randint(2, 12))
            writer.writerow(
                [
                    when,
                    hour,
                    rng.choice(SERVICES),
                    count,
                    rng.choice(COMMUNES),
                    rng.choice(AGES),
                    rng.choice(GENDERS),
                    rng.choice(STATUSES),
                ]
            )


def one_run(
    folder: Path, source: Path, number: int, into: Path | None
) -> tuple[float, float, int, int, int]:
    """Dry run then import into a fresh database (or a copy of ``into``, first site);
    (dry s, import s, rows, visits, communes) with the counts of the whole database."""
    db = folder / f"bench-{number}.sqlite"
    if into is None:
        site = ["--site", "Banc d'essai", "--commune", "Felletin", "--insee", "23079"]
        if cli(["--db", str(db), "init", *site]) != 0:
            raise SystemExit("init failed")
    else:
        backup_sqlite(into, db)
    app = build(str(db))
    try:
        site_id = app.sites.list_sites()[0].id
        started = time.perf_counter()
        app.imports.import_visits(site_id, source, dry_run=True)
        dry_s = time.perf_counter() - started
        started = time.perf_counter()
        app.imports.import_visits(site_id, source)
        import_s = time.perf_counter() - started
        with app.uow() as uow:
            rows = uow.session.execute(select(func.count()).select_from(Visit)).scalar_one()
            visits = uow.session.execute(select(func.sum(Visit.count))).scalar_one()
            communes = uow.session.execute(select(func.count()).select_from(Commune)).scalar_one()
    finally:
        app.close()
    return dry_s, import_s, int(rows), int(visits), int(communes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--into", type=Path, default=None, help="import into a copy of this database"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "visites.csv"
        started = time.perf_counter()
        write_csv(source, args.rows, args.seed)
        written = time.perf_counter() - started
        size_mb = source.stat().st_size / 1_000_000
        print(f"file: {args.rows:,} lines, {size_mb:.1f} MB, written in {written:.2f} s")
        runs = []
        for number in range(1, args.repeat + 1):
            dry_s, import_s, rows, visits, communes = one_run(folder, source, number, args.into)
            runs.append((dry_s, import_s))
            print(
                f"run {number}: dry run {dry_s:5.2f} s, import {import_s:5.2f} s"
                f" -> {rows:,} rows, {visits:,} visits, {communes} communes"
            )
    dry_median = statistics.median(r[0] for r in runs)
    import_median = statistics.median(r[1] for r in runs)
    print(f"median: dry run (read + check) {dry_median:.2f} s")
    print(f"median: import (read + check + write + commit) {import_median:.2f} s (budget 10 s)")
    return 0 if import_median < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
