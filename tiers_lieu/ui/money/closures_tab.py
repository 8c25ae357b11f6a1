"""« Clôtures »: the till's numbered closures (day Zs, months, years), latest first, with the
month's and the year's closing for coordination and the PDF of the closure selected.

The list is read off the GUI thread when the tab comes on screen and after any sale; closing
and printing run off it too (:func:`~tiers_lieu.ui.ops.run_op`). Closing a month or a year
asks which one (the latest finished by default) and confirms: it closes the open days first.
A closure printed again is a « Duplicata » (the service records it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_eur
from tiers_lieu.reports.documents.z_report import write_z_pdf
from tiers_lieu.services.access import Permission
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.closures import ClosureInfo, closure_label
from tiers_lieu.services.till.tickets import ticket_label
from tiers_lieu.ui.common import (
    add_shortcut,
    ask_pdf_path,
    dialog_buttons,
    make_table,
    selected_id,
)
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import BackgroundLoad, refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.ops import run_op

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def kind_label(kind: str) -> str:
    return {"day": _("Z du jour"), "month": _("Mois"), "year": _("Année")}.get(kind, kind)


def period_label(row: ClosureInfo) -> str:
    if row.kind == "month":
        return format_date(row.period_start, "MMMM y")
    if row.kind == "year":
        return str(row.period_start.year)
    return format_date(row.period_start, "EEE d MMM y")


class ClosuresModel(ReadModelTable[ClosureInfo]):
    class Columns(IntEnum):
        KIND = 0
        NUMBER = 1
        PERIOD = 2
        TICKETS = 3
        TOTAL = 4
        GRAND = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.KIND: _("Clôture"),
            c.NUMBER: _("N°"),
            c.PERIOD: _("Période"),
            c.TICKETS: _("Tickets"),
            c.TOTAL: _("Total net"),
            c.GRAND: _("Grand total"),
        }

    def display(self, row: ClosureInfo, column: Any) -> str:
        c = self.Columns
        if column == c.KIND:
            return kind_label(row.kind)
        if column == c.NUMBER:
            return str(row.number)
        if column == c.PERIOD:
            return period_label(row)
        if column == c.TICKETS:
            if row.first_ticket is None or row.last_ticket is None:
                return "—"
            return _("{first} à {last}").format(
                first=ticket_label(row.first_ticket), last=ticket_label(row.last_ticket)
            )
        if column == c.TOTAL:
            return format_eur(row.total_cents)
        return format_eur(row.grand_total_cents)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        c = self.Columns
        return _RIGHT if column in (c.NUMBER, c.TOTAL, c.GRAND) else _LEFT


class PeriodDialog(QDialog):
    """Which month (or year) to close: the finished ones, latest first."""

    def __init__(self, title: str, label: str, choices: list[tuple[str, object]], parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.choice = QComboBox(self)
        for text, value in choices:
            self.choice.addItem(text, value)
        form = QFormLayout()
        caption = QLabel(label, self)
        caption.setBuddy(self.choice)
        form.addRow(caption, self.choice)
        note = QLabel(
            _(
                "Les journées encore ouvertes de la période sont clôturées d'abord, chacune "
                "avec son Z. Une période clôturée ne peut plus changer."
            ),
            self,
        )
        note.setWordWrap(True)
        buttons = dialog_buttons(self, save=False)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Clôturer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def value(self) -> object:
        return self.choice.currentData()


class ClosuresTab(QWidget):
    closed = Signal(object)
    """Closures were written; carries the list."""
    saved = Signal(object)
    """A closure's PDF was written; carries its path."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site
        self._zone = app.visits.time_zone(site.id)
        self.model = ClosuresModel(self)
        self.view = make_table(self.model, self, stretch=ClosuresModel.Columns.PERIOD)
        self.view.doubleClicked.connect(lambda _index: self.save_pdf())
        self.loader = BackgroundLoad(self, self.view)
        heading = QLabel(
            _(
                "Chaque journée de vente se clôture par un Z numéroté ; mois et années se "
                "clôturent une fois terminés. Une période clôturée ne change plus."
            ),
            self,
        )
        heading.setWordWrap(True)
        self.may_close = app.access.allows(Permission.TILL_CLOSE)
        month = self.month_button = QPushButton(_("Clôturer le &mois…"), self)
        month.clicked.connect(self.close_month)
        year = self.year_button = QPushButton(_("Clôturer l'a&nnée…"), self)
        year.clicked.connect(self.close_year)
        for button in (month, year):
            button.setVisible(self.may_close)
        if self.may_close:
            add_shortcut(self, "Ctrl+Shift+M", self.close_month, month)
            add_shortcut(self, "Ctrl+Shift+Y", self.close_year, year)
        pdf = QPushButton(_("Im&primer le Z (PDF)…"), self)
        pdf.clicked.connect(self.save_pdf)
        add_shortcut(self, "Ctrl+P", self.save_pdf, pdf)

        buttons = QHBoxLayout()
        buttons.addWidget(pdf)
        buttons.addStretch(1)
        buttons.addWidget(month)
        buttons.addWidget(year)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.view)
        self.changes.watch(self, (Topic.SALES,), self.invalidate)
        self.shown = refresh_when_shown(self)

    def invalidate(self) -> None:
        self.shown.invalidate()

    def refresh(self) -> None:
        closures = self._app.till_closures
        site_id = self._site.id
        self.loader.start(lambda: closures.history(site_id=site_id), self.show_rows)

    def show_rows(self, rows: list[ClosureInfo]) -> None:
        chosen = selected_id(self.view)
        self.model.set_rows(rows)
        row = self.model.find_row(chosen) if chosen is not None else -1
        if self.model.rowCount():
            self.view.selectRow(max(row, 0))

    # -- closing ---------------------------------------------------------------------------

    def _today(self) -> date:
        return datetime.now(self._zone).date()

    def close_month(self) -> None:
        if not self.may_close:
            return
        first = self._today().replace(day=1)
        choices: list[tuple[str, object]] = []
        for _n in range(24):  # the last two years' finished months, latest first
            first = (first - timedelta(days=1)).replace(day=1)
            choices.append((format_date(first, "MMMM y"), first.isoformat()))
        dialog = PeriodDialog(_("Clôturer le mois"), _("&Mois :"), choices, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = date.fromisoformat(str(dialog.value()))
        year, month = chosen.year, chosen.month
        closures = self._app.till_closures
        site_id = self._site.id
        self._close(
            lambda: closures.close_month(site_id=site_id, year=year, month=month),
            _("Clôture du mois…"),
        )

    def close_year(self) -> None:
        if not self.may_close:
            return
        last = self._today().year - 1
        choices: list[tuple[str, object]] = [(str(y), y) for y in range(last, last - 5, -1)]
        dialog = PeriodDialog(_("Clôturer l'année"), _("&Année :"), choices, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        year = int(str(dialog.value()))
        closures = self._app.till_closures
        site_id = self._site.id
        self._close(lambda: closures.close_year(site_id=site_id, year=year), _("Clôture…"))

    def _close(self, work: Callable[[], list[ClosureInfo]], label: str) -> None:
        def done(written: list[ClosureInfo]) -> None:
            self.refresh()
            self.changes.announce(self, Topic.SALES)
            self.closed.emit(written)

        run_op(
            self,
            lambda _progress: work(),
            done,
            label=label,
            on_failure=lambda exc: show_error(self, exc),
        )

    # -- printing --------------------------------------------------------------------------

    def save_pdf(self) -> None:
        closure_id = selected_id(self.view)
        if not isinstance(closure_id, uuid.UUID):
            QMessageBox.information(
                self, _("Imprimer le Z"), _("Choisissez d'abord une clôture dans la liste.")
            )
            return
        row = self.model.row_at(self.model.find_row(closure_id))
        name = _("cloture-{number}-{day}.pdf").format(
            number=closure_label(row.kind, row.number), day=row.period_start.isoformat()
        )
        target = ask_pdf_path(self, _("Enregistrer la clôture"), name)
        if target is None:
            return
        closures = self._app.till_closures

        def work(_progress: Callable[[int, int], None]) -> Path:
            closures.print_report(closure_id, write=lambda report: write_z_pdf(report, target))
            return target

        run_op(
            self,
            work,
            self.saved.emit,
            label=_("Préparation du Z de caisse…"),
            on_failure=lambda exc: show_error(self, exc),
        )
