"""The « dossier de demande de paiement » button of Rapports › « Opération LEADER »: the
pack of the claim chosen in the list (the most recent one when none is chosen) for its
period, written off the GUI thread into a folder the user picks (the pack's folder and its
zip go there, :mod:`tiers_lieu.reports.documents.claim_pack`); then it offers to open the
folder. The same pack as ``tiers-lieu export dossier-paiement``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QTableView, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.reports.documents.claim_pack import ClaimPack, folder_name, summary_line
from tiers_lieu.services.payment_claims import ClaimInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.ops import Progress, run_op
from tiers_lieu.ui.options import Option
from tiers_lieu.ui.reports.bundle_key import documents_folder
from tiers_lieu.ui.reports.table_models import ClaimsModel

LAST_FOLDER = Option("claim-pack/folder", "")


class ClaimPackButton(QPushButton):
    """Writes the pack of the claim chosen in ``view`` (a list of ``model``), and says so
    on ``status``. Enabled when there is a claim."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        view: QTableView,
        model: ClaimsModel,
        status: StatusLabel,
        parent: QWidget | None = None,
    ) -> None:
        # Alt+X: every letter of « Dossier de demande de paiement » is taken in this tab.
        super().__init__(_("E&xporter le dossier de demande de paiement…"), parent)
        self._app = app
        self._site = site
        self._view = view
        self._model = model
        self._status = status
        self.setToolTip(
            _(
                "Rapport, feuilles de temps et d'émargement, affiche, notice et sommaire de la "
                "demande choisie (la plus récente si aucune), dans un dossier et son zip."
            )
        )
        self.setEnabled(False)
        model.modelReset.connect(self._update)
        model.rowsInserted.connect(self._update)
        self.clicked.connect(self.on_clicked)

    def _update(self, *_args: object) -> None:
        self.setEnabled(self._model.rowCount() > 0)

    def claim(self) -> ClaimInfo | None:
        """The claim chosen in the list, or the most recent one (the list's last)."""
        rows = self._view.selectionModel().selectedRows()
        if rows:
            return self._model.row_at(rows[0].row())
        count = self._model.rowCount()
        return self._model.row_at(count - 1) if count else None

    def on_clicked(self, *_args: object) -> None:
        claim = self.claim()
        if claim is None:
            return
        start = Path(LAST_FOLDER.get() or documents_folder())
        if not start.is_dir():
            start = documents_folder()
        chosen = QFileDialog.getExistingDirectory(
            self,
            _("Où écrire le dossier de la demande n° {number} ?").format(number=claim.number),
            str(start),
        )
        if not chosen:
            return
        parent = Path(chosen)
        LAST_FOLDER.set(str(parent))
        name = folder_name(claim.number, claim.period_start, claim.period_end)
        zip_path = parent / f"{name}.zip"
        app, site = self._app, self._site

        def work(progress: Progress) -> ClaimPack:
            from tiers_lieu.reports.documents.claim_pack import write_claim_pack

            return write_claim_pack(
                app,
                site,
                claim.period_start,
                claim.period_end,
                zip_path,
                claim_number=claim.number,
                progress=progress,
            )

        self._status.setText("")
        run_op(
            self,
            work,
            self.on_written,
            label=_("Préparation du dossier de la demande n° {number}…").format(
                number=claim.number
            ),
            on_failure=self.on_failed,
        )

    def on_written(self, pack: ClaimPack) -> None:
        self._status.confirm(summary_line(pack))
        answer = QMessageBox.question(
            self,
            _("Dossier de demande de paiement"),
            summary_line(pack) + "\n\n" + _("Ouvrir le dossier ?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(pack.folder)))

    def on_failed(self, exc: BaseException) -> None:
        self._status.setText(_("Rien n'a été écrit."))
        show_error(self, exc)
