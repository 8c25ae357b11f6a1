"""Benchmark of every section of the window: its first open and each of its tabs (issue 17).

Offscreen, on a copy of ``--db`` (SQLite online backup: the shared file is never changed),
signed in as a coordinator bound to the busiest place (the account is made in the copy). For
each section of ``ui/sections.py``:

- ``open``: the section built the way the window builds it (``Section.build``), put in a
  1280×800 page, shown and painted (``processEvents``) — what the user waits for;
- ``filled``: when the section fills itself from the background, until the pool is idle and
  its results are on screen (the user sees the frame and « Chargement… » meanwhile);
- ``stall``: the longest single turn of the event loop from the click until filled — what the
  GUI thread was held, the figure that must stay under the 150 ms budget;
- ``cpu``: the GUI thread's own CPU time in that turn (``time.thread_time``): other programs
  on a shared machine lengthen ``stall``, not ``cpu``;
- then every tab (nested ones too, in Ctrl+Tab order) shown once, with the same figures.

Each figure is the median of ``--runs`` runs (the first, cold run is printed apart), beside a
floor measured in the same run: a bare section frame (a QWidget holding an empty QTableView,
built, shown and painted the same way) and the ratio of ``stall`` to it. Lines whose ``stall``
and ``cpu`` both pass 150 ms are flagged ``SLOW``.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_sections.py
[--db /tmp/large.sqlite] [--runs 3] [--only epicerie,rapports] [--role coordinator]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QTableView, QVBoxLayout, QWidget
from sqlalchemy import func, select
from sqlmodel import col

from tiers_lieu.app import Comptoir, build
from tiers_lieu.db import backup_sqlite
from tiers_lieu.models import Visit
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo

BUDGET_MS = 150.0
SIZE = (1280, 800)
PASSWORD = "banc d'essai des sections"


@dataclass
class Lap:
    """One measured step: until painted, until filled, the longest event-loop turn, and
    the GUI thread's own CPU time in that turn (what other processes on a shared machine do
    not add to)."""

    shown: float
    filled: float
    stall: float
    cpu: float


@dataclass
class Figures:
    laps: list[Lap] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        values = [getattr(lap, attribute) for lap in self.laps[1:] or self.laps]
        return statistics.median(values)

    @property
    def cold(self) -> Lap:
        return self.laps[0]


def settle(qapp: QApplication, started: float, shown_at: float, first_cpu: float = 0.0) -> Lap:
    """Turn the event loop until the pool is idle and nothing is pending; the lap of a step
    started at ``started`` whose first paint ended at ``shown_at`` (``first_cpu`` seconds
    of the GUI thread)."""
    pool = QThreadPool.globalInstance()
    stall = shown_at - started
    cpu = first_cpu
    idle_turns = 0
    while idle_turns < 3:
        turn, turn_cpu = time.perf_counter(), time.thread_time()
        qapp.processEvents()
        stall = max(stall, time.perf_counter() - turn)
        cpu = max(cpu, time.thread_time() - turn_cpu)
        if pool.activeThreadCount() == 0:
            idle_turns += 1
        else:
            idle_turns = 0
            time.sleep(0.001)
    filled = time.perf_counter() - started
    return Lap((shown_at - started) * 1000, filled * 1000, stall * 1000, cpu * 1000)


def timed_step(qapp: QApplication, step: Callable[[], object]) -> Lap:
    started, started_cpu = time.perf_counter(), time.thread_time()
    step()
    qapp.processEvents()
    shown_at, cpu = time.perf_counter(), time.thread_time() - started_cpu
    return settle(qapp, started, shown_at, cpu)


def add_missing_indexes(app: Comptoir) -> None:
    """A base made while migration 0008 was still being written is at its revision without
    all of its indexes: add them to the copy (never to ``--db``), and say so."""
    from importlib import import_module

    from sqlalchemy import inspect, text

    try:
        speed = import_module("tiers_lieu.migrations.versions.0008_speed_indexes")
    except ModuleNotFoundError:  # a Comptoir before 0008 (to time it on the same base)
        return
    inspector = inspect(app.engine)
    missing = [
        (name, table, columns)
        for name, table, columns in speed.INDEXES
        if name not in {i["name"] for i in inspector.get_indexes(table)}
    ]
    if not missing:
        return
    print(f"(adding to the copy {len(missing)} index(es) of 0008 it lacks)", flush=True)
    with app.engine.begin() as conn:
        for name, table, columns in missing:
            conn.execute(text(f"CREATE INDEX {name} ON {table} ({', '.join(columns)})"))


def busiest_site(app: Comptoir) -> SiteInfo:
    with app.engine.connect() as conn:
        site_id = conn.execute(
            select(col(Visit.site_id))
            .group_by(col(Visit.site_id))
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
    return next(s for s in app.sites.list_sites() if s.id == site_id)


def sign_in(app: Comptoir, site: SiteInfo, role: Role) -> None:
    """An account of ``role`` bound to ``site``, made in the copy as the system, signed in."""
    username = f"banc.{role.value}"
    known = [u for u in app.accounts.list_users() if u.username == username]
    if known:
        app.access.sign_in(known[0])
        return
    user = app.accounts.create_user(
        username=username,
        display_name=f"Banc {role.value}",
        password=PASSWORD,
        role=role,
        site_id=site.id if role != Role.ADMIN else None,
    )
    app.access.sign_in(user)


def page(qapp: QApplication) -> QWidget:
    """The window's page a section goes in: a widget with a layout, 1280×800, shown."""
    host = QWidget()
    QVBoxLayout(host).setContentsMargins(0, 0, 0, 0)
    host.resize(*SIZE)
    host.show()
    qapp.processEvents()
    return host


