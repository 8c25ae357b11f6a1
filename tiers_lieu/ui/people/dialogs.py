"""The forms of the register: a new person with the duplicate warning, a membership with its
payment, consent with its purpose, and the merge of two records of the same person.

Each dialog calls one service and closes on success; errors go through ``show_error``.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_eur, ngettext, parse_euros
from tiers_lieu.models.enums import PaymentMethod
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.person_dialog import NewPersonDialog
from tiers_lieu.ui.pickers import PersonEdit


class RegisterPersonDialog(NewPersonDialog):
    """« Nouvelle personne » of the register: warns when the person may already be known."""

    def on_save_clicked(self) -> None:
        try:
            found = self._app.people.find_duplicates(
                site_id=self._site_id,
                first_name=self.first_name.text(),
                last_name=self.last_name.text(),
                phone=self.phone.text(),
                email=self.email.text(),
            )
        except Exception as exc:
            show_error(self, exc)
            return
        if found:
            names = "\n".join(
                "• " + " — ".join(x for x in (p.display_name, p.phone, p.email) if x)
                for p in found[:5]
            )
            answer = QMessageBox.question(
                self,
                _("Personne déjà connue ?"),
                ngettext(
                    "Cette personne ressemble à celle que vous créez :\n{names}\n\n"
                    "Créer quand même une nouvelle fiche ?",
                    "Ces personnes ressemblent à celle que vous créez :\n{names}\n\n"
                    "Créer quand même une nouvelle fiche ?",
                    len(found),
                ).format(names=names),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().on_save_clicked()


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.rejected.connect(dialog.reject)
    return buttons


class MembershipDialog(QDialog):
    def __init__(
        self,
        app: Comptoir,
        person: PersonInfo,
        parent: QWidget | None,
        *,
        today: date,
    ) -> None:
        super().__init__(parent)
        self._app, self._person = app, person
        self.setWindowTitle(_("Adhésion de {name}").format(name=person.display_name))
        self.start = bounded(QDateEdit(to_qdate(today), self))
        self.start.setCalendarPopup(True)
        self.period = QComboBox(self)
        self.period.addItem(_("Année civile"), "year")
        self.period.addItem(_("12 mois glissants"), "rolling")
        self.fee = QLineEdit(self)
        self.fee.setMaxLength(20)
        self.fee.setPlaceholderText(format_eur(0))
        self.method = QComboBox(self)
        for label, method in (
            (_("Espèces"), PaymentMethod.CASH),
            (_("Carte"), PaymentMethod.CARD),
            (_("Chèque"), PaymentMethod.CHEQUE),
            (_("Virement"), PaymentMethod.TRANSFER),
        ):
            self.method.addItem(label, method.value)
        form = QFormLayout()
        form.addRow(_("&Début :"), self.start)
        form.addRow(_("D&urée :"), self.period)
        form.addRow(_("&Cotisation :"), self.fee)
        form.addRow(_("&Paiement :"), self.method)
        buttons = _buttons(self)
        buttons.accepted.connect(self.on_save_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def on_save_clicked(self) -> None:
        try:
            cents = parse_euros(self.fee.text()) if self.fee.text().strip() else 0
        except ValueError:
            error = ValidationError(_("Cotisation"), _("montant invalide (par exemple 12,50)"))
            show_error(self, error, _("Adhésion non enregistrée"))
            return
        try:
            self._app.memberships.add(
                person_id=self._person.id,
                start_date=to_date(self.start.date()),
                period=self.period.currentData(),
                fee_cents=cents,
                method=PaymentMethod(self.method.currentData()) if cents else None,
            )
        except Exception as exc:
            show_error(self, exc, _("Adhésion non enregistrée"))
            return
        self.accept()


class ConsentDialog(QDialog):
    def __init__(self, app: Comptoir, person: PersonInfo, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._app, self._person = app, person
        self.setWindowTitle(_("Consentement de {name}").format(name=person.display_name))
        self.purpose = QComboBox(self)
        self.purpose.setEditable(True)
        for text in (
            _("accueil et services du lieu"),
            _("aide aux démarches"),
            _("AMAP"),
            _("lettre d'information"),
        ):
            self.purpose.addItem(text)
        explanation = QLabel(
            _(
                "Lisez la notice d'information à la personne, puis notez pour quoi elle accepte "
                "que ses coordonnées soient gardées. La date est enregistrée."
            ),
            self,
        )
        explanation.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("&Finalité :"), self.purpose)
        buttons = _buttons(self)
        buttons.accepted.connect(self.on_save_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def on_save_clicked(self) -> None:
        try:
            self._app.people.set_consent(
                person_id=self._person.id,
                given=True,
                purpose=self.purpose.currentText(),
            )
        except Exception as exc:
            show_error(self, exc, _("Consentement non enregistré"))
            return
        self.accept()


class MergeDialog(QDialog):
    """Choose the duplicate to fold into ``keep``: its history follows, its record goes."""

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        keep: PersonInfo,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self._app, self._keep = app, keep
        self.setWindowTitle(_("Fusionner avec {name}").format(name=keep.display_name))
        self.other = PersonEdit(app, site_id, self)
        self.other.setMinimumWidth(320)
        explanation = QLabel(
            _(
                "Choisissez le doublon : ses passages, adhésions, réservations et achats "
                "passent sur la fiche de {name}, puis le doublon disparaît du registre."
            ).format(name=keep.display_name),
            self,
        )
        explanation.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("&Doublon :"), self.other)
        buttons = _buttons(self)
        buttons.accepted.connect(self.on_save_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def on_save_clicked(self) -> None:
        try:
            other = self.other.value()
            if other is None:
                from tiers_lieu.errors import ValidationError

                raise ValidationError(_("Doublon"), _("choisissez une personne"))
            self._app.people.merge(keep_id=self._keep.id, merge_id=other)
        except Exception as exc:
            show_error(self, exc, _("Fusion impossible"))
            return
        self.accept()
