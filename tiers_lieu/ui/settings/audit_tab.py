"""« Journal d'audit » : who did what, when — for the administration only, and read-only.

Filters (period of the place's dates, account, action) apply as soon as they change; the list
is lazy (a page, then more as it scrolls), newest first. The export writes the filtered lines
to a CSV file off the GUI thread, and the service records that export in the log itself.
There is nothing here to change or remove a line: the service offers no such thing and the
database refuses it. A banner above the list says whether the log's hash chains are whole
(« Journal intact (N lignes vérifiées) ») or where they break; the check runs off the GUI
thread (:mod:`tiers_lieu.ui.audit_check`) when the tab is built and each time it is shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_number, ngettext, place_today
from tiers_lieu.services.audit_log import AuditFilter, AuditLine
from tiers_lieu.services.audit_text import ACTION_LABELS
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.audit_check import ChainCheck, show_on
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, to_date, today_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.models import PagedTable
from tiers_lieu.ui.ops import Progress, run_op


class AuditModel(PagedTable[AuditLine]):
    """The filtered lines, read a page at a time as the list scrolls."""

    class Columns(IntEnum):
        WHEN = 0
        ACCOUNT = 1
        ACTION = 2
        WHAT = 3
        DETAILS = 4

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._filters = AuditFilter()

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.WHEN: _("Date"),
            c.ACCOUNT: _("Compte"),
            c.ACTION: _("Action"),
            c.WHAT: _("Objet"),
            c.DETAILS: _("Détails"),
        }

    def display(self, row: AuditLine, column: Any) -> str:
        c = self.Columns
        return {
            c.WHEN: row.when,
            c.ACCOUNT: row.account,
            c.ACTION: row.action_label,
            c.WHAT: row.what,
            c.DETAILS: row.details,
        }[column]

    def sort_value(self, row: AuditLine, column: Any) -> object:
        return row.at if column == self.Columns.WHEN else self.display(row, column)

    def load(self, filters: AuditFilter) -> None:
        self._filters = filters
        self.reload()

    def read_page(self, held: Sequence[AuditLine], limit: int) -> list[AuditLine]:
        return self._app.audit_log.page(
            self._filters, site_id=self._site.id, offset=len(held), limit=limit
        )


def _date_edit(parent: QWidget, value: QDate) -> QDateEdit:
    edit = bounded(QDateEdit(value, parent))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


class AuditTab(QWidget):
    def __init__(self, app: Comptoir, site: SiteInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        today = today_qdate(site.zone)
        self.start = _date_edit(self, today.addDays(-30))
        self.end = _date_edit(self, today)
        self.account = QComboBox(self)
        self.account.setAccessibleName(_("Compte"))
        self.action = QComboBox(self)
        self.action.setAccessibleName(_("Action"))
        self.action.addItem(_("Toutes les actions"), None)
        for code, label in ACTION_LABELS.items():
            self.action.addItem(_(label), str(code))
        self.model = AuditModel(app, site, self)
        self.view = make_table(self.model, self, stretch=AuditModel.Columns.DETAILS)
        self.view.setAccessibleName(_("Journal d'audit"))
        self.count_label = QLabel(self)
        self.export_button = QPushButton(_("E&xporter en CSV…"), self)
        self.status = StatusLabel(self, zone=self._site.zone)

        filters = QHBoxLayout()
        for text, field in (
            (_("&Du :"), self.start),
            (_("a&u :"), self.end),
            (_("&Compte :"), self.account),
            (_("Ac&tion :"), self.action),
        ):
            buddy = QLabel(text, self)
            buddy.setBuddy(field)
            filters.addWidget(buddy)
            filters.addWidget(field)
        filters.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.export_button)
        intro = QLabel(
            _(
                "Les actions sensibles (consultation des notes d'accompagnement, exports, "
                "effacements, comptes, paramètres) sont enregistrées ici ; le journal ne peut "
                "être ni modifié ni effacé."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.chain_label = QLabel(_("Vérification du journal…"), self)
        self.chain_label.setObjectName("auditChainBanner")
        self.chain_label.setWordWrap(True)
        self.chain_label.setAccessibleName(_("État du journal"))
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_check = ChainCheck(app, self)
        self.chain_check.finished.connect(lambda outcome: show_on(self.chain_label, outcome))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.chain_label)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)

        add_shortcut(self, "Ctrl+E", self.on_export_clicked, self.export_button)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.start.dateChanged.connect(self.refresh)
        self.end.dateChanged.connect(self.refresh)
        self.account.currentIndexChanged.connect(self.refresh)
        self.action.currentIndexChanged.connect(self.refresh)
        self._shown_once = False
        self._load_accounts()
        self.refresh()
        self.chain_check.start()

    def _load_accounts(self) -> None:
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItem(_("Tous les comptes"), None)
        try:
            accounts = self._app.audit_log.accounts()
        except Exception as exc:
            show_error(self, exc)
            accounts = []
        for account in accounts:
            name = (
                account.name
                if account.active
                else _("{name} (désactivé)").format(name=account.name)
            )
            self.account.addItem(name, str(account.id))
        self.account.blockSignals(False)

    def showEvent(self, event: QShowEvent) -> None:
        """Lines written since the tab was last shown appear without a click."""
        super().showEvent(event)
        if self._shown_once:
            self.refresh()
            self.chain_check.start()
        self._shown_once = True

    def filters(self) -> AuditFilter:
        account = self.account.currentData()
        return AuditFilter(
            start=to_date(self.start.date()),
            end=to_date(self.end.date()),
            user_id=uuid.UUID(account) if account else None,
            action=self.action.currentData() or None,
        )

    def refresh(self, *_args: object) -> None:
        filters = self.filters()
        if filters.start and filters.end and filters.start > filters.end:
            self.count_label.setText(_("La date de début est après la date de fin."))
            self.model.reload([])
            return
        try:
            self.model.load(filters)
        except Exception as exc:
            show_error(self, exc)
            return
        shown = self.model.rowCount()
        more = self.model.canFetchMore()
        text = ngettext("{n} ligne", "{n} lignes", shown).format(n=format_number(shown))
        self.count_label.setText(
            _("{lines} (et d'autres en faisant défiler)").format(lines=text) if more else text
        )

    def on_export_clicked(self) -> None:
        filters = self.filters()
        end = filters.end or place_today(self._site.zone)
        start = filters.start or end - timedelta(days=30)
        suggested = f"journal-audit-{start.isoformat()}-{end.isoformat()}.csv"
        path, _chosen = QFileDialog.getSaveFileName(
            self, _("Exporter le journal d'audit"), suggested, _("Tableur CSV (*.csv)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, target: Path) -> None:
        if target.suffix.casefold() != ".csv":
            target = target.with_suffix(".csv")
        filters, service, site_id = self.filters(), self._app.audit_log, self._site.id

        def work(_progress: Progress) -> int:
            return service.export_csv(target, filters, site_id=site_id)

        def done(count: int) -> None:
            self.status.confirm(
                ngettext(
                    "{n} ligne exportée dans « {file} ».",
                    "{n} lignes exportées dans « {file} ».",
                    count,
                ).format(n=format_number(count), file=target.name)
            )
            self.refresh()  # the export is itself a line of the log

        run_op(self, work, done, label=_("Export en cours…"))
