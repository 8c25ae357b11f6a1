"""« Visites » : every visit of a period, filtered, with its totals, to check and correct.

The list reads page by page (see :class:`~.table_models.VisitsModel`); the totals come from
one grouped query of the service, never from the rows held, so they are right even when
only the first page is on screen. A correction or a deletion goes through the service (which
writes the audit line) and patches the row in place.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.defaults import UNKNOWN
from tiers_lieu.i18n import _, format_date, format_number, ngettext
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.visit_log import UNKNOWN_FILTER, VisitCursor, VisitFilter, VisitRow
from tiers_lieu.ui.common import StatusLabel, list_keys, selected_id
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.visits.common import select_data
from tiers_lieu.ui.visits.period import Period, PeriodPicker
from tiers_lieu.ui.visits.table_models import VisitsModel
from tiers_lieu.ui.visits.visit_dialog import VisitDialog


def visits_text(people: int) -> str:
    return ngettext("{n} visite", "{n} visites", people).format(n=format_number(people))


def _filter_combo(parent: QWidget, width: int) -> QComboBox:
    combo = QComboBox(parent)
    combo.setMinimumWidth(width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)
    return combo


class VisitsTab(QWidget):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self.changes = hub_for(changes, self)
        self.dialog: VisitDialog | None = None

        self.period = PeriodPicker(self, initial=Period.MONTH, zone=site.zone, today=today)
        self.service_combo = _filter_combo(self, 170)
        self.commune_combo = _filter_combo(self, 150)
        self.age_combo = _filter_combo(self, 110)
        self.age_combo.setMinimumContentsLength(10)
        # Two rows, so the section fits the 1 280-pixel screen of an old desk laptop.
        period_row = QHBoxLayout()
        period_row.addWidget(self.period)
        period_row.addStretch(1)
        filters_row = QHBoxLayout()
        filters = QVBoxLayout()
        filters.addLayout(period_row)
        filters.addLayout(filters_row)
        for text, combo in (
            (_("&Service :"), self.service_combo),
            (_("&Commune :"), self.commune_combo),
            (_("&Tranche d'âge :"), self.age_combo),
        ):
            label = QLabel(text, self)
            label.setBuddy(combo)
            filters_row.addWidget(label)
            filters_row.addWidget(combo, 1)

        self.model = VisitsModel(self._fetch, self, zone=site.zone)
        self.view = self._make_view()
        self.totals_label = QLabel(self)
        font = self.totals_label.font()
        font.setBold(True)
        self.totals_label.setFont(font)
        self.by_service_label = QLabel(self)
        self.by_service_label.setWordWrap(True)
        for label in (self.totals_label, self.by_service_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.edit_button = QPushButton(_("C&orriger…"), self)
        self.delete_button = QPushButton(_("Supprimer"), self)
        list_keys(
            self,
            self.view,
            edit=self.on_edit_clicked,
            delete=self.on_delete_clicked,
            edit_button=self.edit_button,
            delete_button=self.delete_button,
        )
        self.delete_button.setToolTip(_("Supprimer la visite choisie (Suppr dans la liste)"))
        self.status = StatusLabel(self, zone=self._site.zone)
        self.import_button = QPushButton(_("Impo&rter un tableur…"), self)
        self.import_button.setToolTip(
            _("Reprendre les visites d'un fichier CSV ou XLSX tenu avant Comptoir")
        )
        self.import_button.clicked.connect(self.on_import_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.import_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.by_service_label)
        layout.addLayout(buttons)

        self.period.period_changed.connect(self.on_filters_changed)
        for combo in (self.service_combo, self.commune_combo, self.age_combo):
            combo.currentIndexChanged.connect(self.on_filters_changed)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.view.doubleClicked.connect(self.on_edit_clicked)
        self.refresh()
        # Visits counted or corrected elsewhere (the desk, a workshop's attendance).
        self.shown = refresh_when_shown(self, self.reload, read=True)
        self.changes.watch(self, {Topic.VISITS}, self.shown.invalidate)

    def _make_view(self) -> QTableView:
        view = QTableView(self)
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        # Fixed widths: sizing to contents would read every page the view holds.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = view.fontMetrics()
        c = VisitsModel.Columns
        samples = {
            c.DATE: "00/00/0000",
            c.TIME: "Heure",
            c.SERVICE: "Accueil / information",
            c.COUNT: "Nombre",
            c.COMMUNE: "Saint-Pardoux-le-Neuf",
            c.AGE_BAND: "Tranche d'âge",
            c.GENDER: "Masculin",
            c.STATUS: "Sans emploi",
            c.PERSON: "Marie-Claude Durand",
            c.ENTERED: "00/00/0000 00:00",
            c.SOURCE: "Démonstration",
        }
        for column, sample in samples.items():
            view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        header.setStretchLastSection(True)
        return view

    # -- data ---------------------------------------------------------------------------
    def filters(self) -> VisitFilter:
        start, end = self.period.range()
        return VisitFilter(
            start=start,
            end=end,
            service_id=self.service_combo.currentData(),
            commune_id=self.commune_combo.currentData(),
            age_band_id=self.age_combo.currentData(),
        )

    def _fetch(self, after: VisitCursor | None, limit: int) -> list[VisitRow]:
        return self._app.visit_log.page(
            site_id=self._site.id, filters=self.filters(), after=after, limit=limit
        )

    def refresh(self) -> None:
        """Read the choices of the filters and the list again (keeping what was chosen)."""
        app, site_id = self._app, self._site.id
        self._fill(
            self.service_combo,
            _("Tous les services"),
            [(s.id, s.name) for s in app.config.list_services(site_id, include_inactive=True)],
        )
        self._fill(
            self.commune_combo,
            _("Toutes les communes"),
            [(UNKNOWN_FILTER, _(UNKNOWN))]
            + [(c.id, c.name) for c in app.communes.list_communes(site_id)],
        )
        self._fill(
            self.age_combo,
            _("Toutes"),
            [(UNKNOWN_FILTER, _(UNKNOWN))]
            + [
                (c.id, c.label)
                for c in app.config.list_categories(
                    site_id, CategoryKind.AGE_BAND, include_inactive=True
                )
            ],
        )
        self.reload()

    def _fill(self, combo: QComboBox, everything: str, items: list[tuple[uuid.UUID, str]]) -> None:
        kept = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for value, text in items:
            combo.addItem(text, value)
        select_data(combo, kept)
        combo.blockSignals(False)

    def reload(self) -> None:
        self.model.reload()
        self.reload_totals()
        self.on_selection_changed()

    def reload_totals(self) -> None:
        totals = self._app.visit_log.totals(site_id=self._site.id, filters=self.filters())
        if not totals.rows:
            self.totals_label.setText(_("Aucune visite sur cette période avec ces filtres."))
            self.by_service_label.clear()
            return
        lines = ngettext("{n} ligne", "{n} lignes", totals.rows).format(
            n=format_number(totals.rows)
        )
        self.totals_label.setText(
            _("Total : {visits} en {lines}").format(visits=visits_text(totals.people), lines=lines)
        )
        # No-break spaces inside each part: the line wraps between services only.
        parts = [
            _("{service} : {n}")
            .format(service=s.name, n=format_number(s.people))
            .replace(" ", "\u00a0")
            for s in totals.by_service
        ]
        self.by_service_label.setText(_("Par service : {parts}").format(parts=" · ".join(parts)))

    def selected_row(self) -> VisitRow | None:
        visit_id = selected_id(self.view)
        number = self.model.find_row(visit_id) if visit_id is not None else -1
        return self.model.row_at(number) if number >= 0 else None

    # -- slots --------------------------------------------------------------------------
    def on_filters_changed(self, *_args: object) -> None:
        self.reload()

    def on_selection_changed(self, *_args: object) -> None:
        chosen = self.selected_row() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def on_edit_clicked(self, *_args: object) -> None:
        row = self.selected_row()
        if row is None:
            return
        self.dialog = VisitDialog(self._app, self._site, row, self)
        self.dialog.visit_saved.connect(self.on_visit_saved)
        self.dialog.open()

    def on_import_clicked(self, *_args: object) -> None:
        from tiers_lieu.ui.imports import ImportDialog  # only when asked: keeps opening fast

        dialog = ImportDialog(self._app, self._site, "visits", self)
        dialog.file_imported.connect(self.on_file_imported)
        dialog.open()

    def on_file_imported(self, _result: object) -> None:
        self.reload()
        self.changes.announce(self, Topic.VISITS)

    def on_visit_saved(self, row: VisitRow) -> None:
        self.model.replace_row(row)
        self.reload_totals()
        self.status.confirm(
            _("Visite du {day} corrigée.").format(day=format_date(row.activity_date))
        )
        self.changes.announce(self, Topic.VISITS)

    def on_delete_clicked(self, *_args: object) -> None:
        row = self.selected_row()
        if row is None:
            return
        answer = QMessageBox.question(
            self,
            _("Supprimer la visite"),
            _(
                "Supprimer la visite du {day} ({service}, {visits}) ? Elle ne comptera plus "
                "dans les rapports ; la suppression est notée dans le journal."
            ).format(
                day=format_date(row.activity_date, "long"),
                service=row.service_name,
                visits=visits_text(row.count),
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.visit_log.delete(row.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Visite non supprimée"))
            return
        number = self.model.find_row(row.id)
        self.model.remove_id(row.id)
        self.reload_totals()
        if self.model.rowCount():
            self.view.selectRow(min(number, self.model.rowCount() - 1))
        self.on_selection_changed()
        self.status.confirm(
            _("Visite du {day} supprimée.").format(day=format_date(row.activity_date))
        )
        self.changes.announce(self, Topic.VISITS)
