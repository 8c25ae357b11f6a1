"""Correcting or deleting a démarche from « Historique » (F2 or Entrée, Suppr).

The correction opens the démarche's own form (:class:`~.form.RecordForm`), filled with the
record: the same fields in the same places, the same keys (Tab, the typed lists, Alt+1…8,
Ctrl+Entrée saves, Échap leaves), so nothing new is learnt; only the form's two buttons say
« Enregistrer les modifications » and « Annuler ». Saving goes through
:meth:`AssistanceEditService.update`: a refusal is shown and the form stays open.

A deletion asks first, naming the record (day, organisme, thème, person) and saying that the
visit it counted goes with it.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QSize, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date
from tiers_lieu.services.assistance import AssistanceInfo, AssistanceRow
from tiers_lieu.services.assistance_edit import AssistanceDetail, RemovedRecord
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import to_date
from tiers_lieu.ui.demarches.form import RecordForm
from tiers_lieu.ui.demarches.form_input import fill_form, read_input
from tiers_lieu.ui.errors import show_error

DIALOG_SIZE = (960, 540)
TITLE_BAR = 30  # what a window manager draws above the dialog


class EditRecordForm(RecordForm):
    """The démarche form showing ``detail``; saving corrects it (:attr:`record_saved`),
    Échap or « Annuler » leaves (:attr:`cancelled`)."""

    record_saved = Signal(object)
    """The correction was saved: its :class:`AssistanceInfo`."""
    cancelled = Signal()
    _detail: AssistanceDetail | None = None  # None while the new form's fields are reset

    def __init__(
        self, app: Comptoir, site: SiteInfo, detail: AssistanceDetail, parent: QWidget | None
    ) -> None:
        super().__init__(app, site, parent)
        self._detail = detail
        self.save_button.setText(_("Enregistrer les modifications"))
        self.save_button.setToolTip(_("Enregistrer les modifications (Ctrl+Entrée)"))
        self.clear_button.setText(_("Annuler"))
        self.clear_button.setToolTip(_("Fermer sans rien modifier (Échap)"))
        self.satisfaction.hide()  # asked once, when the démarche was recorded
        fill_form(self, detail)

    def on_day_changed(self, day: QDate) -> None:
        """A correction's date is in the past by nature: the hint says what it was instead."""
        super().on_day_changed(day)
        detail = self._detail
        if detail is None or to_date(day) == detail.activity_date:
            self.day_hint.setText("")
        else:
            self.day_hint.setText(
                _("(au lieu du {day})").format(day=format_date(detail.activity_date))
            )

    def on_clear_clicked(self) -> None:
        self.cancelled.emit()

    def unsaved_work(self) -> str | None:
        """Never asked for: the correction's dialog is modal, so the window cannot close nor
        change place behind it, and the desk waits for it to close before locking."""
        return None

    def on_save_clicked(self) -> None:
        detail = self._detail
        if detail is None:
            return
        same_day = to_date(self.day.date()) == detail.activity_date
        # The Coop's channel follows the « Lieu »; the one a record came with stays with it.
        channel = detail.channel if self.place.value() == detail.place_id else None
        try:
            data = read_input(
                self, activity_time=detail.activity_time if same_day else None, channel=channel
            )
            info = self._app.assistance_edit.update(detail.id, data)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Démarche non modifiée"))
            return
        self.record_saved.emit(info)


class EditRecordDialog(QDialog):
    """The correction form in a window of its own; :attr:`info` is the record as saved."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        detail: AssistanceDetail,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            _("Modifier la démarche du {day}").format(day=format_date(detail.activity_date))
        )
        self.info: AssistanceInfo | None = None
        self.form = EditRecordForm(app, site, detail, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.form)
        # As wide as the form is in the window (the person's box and its note need it), never
        # more than the screen.
        screen = self.screen().availableGeometry().size() - QSize(0, TITLE_BAR)
        self.resize(QSize(*DIALOG_SIZE).boundedTo(screen).expandedTo(self.minimumSizeHint()))
        self.form.record_saved.connect(self.on_record_saved)
        self.form.cancelled.connect(self.reject)

    def on_record_saved(self, info: AssistanceInfo) -> None:
        self.info = info
        self.accept()


def corrected_text(info: AssistanceInfo) -> str:
    """The status line after a correction."""
    if not info.changed:
        return _("Démarche du {day} : rien n'a changé.").format(day=format_date(info.activity_date))
    text = _("Démarche du {day} modifiée : {operator}, {theme}, {minutes} min, {outcome}.").format(
        day=format_date(info.activity_date),
        operator=info.operator,
        theme=info.theme,
        minutes=info.duration_min,
        outcome=info.outcome,
    )
    if info.visit_service is not None:
        text += " " + _("La visite comptée en « {service} » suit la correction.").format(
            service=info.visit_service
        )
    return text


def ask_deletion(parent: QWidget, row: AssistanceRow) -> bool:
    """Ask before deleting, naming the record and what goes with it; « Non » by default."""
    who = row.person_name or _("anonyme")
    question = _("Supprimer la démarche du {day} : {operator}, {theme} ({who}) ?").format(
        day=format_date(row.activity_date), operator=row.operator, theme=row.theme, who=who
    )
    question += " " + _(
        "Elle sortira des chiffres (rapport d'activité, tableau France Services, export Coop)."
    )
    if row.visit_counted:
        question += " " + _("La visite qu'elle avait comptée est retirée avec elle.")
    answer = QMessageBox.question(
        parent,
        _("Supprimer la démarche"),
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def deleted_text(removed: RemovedRecord) -> str:
    """The status line after a deletion."""
    text = _("Démarche du {day} supprimée ({operator}, {theme}).").format(
        day=format_date(removed.activity_date), operator=removed.operator, theme=removed.theme
    )
    if removed.visit_service is not None:
        text += " " + _("La visite comptée en « {service} » est retirée aussi.").format(
            service=removed.visit_service
        )
    return text
