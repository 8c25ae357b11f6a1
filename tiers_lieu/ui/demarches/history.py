"""« Historique »: the records of a period with filters, their totals per organisme, thème or
issue, and the exports a network or a funder asks for. A record typed wrong is corrected from
here (« Modifier… », F2 or Entrée) or deleted (« Supprimer… », Suppr): :mod:`.edit`.

The list is lazy (one page, then more as it scrolls) and the totals are one SQL aggregate, so
a busy site's year opens at once. Exports run off the GUI thread through ``run_op`` and hold
no name and no note.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import N_, _, format_number, ngettext
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.reports.documents.assistance import write_monthly_csv, write_monthly_xlsx
from tiers_lieu.reports.documents.coop import summary, write_coop_csv, write_coop_xlsx
from tiers_lieu.services.assistance import AssistanceRow, AssistanceTotals
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import (
    StatusLabel,
    list_keys,
    select_id,
    selected_id,
    to_date,
    today_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.demarches.edit import (
    EditRecordDialog,
    ask_deletion,
    corrected_text,
    deleted_text,
)
from tiers_lieu.ui.demarches.fields import ChoiceCombo, date_edit
from tiers_lieu.ui.demarches.table_models import HistoryModel, TotalsModel, format_minutes
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import BackgroundLoad, refresh_when_shown
from tiers_lieu.ui.ops import Progress, run_op

FILE_FILTERS = N_("Tableur CSV (*.csv);;Classeur Excel (*.xlsx)")


def _filter_combo(
    app: Comptoir, site: SiteInfo, kind: CategoryKind, everything: str
) -> ChoiceCombo:
    combo = ChoiceCombo(app, site.id, kind, with_unknown=False)
    combo.add_no_choice(everything)
    return combo


def _table(model: TotalsModel | HistoryModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    # Fixed widths from the header, not ResizeToContents: that would measure every fetched
    # row again on each page.
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class HistoryTab(QWidget):
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
        today = today_qdate(site.zone)
        self.start = date_edit(self, QDate(today.year(), 1, 1))
        self.end = date_edit(self, today)
        self.operator = _filter_combo(app, site, CategoryKind.OPERATOR, _("Tous les organismes"))
        self.theme = _filter_combo(app, site, CategoryKind.THEME, _("Tous les thèmes"))
        self.outcome = _filter_combo(app, site, CategoryKind.OUTCOME, _("Toutes les issues"))

        self.model = HistoryModel(self)
        self.view = _table(self.model, self)
        # One record at a time is corrected or deleted.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        widths = [125, 150, 170, 190, 70, 160, 170, 140]
        for column, width in enumerate(widths):
            self.view.setColumnWidth(column, width)

        self.group = QComboBox(self)
        self.group.addItem(_("par organisme"), "operator")
        self.group.addItem(_("par thème"), "theme")
        self.group.addItem(_("par issue"), "outcome")
        self.totals_model = TotalsModel(self)
        self.totals_view = _table(self.totals_model, self)
        self.totals_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.totals_view.setMinimumWidth(300)
        self.total_label = QLabel(self)
        self.total_label.setWordWrap(True)
        self._totals: AssistanceTotals | None = None

        self.export_button = QPushButton(_("E&xporter l'activité (Coop, CSV ou XLSX)…"), self)
        self.export_button.setToolTip(
            _(
                "Les démarches et les ateliers de la période, une ligne chacun, au format "
                "d'export de la Coop de la médiation numérique ; ni nom ni note."
            )
        )
        self.france_services_button = QPushButton(_("Tableau France Ser&vices…"), self)
        self.france_services_button.setToolTip(
            _("Nombre de démarches par organisme et par mois de la période.")
        )
        self.status = StatusLabel(self, zone=self._site.zone)
        self.edit_button = QPushButton(_("&Modifier…"), self)
        self.delete_button = QPushButton(_("Supp&rimer…"), self)
        self.view.doubleClicked.connect(self.on_edit_clicked)
        list_keys(
            self,
            self.view,
            edit=self.on_edit_clicked,
            delete=self.on_delete_clicked,
            edit_button=self.edit_button,
            delete_button=self.delete_button,
        )
        self.delete_button.setToolTip(_("Supprimer la démarche choisie (Suppr dans la liste)"))
        self._chosen: uuid.UUID | None = None  # the row to select once the list is read again

        # Long labels (« Assurance retraite (CNAV/Carsat) ») must not widen the whole section.
        for combo in (self.operator, self.theme, self.outcome):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        filters = QVBoxLayout()  # two lines: the period, then the categories (1024 px wide)
        lines = []
        for line_fields in (
            ((_("&Du"), self.start), (_("au"), self.end)),
            (
                (_("&Organisme"), self.operator),
                (_("&Thème"), self.theme),
                (_("Issu&e"), self.outcome),
            ),
        ):
            line = QHBoxLayout()
            for text, field in line_fields:
                label = QLabel(text, self)
                label.setBuddy(field)
                line.addWidget(label)
                line.addWidget(field)
            line.addStretch(1)
            filters.addLayout(line)
            lines.append(line)
        for button in (self.edit_button, self.delete_button):  # on the period's line
            lines[0].addWidget(button)

        side = QVBoxLayout()
        group_line = QHBoxLayout()
        group_label = QLabel(_("Tota&ux"), self)
        group_label.setBuddy(self.group)
        group_line.addWidget(group_label)
        group_line.addWidget(self.group, 1)
        side.addLayout(group_line)
        side.addWidget(self.totals_view, 1)
        side.addWidget(self.total_label)

        grid = QGridLayout()
        grid.addWidget(self.view, 0, 0)
        grid.addLayout(side, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)

        exports = QHBoxLayout()
        exports.addWidget(self.export_button)
        exports.addWidget(self.france_services_button)
        exports.addStretch(1)
        self.import_button = QPushButton(_("Im&porter un tableur…"), self)
        self.import_button.setToolTip(
            _("Reprendre les démarches d'un fichier CSV ou XLSX tenu avant Comptoir")
        )
        self.import_button.clicked.connect(self.on_import_clicked)
        exports.addWidget(self.import_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(grid, 1)
        layout.addLayout(exports)
        layout.addWidget(self.status)

        for edit in (self.start, self.end):
            edit.dateChanged.connect(self.on_filter_changed)
        for combo in (self.operator, self.theme, self.outcome):
            combo.value_changed.connect(self.on_filter_changed)
        self.group.currentIndexChanged.connect(self.on_group_changed)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.france_services_button.clicked.connect(self.on_france_services_clicked)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.on_selection_changed()
        self.loader = BackgroundLoad(self, self.view)
        self.shown = refresh_when_shown(self)  # read when first on screen
        self.changes.watch(self, {Topic.ASSISTANCE}, self.shown.invalidate)

    def period(self) -> tuple[date, date]:
        return to_date(self.start.date()), to_date(self.end.date())

    def refresh(self) -> None:
        """Read the period's totals and first page off the GUI thread (a busy place's year
        is thousands of records); the next pages are read as the list scrolls."""
        start, end = self.period()
        filters = {
            "operator_id": self.operator.value(),
            "theme_id": self.theme.value(),
            "outcome_id": self.outcome.value(),
        }
        service, site_id, page_size = self._app.assistance, self._site.id, self.model.page_size

        def fetch(offset: int, limit: int) -> list[AssistanceRow]:
            return service.page(
                site_id, start=start, end=end, offset=offset, limit=limit, **filters
            )

        def read() -> tuple[AssistanceTotals, list[AssistanceRow]]:
            totals = service.totals(site_id, start=start, end=end, **filters)
            return totals, fetch(0, page_size) if totals.records else []

        def show(read_back: tuple[AssistanceTotals, list[AssistanceRow]]) -> None:
            self.show_totals(fetch, *read_back)

        self.loader.start(read, show)

    def show_totals(
        self,
        fetch: Callable[[int, int], list[AssistanceRow]],
        totals: AssistanceTotals,
        first: list[AssistanceRow],
    ) -> None:
        self._totals = totals
        chosen = self._chosen if self._chosen is not None else selected_id(self.view)
        row = self.view.currentIndex().row()
        self.model.load(fetch, first)
        self._chosen = None
        if self.model.rowCount():  # Entrée, F2 and Suppr act on a row at once
            select_id(self.view, chosen)
            if not self.view.selectionModel().hasSelection():
                self.view.selectRow(min(max(row, 0), self.model.rowCount() - 1))
        self.on_selection_changed()
        self.total_label.setText(
            ngettext(
                "{n} démarche, {duration} au total.",
                "{n} démarches, {duration} au total.",
                self._totals.records,
            ).format(
                n=format_number(self._totals.records), duration=format_minutes(self._totals.minutes)
            )
        )
        self.on_group_changed()

    def on_filter_changed(self, *_args: object) -> None:
        self.refresh()

    def on_group_changed(self, *_args: object) -> None:
        if self._totals is None:
            return
        key = self.group.currentData()
        lines = {
            "operator": (self._totals.by_operator, _("Organisme")),
            "theme": (self._totals.by_theme, _("Thème")),
            "outcome": (self._totals.by_outcome, _("Issue")),
        }[key]
        self.totals_model.set_rows(lines[0])
        self.totals_model.set_heading(lines[1])

    # -- corrections -------------------------------------------------------------------------
    def on_selection_changed(self, *_args: object) -> None:
        chosen = selected_id(self.view) is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _selected(self) -> AssistanceRow | None:
        chosen = selected_id(self.view)
        row = self.model.find_row(chosen) if isinstance(chosen, uuid.UUID) else -1
        return None if row < 0 else self.model.row_at(row)

    def on_edit_clicked(self, *_args: object) -> None:
        row = self._selected()
        if row is None:
            return
        try:
            detail = self._app.assistance_edit.detail(row.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Démarche non modifiable"))
            self.refresh()  # gone meanwhile: the list as it is
            return
        dialog = EditRecordDialog(self._app, self._site, detail, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.info is not None:
            self._written(dialog.info.id, corrected_text(dialog.info))

    def on_delete_clicked(self, *_args: object) -> None:
        row = self._selected()
        if row is None or not ask_deletion(self, row):
            return
        try:
            removed = self._app.assistance_edit.delete(row.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Démarche non supprimée"))
            self.refresh()
            return
        self._written(None, deleted_text(removed))

    def _written(self, chosen: uuid.UUID | None, message: str) -> None:
        """A record corrected or deleted: the list and its totals read again (the row kept
        chosen), the other tabs and the visits told."""
        self._chosen = chosen
        self.refresh()
        self.status.confirm(message)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changes.announce(self, Topic.ASSISTANCE, Topic.VISITS)

    def on_import_clicked(self) -> None:
        from tiers_lieu.ui.imports import ImportDialog  # only when asked: keeps opening fast

        dialog = ImportDialog(self._app, self._site, "assistance", self)
        dialog.file_imported.connect(self.on_file_imported)
        dialog.open()

    def on_file_imported(self, _result: object) -> None:
        self.refresh()
        self.changes.announce(self, Topic.ASSISTANCE)

    # -- exports -------------------------------------------------------------------------
    def _ask_path(self, title: str, stem: str) -> Path | None:
        start, end = self.period()
        suggested = f"{stem}-{start.isoformat()}-{end.isoformat()}.csv"
        path, chosen = QFileDialog.getSaveFileName(self, title, suggested, _(FILE_FILTERS))
        if not path:
            return None
        target = Path(path)
        if target.suffix.casefold() not in {".csv", ".xlsx"}:
            target = target.with_suffix(".xlsx" if "xlsx" in chosen else ".csv")
        return target

    def _export(self, target: Path, work: Callable[[], int], what: str) -> None:
        def done(count: int) -> None:
            self.status.confirm(
                ngettext(
                    "{what} : {n} démarche dans « {file} ».",
                    "{what} : {n} démarches dans « {file} ».",
                    count,
                ).format(what=what, n=format_number(count), file=target.name)
            )

        def run(_progress: Progress) -> int:
            return work()

        run_op(self, run, done, label=_("Export en cours…"))

    def on_export_clicked(self) -> None:
        """The Coop's activity export of the place for the period (the « Exports » tab of
        Rapports writes the same for several places)."""
        target = self._ask_path(_("Exporter l'activité"), "coop")
        if target is None:
            return
        start, end = self.period()
        service, site_id = self._app.assistance, self._site.id
        writer = write_coop_xlsx if target.suffix.casefold() == ".xlsx" else write_coop_csv

        def run(_progress: Progress) -> str:
            export = service.coop_activities([site_id], start=start, end=end)
            writer(export, target)
            return summary(export, Path(target.name))

        run_op(self, run, self.status.confirm, label=_("Export en cours…"))

    def on_france_services_clicked(self) -> None:
        target = self._ask_path(_("Tableau France Services"), "france-services")
        if target is None:
            return
        start, end = self.period()
        service, site_id = self._app.assistance, self._site.id
        writer = write_monthly_xlsx if target.suffix.casefold() == ".xlsx" else write_monthly_csv

        def work() -> int:
            return writer(service.monthly_by_operator(site_id, start=start, end=end), target)

        self._export(target, work, _("Tableau France Services exporté"))
