"""« Facturation »: the place as its invoices, quotes and receipts name it — legal name and
form, SIRET or RNA, address, VAT regime (the 293 B exemption, or liable with its VAT number
and usual rate), payment terms, late penalties, the logo — and what tax receipts for gifts
need (entitled or not, the organisation's quality as the Cerfa 11580 names it, its object).
« Imprimante de tickets… » sets this desk's receipt printer (kept on this computer).

Two columns in a scrolling page (1024×600); every field has its Alt letter; Ctrl+S saves the
whole form in one call. The service checks it; a refusal names the field, which gets the
focus. An issued document keeps the values of its day: changing them rewrites no invoice.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.services.grocery.labels import vat_label
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import (
    DEFAULT_PENALTIES,
    FRANCHISE,
    LIABLE,
    MAX_TERMS_DAYS,
    RECEIPT_QUALITIES,
    VAT_RATES_BP,
    BillingSettings,
    field_label,
)
from tiers_lieu.ui.common import StatusLabel, add_shortcut
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.fit import scrolled
from tiers_lieu.ui.grocery.receipt_dialog import edit_printer, printer_config, printer_summary
from tiers_lieu.ui.loading import refresh_when_shown

__all__ = ["BillingTab"]

TEXT_FIELDS = (
    "legal_name",
    "legal_form",
    "siret",
    "rna",
    "address",
    "postal_code",
    "city",
    "email",
    "phone",
    "vat_number",
    "late_penalties",
    "logo_path",
    "receipts_object",
)
"""The settings typed in a line of text, shown and read back the same way."""


class BillingTab(QWidget):
    """The seller's identity and the rules of its documents."""

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
        self.fields: dict[str, QWidget] = {}

        def line(name: str, limit: int, hint: str = "") -> QLineEdit:
            edit = QLineEdit(self)
            edit.setMaxLength(limit)
            if hint:
                edit.setPlaceholderText(hint)
            edit.setAccessibleName(field_label(name))
            self.fields[name] = edit
            return edit

        identity = QGroupBox(_("Identité du vendeur"), self)
        form = QFormLayout(identity)
        form.addRow(_("&Raison sociale :"), line("legal_name", 200, _("Association Le Comptoir")))
        form.addRow(
            _("Forme &juridique :"), line("legal_form", 80, _("Association loi 1901, SCIC…"))
        )
        form.addRow(_("&SIRET :"), line("siret", 20, _("14 chiffres")))
        form.addRow(_("R&NA :"), line("rna", 12, _("W et 9 chiffres (association)")))
        form.addRow(_("A&dresse :"), line("address", 250))
        town = QHBoxLayout()
        postal = line("postal_code", 5)
        postal.setMaximumWidth(80)
        town.addWidget(postal)
        town.addWidget(line("city", 120), 1)
        town_label = QLabel(_("&Code postal et ville :"), self)
        town_label.setBuddy(postal)
        form.addRow(town_label, town)
        form.addRow(_("Co&urriel :"), line("email", 200))
        form.addRow(_("Téléphone :"), line("phone", 30))
        logo_row = QHBoxLayout()
        logo_row.addWidget(line("logo_path", 500, _("image PNG ou JPEG (facultatif)")), 1)
        choose = QPushButton(_("C&hoisir…"), self)
        choose.clicked.connect(self.choose_logo)
        logo_row.addWidget(choose)
        logo_label = QLabel(_("Logo :"), self)
        logo_label.setBuddy(self.fields["logo_path"])
        form.addRow(logo_label, logo_row)

        rules = QGroupBox(_("TVA et paiement"), self)
        rules_form = QFormLayout(rules)
        self.regime = QComboBox(self)
        self.regime.addItem(_("Franchise en base (TVA non applicable, art. 293 B)"), FRANCHISE)
        self.regime.addItem(_("Assujetti à la TVA"), LIABLE)
        self.regime.setAccessibleName(field_label("vat_regime"))
        self.fields["vat_regime"] = self.regime
        rules_form.addRow(_("Ré&gime de TVA :"), self.regime)
        rules_form.addRow(_("N° de &TVA :"), line("vat_number", 20, _("FR + 11 caractères")))
        self.rate = QComboBox(self)
        for rate in VAT_RATES_BP:
            self.rate.addItem(vat_label(rate), rate)
        self.rate.setAccessibleName(field_label("vat_rate_bp"))
        self.fields["vat_rate_bp"] = self.rate
        rules_form.addRow(_("Tau&x habituel :"), self.rate)
        self.regime.currentIndexChanged.connect(self._follow_regime)
        self.payment_days = QSpinBox(self)
        self.payment_days.setRange(0, MAX_TERMS_DAYS)
        self.payment_days.setSuffix(_(" jours"))
        self.payment_days.setSpecialValueText(_("à réception"))
        self.fields["payment_days"] = self.payment_days
        rules_form.addRow(_("Délai de &paiement :"), self.payment_days)
        self.quote_days = QSpinBox(self)
        self.quote_days.setRange(1, 365)
        self.quote_days.setSuffix(_(" jours"))
        self.fields["quote_days"] = self.quote_days
        rules_form.addRow(_("Validité des de&vis :"), self.quote_days)
        rules_form.addRow(
            _("Pénalités de retard :"), line("late_penalties", 500, _(DEFAULT_PENALTIES))
        )

        receipts = QGroupBox(_("Reçus fiscaux (dons)"), self)
        receipts_form = QFormLayout(receipts)
        self.entitled = QCheckBox(_("L'&organisme peut émettre des reçus fiscaux"), self)
        self.fields["receipts_entitled"] = self.entitled
        receipts_form.addRow(self.entitled)
        self.quality = QComboBox(self)
        self.quality.addItem(_("— à choisir —"), "")
        for quality in RECEIPT_QUALITIES:
            self.quality.addItem(_(quality), quality)
        self.quality.setAccessibleName(field_label("receipts_quality"))
        self.fields["receipts_quality"] = self.quality
        receipts_form.addRow(_("&Qualité :"), self.quality)
        receipts_form.addRow(
            _("O&bjet :"), line("receipts_object", 500, _("tel que dans les statuts"))
        )
        self.entitled.toggled.connect(self.quality.setEnabled)
        for combo in (self.regime, self.rate, self.quality):
            # Long choices (« Franchise en base… », the Cerfa's qualities) would widen the
            # right column past a 1024-pixel screen and squeeze the left one: they shrink.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)

        desk = QGroupBox(_("Tickets de caisse (ce poste)"), self)
        desk_layout = QVBoxLayout(desk)
        self.printer_label = QLabel(desk)
        self.printer_label.setWordWrap(True)
        self.printer_button = QPushButton(_("Imprimante de tic&kets…"), desk)
        self.printer_button.clicked.connect(self.on_printer_clicked)
        desk_row = QHBoxLayout()
        desk_row.addWidget(self.printer_button)
        desk_row.addStretch(1)
        desk_layout.addWidget(self.printer_label)
        desk_layout.addLayout(desk_row)
        self._show_printer()

        columns = QHBoxLayout()
        columns.addWidget(identity, 1)
        right = QVBoxLayout()
        right.addWidget(rules)
        right.addWidget(receipts)
        right.addWidget(desk)
        right.addStretch(1)
        columns.addLayout(right, 1)
        page = QWidget(self)
        page.setLayout(columns)

        intro = QLabel(
            _(
                "Ce que les factures, devis et reçus disent du lieu. Une facture émise garde "
                "les informations de son jour : les changer ne modifie aucune facture passée."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.save_button = QPushButton(_("&Enregistrer"), self)
        self.save_button.clicked.connect(self.on_save_clicked)
        add_shortcut(self, QKeySequence.StandardKey.Save, self.on_save_clicked, self.save_button)
        revert = QPushButton(_("Annuler les &modifications"), self)
        revert.clicked.connect(self.refresh)
        self.status = StatusLabel(self, zone=site.zone)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(revert)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scrolled(page), 1)
        layout.addLayout(buttons)
        self.shown = refresh_when_shown(self)

    def _line(self, name: str) -> QLineEdit:
        edit = self.fields[name]
        assert isinstance(edit, QLineEdit)
        return edit

    def _follow_regime(self) -> None:
        liable = self.regime.currentData() == LIABLE
        self._line("vat_number").setEnabled(liable)
        self.rate.setEnabled(liable)

    def choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Logo du lieu"),
            self._line("logo_path").text(),
            _("Images (*.png *.jpg *.jpeg)"),
        )
        if path:
            self._line("logo_path").setText(path)

    def _show_printer(self) -> None:
        self.printer_label.setText(
            _("Imprimante de tickets : {printer}").format(printer=printer_summary(printer_config()))
        )

    def on_printer_clicked(self) -> None:
        """The receipt printer belongs to this computer (kept with its own settings, not in
        the place's): the same dialog as the ticket's and the cash desk's."""
        if edit_printer(self):
            self._show_printer()

    def set_site(self, site: SiteInfo) -> None:
        self._site = site

    def refresh(self) -> None:
        self.show_settings(self._app.billing.get(self._site.id))

    def show_settings(self, settings: BillingSettings) -> None:
        for name in TEXT_FIELDS:
            edit = self._line(name)
            edit.setText(getattr(settings, name))
            edit.setCursorPosition(0)
        self.regime.setCurrentIndex(max(0, self.regime.findData(settings.vat_regime)))
        self.rate.setCurrentIndex(max(0, self.rate.findData(settings.vat_rate_bp)))
        self.payment_days.setValue(settings.payment_days)
        self.quote_days.setValue(settings.quote_days)
        self.entitled.setChecked(settings.receipts_entitled)
        self.quality.setCurrentIndex(max(0, self.quality.findData(settings.receipts_quality)))
        self.quality.setEnabled(settings.receipts_entitled)
        self._follow_regime()
        if settings.updated_at is not None:
            day = settings.updated_at.astimezone(self._site.zone).date()
            self.status.setText(_("Enregistré le {date}.").format(date=format_date(day, "long")))

    def settings(self) -> BillingSettings:
        """What the form holds, unchecked (the service checks)."""
        texts: dict[str, Any] = {name: self._line(name).text() for name in TEXT_FIELDS}
        return BillingSettings(
            **texts,
            vat_regime=str(self.regime.currentData()),
            vat_rate_bp=int(self.rate.currentData()),
            payment_days=self.payment_days.value(),
            quote_days=self.quote_days.value(),
            receipts_entitled=self.entitled.isChecked(),
            receipts_quality=str(self.quality.currentData() or ""),
        )

    def on_save_clicked(self) -> None:
        try:
            saved = self._app.billing.save(self._site.id, self.settings())
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Facturation non enregistrée"))
            if isinstance(exc, ValidationError):
                self.focus_field(exc.field)
            return
        self.show_settings(saved)
        self.status.confirm(_("Facturation enregistrée."))
        self.changes.announce(self, Topic.INVOICES)

    def focus_field(self, label: str) -> None:
        for name, widget in self.fields.items():
            if field_label(name) == label:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
