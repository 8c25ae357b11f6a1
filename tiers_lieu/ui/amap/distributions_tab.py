"""« Distributions »: the sheet of one distribution, ticked as households come.

The next distribution opens by itself. The host lives on the keyboard here: arrows to move,
Espace for a basket collected, T when someone else takes it (their name is asked), A for an
absence declared in advance, D donated, G kept for later, N not collected, Retour arrière to
put a line back to « Attendu »; Ctrl+F finds a household by name, Ctrl+P prints the sheet.
Each key saves at once (one service call) and only that line is redrawn.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_time, ngettext, place_today
from tiers_lieu.models.enums import PickupStatus
from tiers_lieu.reports.documents.amap_sheet import write_distribution_sheet
from tiers_lieu.services.amap import DistributionSheet
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.tabular import normalise
from tiers_lieu.ui.amap.table_models import SheetModel
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, selected_id
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.sheet_output import print_confirmed, save_confirmed
from tiers_lieu.ui.tab_parts import hint_label

KEYS: dict[int, str] = {
    Qt.Key.Key_Space: PickupStatus.COLLECTED,
    Qt.Key.Key_T: PickupStatus.GIVEN,
    Qt.Key.Key_A: PickupStatus.ABSENT,
    Qt.Key.Key_D: PickupStatus.DONATED,
    Qt.Key.Key_G: PickupStatus.KEPT,
    Qt.Key.Key_N: PickupStatus.UNCOLLECTED,
    Qt.Key.Key_Backspace: PickupStatus.EXPECTED,
}
"""The key that notes each outcome on the sheet (the buttons' tooltips say the same)."""


class DistributionsTab(QWidget):
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
        self.sheet: DistributionSheet | None = None

        self.choice = QComboBox(self)
        self.choice.setMinimumContentsLength(40)
        self.choice.currentIndexChanged.connect(self.on_choice_changed)
        choice_label = QLabel(_("&Distribution :"), self)
        choice_label.setBuddy(self.choice)
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText(_("Chercher un foyer (Ctrl+F)"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.textChanged.connect(self.on_find_changed)
        self.find_edit.returnPressed.connect(self.on_find_validated)
        self.print_button = QPushButton(_("Imp&rimer…"), self)
        self.print_button.setToolTip(_("Imprimer la feuille de distribution (Ctrl+P)"))
        self.print_button.clicked.connect(self.on_print_clicked)
        self.pdf_button = QPushButton(_("Enregistrer en &PDF…"), self)
        self.pdf_button.clicked.connect(self.on_save_pdf_clicked)
        top = QHBoxLayout()
        top.addWidget(choice_label)
        top.addWidget(self.choice, 2)
        top.addWidget(self.find_edit, 1)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)

        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        self.model = SheetModel(self)
        self.view = make_table(self.model, self, stretch=SheetModel.Columns.BY)
        self.view.installEventFilter(self)
        # Fixed widths: measuring 150 rows' contents on every reload cost most of the
        # sheet's 200 ms budget, and these columns hold short, known words.
        header = self.view.horizontalHeader()
        char = self.view.fontMetrics().averageCharWidth()
        for column, chars in (
            (SheetModel.Columns.HOUSEHOLD, 40),
            (SheetModel.Columns.BASKET, 18),
            (SheetModel.Columns.QUANTITY, 5),
            (SheetModel.Columns.STATUS, 22),
            (SheetModel.Columns.ABSENCES, 10),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, chars * char + 12)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for status, text, key in (
            (PickupStatus.COLLECTED, _("Retiré"), _("Espace")),
            (PickupStatus.GIVEN, _("Retiré par un tiers…"), "T"),
            (PickupStatus.ABSENT, _("Absence prévenue"), "A"),
            (PickupStatus.DONATED, _("Donné"), "D"),
            (PickupStatus.KEPT, _("Gardé"), "G"),
            (PickupStatus.UNCOLLECTED, _("Non retiré"), "N"),
            (PickupStatus.EXPECTED, _("Attendu"), _("Retour arrière")),
        ):
            button = QPushButton(text, self)
            button.setToolTip(_("{label} ({keys})").format(label=text, keys=key))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys act on the list
            button.clicked.connect(lambda _checked=False, s=status: self.on_status_chosen(s))
            actions.addWidget(button)
            self.buttons[status] = button
        actions.addStretch(1)
        self.hint = hint_label(
            _(
                "Flèches pour choisir le foyer, Espace : retiré, T : par un tiers, A : absence, "
                "D : donné, G : gardé, N : non retiré, Retour arrière : attendu."
            ),
            self,
        )
        self.status = StatusLabel(self, zone=self._site.zone)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)

        add_shortcut(self, QKeySequence.StandardKey.Print, self.on_print_clicked, self.print_button)
        add_shortcut(self, QKeySequence.StandardKey.Find, self.find_edit.setFocus)
        self.shown = refresh_when_shown(self, every_time=True)  # read each time on screen

    # -- data ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the list of distributions (next one first chosen) and the sheet shown."""
        today = place_today(self._site.zone)
        current = self.sheet.distribution_id if self.sheet else None
        upcoming = self._app.amap.distributions.next_distribution(site_id=self._site.id, on=today)
        rows = self._app.amap.distributions.around(site_id=self._site.id, on=today)
        self.choice.blockSignals(True)
        self.choice.clear()
        for row in rows:
            text = _("{day} — {contract}").format(
                day=format_date(row.on_date, "full"), contract=row.contract_name
            )
            if row.cancelled:
                text += _(" (annulée)")
            self.choice.addItem(text, row.id)
        wanted = current or (upcoming.id if upcoming else None)
        index = next(
            (i for i in range(self.choice.count()) if self.choice.itemData(i) == wanted), 0
        )
        self.choice.setCurrentIndex(index if self.choice.count() else -1)
        self.choice.blockSignals(False)
        self.on_choice_changed(self.choice.currentIndex())

    def load_sheet(self, distribution_id: uuid.UUID | None) -> None:
        selected = selected_id(self.view)
        if distribution_id is None:
            self.sheet = None
            self.model.set_rows([])
            self.title.setText(_("Aucune distribution prévue"))
            self.summary.setText(
                _(
                    "Créez un contrat dans l'onglet « Contrats » et générez son calendrier : "
                    "la prochaine distribution s'affichera ici."
                )
            )
            self._update_actions()
            return
        try:
            sheet = self._app.amap.pickups.sheet(distribution_id=distribution_id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Feuille de distribution indisponible"))
            return
        self.sheet = sheet
        self.model.max_absences = sheet.max_absences
        self.model.set_rows(sheet.lines)
        self.title.setText(
            _("{contract} — {day}, {start}–{end}").format(
                contract=sheet.contract_name,
                day=format_date(sheet.on_date, "full"),
                start=format_time(sheet.start_time),
                end=format_time(sheet.end_time),
            )
        )
        self._show_summary()
        row = self.model.find_row(selected) if selected is not None else -1
        self.view.selectRow(max(row, 0))
        self._update_actions()

    def _show_summary(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        if sheet.cancelled:
            self.summary.setText(_("Distribution annulée. {note}").format(note=sheet.note))
            return
        lines = self.model.rows()
        households = len(lines)
        done = sum(1 for line in lines if line.status != PickupStatus.EXPECTED)
        picked = sum(
            line.quantity
            for line in lines
            if line.status in (PickupStatus.COLLECTED, PickupStatus.GIVEN)
        )
        absent = sum(1 for line in lines if line.status == PickupStatus.ABSENT)
        baskets = sum(line.quantity for line in lines)
        text = ngettext(
            "{n} foyer, {baskets} paniers", "{n} foyers, {baskets} paniers", households
        ).format(n=households, baskets=baskets)
        text += " — " + ", ".join(
            (
                ngettext("{n} retiré", "{n} retirés", picked).format(n=picked),
                ngettext("{n} absence prévenue", "{n} absences prévenues", absent).format(n=absent),
                ngettext("{n} à noter", "{n} à noter", households - done).format(
                    n=households - done
                ),
            )
        )
        if sheet.producer_name:
            text += _(" — producteur : {name}").format(name=sheet.producer_name)
        self.summary.setText(text)

    def _update_actions(self) -> None:
        usable = self.sheet is not None and not self.sheet.cancelled
        has_row = usable and selected_id(self.view) is not None
        for button in self.buttons.values():
            button.setEnabled(has_row)
        self.print_button.setEnabled(self.sheet is not None)
        self.pdf_button.setEnabled(self.sheet is not None)

    # -- keyboard --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            )
            status = KEYS.get(event.key())
            if plain and status is not None:
                self.on_status_chosen(status)
                return True
        return super().eventFilter(watched, event)

    # -- slots -----------------------------------------------------------------------------
    def on_choice_changed(self, index: int) -> None:
        data = self.choice.itemData(index) if index >= 0 else None
        self.load_sheet(data if isinstance(data, uuid.UUID) else None)

    def on_selection_changed(self) -> None:
        self._update_actions()

    def on_find_changed(self, text: str) -> None:
        wanted = normalise(text).replace("_", " ").strip()
        if not wanted:
            return
        for number, line in enumerate(self.model.rows()):
            if wanted in normalise(line.household).replace("_", " "):
                self.view.selectRow(number)
                return

    def on_find_validated(self) -> None:
        self.find_edit.clear()
        self.view.setFocus()

    def on_status_chosen(self, status: str) -> None:
        subscription_id = selected_id(self.view)
        if self.sheet is None or not isinstance(subscription_id, uuid.UUID):
            return
        line = self.model.row_at(self.model.find_row(subscription_id))
        collected_by = ""
        if status == PickupStatus.GIVEN:
            collected_by, ok = QInputDialog.getText(
                self,
                _("Retiré par un tiers"),
                _("Qui prend le panier de {household} ?").format(household=line.household),
                text=line.collected_by,
            )
            if not ok:
                return
        try:
            updated = self._app.amap.pickups.set_status(
                distribution_id=self.sheet.distribution_id,
                subscription_id=subscription_id,
                status=status,
                collected_by=collected_by,
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Retrait non enregistré"))
            return
        self.model.replace_line(updated)
        self._show_summary()
        self.status.confirm(
            _("{household} : {status}.").format(
                household=updated.household,
                status=self.model.display(updated, SheetModel.Columns.STATUS),
            )
        )
        self.changes.announce(self, Topic.AMAP, Topic.VISITS)  # a basket collected counts

    def on_print_clicked(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        place = self._site.name

        def write(target: Path) -> Path:
            return write_distribution_sheet(target, sheet, place=place)

        print_confirmed(
            self,
            self.status,
            write,
            title=_("Feuille de distribution"),
            label=_("Impression de la feuille de distribution…"),
        )

    def on_save_pdf_clicked(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        suggested = Path.home() / _("distribution-{day}.pdf").format(day=sheet.on_date.isoformat())
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Enregistrer la feuille de distribution"), str(suggested), _("PDF (*.pdf)")
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        place = self._site.name
        save_confirmed(
            self,
            self.status,
            lambda path: write_distribution_sheet(path, sheet, place=place),
            target,
            label=_("Préparation de la feuille de distribution…"),
            saved=_("Feuille enregistrée : {path}."),
        )
