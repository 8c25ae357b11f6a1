"""« Registre »: find a person (type-ahead, list fetched page by page), see their page, and
act on it: new person, correction of their record, membership, consent, merge, export of
their data, erasure.

The list is searched when typing pauses (:data:`SEARCH_DELAY_MS` after the last key), or at
once on Entrée: a name typed quickly is one search, not one per letter.

The page is plain rich text rebuilt from :meth:`PeopleService.person_page`; assistance
records appear only for the roles allowed to read them.
"""

from __future__ import annotations

import uuid
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_datetime, place_today
from tiers_lieu.reports.documents.privacy import write_person_pdf
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.services.person_page import PageLine, PersonPage
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut, make_table, select_id, selected_id
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.people.common import PeopleModel, may_read_assistance
from tiers_lieu.ui.people.dialogs import (
    ConsentDialog,
    MembershipDialog,
    MergeDialog,
    RegisterPersonDialog,
)
from tiers_lieu.ui.person_dialog import EditPersonDialog

SEARCH_DELAY_MS = 200
"""The pause after the last key before the list is searched (Entrée searches at once)."""


class RegisterTab(QWidget):
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
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Rechercher par nom, téléphone ou courriel…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.on_search_text_changed)
        self.search.returnPressed.connect(self.search_now)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.search_now)
        self._page_id: uuid.UUID | None = None
        self._listing = False
        self.model = PeopleModel(app, site.id, self)
        self.table = make_table(self.model, self, stretch=0)
        # « Nom » takes the width the other columns leave, but never less than a name: a
        # stretched column alone shrinks to 25 px when long e-mail addresses fill the rest.
        names = self.table.horizontalHeader()
        names.setSectionResizeMode(PeopleModel.Columns.NAME, QHeaderView.ResizeMode.Interactive)
        names.sectionResized.connect(self.on_column_resized)
        self.table.viewport().installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.page = QTextBrowser(self)
        self.page.setOpenLinks(False)
        self.new_button = QPushButton(_("&Nouvelle personne"), self)
        self.edit_button = QPushButton(_("&Modifier la fiche…"), self)
        self.membership_button = QPushButton(_("A&dhésion…"), self)
        self.consent_button = QPushButton(_("&Consentement…"), self)
        self.merge_button = QPushButton(_("F&usionner un doublon…"), self)
        self.export_button = QPushButton(_("&Exporter ses données"), self)
        self.erase_button = QPushButton(_("Effacer cette personne"), self)
        for button, slot in (
            (self.new_button, self.on_new_clicked),
            (self.edit_button, self.on_edit_clicked),
            (self.membership_button, self.on_membership_clicked),
            (self.consent_button, self.on_consent_clicked),
            (self.merge_button, self.on_merge_clicked),
            (self.export_button, self.on_export_clicked),
            (self.erase_button, self.on_erase_clicked),
        ):
            button.clicked.connect(slot)
        add_shortcut(self, "Ctrl+N", self.on_new_clicked, self.new_button)
        add_shortcut(self, "Ctrl+F", self.search.setFocus)
        add_shortcut(self, "Ctrl+E", self.on_export_clicked, self.export_button)
        add_shortcut(self, "Ctrl+Shift+Del", self.on_erase_clicked, self.erase_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.table)
        left_layout.addWidget(self.new_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.page)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for button in (self.membership_button, self.consent_button, self.merge_button):
            row1.addWidget(button)
        row2.addWidget(self.edit_button)
        row2.addWidget(self.export_button)
        row2.addStretch(1)
        row2.addWidget(self.erase_button)
        right_layout.addLayout(row1)
        right_layout.addLayout(row2)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh()
        # People added or changed elsewhere (a household at the AMAP): the list when next
        # shown, the page only if the selection moved (reading it again may be audited).
        self.shown = refresh_when_shown(self, self.search_now, read=True)
        self.changes.watch(self, {Topic.PEOPLE}, self.shown.invalidate)

    # -- columns -------------------------------------------------------------------------
    def name_width(self) -> int:
        """The least width of « Nom »: a usual first and last name."""
        return self.table.fontMetrics().horizontalAdvance("Marie-Christine Dupont-Moreau")

    def fit_name_column(self) -> None:
        header = self.table.horizontalHeader()
        name = PeopleModel.Columns.NAME
        others = sum(
            header.sectionSize(column)
            for column in range(header.count())
            if column != name and not header.isSectionHidden(column)
        )
        spare = self.table.viewport().width() - others
        width = max(self.name_width(), spare)
        if header.sectionSize(name) != width:
            header.resizeSection(name, width)

    def on_column_resized(self, column: int, _old: int, _new: int) -> None:
        if column != PeopleModel.Columns.NAME:  # a phone or an e-mail longer than before
            self.fit_name_column()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_name_column()
        return super().eventFilter(watched, event)

    # -- data ----------------------------------------------------------------------------
    def refresh(self, keep: object | None = None) -> None:
        """List the people matching the search again and rebuild the selected person's page
        (a dialog may have changed it)."""
        self._list(keep)
        self._show_page()

    def search_now(self) -> None:
        """Search for the text typed now; the page is rebuilt only if the selection moved."""
        self._list(None)
        self._show_page(again=False)

    def _list(self, keep: object | None) -> None:
        self.search_timer.stop()  # whatever was waiting is listed now
        keep = keep if keep is not None else selected_id(self.table)
        self._listing = True
        try:
            self.model.load(self.search.text())
            if keep is not None:
                select_id(self.table, keep)
        finally:
            self._listing = False

    def current_id(self) -> uuid.UUID | None:
        value = selected_id(self.table)
        return value if isinstance(value, uuid.UUID) else None

    def _show_page(self, *, again: bool = True) -> None:
        person_id = self.current_id()
        if not again and person_id == self._page_id:
            return
        self._page_id = person_id
        for button in (
            self.edit_button,
            self.membership_button,
            self.consent_button,
            self.merge_button,
            self.export_button,
            self.erase_button,
        ):
            button.setEnabled(person_id is not None)
        if person_id is None:
            self.page.setHtml(
                "<p>"
                + escape(_("Choisissez une personne dans la liste pour voir sa fiche."))
                + "</p>"
            )
            return
        try:
            page = self._app.people.person_page(
                person_id, include_assistance=may_read_assistance(self._app)
            )
        except Exception as exc:
            self._page_id = None  # shown again at the next search
            show_error(self, exc)
            return
        self.page.setHtml(page_html(page, self._site.zone))

    # -- slots ---------------------------------------------------------------------------
    def on_search_text_changed(self, _text: str) -> None:
        self.search_timer.start()  # (re)started: the search waits for a pause

    def on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._listing:  # a new list shows its page once, when it is complete
            self._show_page()

    def on_new_clicked(self) -> None:
        dialog = RegisterPersonDialog(self._app, self._site.id, self, name=self.search.text())
        if dialog.exec() and dialog.created is not None:
            self.search.clear()
            self.refresh(dialog.created.id)
            self.changes.announce(self, Topic.PEOPLE)

    def on_edit_clicked(self) -> None:
        person_id = self.current_id()
        if person_id is None:
            return
        try:
            person = self._app.people.details(person_id)
        except Exception as exc:
            show_error(self, exc)
            return
        dialog = EditPersonDialog(self._app, self._site.id, person, self)
        if dialog.exec() and dialog.updated is not None:
            self.refresh(person_id)
            self.changes.announce(self, Topic.PEOPLE)

    def _current_info(self) -> PersonInfo | None:
        person_id = self.current_id()
        return None if person_id is None else self._app.people.get(person_id)

    def on_membership_clicked(self) -> None:
        self._run_dialog(MembershipDialog, today=place_today(self._site.zone))

    def on_consent_clicked(self) -> None:
        self._run_dialog(ConsentDialog)

    def _run_dialog(self, kind: type, **extra: object) -> None:
        person = self._current_info()
        if person is None:
            return
        if kind(self._app, person, self, **extra).exec():
            self.refresh(person.id)
            self.changes.announce(self, Topic.PEOPLE)

    def on_merge_clicked(self) -> None:
        person = self._current_info()
        if person is None:
            return
        if MergeDialog(self._app, self._site.id, person, self).exec():
            self.refresh(person.id)
            self.changes.announce(self, Topic.PEOPLE)

    def on_export_clicked(self) -> None:
        person_id = self.current_id()
        if person_id is None:
            return
        folder = QFileDialog.getExistingDirectory(self, _("Dossier où enregistrer l'export"))
        if not folder:
            return
        self.export_to(Path(folder), person_id)

    def export_to(self, folder: Path, person_id: uuid.UUID) -> None:
        """The PDF for the person and the JSON for a machine, side by side."""
        service = self._app.privacy
        stem = "donnees-personne-" + str(person_id)[:8]
        pdf, json_path = folder / f"{stem}.pdf", folder / f"{stem}.json"

        def work(_progress: object) -> list[Path]:
            return [
                write_person_pdf(service.person_copy(person_id), pdf),
                service.export_json(person_id, json_path),
            ]

        def done(paths: list[Path]) -> None:
            QMessageBox.information(
                self,
                _("Export terminé"),
                _("Les données ont été enregistrées :\n{files}").format(
                    files="\n".join(str(p) for p in paths)
                ),
            )

        run_op(self, work, done, label=_("Export des données de la personne…"))

    def on_erase_clicked(self) -> None:
        person = self._current_info()
        if person is None:
            return
        answer = QMessageBox.question(
            self,
            _("Effacer cette personne"),
            _(
                "Effacer définitivement {name} ? Son nom, ses coordonnées et les notes qui la "
                "concernent seront supprimés partout. Les chiffres (passages, démarches, "
                "achats) restent, anonymes. Cette action ne peut pas être annulée."
            ).format(name=person.display_name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.privacy.erase(person_id=person.id)
        except Exception as exc:
            show_error(self, exc, _("Effacement impossible"))
            return
        self.refresh()
        self.changes.announce(self, Topic.PEOPLE)


def _section(title: str, lines: tuple[PageLine, ...], empty: str) -> str:
    html = f"<h3>{escape(title)}</h3>"
    if not lines:
        return html + f"<p><i>{escape(empty)}</i></p>"
    items = "".join(
        f"<li>{escape(format_date(line.day))} — {escape(line.what)}"
        + (f" : {escape(line.detail)}" if line.detail else "")
        + "</li>"
        for line in lines
    )
    return html + f"<ul>{items}</ul>"


def page_html(page: PersonPage, zone: ZoneInfo) -> str:
    contact = " · ".join(x for x in (page.phone, page.email, page.commune) if x)
    if page.consent_given_at and not page.consent_withdrawn_at:
        consent = _("Consentement donné le {day} pour : {purpose}").format(
            day=format_datetime(page.consent_given_at, zone), purpose=page.consent_scope
        )
    elif page.consent_withdrawn_at:
        consent = _("Consentement retiré le {day}").format(
            day=format_datetime(page.consent_withdrawn_at, zone)
        )
    else:
        consent = _("Pas de consentement enregistré")
    parts = [
        f"<h2>{escape(page.display_name)}</h2>",
        f"<p>{escape(contact or _('Pas de coordonnées'))}</p>",
        f"<p><b>{escape(consent)}</b></p>",
        _section(_("Adhésions"), page.memberships, _("Aucune adhésion")),
        _section(_("Réservations"), page.bookings, _("Aucune réservation")),
        _section(_("Pass coworking"), page.passes, _("Aucun pass")),
        _section(_("AMAP"), page.amap, _("Aucun contrat")),
        _section(_("Achats"), page.purchases, _("Aucun achat enregistré à son nom")),
    ]
    if page.assistance is not None:
        parts.append(_section(_("Aide aux démarches"), page.assistance, _("Aucune démarche")))
    return "".join(parts)
