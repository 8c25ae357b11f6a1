"""« Rapport »: choose a period and a site, compute, look at the figures, export.

Computing and exporting run through :func:`tiers_lieu.ui.ops.run_op` (the window stays alive
on a three-year, five-site report). An export computes again for the period on screen, then
writes the file from that one computation, so the file and the figures shown always agree.
The summary text is kept per site (or for « Tous les lieux ») in the desk's settings, so the
coordinator can write it over several days.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_number, ngettext, place_today
from tiers_lieu.reports.model import ReportData
from tiers_lieu.reports.pdf_parts.text import period_text
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import Progress, run_op
from tiers_lieu.ui.options import Option
from tiers_lieu.ui.reports.period import ClaimChoice, Period, PeriodPicker
from tiers_lieu.ui.reports.results import ResultsView

Format = Literal["pdf", "xlsx", "csv"]
ALL_SITES = "all"

FILTERS = {
    "pdf": "PDF (*.pdf)",
    "xlsx": "Classeur Excel (*.xlsx)",
    "csv": "CSV (*.csv)",
}


def summary_option(scope: str) -> Option[str]:
    """The summary being written for ``scope`` (a site id, or ``all``)."""
    return Option(f"reports/summary/{scope}", "")


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    site_ids: list[uuid.UUID] | None
    summary: str


class ReportTab(QWidget):
    report_computed = Signal(object)
    """The figures on screen changed; carries the :class:`ReportData`."""
    report_exported = Signal(str)
    """A file was written; carries its path."""

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
        self._summary_scope = ""

        self.period_picker = PeriodPicker(self, today=place_today(site.zone))
        self.site_combo = QComboBox(self)
        self.site_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.site_combo.setMinimumContentsLength(12)
        self.summary_edit = QPlainTextEdit(self)
        self.summary_edit.setPlaceholderText(
            _(
                "Ce que la coordination veut dire de la période : faits marquants, "
                "nouveaux services, difficultés. Ce texte ouvre le rapport PDF."
            )
        )
        self.summary_edit.setTabChangesFocus(True)
        self.compute_button = QPushButton(_("&Calculer"), self)
        self.compute_button.setDefault(True)
        self.pdf_button = QPushButton(_("Exporter en P&DF…"), self)
        self.xlsx_button = QPushButton(_("Exporter en &XLSX…"), self)
        self.csv_button = QPushButton(_("Exporter en C&SV…"), self)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("reportStatus")
        self.status_label.setMinimumHeight(self.status_label.fontMetrics().lineSpacing() * 3)
        self.results = ResultsView(self)

        choice_box = QGroupBox(_("Rapport"), self)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        site_label = QLabel(_("&Lieu :"), choice_box)
        site_label.setBuddy(self.site_combo)
        form.addRow(site_label, self.site_combo)
        summary_label = QLabel(_("&Résumé (en tête du PDF) :"), choice_box)
        summary_label.setBuddy(self.summary_edit)
        box_layout = QVBoxLayout(choice_box)
        box_layout.addWidget(self.period_picker)
        box_layout.addLayout(form)
        box_layout.addWidget(summary_label)
        box_layout.addWidget(self.summary_edit, 1)
        box_layout.addWidget(self.compute_button)
        box_layout.addWidget(self.pdf_button)
        box_layout.addWidget(self.xlsx_button)
        box_layout.addWidget(self.csv_button)
        box_layout.addWidget(self.status_label)

        choice_box.setFixedWidth(360)
        layout = QHBoxLayout(self)
        layout.addWidget(choice_box)
        layout.addWidget(self.results, 1)

        add_shortcut(
            self, QKeySequence("Ctrl+Return"), self.on_compute_clicked, self.compute_button
        )
        add_shortcut(self, QKeySequence.StandardKey.Print, self.on_pdf_clicked, self.pdf_button)
        self.compute_button.clicked.connect(self.on_compute_clicked)
        self.pdf_button.clicked.connect(self.on_pdf_clicked)
        self.xlsx_button.clicked.connect(self.on_xlsx_clicked)
        self.csv_button.clicked.connect(self.on_csv_clicked)
        self.site_combo.currentIndexChanged.connect(self.on_site_changed)
        self.summary_edit.textChanged.connect(self.on_summary_edited)
        self.refresh()
        # The operation or a payment claim saved, a place brought by a bundle.
        self.shown = refresh_when_shown(self, read=True)
        self.changes.watch(self, {Topic.REPORT_RECORDS}, self.shown.invalidate)

    # -- loading -------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        """No: the section's tab stack would size itself by this tab's preferred height for
        its width (its wrapped labels ask ~540 px) and the whole section would scroll by a few
        pixels at 1024×600; the labels wrap within the space there is."""
        return False

    def refresh(self) -> None:
        """Reload the sites and the payment claims (after the operation tab saved, say)."""
        current = self.site_combo.currentData() if self.site_combo.count() else None
        self.site_combo.blockSignals(True)
        self.site_combo.clear()
        self.site_combo.addItem(_("Tous les lieux"), ALL_SITES)
        for site in self._app.sites.list_sites():
            self.site_combo.addItem(site.name, str(site.id))
        wanted = current if current is not None else str(self._site.id)
        self.site_combo.setCurrentIndex(max(self.site_combo.findData(wanted), 0))
        self.site_combo.blockSignals(False)
        self.on_site_changed()

    def _load_claims(self) -> None:
        site_ids = self._site_ids()
        claims: list[ClaimChoice] = []
        for site_id in site_ids if site_ids is not None else self._all_site_ids():
            claims += [
                ClaimChoice(c.number, c.period_start, c.period_end)
                for c in self._app.organisation.list_claims(site_id=site_id)
            ]
        claims.sort(key=lambda c: (c.start, c.number))
        self.period_picker.set_claims(claims)

    def _all_site_ids(self) -> list[uuid.UUID]:
        return [site.id for site in self._app.sites.list_sites()]

    def _site_ids(self) -> list[uuid.UUID] | None:
        data = self.site_combo.currentData()
        return None if data in (None, ALL_SITES) else [uuid.UUID(str(data))]

    def _request(self) -> ReportRequest:
        period = self.period_picker.period()
        if period is None:
            raise ValidationError(
                _("Période"), _("aucune demande de paiement n'est enregistrée pour ce lieu")
            )
        if period.end < period.start:
            raise ValidationError(_("Période"), _("la date de fin précède la date de début"))
        return ReportRequest(period, self._site_ids(), self.summary_edit.toPlainText())

    # -- slots ---------------------------------------------------------------------------
    def on_site_changed(self, _index: int = 0) -> None:
        scope = str(self.site_combo.currentData() or ALL_SITES)
        self._summary_scope = scope
        self.summary_edit.blockSignals(True)
        self.summary_edit.setPlainText(summary_option(scope).get())
        self.summary_edit.blockSignals(False)
        try:
            self._load_claims()
        except Exception as exc:  # the picker still works without claims
            show_error(self, exc)

    def on_summary_edited(self) -> None:
        summary_option(self._summary_scope).set(self.summary_edit.toPlainText())

    def on_compute_clicked(self) -> None:
        try:
            request = self._request()
        except ValidationError as exc:
            show_error(self, exc)
            return

        def work(progress: Progress) -> ReportData:
            return self._compute(request)

        run_op(self, work, self.on_report_computed, label=_("Calcul du rapport…"))

    def on_pdf_clicked(self) -> None:
        self.export("pdf")

    def on_xlsx_clicked(self) -> None:
        self.export("xlsx")

    def on_csv_clicked(self) -> None:
        self.export("csv")

    def on_report_computed(self, data: ReportData) -> None:
        self.results.set_data(data)
        visits = round(data.value("visits.total"))
        self.status_label.setText(
            ngettext(
                "Rapport calculé {period} : {visits} visite.",
                "Rapport calculé {period} : {visits} visites.",
                visits,
            ).format(
                period=period_text(data.period_start, data.period_end),
                visits=format_number(visits),
            )
        )
        self.report_computed.emit(data)

    def on_report_exported(self, result: tuple[ReportData, Path]) -> None:
        data, path = result
        self.on_report_computed(data)
        self.status_label.setText(_("Rapport enregistré : {path}").format(path=str(path)))
        QMessageBox.information(
            self,
            _("Rapport exporté"),
            _("Le rapport a été enregistré dans :\n{path}").format(path=str(path)),
        )
        self.report_exported.emit(str(path))

    # -- work ----------------------------------------------------------------------------
    def _compute(self, request: ReportRequest) -> ReportData:
        return self._app.reports.compute(
            period_start=request.period.start,
            period_end=request.period.end,
            site_ids=request.site_ids,
            claim_number=request.period.claim_number,
            summary_text=request.summary,
        )

    def export(self, fmt: Format) -> None:
        """Ask where, then compute and write the report in ``fmt`` off the GUI thread."""
        try:
            request = self._request()
        except ValidationError as exc:
            show_error(self, exc)
            return
        suggested = self._suggested_path(request, fmt)
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Exporter le rapport d'activité"),
            str(suggested),
            FILTERS[fmt],
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != "." + fmt:
            path = path.with_name(path.name + "." + fmt)
        site_ids = request.site_ids

        def work(progress: Progress) -> tuple[ReportData, Path]:
            data = self._compute(request)
            self._app.reports.write(
                data,
                fmt=fmt,
                path=path,
                site_id=site_ids[0] if site_ids else None,
                progress=progress,
            )
            return data, path

        run_op(
            self,
            work,
            self.on_report_exported,
            label=_("Export du rapport ({format})…").format(format=fmt.upper()),
        )

    def _suggested_path(self, request: ReportRequest, fmt: Format) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        period = request.period
        name = f"rapport-activite_{period.start.isoformat()}_{period.end.isoformat()}.{fmt}"
        return Path(folder or Path.home()) / name
