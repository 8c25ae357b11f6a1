"""Benchmark of the assistance desk on the ``large`` demo (5 sites × 3 years).

It prints figures rather than asserting them: the median and worst time of saving one démarche
(record + its visit, one transaction), of the follow-up list, of opening « Historique » for
one site-year (totals + first page) and of a filter change, of the démarche names the form
suggests (read as it opens), of the Coop's activity export and the France Services table for
a year; and the keys a typical démarche takes in the form (offscreen Qt), without and with the
Coop de la médiation numérique's fields. The database is copied first (SQLite online backup),
so the shared demo file is not changed.

Run: ``.venv/bin/python bench/bench_assistance_form.py [--db /tmp/large.sqlite] [--runs 50]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import func, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.db import backup_sqlite
from tiers_lieu.models import AssistanceRecord
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.reports.documents.assistance import write_monthly_csv
from tiers_lieu.reports.documents.coop import write_coop_xlsx
from tiers_lieu.services.assistance import AssistanceInput


def timed(runs: int, work: Callable[[int], object]) -> tuple[float, float]:
    """Median and worst milliseconds of ``runs`` calls."""
    times: list[float] = []
    for run in range(runs):
        started = time.perf_counter()
        work(run)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def typical_keys(app: Comptoir, site_id: uuid.UUID, folder: Path) -> tuple[int, int]:
    """Keys pressed (a chord counts one) for a démarche like the desk's last one but for the
    organisme, the theme and the duration (« caf », Tab, « loge », Tab, Alt+4, Ctrl+Entrée),
    then the same with the Coop's autonomy and démarche name (Alt+P, « auto », Tab, « APL »).
    Each is saved and checked. The desk's settings live in ``folder`` for the run; a refusal
    stops the run instead of waiting on a message box."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

    from tiers_lieu.ui.demarches.form import RecordForm

    qapp = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("ComptoirBench")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))

    def refused(_parent: object, title: str, text: str, *_args: object) -> object:
        raise RuntimeError(f"{title}: {text}")

    QMessageBox.warning = refused  # type: ignore[assignment,method-assign]
    QMessageBox.critical = refused  # type: ignore[assignment,method-assign]
    site = next(s for s in app.sites.list_sites() if s.id == site_id)
    form = RecordForm(app, site)
    # The desk's last démarche: its lists are what the form proposes next.
    form.operator.select_text("MSA")
    form.theme.select_text("social")
    form.help_type.select_text("en ligne")
    form.equipment.set_keys(["ordinateur"])
    form.on_save_clicked()
    form.show()
    form.activateWindow()
    qapp.processEvents()
    pressed = 0

    def focus() -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def type_text(text: str) -> None:
        nonlocal pressed
        QTest.keyClicks(focus(), text)
        pressed += len(text)

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        nonlocal pressed
        QTest.keyClick(focus(), key, modifier)
        pressed += 1

    def demarche(coop: bool) -> int:
        nonlocal pressed
        pressed = 0
        form.operator.setFocus()
        qapp.processEvents()
        type_text("caf")
        press(Qt.Key.Key_Tab)
        type_text("loge")
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
        if coop:
            press(Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
            type_text("auto")
            press(Qt.Key.Key_Tab)
            type_text("APL")
        press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert "Démarche enregistrée" in form.status.text(), form.status.text()
        return pressed

    try:
        return demarche(False), demarche(True)
    finally:
        form.close()
        form.deleteLater()
        qapp.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.sqlite"))
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        path = backup_sqlite(args.db, Path(folder) / "bench.sqlite")
        app = build(str(path))
        try:
            with app.uow() as uow:
                total = uow.session.exec(select(func.count()).select_from(AssistanceRecord)).one()
                busiest, year = uow.session.exec(
                    select(AssistanceRecord.site_id, func.max(AssistanceRecord.activity_date))
                    .group_by(AssistanceRecord.site_id)
                    .order_by(func.count().desc())
                ).first() or (None, None)
            if busiest is None or year is None:
                print("no assistance records in", args.db)
                return 1
            site_id = busiest
            # The last complete year: the newest one is still under way.
            start, end = date(year.year - 1, 1, 1), date(year.year - 1, 12, 31)

            def first(kind: CategoryKind, index: int = 0) -> object:
                return app.config.list_categories(site_id, kind)[index].id

            values = {
                "operator_id": first(CategoryKind.OPERATOR),
                "theme_id": first(CategoryKind.THEME),
                "help_type_id": first(CategoryKind.HELP_TYPE),
                "outcome_id": first(CategoryKind.OUTCOME),
            }
            print(f"assistance records in the database: {total}")
            year_count = app.assistance.totals(site_id, start=start, end=end).records
            print(f"busiest site, year {start.year}: {year_count} records")

            median, worst = timed(
                args.runs,
                lambda _run: app.assistance.create(
                    site_id,
                    AssistanceInput(
                        activity_date=end - timedelta(days=1),
                        duration_min=15,
                        **values,  # type: ignore[arg-type]
                    ),
                ),
            )
            print(f"save one démarche (+ its visit): median {median:.1f} ms, worst {worst:.1f} ms")
            median, worst = timed(args.runs, lambda _run: app.assistance.follow_ups(site_id))
            print(f"follow-up list: median {median:.1f} ms, worst {worst:.1f} ms")

            def open_history(_run: int, **filters: object) -> None:
                app.assistance.totals(site_id, start=start, end=end, **filters)  # type: ignore[arg-type]
                app.assistance.page(site_id, start=start, end=end, limit=200, **filters)  # type: ignore[arg-type]

            median, worst = timed(20, open_history)
            print(
                f"history of a site-year (totals + first page): median {median:.1f} ms, "
                f"worst {worst:.1f} ms"
            )
            median, worst = timed(
                20, lambda run: open_history(run, operator_id=first(CategoryKind.OPERATOR, 1))
            )
            print(f"history, organisme filter: median {median:.1f} ms, worst {worst:.1f} ms")

            median, worst = timed(
                20, lambda _run: app.assistance.demarche_names(site_id, since=end.replace(day=1))
            )
            print(f"démarche names suggested: median {median:.1f} ms, worst {worst:.1f} ms")

            started = time.perf_counter()
            export = app.assistance.coop_activities([site_id], start=start, end=end)
            write_coop_xlsx(export, Path(folder) / "coop.xlsx")
            print(
                f"Coop activity export XLSX, {len(export.rows)} rows "
                f"({export.accompaniments} démarches, {export.workshops} workshops): "
                f"{(time.perf_counter() - started) * 1000:.0f} ms"
            )
            started = time.perf_counter()
            table = app.assistance.monthly_by_operator(site_id, start=start, end=end)
            write_monthly_csv(table, Path(folder) / "fs.csv")
            print(
                f"France Services table CSV ({table.total} records): "
                f"{(time.perf_counter() - started) * 1000:.0f} ms"
            )
            before, after = typical_keys(app, site_id, Path(folder))
            print(
                f"typical démarche by keyboard: {before} keys without the Coop's fields, "
                f"{after} with them (autonomy and name typed; equipment and themes remembered)"
            )
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
