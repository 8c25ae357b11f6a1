"""« Journal de caisse »: the place's till journal, newest line first, read a page at a time,
and « Vérifier le journal », which checks it off the GUI thread and says what it found.

Each line shows its number, date and time on the place's clock, kind, ticket or closure
number, amount, who and the start of its hash. A verification's breaks are listed above the
journal, each saying where it is (place, line number, date, kind); the lines they name are
shown in red, and choosing a break goes to its line. Nothing here changes a line: the service
offers no such thing and the database refuses it.
The check after a sign-in (only what is new since this desk's last verification) is the main
window's, through :mod:`tiers_lieu.ui.audit_check`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_eur, format_number, ngettext
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.journal_service import JournalLineInfo
from tiers_lieu.services.till.verify import TillReport
from tiers_lieu.ui.audit_check import BROKEN_STYLE, INTACT_STYLE, ChainCheck
from tiers_lieu.ui.common import add_shortcut, make_table
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import AnyIndex, PagedTable
from tiers_lieu.ui.ops import run_op

log = logging.getLogger(__name__)

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_BROKEN = QColor("#b00020")
HASH_SHOWN = 12
"""Hex digits of a line's hash shown in the list (the whole one in its tooltip)."""
SEQ_ROLE = Qt.ItemDataRole.UserRole + 7
ABOVE_BREAK = 20
"""Lines shown above a break chosen that is not among the lines held."""


def verify_till(app: Comptoir) -> TillReport:
    return app.till_journal.verify()


class JournalModel(PagedTable[JournalLineInfo]):
    """The place's lines, newest first, a page at a time (keyset: below the last held)."""

    class Columns(IntEnum):
        SEQ = 0
        WHEN = 1
        KIND = 2
        NUMBER = 3
        AMOUNT = 4
        ACTOR = 5
        HASH = 6

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self.broken: frozenset[int] = frozenset()

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.SEQ: _("N°"),
            c.WHEN: _("Date"),
            c.KIND: _("Type"),
            c.NUMBER: _("Numéro"),
            c.AMOUNT: _("Montant"),
            c.ACTOR: _("Par"),
            c.HASH: _("Empreinte"),
        }

    def display(self, row: JournalLineInfo, column: Any) -> str:
        c = self.Columns
        if column == c.SEQ:
            return format_number(row.seq)
        if column == c.WHEN:
            return row.when
        if column == c.KIND:
            return row.kind_label
        if column == c.NUMBER:
            return row.number
        if column == c.AMOUNT:
            return format_eur(row.amount_cents) if row.amount_cents else ""
        if column == c.ACTOR:
            return row.actor
        return row.line_hash[:HASH_SHOWN]

    def sort_value(self, row: JournalLineInfo, column: Any) -> object:
        return row.seq if column == self.Columns.SEQ else self.display(row, column)

    def row_id(self, row: JournalLineInfo) -> object:
        return row.seq

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        c = self.Columns
        return _RIGHT if column in (c.SEQ, c.AMOUNT) else _LEFT

    def read_page(self, held: Sequence[JournalLineInfo], limit: int) -> list[JournalLineInfo]:
        before = held[-1].seq if held else None
        return self._app.till_journal.page(self._site.id, before_seq=before, limit=limit)

    def mark(self, broken: frozenset[int]) -> None:
        self.broken = broken
        self._forget_answers()
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, len(self.Columns) - 1)
            )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Paged lists answer few roles; a broken line is also red, with its whole hash.
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            if not index.isValid() or not 0 <= index.row() < len(self._rows):
                return None
            row = self._rows[index.row()]
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.line_hash if index.column() == self.Columns.HASH else None
            return QBrush(_BROKEN) if row.seq in self.broken else None
        return super().data(index, role)


