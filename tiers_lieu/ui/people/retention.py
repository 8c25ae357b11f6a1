"""« Conservation (RGPD) » and « Adhésions à renouveler ».

The retention tab edits the periods (stored per site), runs the purge after showing the
dry-run list, and exports the register of processing and the desk's information notice, both
generated from those same periods so that what the place says is what the software does.

Both tabs read the database when they are first shown, not when the section opens on
« Registre » (issue 17: the renewals alone took 60 ms of the section's first opening).
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, place_today
from tiers_lieu.reports.documents.privacy import register_of_processing, write_notice_pdf
from tiers_lieu.services.memberships import RenewalDue
from tiers_lieu.services.privacy import RETENTION_LABELS, PurgeReport, Retention
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.widgets import SubHeading


def purge_summary(report: PurgeReport, limit: int = 15) -> str:
    """The dry-run list as the coordinator reads it before confirming."""
    from tiers_lieu.cli.purge import describe

    text = describe("", report).split("\n", 1)[1]
    lines = text.splitlines()
    if len(lines) > limit + 3:
        lines = [*lines[: limit + 1], "    …", *lines[-2:]]
    return "\n".join(lines)


class RetentionTab(QWidget):
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
        self._app, self._site = app, site
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for field, label in RETENTION_LABELS.items():
            spin = QSpinBox(self)
            spin.setRange(0, 240)
            spin.setSuffix(_(" mois"))
            spin.setSpecialValueText(_("sans limite"))
            self.spins[field] = spin
            form.addRow(_(label) + _(" :"), spin)
        self.save_button = QPushButton(_("&Enregistrer les durées"), self)
        self.purge_button = QPushButton(_("&Purger maintenant…"), self)
        self.register_button = QPushButton(_("Exporter le &registre des traitements…"), self)
        self.notice_button = QPushButton(_("&Notice d'information (PDF)…"), self)
        self.status = StatusLabel(self, zone=self._site.zone)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.purge_button.clicked.connect(self.on_purge_clicked)
        self.register_button.clicked.connect(self.on_register_clicked)
        self.notice_button.clicked.connect(self.on_notice_clicked)
        add_shortcut(self, "Ctrl+S", self.on_save_clicked, self.save_button)
        explanation = QLabel(
            _(
                "Au-delà de ces durées, les notes des démarches sont effacées et les personnes "
                "sans activité sont anonymisées. Les chiffres des bilans ne changent pas."
            ),
            self,
        )
        explanation.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.purge_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        documents_row = QHBoxLayout()
        for button in (self.register_button, self.notice_button):
            documents_row.addWidget(button)
        documents_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(SubHeading(_("Durées de conservation"), self))
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(SubHeading(_("Documents RGPD"), self))
        layout.addLayout(documents_row)
        layout.addStretch(1)
        self.shown = refresh_when_shown(self, self._load)  # read when first on screen

    def refresh(self) -> None:
        """Read the periods again now if the tab is shown, else when it is."""
        self.shown.invalidate()

    def _load(self) -> None:
        current = self._app.privacy.retention(self._site.id)
        for field, spin in self.spins.items():
            spin.setValue(getattr(current, field))

    def on_save_clicked(self) -> None:
        values = {field: spin.value() for field, spin in self.spins.items()}
        try:
            self._app.privacy.set_retention(site_id=self._site.id, retention=Retention(**values))
        except Exception as exc:
            show_error(self, exc)
            return
        self.status.confirm(_("Durées de conservation enregistrées"))

    def on_purge_clicked(self) -> None:
        done = confirm_and_purge(self, self._app, self._site)
        if done is not None:
            self.status.confirm(_("Purge faite"))
            self.changes.announce(self, Topic.PEOPLE, Topic.ASSISTANCE)

    def on_register_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Registre des traitements"), "registre-des-traitements.md", "Markdown (*.md)"
        )
        if name:
            self.save_register(Path(name))

    def save_register(self, path: Path) -> None:
        facts = self._app.privacy.register_facts(self._site.id)
        path.write_text(register_of_processing(facts), encoding="utf-8")
        self.status.confirm(_("Registre enregistré : {path}").format(path=path))

    def on_notice_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Notice d'information"), "notice-donnees-personnelles.pdf", "PDF (*.pdf)"
        )
        if name:
            self.save_notice(Path(name))

    def save_notice(self, path: Path) -> None:
        service = self._app.privacy
        run_op(
            self,
            lambda _progress: write_notice_pdf(service.notice_facts(self._site.id), path),
            lambda written: self.status.confirm(
                _("Notice enregistrée : {path}").format(path=written)
            ),
            label=_("Création de la notice…"),
        )


def confirm_and_purge(parent: QWidget | None, app: Comptoir, site: SiteInfo) -> PurgeReport | None:
    """Show the dry run, purge on confirmation; the purge done (or None)."""
    service = app.privacy
    try:
        preview = service.purge(site.id, dry_run=True, today=place_today(site.zone))
    except Exception as exc:
        show_error(parent, exc)
        return None
    if not preview.anything:
        QMessageBox.information(parent, _("Purge"), _("Rien n'est à purger aujourd'hui."))
        return None
    answer = QMessageBox.question(
        parent,
        _("Purger maintenant ?"),
        _("Voici ce qui sera anonymisé ou effacé :\n{summary}\n\nPurger maintenant ?").format(
            summary=purge_summary(preview)
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        return service.purge(
            site.id,
            dry_run=False,
            today=place_today(site.zone),
        )
    except Exception as exc:
        show_error(parent, exc, _("Purge impossible"))
        return None


class RenewalsModel(ReadModelTable[RenewalDue]):
    class Columns(IntEnum):
        NAME = 0
        END = 1

    def headers(self) -> dict[object, str]:
        return {self.Columns.NAME: _("Adhérent"), self.Columns.END: _("Fin de l'adhésion")}

    def display(self, row: RenewalDue, column: object) -> str:
        return row.display_name if column == self.Columns.NAME else format_date(row.end_date)

    def row_id(self, row: RenewalDue) -> object:
        return row.person_id


class RenewalsTab(QWidget):
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
        self._app, self._site = app, site
        self.model = RenewalsModel(self)
        self.table = make_table(self.model, self, stretch=0)
        self.empty = QLabel(_("Aucune adhésion à renouveler dans les 30 prochains jours."), self)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _(
                    "Adhésions qui se terminent dans les 30 jours "
                    "ou terminées depuis moins de 3 mois."
                ),
                self,
            )
        )
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        self.shown = refresh_when_shown(self, self._load)  # read when first on screen
        self.changes.watch(self, {Topic.PEOPLE}, self.shown.invalidate)  # memberships

    def refresh(self) -> None:
        """List the renewals again now if the tab is shown, else when it is."""
        self.shown.invalidate()

    def _load(self) -> None:
        rows = self._app.memberships.renewals_due(
            site_id=self._site.id, today=place_today(self._site.zone)
        )
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
