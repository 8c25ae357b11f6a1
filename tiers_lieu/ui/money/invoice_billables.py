"""The pickers of things to invoice, each ticked with Space: the place's bookings with a
price (three months back, one ahead) and the coworking passes sold this past year and on no
issued invoice; the document form turns those ticked into lines.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_eur
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.clients import ClientInfo
from tiers_lieu.services.till.invoices import Billable, LineInput, line_total
from tiers_lieu.ui.common import dialog_buttons, to_date, today_qdate
from tiers_lieu.ui.errors import show_error

BOOKINGS_BACK_DAYS = 92
BOOKINGS_AHEAD_DAYS = 31
PASSES_BACK_DAYS = 366


class _BillablesDialog(QDialog):
    """A list of things to invoice, each ticked with Space; ``chosen()`` gives them back."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._items: list[Billable] = []
        self.list = QListWidget(self)
        self.label = QLabel(self)
        self.label.setBuddy(self.list)
        self.buttons = dialog_buttons(self, save=False)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.label)
        self.layout_.addWidget(self.list, 1)
        self.layout_.addWidget(self.buttons)
        self.resize(760, 420)

    def show_items(self, items: list[Billable], prompt: str, none: str) -> None:
        self._items = items
        self.list.clear()
        for index, billable in enumerate(items):
            text = f"{billable.label} — {format_eur(_gross(billable.line))}"
            who = self.who(billable)
            if who:
                text += f" — {who}"
            if billable.invoiced:
                text += " " + _("(déjà facturée : {number})").format(number=billable.invoiced)
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        if items:
            self.list.setCurrentRow(0)
        self.label.setText(prompt if items else none)

    def who(self, billable: Billable) -> str:
        return billable.client.name if billable.client else billable.organisation

    def chosen(self) -> list[Billable]:
        found = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(self._items[int(item.data(Qt.ItemDataRole.UserRole))])
        return found


class BookingsDialog(_BillablesDialog):
    """The place's bookings with a price, three months back and one ahead; check those to
    invoice (Space). A booking already invoiced says by which invoice."""

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QWidget | None = None) -> None:
        super().__init__(_("Facturer des réservations"), parent)
        today = to_date(today_qdate(site.zone))
        items: list[Billable] = []
        try:
            items = app.invoices.billable_bookings(
                site.id,
                since=today - timedelta(days=BOOKINGS_BACK_DAYS),
                until=today + timedelta(days=BOOKINGS_AHEAD_DAYS),
            )
        except ComptoirError as exc:
            show_error(self, exc)
        self.show_items(
            items,
            _("Cochez les réservations à facturer (Espace) :"),
            _("Aucune réservation avec un prix ces trois derniers mois."),
        )


class PassesDialog(_BillablesDialog):
    """The coworking passes sold this past year and on no issued invoice; check those to
    invoice (Space). With a client linked to a person, only that person's are listed at
    first; « Tous les acheteurs » lists everyone's."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        client: ClientInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Facturer des pass coworking"), parent)
        self._app = app
        self._site = site
        self._person_id = client.person_id if client is not None else None
        self.everyone = QCheckBox(_("&Tous les acheteurs"), self)
        if self._person_id is not None and client is not None:
            self.everyone.setToolTip(
                _("Sinon, seulement les pass de {client}").format(client=client.name)
            )
            self.everyone.toggled.connect(self._load)
        else:
            self.everyone.setChecked(True)
            self.everyone.setEnabled(False)
        self.layout_.insertWidget(0, self.everyone)
        self._load()
        self.list.setFocus()

    def _load(self, *_args: object) -> None:
        today = to_date(today_qdate(self._site.zone))
        mine = None if self.everyone.isChecked() else self._person_id
        items: list[Billable] = []
        try:
            items = self._app.invoices.billable_passes(
                self._site.id, since=today - timedelta(days=PASSES_BACK_DAYS), person_id=mine
            )
        except ComptoirError as exc:
            show_error(self, exc)
        self.show_items(
            items,
            _("Cochez les pass à facturer (Espace) :"),
            _("Aucun pass à facturer cette dernière année.")
            if mine is None
            else _("Aucun pass de ce client à facturer cette dernière année."),
        )

    def who(self, billable: Billable) -> str:
        holder = billable.holder
        if billable.client is not None and billable.client.name != holder:
            return _("{holder} (client : {client})").format(
                holder=holder, client=billable.client.name
            )
        return holder


def _gross(line: LineInput) -> int:
    net = line_total(line.quantity_milli, line.unit_price_cents)
    return net + (net * line.vat_rate_bp * 2 + 10000) // 20000
