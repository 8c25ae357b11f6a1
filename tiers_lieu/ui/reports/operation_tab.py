"""« Opération LEADER »: the funded operation the cover of the report describes (title, file
number, GAL, region, co-funders, logo files) and its payment claims with their periods.

Logo files are chosen with a file dialog and stored as paths: the PDF reads them when it is
made and leaves out any that has gone missing. The EU emblem needs no file (the PDF draws it);
a site may still give an official image instead.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, place_today
from tiers_lieu.services.organisation import OperationDetail, OperationFields
from tiers_lieu.services.payment_claims import ClaimInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    list_keys,
    make_table,
    select_id,
    selected_id,
    to_date,
)
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.reports.claim_edit import ClaimDialog, ask_deletion
from tiers_lieu.ui.reports.claim_pack_button import ClaimPackButton
from tiers_lieu.ui.reports.forms import OptionalDateEdit, add_row, date_edit
from tiers_lieu.ui.reports.table_models import ClaimsModel
from tiers_lieu.ui.tab_parts import button_row

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg)"


class FileField(QWidget):
    """A path typed or chosen with « Choisir… »; empty means none."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(_("aucun fichier"))
        self.button = QPushButton(_("Choisir…"), self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.button.clicked.connect(self.on_choose_clicked)

    def value(self) -> str | None:
        return self.edit.text().strip() or None

    def set_value(self, value: str | None) -> None:
        self.edit.setText(value or "")

    def on_choose_clicked(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self._title, self.edit.text(), IMAGE_FILTER
        )
        if chosen:
            self.edit.setText(chosen)


class OperationTab(QWidget):
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

        op_box = QGroupBox(_("Opération (dossier LEADER)"), self)
        form = QFormLayout(op_box)
        self.title_edit = QLineEdit(op_box)
        self.title_edit.setMaxLength(250)
        # What the operation does, its aims and results: the poster and notice print it.
        self.description_edit = QPlainTextEdit(op_box)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText(
            _("Ce que fait l'opération, ses objectifs et ses résultats (affiche et notice)")
        )
        edit = self.description_edit  # three whole lines high, then it scrolls
        margins = 2 * (edit.document().documentMargin() + edit.frameWidth())
        edit.setFixedHeight(round(edit.fontMetrics().lineSpacing() * 3 + margins))
        self.file_edit = QLineEdit(op_box)
        self.file_edit.setMaxLength(80)
        self.gal_edit = QLineEdit(op_box)
        self.gal_edit.setMaxLength(200)
        self.region_edit = QLineEdit(op_box)
        self.region_edit.setMaxLength(120)
        self.cofunders_edit = QLineEdit(op_box)
        self.cofunders_edit.setMaxLength(500)
        self.start_edit = OptionalDateEdit(op_box)
        self.end_edit = OptionalDateEdit(op_box)
        self.leader_logo = FileField(_("Logo LEADER"), op_box)
        self.region_logo = FileField(_("Logo de la Région"), op_box)
        self.gal_logo = FileField(_("Logo du GAL"), op_box)
        self.emblem = FileField(_("Emblème de l'Union européenne"), op_box)
        self.emblem.edit.setPlaceholderText(_("dessiné par Comptoir"))
        self.save_button = QPushButton(_("Enregi&strer l'opération"), op_box)
        self.status = StatusLabel(op_box, zone=self._site.zone)
        add_row(form, _("Intitul&é :"), self.title_edit)
        add_row(form, _("Description (affic&he) :"), self.description_edit)
        add_row(form, _("N° de &dossier :"), self.file_edit)
        add_row(form, _("&GAL :"), self.gal_edit)
        add_row(form, _("&Région :"), self.region_edit)
        add_row(form, _("&Cofinanceurs :"), self.cofunders_edit)
        add_row(form, _("Dé&but de l'opération :"), self.start_edit)
        add_row(form, _("Fin de l'opéra&tion :"), self.end_edit)
        add_row(form, _("Logo &LEADER :"), self.leader_logo)
        add_row(form, _("Logo de la Régi&on :"), self.region_logo)
        add_row(form, _("Logo d&u GAL :"), self.gal_logo)
        add_row(form, _("&Emblème UE (image) :"), self.emblem)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        form.addRow(save_row)
        form.addRow(self.status)

        claims_box = QGroupBox(_("Demandes de paiement"), self)
        self.claims_model = ClaimsModel(self)
        self.claims_view = make_table(self.claims_model, claims_box, stretch=0)
        self.claim_number_edit = QLineEdit(claims_box)
        self.claim_number_edit.setMaxLength(40)
        today = place_today(self._site.zone)
        self.claim_start_edit = date_edit(claims_box, date(today.year, 1, 1))
        self.claim_end_edit = date_edit(claims_box, today)
        self.add_claim_button = QPushButton(_("Ajouter la de&mande"), claims_box)
        self.edit_claim_button = QPushButton(_("Modifier…"), claims_box)
        self.delete_claim_button = QPushButton(_("Supprimer…"), claims_box)
        list_keys(
            claims_box,
            self.claims_view,
            edit=self.on_edit_claim_clicked,
            delete=self.on_delete_claim_clicked,
            edit_button=self.edit_claim_button,
            delete_button=self.delete_claim_button,
        )
        self.delete_claim_button.setToolTip(_("Supprimer la demande choisie (Suppr dans la liste)"))
        self.claims_status = StatusLabel(claims_box, zone=self._site.zone)
        self.pack_button = ClaimPackButton(
            app, site, self.claims_view, self.claims_model, self.claims_status, claims_box
        )
        claims_layout = QVBoxLayout(claims_box)
        claims_layout.addWidget(self.claims_view, 1)
        claims_layout.addLayout(button_row(self.edit_claim_button, self.delete_claim_button))
        claims_layout.addWidget(self.pack_button, 0, Qt.AlignmentFlag.AlignRight)
        claim_form = QFormLayout()
        add_row(claim_form, _("&Numéro :"), self.claim_number_edit)
        add_row(claim_form, _("&Période du :"), self.claim_start_edit)
        add_row(claim_form, _("au :"), self.claim_end_edit)
        claims_layout.addLayout(claim_form)
        claims_layout.addWidget(self.add_claim_button, 0, Qt.AlignmentFlag.AlignRight)
        claims_layout.addWidget(self.claims_status)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(op_box)
        splitter.addWidget(claims_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        add_shortcut(self, QKeySequence.StandardKey.Save, self.on_save_clicked, self.save_button)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.add_claim_button.clicked.connect(self.on_add_claim_clicked)
        self.claim_number_edit.returnPressed.connect(self.on_add_claim_clicked)
        self.shown = refresh_when_shown(self)  # read when first on screen

    def refresh(self) -> None:
        self._fill(self._app.organisation.get_operation(self._site.id))
        self.claims_model.set_rows(self._app.organisation.list_claims(self._site.id))

    def _fill(self, operation: OperationDetail | None) -> None:
        self.title_edit.setText(operation.title if operation else "")
        self.description_edit.setPlainText(operation.description if operation else "")
        self.file_edit.setText(operation.file_number if operation else "")
        self.gal_edit.setText(operation.gal_name if operation else "")
        self.region_edit.setText(operation.region if operation else "")
        self.cofunders_edit.setText(operation.cofunders if operation else "")
        self.start_edit.set_value(operation.start_date if operation else None)
        self.end_edit.set_value(operation.end_date if operation else None)
        self.leader_logo.set_value(operation.leader_logo_path if operation else None)
        self.region_logo.set_value(operation.region_logo_path if operation else None)
        self.gal_logo.set_value(operation.gal_logo_path if operation else None)
        self.emblem.set_value(operation.emblem_path if operation else None)

    def on_save_clicked(self) -> None:
        try:
            operation = self._app.organisation.save_operation(
                self._site.id,
                OperationFields(
                    title=self.title_edit.text(),
                    description=self.description_edit.toPlainText(),
                    file_number=self.file_edit.text(),
                    gal_name=self.gal_edit.text(),
                    region=self.region_edit.text(),
                    cofunders=self.cofunders_edit.text(),
                    start_date=self.start_edit.value(),
                    end_date=self.end_edit.value(),
                    emblem_path=self.emblem.value(),
                    leader_logo_path=self.leader_logo.value(),
                    region_logo_path=self.region_logo.value(),
                    gal_logo_path=self.gal_logo.value(),
                ),
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self._fill(operation)
        self.status.confirm(_("Opération enregistrée."))
        self.changes.announce(self, Topic.REPORT_RECORDS)

    def on_add_claim_clicked(self) -> None:
        try:
            claim = self._app.organisation.add_claim(
                self._site.id,
                number=self.claim_number_edit.text(),
                period_start=to_date(self.claim_start_edit.date()),
                period_end=to_date(self.claim_end_edit.date()),
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.claims_model.set_rows(self._app.organisation.list_claims(self._site.id))
        self.claim_number_edit.clear()
        self.claims_status.confirm(_("Demande n° {number} ajoutée.").format(number=claim.number))
        self.changes.announce(self, Topic.REPORT_RECORDS)

    def _claim(self) -> ClaimInfo | None:
        claim_id = selected_id(self.claims_view)
        row = self.claims_model.find_row(claim_id) if claim_id is not None else -1
        return self.claims_model.row_at(row) if row >= 0 else None

    def on_edit_claim_clicked(self) -> None:
        claim = self._claim()
        if claim is None:
            return
        dialog = ClaimDialog(self._app, claim, self)
        dialog.exec()
        saved = dialog.saved
        dialog.deleteLater()
        if saved is None:
            return
        self._claims_changed(saved, _("Demande n° {number} modifiée.").format(number=saved.number))

    def on_delete_claim_clicked(self) -> None:
        claim = self._claim()
        if claim is None or not ask_deletion(self, claim):
            return
        try:
            self._app.organisation.delete_claim(claim.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._claims_changed(None, _("Demande n° {number} supprimée.").format(number=claim.number))

    def _claims_changed(self, chosen: ClaimInfo | None, message: str) -> None:
        self.claims_model.set_rows(self._app.organisation.list_claims(self._site.id))
        if chosen is not None:
            select_id(self.claims_view, chosen.id)
        self.claims_status.confirm(message)
        self.changes.announce(self, Topic.REPORT_RECORDS)
