"""Correcting or deleting a payment claim from Rapports › Opération LEADER (« Modifier… »,
F2 or Entrée in the list; « Supprimer… », Suppr in the list): the same three fields as the
form that adds one, in a dialog; a deletion asks first, naming the claim."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date
from tiers_lieu.services.payment_claims import NUMBER_MAX, ClaimInfo
from tiers_lieu.ui.common import dialog_buttons, to_date
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.reports.forms import add_row, date_edit


class ClaimDialog(QDialog):
    """The claim's number and period; saved through the service, :attr:`saved` once done."""

    def __init__(self, app: Comptoir, claim: ClaimInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._claim = claim
        self.saved: ClaimInfo | None = None
        self.setWindowTitle(_("Modifier la demande de paiement"))
        self.number = QLineEdit(claim.number, self)
        self.number.setMaxLength(NUMBER_MAX)
        self.start = date_edit(self, claim.period_start)
        self.end = date_edit(self, claim.period_end)
        form = QFormLayout()
        add_row(form, _("&Numéro :"), self.number)
        add_row(form, _("&Période du :"), self.start)
        add_row(form, _("a&u :"), self.end)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, self.on_save_clicked))

    def on_save_clicked(self) -> None:
        try:
            self.saved = self._app.organisation.update_claim(
                self._claim.id,
                number=self.number.text(),
                period_start=to_date(self.start.date()),
                period_end=to_date(self.end.date()),
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Demande non modifiée"))
            return
        self.accept()


def ask_deletion(parent: QWidget, claim: ClaimInfo) -> bool:
    """Ask before deleting ``claim``; « Non » by default."""
    answer = QMessageBox.question(
        parent,
        _("Supprimer la demande de paiement"),
        _(
            "Supprimer la demande n° {number} (du {start} au {end}) ? Les rapports déjà faits "
            "avec elle gardent ce qu'ils disent."
        ).format(
            number=claim.number,
            start=format_date(claim.period_start),
            end=format_date(claim.period_end),
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