class JournalTab(QWidget):
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
        intro = QLabel(
            _(
                "Chaque ticket, paiement, annulation et clôture est une ligne enchaînée à la "
                "précédente par son empreinte : aucune ligne ne peut être modifiée ni effacée "
                "sans que la vérification le montre."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName(_("État du journal de caisse"))
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()
        self.breaks = QListWidget(self)
        self.breaks.setAccessibleName(_("Anomalies du journal de caisse"))
        self.breaks.setWordWrap(True)
        self.breaks.setMaximumHeight(160)
        self.breaks.itemActivated.connect(self.go_to_break)
        self.breaks.hide()
        self.model = JournalModel(app, site, self)
        self.view = make_table(self.model, self, stretch=JournalModel.Columns.KIND)
        self.view.setAccessibleName(_("Journal de caisse"))
        self.count_label = QLabel(self)
        self.verify_button = QPushButton(_("&Vérifier le journal"), self)
        self.verify_button.clicked.connect(self.verify)
        add_shortcut(self, "Ctrl+Shift+V", self.verify, self.verify_button)
        self.check = ChainCheck(app, self, verify=verify_till)
        self.check.finished.connect(self.show_report)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.result_label)
        layout.addWidget(self.breaks)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.view)
        self.changes.watch(self, (Topic.SALES,), self.invalidate)
        self.shown = refresh_when_shown(self)

    def invalidate(self) -> None:
        self.shown.invalidate()

    def refresh(self) -> None:
        """The newest page, read off the GUI thread (later pages as the list scrolls)."""
        journal, site_id, size = self._app.till_journal, self._site.id, self.model.page_size

        def read(_progress: object) -> tuple[list[JournalLineInfo], int]:
            return journal.page(site_id, limit=size), journal.count(site_id)

        run_op(self, read, self.show_rows, on_failure=lambda exc: show_error(self, exc))

    def show_rows(self, read: tuple[list[JournalLineInfo], int]) -> None:
        rows, total = read
        self.model.reload(rows)
        self.count_label.setText(
            ngettext("{n} ligne au journal", "{n} lignes au journal", total).format(
                n=format_number(total)
            )
        )

    # -- verifying -------------------------------------------------------------------------

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.result_label.setText(_("Vérification du journal de caisse…"))
        self.result_label.setStyleSheet("")
        self.result_label.show()
        self.check.start()

    def show_report(self, outcome: object) -> None:
        self.verify_button.setEnabled(True)
        self.breaks.clear()
        if not isinstance(outcome, TillReport):
            log.error("Vérification du journal de caisse impossible", exc_info=outcome)  # type: ignore[arg-type]
            self.result_label.setText(
                _("Le journal de caisse n'a pas pu être vérifié : {error}").format(
                    error=getattr(outcome, "message", None) or str(outcome)
                )
            )
            self.result_label.setStyleSheet(BROKEN_STYLE)
            self.breaks.hide()
            return
        if outcome.intact:
            self.result_label.setText(outcome.summary())
            self.result_label.setStyleSheet(INTACT_STYLE)
        else:
            count = len(outcome.problems())
            self.result_label.setText(
                ngettext(
                    "Le journal de caisse a été altéré : {n} anomalie, ci-dessous.",
                    "Le journal de caisse a été altéré : {n} anomalies, ci-dessous.",
                    count,
                ).format(n=format_number(count))
            )
            self.result_label.setStyleSheet(BROKEN_STYLE)
        for problem in outcome.protections:
            self.breaks.addItem(QListWidgetItem(problem))
        broken: set[int] = set()
        for found in outcome.breaks:
            item = QListWidgetItem(found.describe())
            if found.site_id == self._site.id and found.seq is not None:
                item.setData(SEQ_ROLE, found.seq)
                broken.add(found.seq)
            self.breaks.addItem(item)
        if outcome.omitted:
            self.breaks.addItem(QListWidgetItem(outcome.problems()[-1]))
        self.breaks.setVisible(self.breaks.count() > 0)
        self.model.mark(frozenset(broken))

    def go_to_break(self, item: QListWidgetItem) -> None:
        """Show the line a break names: among the lines held, or else the list read again
        from a few lines above it (off the GUI thread; the newer lines come back with
        « Vérifier » or when the tab is shown again)."""
        seq = item.data(SEQ_ROLE)
        if not isinstance(seq, int):
            return
        if self.model.find_row(seq) >= 0:
            self.select_line(seq)
            return
        journal, site_id, size = self._app.till_journal, self._site.id, self.model.page_size

        def read(_progress: object) -> list[JournalLineInfo]:
            return journal.page(site_id, before_seq=seq + ABOVE_BREAK + 1, limit=size)

        def show(rows: list[JournalLineInfo]) -> None:
            self.model.reload(rows)
            self.select_line(seq)

        run_op(self, read, show, on_failure=lambda exc: show_error(self, exc))

    def select_line(self, seq: int) -> None:
        row = self.model.find_row(seq)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
            self.view.setFocus()
