"""« Exports »: every funder's or network's format of :data:`tiers_lieu.cli.export.KINDS`,
written from the window by the same function as ``tiers-lieu export KIND``.

The tab knows no export by name: it lists the kinds registered in ``KINDS`` (their help text),
and for the chosen one offers its period (hidden when the kind covers none), the place (this
place or all of them, as the report does) and its formats. « Enregistrer… » asks where
(a name made of the kind, the place and the period), then runs ``kind.load()(app,
ExportRequest(...))`` through :func:`~tiers_lieu.ui.ops.run_op` behind a progress dialog; the
line the writer returns is shown under the button, and a refusal (``ComptoirError``, French)
through :func:`~tiers_lieu.ui.errors.show_error`. The writer writes its file whole: a refusal
leaves nothing behind.

The kind chosen, each kind's format and the folder last written to are kept in the desk's
settings.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.cli.export import KINDS, ExportKind, ExportRequest
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, place_today
from tiers_lieu.services.access import Permission
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import Progress, run_op
from tiers_lieu.ui.options import Option
from tiers_lieu.ui.reports.bundle_jobs import slug
from tiers_lieu.ui.reports.bundle_key import documents_folder
from tiers_lieu.ui.reports.period import ClaimChoice, Period, PeriodPicker

ALL_SITES = "all"
KIND_ROLE = Qt.ItemDataRole.UserRole

LAST_KIND = Option("exports/kind", "")
LAST_FOLDER = Option("exports/folder", "")

FILTERS = {
    "pdf": "PDF (*.pdf)",
    "xlsx": "Classeur Excel (*.xlsx)",
    "ods": "Classeur OpenDocument (*.ods)",
    "csv": "CSV (*.csv)",
    "zip": "Archive ZIP (*.zip)",
    "json": "JSON (*.json)",
}


def format_option(kind: str) -> Option[str]:
    """The format last written for ``kind``."""
    return Option(f"exports/format/{kind}", "")


def file_filter(fmt: str) -> str:
    return FILTERS.get(fmt, f"{fmt.upper()} (*.{fmt})")


def suggested_name(
    kind: str, fmt: str, *, place: str | None, period: Period | None, today: date
) -> str:
    """``coop_le-comptoir-de-felletin_2025-01-01_2025-12-31.xlsx``: the kind, the place (or
    « tous-les-lieux ») and the period (today's date for a kind without one), in letters,
    digits and dashes only (no character a file system refuses)."""
    where = slug(place) if place is not None else "tous-les-lieux"
    when = f"{period.start.isoformat()}_{period.end.isoformat()}" if period else today.isoformat()
    return f"{slug(kind)}_{where}_{when}.{slug(fmt)}"


def with_suffix(path: Path, fmt: str) -> Path:
    """``path`` ending in ``.fmt`` (the dialog may return a name without it)."""
    if path.suffix.lower() == "." + fmt:
        return path
    return path.with_name(path.name + "." + fmt)


class _EnterStarts(QObject):
    """Entrée on a kind of the list starts the save (a click only chooses it)."""

    def __init__(self, parent: QObject, action: Callable[[], None]) -> None:
        super().__init__(parent)
        self._action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not modifiers:
            self._action()
            return True
        return False


class ExportsTab(QWidget):
    exported = Signal(str)
    """A file was written; carries the line the writer returned."""

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
        self._sites: dict[str, SiteInfo] = {}
        self._allowed = app.access.allows(Permission.REPORTS)

        self.kind_list = QListWidget(self)
        self.kind_list.setWordWrap(True)
        self.kind_list.setSpacing(2)
        self.kind_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.kind_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.kind_list.setAccessibleName(_("Genre d'export"))
        for key, kind in sorted(KINDS.items()):
            described = _(kind.help)
            help_text = described[:1].upper() + described[1:]
            item = QListWidgetItem(help_text, self.kind_list)
            item.setData(KIND_ROLE, key)
            item.setToolTip(_("En ligne de commande : tiers-lieu export {kind}").format(kind=key))
        self.period_picker = PeriodPicker(self, today=place_today(site.zone))
        self.no_period_label = QLabel(_("Cet export ne porte pas sur une période."), self)
        self.no_period_label.setWordWrap(True)
        self.site_combo = QComboBox(self)
        self.site_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.site_combo.setMinimumContentsLength(12)
        self.format_combo = QComboBox(self)
        self.save_button = QPushButton(_("&Enregistrer…"), self)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("exportStatus")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setMinimumHeight(self.status_label.fontMetrics().lineSpacing() * 3)

        list_label = QLabel(_("&Genre d'export :"), self)
        list_label.setBuddy(self.kind_list)
        left = QVBoxLayout()
        left.addWidget(list_label)
        left.addWidget(self.kind_list, 1)

        choice_box = QGroupBox(_("Export choisi"), self)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        site_label = QLabel(_("&Lieu :"), choice_box)
        site_label.setBuddy(self.site_combo)
        form.addRow(site_label, self.site_combo)
        format_label = QLabel(_("Fo&rmat :"), choice_box)
        format_label.setBuddy(self.format_combo)
        form.addRow(format_label, self.format_combo)
        box_layout = QVBoxLayout(choice_box)
        box_layout.addWidget(self.period_picker)
        box_layout.addWidget(self.no_period_label)
        box_layout.addLayout(form)
        box_layout.addWidget(self.save_button)
        box_layout.addWidget(self.status_label)
        box_layout.addStretch(1)
        choice_box.setFixedWidth(360)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(choice_box)
        self.setTabOrder(self.kind_list, self.period_picker.kind_combo)
        self.setTabOrder(self.period_picker.claim_combo, self.site_combo)
        self.setTabOrder(self.site_combo, self.format_combo)
        self.setTabOrder(self.format_combo, self.save_button)

        self.kind_list.installEventFilter(_EnterStarts(self, self.on_save_clicked))
        self.kind_list.doubleClicked.connect(self.on_save_clicked)
        self.kind_list.currentItemChanged.connect(self.on_kind_changed)
        self.format_combo.activated.connect(self.on_format_chosen)
        self.site_combo.currentIndexChanged.connect(self.on_site_changed)
        self.save_button.clicked.connect(self.on_save_clicked)

        if not KINDS:
            self.status_label.setText(_("Aucun export n'est disponible dans cette version."))
        elif not self._allowed:
            self.status_label.setText(_("Les exports sont réservés à la coordination."))
        self._select_kind(LAST_KIND.get())
        self.on_kind_changed()
        # Read the places and claims when the tab is first opened (the section opens fast).
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.REPORT_RECORDS}, self.shown.invalidate)

    def hasHeightForWidth(self) -> bool:
        """No: the section's tab stack then sizes itself by the tallest tab's preferred height
        for its width (the report's, taller than a 1024×600 screen leaves) instead of the
        space there is. The wrapped texts are in a box of fixed width, which needs no more."""
        return False

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the places and the payment claims again."""
        current = self.site_combo.currentData() if self.site_combo.count() else None
        sites = self._app.sites.list_sites()
        self._sites = {str(site.id): site for site in sites}
        self.site_combo.blockSignals(True)
        self.site_combo.clear()
        if self._app.access.sites is None:  # an account of one place exports that place
            self.site_combo.addItem(_("Tous les lieux"), ALL_SITES)
        for site in sites:
            self.site_combo.addItem(site.name, str(site.id))
        wanted = current if current is not None else str(self._site.id)
        self.site_combo.setCurrentIndex(max(self.site_combo.findData(wanted), 0))
        self.site_combo.blockSignals(False)
        self.on_site_changed()

    def _load_claims(self) -> None:
        site = self.chosen_site()
        site_ids = [site.id] if site is not None else [uuid.UUID(key) for key in self._sites]
        claims = [
            ClaimChoice(c.number, c.period_start, c.period_end)
            for site_id in site_ids
            for c in self._app.organisation.list_claims(site_id=site_id)
        ]
        claims.sort(key=lambda c: (c.start, c.number))
        self.period_picker.set_claims(claims)

    # -- what is chosen ------------------------------------------------------------------
    def kind_key(self) -> str | None:
        item = self.kind_list.currentItem()
        return None if item is None else str(item.data(KIND_ROLE))

    def kind(self) -> ExportKind | None:
        key = self.kind_key()
        return None if key is None else KINDS.get(key)

    def chosen_site(self) -> SiteInfo | None:
        """The place chosen, or ``None`` for all places."""
        return self._sites.get(str(self.site_combo.currentData()))

    def _select_kind(self, key: str) -> None:
        for row in range(self.kind_list.count()):
            if self.kind_list.item(row).data(KIND_ROLE) == key:
                self.kind_list.setCurrentRow(row)
                return
        if self.kind_list.count():
            self.kind_list.setCurrentRow(0)

    def _period(self, kind: ExportKind) -> Period | None:
        if not kind.period:
            return None
        period = self.period_picker.period()
        if period is None:
            raise ValidationError(
                _("Période"), _("aucune demande de paiement n'est enregistrée pour ce lieu")
            )
        if period.end < period.start:
            raise ValidationError(_("Période"), _("la date de fin précède la date de début"))
        return period

    # -- slots ---------------------------------------------------------------------------
    def on_kind_changed(self, *_args: object) -> None:
        key, kind = self.kind_key(), self.kind()
        self.period_picker.setVisible(kind is not None and kind.period)
        self.no_period_label.setVisible(kind is not None and not kind.period)
        self.format_combo.clear()
        for fmt in kind.formats if kind is not None else ():
            self.format_combo.addItem(fmt.upper(), fmt)
        if key is not None:
            LAST_KIND.set(key)
            remembered = self.format_combo.findData(format_option(key).get())
            self.format_combo.setCurrentIndex(max(remembered, 0))
        enabled = self._allowed and kind is not None
        for widget in (self.period_picker, self.site_combo, self.format_combo, self.save_button):
            widget.setEnabled(enabled)

    def on_format_chosen(self, _index: int = 0) -> None:
        key = self.kind_key()
        if key is not None:
            format_option(key).set(str(self.format_combo.currentData()))

    def on_site_changed(self, _index: int = 0) -> None:
        try:
            self._load_claims()
        except Exception as exc:  # the picker still works without claims
            show_error(self, exc)

    def on_save_clicked(self, *_args: object) -> None:
        """Ask where, then write the chosen export off the GUI thread."""
        key, kind = self.kind_key(), self.kind()
        if key is None or kind is None or not self.save_button.isEnabled():
            return
        try:
            period = self._period(kind)
        except ValidationError as exc:
            show_error(self, exc)
            return
        fmt = str(self.format_combo.currentData())
        site = self.chosen_site()
        name = suggested_name(
            key,
            fmt,
            place=site.name if site is not None else None,
            period=period,
            today=place_today(self._site.zone),
        )
        folder = Path(LAST_FOLDER.get() or documents_folder())
        if not folder.is_dir():
            folder = documents_folder()
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Enregistrer l'export"), str(folder / name), file_filter(fmt)
        )
        if not chosen:
            return
        path = with_suffix(Path(chosen), fmt)
        LAST_FOLDER.set(str(path.parent))
        request = ExportRequest(
            start=period.start if period else None,
            end=period.end if period else None,
            site=site,
            fmt=fmt,
            out=path,
        )
        app = self._app

        def work(progress: Progress) -> str:
            return kind.load()(app, request)

        self.status_label.setText("")
        run_op(
            self,
            work,
            self.on_exported,
            label=_("Écriture de l'export ({format})…").format(format=fmt.upper()),
            on_failure=self.on_failed,
        )

    def on_exported(self, line: str) -> None:
        self.status_label.setText(line)
        self.exported.emit(line)

    def on_failed(self, exc: BaseException) -> None:
        self.status_label.setText(_("Rien n'a été enregistré."))
        show_error(self, exc)
