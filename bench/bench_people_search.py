"""Benchmark of the People search (issue 17): per keystroke, beside its floor, and the first
opening of the « Personnes » section.

For the place with the most people, a few names, a phone number and an e-mail address of
its register are typed letter by letter, plus a word that matches nobody (the whole register
is read for it). For each letter it times:

- ``register``: ``PeopleService.browse(site, text, limit=100)``, what the register's list
  asks for;
- ``picker``: ``PeopleService.search(site, text, limit=15)``, what a form's person field asks;
- ``floor``: the same search as raw SQL through ``sqlite3`` on the same file (the same
  ``WHERE``, the same fold of accents and case, the same ``ORDER BY … LIMIT``), no
  SQLAlchemy, no service;
- ``widget``: the register tab's list refreshed for the text (the search run at once, as
  Entrée does; the debounce itself is not timed).

Then the « Personnes » section is built, shown and painted once (Qt warmed by another window
first): the first open a user waits for. Target: under 150 ms on the 10 × 10 base.

The database is copied first with SQLite's backup API; the shared file is left as it was.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_people_search.py
[--db /tmp/large.sqlite] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlmodel import col

from tiers_lieu.app import Comptoir, build
from tiers_lieu.db import backup_sqlite
from tiers_lieu.models import Person
from tiers_lieu.services.people_search import fold
from tiers_lieu.services.tabular import normalise

FLOOR_SQL = """
SELECT id, first_name, last_name, organisation, phone, email, commune_id,
       consent_given_at, consent_withdrawn_at
FROM person
WHERE site_id = ? AND anonymized_at IS NULL AND merged_into_id IS NULL
  {matches}
