"""« Réseau de lieux »: what ``tiers-lieu bundle`` does, in the window. A site sends its
data to the network's coordination in one file signed with the place's own key; the
coordination, which has added each place's public key once, takes in the files of every site;
both read back what was merged and the conflicts.

Exports and imports run through :func:`~tiers_lieu.ui.ops.run_op` (a large site's full bundle
takes a while on the desk's laptop). Each file is imported in its own transaction, so a
refused file (bad signature, a place not trusted here) does not hold back the others; the
summary names each file and what became of it. Before each import the service backs the base
up. An « indicateurs seuls » bundle carries no row: as with the command line, its indicators
are written next to it as a CSV file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _, format_number, place_today
from tiers_lieu.services.bundles import BundleMode, ExportResult
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, to_date, today_qdate
from tiers_lieu.ui.data_changed import EVERYTHING, DataChanged, hub_for
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.fit import scrolled
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import Progress, run_op
from tiers_lieu.ui.reports.bundle_jobs import (
    BUNDLE_SUFFIX,
    ImportOutcome,
    default_bundle_name,
    describe_outcome,
    export_job,
    import_job,
)
from tiers_lieu.ui.reports.bundle_key import PlaceKeysBox, documents_folder
from tiers_lieu.ui.reports.bundle_models import (
    BundleConflictsModel,
    BundleImportsModel,
    mode_label,
)
from tiers_lieu.ui.widgets import SubHeading


class BundlesTab(QWidget):
    """The places' keys, sending this site's bundle, taking in others', and their history."""

    bundle_exported = Signal(object)
    """A bundle was written; carries its :class:`ExportResult`."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        user: UserInfo | None,
        parent: QWidget | None = None,
        *,
        legacy_key_path: Path | None = None,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site
        self._user = user
        self.service = app.bundles
        self.key_box = PlaceKeysBox(app, site, self, legacy_path=legacy_key_path)
        exchange = QHBoxLayout()
        exchange.addWidget(self._build_export(), 1)
        exchange.addWidget(self._build_import(), 1)
        content = QWidget(self)  # scrolls inside the tab on a small screen
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.key_box)
        layout.addLayout(exchange)
        layout.addWidget(self._build_history(), 1)
        outer = QVBoxLayout(self)
        outer.addWidget(scrolled(content, self))
        self.shown = refresh_when_shown(self)  # read when first on screen

    # -- building ------------------------------------------------------------------------
    def _build_export(self) -> QWidget:
        box = QGroupBox(_("Envoyer les données de ce lieu"), self)
        self.site_label = QLabel(_("Lieu : {site}").format(site=self._site.name), box)
        self.all_radio = QRadioButton(_("&Tout, depuis le début"), box)
        self.since_radio = QRadioButton(_("Ce qui a changé &depuis le :"), box)
        self.all_radio.setChecked(True)
        self.since_edit = bounded(QDateEdit(today_qdate(self._site.zone).addMonths(-1), box))
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("dd/MM/yyyy")
        self.since_edit.setAccessibleName(_("Depuis le"))
        self.since_edit.setEnabled(False)
        self.since_edit.setMinimumWidth(140)
        self.since_edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.since_radio.toggled.connect(self.since_edit.setEnabled)
        self.period_group = QButtonGroup(box)
        self.period_group.addButton(self.all_radio)
        self.period_group.addButton(self.since_radio)
        self.mode_group = QButtonGroup(box)
        self.mode_radios: dict[BundleMode, QRadioButton] = {}
        explanations: dict[BundleMode, tuple[str, str]] = {
            "aggregates": (
                _("Indicateurs &seuls"),
                _(
                    "Les chiffres du rapport d'activité, sans aucune fiche : pour un réseau "
                    "de financeurs."
                ),
            ),
            "anonymous": (
                _("Sans données &personnelles"),
                _(
                    "Visites, réservations, ventes, démarches… ; noms, coordonnées, notes et "
                    "années de naissance sont vidés."
                ),
            ),
            "full": (
                _("T&outes les données"),
                _(
                    "Tout, personnes comprises : pour la coordination du réseau, qui fusionne "
                    "les lieux et a le droit de les voir."
                ),
            ),
        }
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        grid.addWidget(self.all_radio, 0, 0, 1, 3)
        grid.addWidget(self.since_radio, 1, 0)
        grid.addWidget(self.since_edit, 1, 1)
        grid.addWidget(SubHeading(_("Ce qui part :"), box), 2, 0, 1, 3)
        row = 3
        for mode, (label, explanation) in explanations.items():
            radio = QRadioButton(label, box)
            note = QLabel(explanation, box)
            note.setWordWrap(True)
            note.setIndent(24)
            note.setStyleSheet("color: #4a4a4a;")
            self.mode_group.addButton(radio)
            self.mode_radios[mode] = radio
            grid.addWidget(radio, row, 0, 1, 3)
            grid.addWidget(note, row + 1, 0, 1, 3)
            row += 2
        self.mode_radios["full"].setChecked(True)
        self.export_button = QPushButton(_("&Exporter le paquet…"), box)
        self.export_button.clicked.connect(self.on_export_clicked)
        add_shortcut(self, "Ctrl+E", self.on_export_clicked, self.export_button)
        self.export_status = StatusLabel(box, zone=self._site.zone)
        layout = QVBoxLayout(box)
        layout.addWidget(self.site_label)
        layout.addLayout(grid)
        layout.addWidget(self.export_button)
        layout.addWidget(self.export_status)
        layout.addStretch(1)
        return box

    def _build_import(self) -> QWidget:
        box = QGroupBox(_("Recevoir les paquets des autres lieux"), self)
        explanation = QLabel(
            _(
                "Les paquets choisis sont fusionnés dans cette base, chacun en entier ou pas "
                "du tout. Importer deux fois le même paquet ne change rien ; quand une fiche a "
                "été modifiée des deux côtés, la plus récente est gardée et le journal des "
                "conflits le note."
            ),
            box,
        )
        explanation.setWordWrap(True)
        self.import_button = QPushButton(_("Importer des pa&quets…"), box)
        self.import_button.clicked.connect(self.on_import_clicked)
        add_shortcut(
            self, QKeySequence.StandardKey.Open, self.on_import_clicked, self.import_button
        )
        self.import_status = StatusLabel(box, zone=self._site.zone)
        layout = QVBoxLayout(box)
        layout.addWidget(explanation)
        layout.addWidget(self.import_button)
        layout.addWidget(self.import_status)
        layout.addStretch(1)
        return box

    def _build_history(self) -> QWidget:
        """Both lists in tabs of their own: side by side, the conflict log's seven columns
        would not fit the desk's screen."""
        self.history_tabs = QTabWidget(self)
        self.imports_model = BundleImportsModel(self)
        self.conflicts_model = BundleConflictsModel(self)
        self.imports_model.zone = self.conflicts_model.zone = self._site.zone
        self.imports_view = make_table(
            self.imports_model, self.history_tabs, stretch=BundleImportsModel.Columns.SITE
        )
        self.conflicts_view = make_table(
            self.conflicts_model, self.history_tabs, stretch=BundleConflictsModel.Columns.TABLE
        )
        for view in (self.imports_view, self.conflicts_view):
            view.setMinimumHeight(view.fontMetrics().height() * 9)
        self.history_tabs.addTab(self.imports_view, "")
        self.history_tabs.addTab(self.conflicts_view, "")
        return self.history_tabs

    # -- state ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the keys and both lists."""
        self.key_box.refresh()
        try:
            self.imports_model.set_rows(self.service.list_imports())
            self.conflicts_model.set_rows(self.service.list_conflicts())
        except Exception as exc:
            show_error(self, exc)
        self.history_tabs.setTabText(
            0,
            _("Paquets déjà importés ({n})").format(n=format_number(self.imports_model.rowCount())),
        )
        self.history_tabs.setTabText(
            1,
            _("Journal des conflits ({n})").format(
                n=format_number(self.conflicts_model.rowCount())
            ),
        )

    def mode(self) -> BundleMode:
        return next(m for m, radio in self.mode_radios.items() if radio.isChecked())

    def since_day(self) -> date | None:
        if not self.since_radio.isChecked():
            return None
        day = to_date(self.since_edit.date())
        if day > place_today(self._site.zone):
            raise ValidationError(_("Depuis le"), _("la date est dans l'avenir"))
        return day

    # -- export --------------------------------------------------------------------------
    def on_export_clicked(self) -> None:
        try:
            since_day = self.since_day()
        except ComptoirError as exc:
            show_error(self, exc)
            return
        mode = self.mode()
        today = place_today(self._site.zone)
        suggested = documents_folder() / default_bundle_name(self._site.name, mode, today)
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Exporter le paquet"),
            str(suggested),
            _("Paquets Comptoir ({pattern})").format(pattern="*" + BUNDLE_SUFFIX),
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != BUNDLE_SUFFIX:
            path = path.with_name(path.name + BUNDLE_SUFFIX)
        self.export_to(path, mode=mode, since_day=since_day)

    def export_to(self, path: Path, *, mode: BundleMode, since_day: date | None) -> None:
        """Write this site's bundle to ``path`` off the GUI thread (its key is made the
        first time)."""
        app, service, site_id = self._app, self.service, self._site.id

        def work(progress: Progress) -> ExportResult:
            return export_job(app, service, site_id, path, mode=mode, since_day=since_day)

        self.export_status.setText(_("Export du paquet en cours…"))
        run_op(
            self,
            work,
            self.on_exported,
            label=_("Export du paquet…"),
            on_failure=self.on_export_failed,
        )

    def on_exported(self, result: ExportResult) -> None:
        if result.mode == "aggregates":
            message = _("Paquet « {mode} » écrit : {path}").format(
                mode=mode_label(result.mode), path=result.path
            )
        else:
            message = _(
                "Paquet « {mode} » écrit (lignes : {rows}, suppressions : {stones}) : {path}"
            ).format(
                mode=mode_label(result.mode),
                rows=format_number(result.rows),
                stones=format_number(result.tombstones),
                path=result.path,
            )
        self.export_status.confirm(message)
        self.key_box.refresh()  # the place's key may have been made by this export
        self.bundle_exported.emit(result)

    def on_export_failed(self, exc: BaseException) -> None:
        self.export_status.setText(_("Aucun paquet n'a été écrit."))
        show_error(self, exc, _("Export impossible"))

    # -- import --------------------------------------------------------------------------
    def on_import_clicked(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Importer des paquets"),
            str(documents_folder()),
            _("Paquets Comptoir ({pattern});;Tous les fichiers (*)").format(
                pattern="*" + BUNDLE_SUFFIX + " *.bundle"
            ),
        )
        if names:
            self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path]) -> None:
        """Merge each file in turn off the GUI thread; one refused file stops no other."""
        service = self.service

        def work(progress: Progress) -> list[ImportOutcome]:
            return import_job(service, paths, progress=progress)

        self.import_status.setText(_("Import en cours…"))
        run_op(
            self,
            work,
            self.on_imported,
            label=_("Import des paquets…"),
            on_failure=self.on_import_failed,
        )

    def on_imported(self, outcomes: list[ImportOutcome]) -> None:
        self.refresh()
        self.import_status.confirm("\n".join(describe_outcome(o) for o in outcomes))
        refused = [o for o in outcomes if o.error is not None]
        if refused:
            QMessageBox.warning(
                self,
                _("Paquets refusés"),
                "\n\n".join(describe_outcome(o) for o in refused),
            )
        self.changes.announce(self, *EVERYTHING)  # another place's rows, of every kind

    def on_import_failed(self, exc: BaseException) -> None:
        self.refresh()
        self.import_status.setText(_("L'import s'est arrêté : voir le message."))
        show_error(self, exc, _("Import impossible"))


__all__ = ["BundlesTab"]
