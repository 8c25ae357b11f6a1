"""Printing and calendar exchange from the agenda: the day's agenda for the door and a
practitioner's list of the day, each printed (Qt's print dialog, ``ui/printing``) or saved as
a PDF, a resource's or a practitioner's bookings as an .ics file that real calendar clients
read, and the import of a shared calendar.

Everything here can take a few seconds on the desk's laptop (a year of bookings, a large
.ics), so it runs through :func:`~tiers_lieu.ui.ops.run_op`. The import is all or nothing: if
some events collide with the agenda, nothing is saved and the collisions are listed with why;
the host may then import anyway those refused only for the opening hours (a calendar
migration brings the evening meetings along), or skip the collisions and import the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, ngettext, place_today
from tiers_lieu.reports.documents.agenda_sheet import write_agenda_sheet
from tiers_lieu.services.agenda.errors import IcsCollisionError
from tiers_lieu.services.agenda.readmodels import IcsEvent, IcsImportReport, ResourceInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.table_models import IcsEventsModel
from tiers_lieu.ui.common import make_table
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.printing import print_sheet, printed_text


class CollisionsDialog(QDialog):
    """The events of an import that collide, each with why: import anyway those outside the
    opening hours, skip them all and import the others, or give up. After ``accepted``,
    ``outside_hours`` says which of the first two was chosen."""

    def __init__(self, collisions: list[IcsEvent], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outside_hours = False
        self.setWindowTitle(_("Conflits dans le calendrier importé"))
        self.resize(720, 420)
        text = QLabel(
            ngettext(
                "{n} événement entre en conflit avec l'agenda ; rien n'a été enregistré. "
                "Vous pouvez l'ignorer et importer les autres.",
                "{n} événements entrent en conflit avec l'agenda ; rien n'a été enregistré. "
                "Vous pouvez les ignorer et importer les autres.",
                len(collisions),
            ).format(n=len(collisions)),
            self,
        )
        text.setWordWrap(True)
        self.model = IcsEventsModel(self)
        self.model.set_rows(collisions)
        view = make_table(self.model, self, stretch=IcsEventsModel.Columns.REASON)
        buttons = QDialogButtonBox(self)
        outside = sum(e.outside_hours for e in collisions)
        question = QLabel(self)
        question.setWordWrap(True)
        self.outside_button: QPushButton | None = None
        if outside:
            question.setText(
                ngettext(
                    "{n} de ces événements tombe seulement en dehors des horaires d'ouverture "
                    "(ou un jour de fermeture). L'importer quand même ?",
                    "{n} de ces événements tombent seulement en dehors des horaires d'ouverture "
                    "(ou un jour de fermeture). Les importer quand même ?",
                    outside,
                ).format(n=outside)
            )
            self.outside_button = buttons.addButton(
                _("Importer &aussi ceux hors horaires"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.outside_button.clicked.connect(self.on_outside_hours_clicked)
        question.setVisible(bool(outside))
        self.skip_button = buttons.addButton(
            _("&Ignorer ces conflits et importer le reste"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        (self.outside_button or self.skip_button).setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(question)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)

    def on_outside_hours_clicked(self) -> None:
        self.outside_hours = True
        self.accept()


class ShareMenu(QMenu):
    """The « Imprimer et partager » menu; also runs « Importer un calendrier (.ics)… »."""

    imported = Signal()
    printed = Signal(str)
    """What was sent to the printer (« 2 pages envoyées à l'imprimante. »), for the status."""

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QWidget) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._owner = parent
        self._day = place_today(site.zone)
        self._resources: list[ResourceInfo] = []
        self.collisions: CollisionsDialog | None = None
        self.addAction(
            _("Imprimer l'agenda du &jour (pour la porte)…"), self.on_day_print_triggered
        )
        self.addAction(_("Enregistrer l'agenda du jour en &PDF…"), self.on_day_pdf_triggered)
        self.addAction(
            _("Imprimer la &liste du jour d'un·e intervenant·e…"),
            self.on_practitioner_print_triggered,
        )
        self.addAction(
            _("Enregistrer la liste d'un·e intervenant·e en P&DF…"),
            self.on_practitioner_pdf_triggered,
        )
        self.addSeparator()
        self.addAction(_("Exporter une &ressource (.ics)…"), self.on_resource_ics_triggered)
        self.addAction(
            _("Exporter un·e &intervenant·e (.ics)…"), self.on_practitioner_ics_triggered
        )
        self.addSeparator()
        self.addAction(_("Importer un &calendrier (.ics)…"), self.on_import_triggered)

    def set_day(self, day: date) -> None:
        self._day = day

    def set_resources(self, resources: list[ResourceInfo]) -> None:
        self._resources = resources

    # -- choosing -------------------------------------------------------------------------
    def _choose(self, title: str, label: str, items: dict[str, uuid.UUID]) -> uuid.UUID | None:
        if not items:
            QMessageBox.information(self._owner, title, _("Rien à choisir pour l'instant."))
            return None
        names = list(items)
        name, ok = QInputDialog.getItem(self._owner, title, label, names, 0, False)
        return items.get(name) if ok else None

    def _save_path(self, title: str, suggested: str, pattern: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            self._owner, title, str(Path.home() / suggested), pattern
        )
        return Path(path) if path else None

    def _write(self, path: Path, produce: Callable[[Path], object], done: str) -> None:
        def work(_progress: object) -> Path:
            produce(path)
            return path

        def on_success(written: Path) -> None:
            QMessageBox.information(self._owner, _("Fichier enregistré"), done.format(path=written))

        run_op(self._owner, work, on_success, label=_("Préparation du fichier…"))

    # -- printing -------------------------------------------------------------------------
    def _print(self, title: str, label: str, write: Callable[[Path], object]) -> None:
        print_sheet(
            self._owner,
            write,
            title=title,
            label=label,
            on_printed=lambda pages: self.printed.emit(printed_text(pages)),
        )

    def on_day_print_triggered(self) -> None:
        day, site_id = self._day, self._site.id
        printing = self._app.agenda.printing
        self._print(
            _("Agenda du jour"),
            _("Impression de l'agenda du jour…"),
            lambda target: write_agenda_sheet(printing.day_sheet(site_id=site_id, day=day), target),
        )

    def on_practitioner_print_triggered(self) -> None:
        title = _("Liste du jour d'un·e intervenant·e")
        chosen = self._choose(title, _("Intervenant·e :"), self._practitioners())
        if chosen is None:
            return
        day = self._day
        printing = self._app.agenda.printing
        self._print(
            title,
            _("Impression de la liste du jour…"),
            lambda target: write_agenda_sheet(
                printing.practitioner_day(practitioner_id=chosen, day=day), target
            ),
        )

    def on_day_pdf_triggered(self) -> None:
        day = self._day
        path = self._save_path(
            _("Agenda du jour"), f"agenda-{day.isoformat()}.pdf", _("PDF (*.pdf)")
        )
        if path is None:
            return
        printing = self._app.agenda.printing
        self._write(
            path,
            lambda target: write_agenda_sheet(
                printing.day_sheet(site_id=self._site.id, day=day), target
            ),
            _("L'agenda du jour est enregistré dans {path}."),
        )

    def _practitioners(self) -> dict[str, uuid.UUID]:
        return {
            f"{p.name} ({p.profession})": p.id
            for p in self._app.agenda.practitioners.list(self._site.id)
        }

    def on_practitioner_pdf_triggered(self) -> None:
        title = _("Liste du jour d'un·e intervenant·e")
        chosen = self._choose(title, _("Intervenant·e :"), self._practitioners())
        if chosen is None:
            return
        day = self._day
        path = self._save_path(title, f"creneaux-{day.isoformat()}.pdf", _("PDF (*.pdf)"))
        if path is None:
            return
        printing = self._app.agenda.printing
        self._write(
            path,
            lambda target: write_agenda_sheet(
                printing.practitioner_day(practitioner_id=chosen, day=day), target
            ),
            _("La liste des créneaux est enregistrée dans {path}."),
        )

    # -- calendars ------------------------------------------------------------------------
    def on_resource_ics_triggered(self) -> None:
        title = _("Exporter une ressource")
        chosen = self._choose(title, _("Ressource :"), {r.name: r.id for r in self._resources})
        if chosen is None:
            return
        path = self._save_path(title, "agenda.ics", _("Calendrier iCalendar (*.ics)"))
        if path is None:
            return
        ical = self._app.agenda.ical
        self._write(
            path,
            lambda target: target.write_bytes(ical.export_resource(chosen)),
            _("Le calendrier est enregistré dans {path}."),
        )

    def on_practitioner_ics_triggered(self) -> None:
        title = _("Exporter un·e intervenant·e")
        chosen = self._choose(title, _("Intervenant·e :"), self._practitioners())
        if chosen is None:
            return
        path = self._save_path(title, "permanence.ics", _("Calendrier iCalendar (*.ics)"))
        if path is None:
            return
        ical = self._app.agenda.ical
        self._write(
            path,
            lambda target: target.write_bytes(ical.export_practitioner(chosen)),
            _("Le calendrier est enregistré dans {path}."),
        )

    def on_import_triggered(self) -> None:
        title = _("Importer un calendrier")
        path, _filter = QFileDialog.getOpenFileName(
            self._owner, title, str(Path.home()), _("Calendrier iCalendar (*.ics)")
        )
        if not path:
            return
        chosen = self._choose(
            title,
            _("Les événements deviennent des réservations de :"),
            {r.name: r.id for r in self._resources},
        )
        if chosen is None:
            return
        self._import(Path(path), chosen)

    def _import(
        self,
        path: Path,
        resource_id: uuid.UUID,
        *,
        skip_collisions: bool = False,
        outside_hours: bool = False,
    ) -> None:
        ical = self._app.agenda.ical

        def work(_progress: object) -> IcsImportReport:
            from tiers_lieu.services.agenda.ics_read import read_file  # on use: start-up time

            return ical.import_ics(
                site_id=self._site.id,
                resource_id=resource_id,
                data=read_file(path),  # its size checked before it is read
                skip_collisions=skip_collisions,
                outside_hours=outside_hours,
            )

        def on_failure(exc: BaseException) -> None:
            if isinstance(exc, IcsCollisionError) and not skip_collisions:
                dialog = CollisionsDialog(exc.collisions, self._owner)
                dialog.accepted.connect(
                    lambda: self._import(
                        path,
                        resource_id,
                        skip_collisions=not dialog.outside_hours,
                        outside_hours=outside_hours or dialog.outside_hours,
                    )
                )
                self.collisions = dialog
                dialog.open()
                return
            show_error(self._owner, exc)

        run_op(
            self._owner,
            work,
            self.on_imported,
            label=_("Import du calendrier…"),
            on_failure=on_failure,
        )

    def on_imported(self, report: IcsImportReport) -> None:
        lines = [
            ngettext(
                "{n} réservation importée.", "{n} réservations importées.", report.created
            ).format(n=report.created)
        ]
        if report.outside_hours:
            lines.append(
                ngettext(
                    "Dont {n} en dehors des horaires d'ouverture, comme demandé.",
                    "Dont {n} en dehors des horaires d'ouverture, comme demandé.",
                    report.outside_hours,
                ).format(n=report.outside_hours)
            )
        if report.skipped:
            lines.append(
                ngettext(
                    "{n} événement en conflit ignoré.",
                    "{n} événements en conflit ignorés.",
                    len(report.skipped),
                ).format(n=len(report.skipped))
            )
        if report.already_imported:
            lines.append(
                ngettext(
                    "{n} événement déjà importé auparavant, laissé tel quel.",
                    "{n} événements déjà importés auparavant, laissés tels quels.",
                    report.already_imported,
                ).format(n=report.already_imported)
            )
        if report.ignored:
            lines.append(_("Ignorés :") + "\n" + "\n".join(report.ignored[:20]))
        QMessageBox.information(self._owner, _("Calendrier importé"), "\n".join(lines))
        self.imported.emit()