ORDER BY last_name, first_name, id
LIMIT ?
"""
HAYSTACK = "first_name || ' ' || last_name || ' ' || organisation || ' ' || phone || ' ' || email"


def with_model_indexes(app: Comptoir) -> None:
    """A base built before the person indexes joined migration 0008 lacks them (its revision
    is already 0008): they are added to the copy, and said."""
    with app.engine.begin() as conn:
        existing = {index["name"] for index in inspect(conn).get_indexes("person")}
        for index in Person.__table__.indexes:  # type: ignore[attr-defined]
            if index.name not in existing:
                index.create(conn)
                print(f"index {index.name} added to the copy (the base predates it)")


def busiest_site(app: Comptoir) -> tuple[uuid.UUID, int]:
    with app.engine.connect() as conn:
        site_id, people = conn.execute(
            select(col(Person.site_id), func.count())
            .group_by(col(Person.site_id))
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    return uuid.UUID(str(site_id)), people


def typed_texts(app: Comptoir, site_id: uuid.UUID) -> list[str]:
    """Every prefix of what is typed: three last names, a first and last name, a phone
    number, an e-mail address and a word found nowhere."""
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(
                col(Person.first_name), col(Person.last_name), col(Person.phone), col(Person.email)
            )
            .where(col(Person.site_id) == site_id)
            .order_by(col(Person.id))
            .limit(400)
        ).all()
    names = [last for _first, last, _phone, _email in rows if last][::97][:3]
    first, last = next((f, la) for f, la, _p, _e in rows if f and la)
    phone = next(p for *_rest, p, _e in rows if p)
    email = next(e for *_rest, e in rows if e)
    wholes = [*names, f"{first} {last}", phone[:8], email.split("@")[0], "zzqxw"]
    return [whole[:end] for whole in wholes for end in range(1, len(whole) + 1)]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed_each(texts: list[str], work: Callable[[str], object], runs: int) -> list[float]:
    work(texts[0])  # statements prepared, caches warm: not counted
    samples = []
    for _ in range(runs):
        for text in texts:
            started = time.perf_counter()
            work(text)
            samples.append(time.perf_counter() - started)
    return samples


Samples = tuple[list[float], list[float]]
"""Wall-clock and processor seconds of each call."""


def in_turns(
    texts: list[str], work: Callable[[str], object], floor: Callable[[str], object], runs: int
) -> tuple[Samples, Samples]:
    """``work`` and ``floor`` on each text one after the other (a busy machine weighs on
    both alike), wall-clock and processor time of each."""
    work(texts[0])  # statements prepared, caches warm: not counted
    floor(texts[0])
    mine: Samples = ([], [])
    base: Samples = ([], [])
    for _ in range(runs):
        for text in texts:
            for action, samples in ((floor, base), (work, mine)):
                wall, cpu = time.perf_counter(), time.process_time()
                action(text)
                samples[0].append(time.perf_counter() - wall)
                samples[1].append(time.process_time() - cpu)
    return mine, base


def beside_floor(name: str, mine: Samples, base: Samples) -> None:
    wall, floor = median_ms(mine[0]), median_ms(base[0])
    cpu, floor_cpu = median_ms(mine[1]), median_ms(base[1])
    print(f"{name:<34} {wall:7.2f} ms a keystroke (processor {cpu:5.2f} ms)")
    print(
        f"{'  floor: the same SQL, sqlite3':<34} {floor:7.2f} ms"
        f"{'':15}(processor {floor_cpu:5.2f} ms)   ratio {wall / floor:4.1f}x"
        f" (processor {cpu / floor_cpu:4.1f}x)"
    )


def floor_search(
    conn: sqlite3.Connection, site_id: uuid.UUID, limit: int
) -> Callable[[str], object]:
    def search(text: str) -> object:
        words = [w for w in normalise(text).split("_") if w]
        if not words:
            return []
        matches = " ".join(f"AND instr(fold({HAYSTACK}), ?) > 0" for _ in words)
        return conn.execute(
            FLOOR_SQL.format(matches=matches), (site_id.hex, *words, limit)
        ).fetchall()

    return search


def service_level(app: Comptoir, path: Path, runs: int) -> None:
    site_id, people = busiest_site(app)
    texts = typed_texts(app, site_id)
    print(f"people_of_site={people} keystrokes={len(texts)} runs={runs}")
    conn = sqlite3.connect(path)
    conn.create_function("fold", 1, fold, deterministic=True)
    service = app.people
    try:
        beside_floor(
            "register (browse, 100)",
            *in_turns(
                texts,
                lambda t: service.browse(site_id, t, limit=100),
                floor_search(conn, site_id, 100),
                runs,
            ),
        )
        beside_floor(
            "picker (search, 15)",
            *in_turns(
                texts,
                lambda t: service.search(site_id, t, limit=15),
                floor_search(conn, site_id, 15),
                runs,
            ),
        )
        beside_floor(
            "a word found nowhere (register)",
            *in_turns(
                ["zzqxw"] * 20,
                lambda t: service.browse(site_id, t, limit=100),
                floor_search(conn, site_id, 100),
                runs,
            ),
        )
    finally:
        conn.close()


def widget_level(app: Comptoir, runs: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QTableView, QWidget

    from tiers_lieu.ui.people import PeopleSection

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    site_id, _people = busiest_site(app)
    site = next(s for s in app.sites.list_sites() if s.id == site_id)
    warm = QWidget()  # Qt's first window (fonts, style): not the section's cost
    QTableView(warm)
    warm.show()
    qapp.processEvents()

    started = time.perf_counter()
    section = PeopleSection(app, site)
    section.resize(1280, 800)
    section.show()
    qapp.processEvents()
    opened = time.perf_counter() - started
    print(f"{'Personnes section, first open':<34} {opened * 1000:7.2f} ms  (target < 150 ms)")

    register = section.register
    run_now = getattr(register, "search_now", None)
    texts = typed_texts(app, site_id)

    def type_text(text: str) -> None:
        register.search.setText(text)
        if run_now is not None:
            run_now()  # what Entrée does; the debounce timer is not waited for
        qapp.processEvents()

    samples = timed_each(texts, type_text, runs)
    print(f"{'register list, one keystroke':<34} {median_ms(samples):7.2f} ms  (median)")
    section.close()
    warm.close()
    # Deleted while the application exists: PySide crashed at the interpreter's shutdown.
    section.deleteLater()
    warm.deleteLater()
    qapp.processEvents()
    del section, warm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.sqlite"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db} is missing: make it with `tiers-lieu --db {args.db} demo --scale large`")
        return 2
    with tempfile.TemporaryDirectory() as folder:
        copy = backup_sqlite(args.db, Path(folder) / "bench.sqlite")
        app = build(str(copy))
        try:
            with_model_indexes(app)
            service_level(app, copy, args.runs)
            widget_level(app, args.runs)
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