def floor_step(qapp: QApplication, host: QWidget) -> Callable[[], object]:
    def step() -> object:
        frame = QWidget()
        QVBoxLayout(frame).addWidget(QTableView(frame))
        host.layout().addWidget(frame)
        frame.show()
        return frame

    return step


def discard(qapp: QApplication, host: QWidget) -> None:
    layout = host.layout()
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
    settle(qapp, time.perf_counter(), time.perf_counter())


def quiet_qt() -> None:
    """Drop the offscreen plugin's « does not support propagateSizeHints() » lines."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode, context, message):  # type: ignore[no-untyped-def]
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def report(label: str, figures: Figures, floor: float) -> None:
    shown = figures.median("shown")
    filled = figures.median("filled")
    stall = figures.median("stall")
    cpu = figures.median("cpu")
    cold = figures.cold
    flag = "  SLOW" if min(stall, cpu) > BUDGET_MS else ""
    background = f" filled {filled:6.0f}" if filled - shown > 5 else " " * 14
    print(
        f"{label:<46} open {shown:6.1f} ms{background}  stall {stall:6.1f} cpu {cpu:6.1f}  "
        f"floor {floor:4.1f} ratio {stall / floor:6.1f}x  (cold {cold.shown:.0f}/"
        f"{cold.stall:.0f}){flag}",
        flush=True,
    )


def run(app: Comptoir, qapp: QApplication, runs: int, only: set[str] | None) -> None:
    from tiers_lieu.i18n import _
    from tiers_lieu.ui.data_changed import DataChanged
    from tiers_lieu.ui.sections import SECTIONS, SectionContext
    from tiers_lieu.ui.tab_keys import tab_stops

    site = busiest_site(app)
    print(f"place « {site.name} », runs={runs}, budget {BUDGET_MS:.0f} ms")
    host = page(qapp)
    floor = Figures()

    def measure_floor() -> None:
        for _run in range(runs + 1):
            floor.laps.append(timed_step(qapp, floor_step(qapp, host)))
            discard(qapp, host)

    measure_floor()
    results: list[tuple[str, Figures]] = []
    for section in SECTIONS:
        if only and section.key not in only:
            continue
        if not app.access.allows(section.permission):
            print(f"{_(section.title)}: not allowed for this role")
            continue
        opened = Figures()
        tabs: dict[str, Figures] = {}
        for _run in range(runs + 1):
            built: list[QWidget] = []

            def open_section(section=section, built=built) -> object:  # type: ignore[no-untyped-def]
                widget = section.build(SectionContext(app, site, DataChanged()))
                host.layout().addWidget(widget)
                widget.show()
                built.append(widget)
                return widget

            opened.laps.append(timed_step(qapp, open_section))
            stops = tab_stops(built[0])
            # Each tab shown once, starting from the last so that the first is shown too.
            for stop in [*stops[1:], stops[0]] if stops else []:
                name = " › ".join(
                    tabs_widget.tabText(index).replace("&", "") for tabs_widget, index in stop
                )

                def show(stop=stop) -> None:  # type: ignore[no-untyped-def]
                    for tabs_widget, index in stop:
                        tabs_widget.setCurrentIndex(index)

                tabs.setdefault(name, Figures()).laps.append(timed_step(qapp, show))
            discard(qapp, host)
        results.append((f"{_(section.title)}: first open", opened))
        results.extend((f"  tab {name}", figures) for name, figures in tabs.items())
        print(f"  ({_(section.title)} measured)", flush=True)
        measure_floor()  # interleaved: the floor sees the same machine load
    floor_ms = floor.median("shown")
    print()
    report("floor: bare frame + empty QTableView", floor, floor_ms)
    for label, figures in results:
        report(label, figures, floor_ms)
    host.deleteLater()
    qapp.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.sqlite"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="section keys, comma-separated")
    parser.add_argument("--role", default=Role.COORDINATOR.value, choices=[r.value for r in Role])
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db} is missing: tiers-lieu --db {args.db} demo --scale large")
        return 2
    quiet_qt()
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    only = {key.strip() for key in args.only.split(",") if key.strip()} or None
    with tempfile.TemporaryDirectory() as folder:
        path = backup_sqlite(args.db, Path(folder) / "bench.sqlite")
        app = build(str(path))
        try:
            add_missing_indexes(app)
            site = busiest_site(app)
            sign_in(app, site, Role(args.role))
            run(app, qapp, args.runs, only)
        finally:
            QThreadPool.globalInstance().waitForDone()
            qapp.processEvents()
            app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
