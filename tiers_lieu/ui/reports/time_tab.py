"""« Temps passé »: the staff's time, a week at a time, for the time sheets of a LEADER
payment claim (issue 20 § 2).

Choose the post (Alt+P) and the week (Alt+S, or Alt+←/Alt+→ and Pg préc./Pg suiv. for the
week before or after), then type the hours in the grid (:mod:`.time_grid`): Tab or Entrée to
the next day, Ctrl+S to save the whole week. Each day's total and the week's are shown as
they are typed. Changing post or week with hours not saved asks whether to save them first;
nothing typed is dropped without being asked.

The post list and the week are read off the GUI thread (:class:`~tiers_lieu.ui.loading.
BackgroundLoad`); saving a week is one short transaction, announced as
:attr:`Topic.TIME_SHEETS`. « Feuille du mois (PDF)… » writes the month's time sheet of the
post shown (the page ``tiers-lieu export feuilles-temps`` writes for it).
"""

from __future__ import annotations

import re
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_date, format_duration, month_name, place_today
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.time_sheet_models import StaffMember, WeekGrid, monday_of, month_end
from tiers_lieu.ui.common import StatusLabel, add_shortcut, to_date, to_qdate
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import BackgroundLoad, expected, refresh_when_shown
from tiers_lieu.ui.ops import Progress, run_op
from tiers_lieu.ui.reports.forms import date_edit
from tiers_lieu.ui.reports.time_grid import GridView, WeekModel


def _first_running(staff: list[StaffMember], day: date) -> uuid.UUID | None:
    """The post to show first: one running on ``day``, else the first listed."""
    for member in staff:
        if member.works_on(day):
            return member.job_id
    return staff[0].job_id if staff else None


class TimeTab(QWidget):
    """The weekly grid of one post of the place."""

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
        self._staff: list[StaffMember] = []
        self._job_id: uuid.UUID | None = None
        self._monday = monday_of(place_today(site.zone))
        self._refocus = False

        self.job_combo = QComboBox(self)
        self.job_combo.setMinimumContentsLength(16)
        self.job_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        job_label = QLabel(_("&Poste :"), self)
        job_label.setBuddy(self.job_combo)
        self.week_edit = date_edit(self, self._monday)
        week_label = QLabel(_("&Semaine du :"), self)
        week_label.setBuddy(self.week_edit)
        self.previous_button = QPushButton("◀", self)
        self.next_button = QPushButton("▶", self)
        for button in (self.previous_button, self.next_button):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            button.setMaximumWidth(40)
        self.this_week_button = QPushButton(_("&Cette semaine"), self)
        self.sheet_button = QPushButton(_("Feuille du m&ois (PDF)…"), self)
        self.week_title = QLabel(self)

        self.model = WeekModel(self)
        self.view = GridView(self.model, self)
        self.total_label = QLabel(self)
        self.save_button = QPushButton(_("&Enregistrer la semaine"), self)
        self.status = StatusLabel(self, zone=site.zone)
        self.hint = QLabel(
            _("3,5 ou 3h30 ou 3:30 · Tab, Entrée : case suivante · Alt+←/→ : autre semaine"),
            self,
        )
        self.hint.setObjectName("hint")
        self.hint.setEnabled(False)  # shown muted: a reminder, not a field

        top = QHBoxLayout()
        top.addWidget(job_label)
        top.addWidget(self.job_combo, 1)
        top.addSpacing(12)
        top.addWidget(week_label)
        top.addWidget(self.week_edit)
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        top.addWidget(self.this_week_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total_label)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.sheet_button)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        heading = QHBoxLayout()
        heading.addWidget(self.week_title)
        heading.addStretch(1)
        heading.addWidget(self.hint)
        layout.addLayout(heading)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        add_shortcut(self, QKeySequence.StandardKey.Save, self.on_save, self.save_button)
        add_shortcut(self, "Alt+Left", self.previous_week, self.previous_button)
        add_shortcut(self, "Alt+Right", self.next_week, self.next_button)
        add_shortcut(self, "PgUp", self.previous_week)
        add_shortcut(self, "PgDown", self.next_week)
        self.save_button.clicked.connect(self.on_save)
        self.previous_button.clicked.connect(self.previous_week)
        self.next_button.clicked.connect(self.next_week)
        self.this_week_button.clicked.connect(self.this_week)
        self.sheet_button.clicked.connect(self.write_month_sheet)
        self.job_combo.activated.connect(self.on_job_chosen)
        self.week_edit.dateChanged.connect(self.on_week_date_changed)
        self.week_edit.editingFinished.connect(self.on_week_date_typed)
        self.model.edited.connect(self.show_totals)
        self.loader = BackgroundLoad(self, self.view)
        self.changes.watch(self, {Topic.REPORT_RECORDS}, self.refresh_later)
        self.setFocusProxy(self.view)
        self._show_week_title()
        self.show_totals()
        # The posts are read each time the tab is shown: « Emplois » may have added one.
        self.shown = refresh_when_shown(self, every_time=True)

    # -- reading -----------------------------------------------------------------------------
    def refresh_later(self) -> None:
        self.shown.invalidate()

    def refresh(self) -> None:
        """Read the posts, and the week unless hours typed here are not saved yet."""
        service, site_id = self._app.time_sheets, self._site.id
        wanted, monday, keep = self._job_id, self._monday, self.model.dirty

        def read() -> tuple[list[StaffMember], uuid.UUID | None, WeekGrid | None]:
            staff = service.staff(site_id)
            job = wanted if any(s.job_id == wanted for s in staff) else None
            job = job or _first_running(staff, monday)
            keep_grid = keep and job == wanted
            grid = service.week(site_id, job, monday) if job and not keep_grid else None
            return staff, job, grid

        self.loader.start(read, self._show_read)

    def _show_read(
        self, result: tuple[list[StaffMember], uuid.UUID | None, WeekGrid | None]
    ) -> None:
        staff, job, grid = result
        self._staff = staff
        self._job_id = job
        self.job_combo.clear()
        for member in staff:
            self.job_combo.addItem(member.label)
        if job is not None:
            self.job_combo.setCurrentIndex([s.job_id for s in staff].index(job))
        if grid is not None or job is None:
            self._show_grid(grid)
        self._enable()

    def _read_week(self) -> None:
        """Read the week of the post shown (after a change of post or week)."""
        self._show_week_title()
        job, monday = self._job_id, self._monday
        if job is None:
            self._show_grid(None)
            return
        service, site_id = self._app.time_sheets, self._site.id
        # Nothing typed while the week is read: it would be replaced by what comes back.
        focus = QApplication.focusWidget()
        self._refocus = focus is not None and (focus is self.view or self.view.isAncestorOf(focus))
        self.view.setEnabled(False)
        self.loader.start(
            lambda: service.week(site_id, job, monday),
            self._show_grid,
            on_failure=self._read_failed,
        )

    def _read_failed(self, exc: BaseException) -> None:
        self._enable()
        if expected(exc):
            show_error(self, exc)
        else:  # a bug: reported like an exception raised on the GUI thread
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _show_grid(self, grid: WeekGrid | None) -> None:
        self.model.load(grid)
        self._show_week_title()
        self.show_totals()
        self._enable()
        if grid is not None:
            self.view.start_at_first_day()
        if self._refocus and self.view.isEnabled():
            self.view.setFocus()  # the keys go on typing hours in the new week
        self._refocus = False

    def _enable(self) -> None:
        has_job = self._job_id is not None
        for widget in (self.view, self.save_button, self.sheet_button):
            widget.setEnabled(has_job)
        if not self._staff:
            self.status.setText(_("Aucun poste salarié : ajoutez-en un dans l'onglet « Emplois »."))

    # -- what is shown -----------------------------------------------------------------------
    def _member(self) -> StaffMember | None:
        return next((s for s in self._staff if s.job_id == self._job_id), None)

    def _show_week_title(self) -> None:
        sunday = self._monday + timedelta(days=6)
        text = _("Semaine du {monday} au {sunday}").format(
            monday=format_date(self._monday, "long"), sunday=format_date(sunday, "long")
        )
        member = self._member()
        if member is not None and not member.works_on(self._monday) and not member.works_on(sunday):
            text += " — " + _("le contrat de ce poste ne couvre pas cette semaine")
        self.week_title.setText(text)
        self.week_edit.blockSignals(True)
        self.week_edit.setDate(to_qdate(self._monday))
        self.week_edit.blockSignals(False)

    def show_totals(self) -> None:
        total = self.model.week_total()
        text = _("Total de la semaine : {total}").format(
            total=format_duration(total) if total else _("0 h")
        )
        if self.model.dirty:
            text += " — " + _("non enregistré")
        self.total_label.setText(text)

    # -- work not saved (ui/leaving.py) ------------------------------------------------------
    def unsaved_work(self) -> str | None:
        self.view.delegate.commit_open_editor()
        if not self.model.dirty:
            return None
        member = self._member()
        return _("Temps passé : les heures de la semaine du {monday} ({post})").format(
            monday=format_date(self._monday, "long"),
            post=member.label if member is not None else "?",
        )

    def save_work(self, *, quiet: bool = False) -> bool:
        return self.save(quiet=quiet)

    # -- changing post or week ---------------------------------------------------------------
    def may_leave(self) -> bool:
        """Whether the hours shown may be left: saved, or the person chose to save or drop
        them. ``False``: stay on this week (cancelled, or the save was refused)."""
        self.view.delegate.commit_open_editor()
        if not self.model.dirty:
            return True
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            self,
            _("Heures non enregistrées"),
            _(
                "Les heures de la semaine du {monday} ne sont pas enregistrées. "
                "Les enregistrer avant de continuer ?"
            ).format(monday=format_date(self._monday, "long")),
            buttons,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def go_to_week(self, day: date) -> None:
        monday = monday_of(day)
        if monday == self._monday:
            self._show_week_title()
            return
        if not self.may_leave():
            self._show_week_title()  # the date field shows the week still on screen
            return
        self._monday = monday
        self._read_week()

    def previous_week(self) -> None:
        self.go_to_week(self._monday - timedelta(days=7))

    def next_week(self) -> None:
        self.go_to_week(self._monday + timedelta(days=7))

    def this_week(self) -> None:
        self.go_to_week(place_today(self._site.zone))

    def on_week_date_changed(self, *_args: object) -> None:
        # A date picked in the calendar moves at once; one being typed waits for its end.
        if not self.week_edit.hasFocus():
            self.go_to_week(to_date(self.week_edit.date()))

    def on_week_date_typed(self) -> None:
        self.go_to_week(to_date(self.week_edit.date()))

    def on_job_chosen(self, index: int) -> None:
        if not 0 <= index < len(self._staff):
            return
        job = self._staff[index].job_id
        if job == self._job_id:
            return
        if not self.may_leave():
            ids: list[uuid.UUID | None] = [s.job_id for s in self._staff]
            self.job_combo.setCurrentIndex(ids.index(self._job_id))
            return
        self._job_id = job
        self._read_week()

    # -- saving ------------------------------------------------------------------------------
    def on_save(self) -> None:
        self.save()

    def save(self, *, quiet: bool = False) -> bool:
        """Save the week shown, whole; ``True`` when it is saved. Refused, it says why in a
        dialog, or nothing when ``quiet`` (the desk locking)."""
        self.view.delegate.commit_open_editor()
        if self._job_id is None:
            return False
        bad = self.model.unreadable()
        if bad is not None:
            self.view.setCurrentIndex(self.model.index(bad.row, bad.column))
            if not quiet:
                QMessageBox.warning(self, _("Heures illisibles"), bad.message)
            return False
        try:
            grid = self._app.time_sheets.save_week(
                self._site.id, self._job_id, self._monday, self.model.week_lines()
            )
        except Exception as exc:
            if not quiet:
                show_error(self, exc)
            return False
        self._show_grid(grid)
        self.status.confirm(
            _("Semaine du {monday} enregistrée : {total}.").format(
                monday=format_date(self._monday, "long"),
                total=format_duration(grid.total) if grid.total else _("0 h"),
            )
        )
        self.changes.announce(self, Topic.TIME_SHEETS)
        return True

    # -- the month's sheet -------------------------------------------------------------------
    def write_month_sheet(self) -> None:
        """Ask where, then write the time sheet of the week's month for the post shown."""
        member = self._member()
        if member is None or not self.may_leave():
            return
        first = (self._monday + timedelta(days=3)).replace(day=1)  # the month of its Thursday
        last = month_end(first)
        slug = re.sub(r"[^\w-]+", "-", member.person_name or member.post).strip("-").lower()
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = Path(folder or Path.home()) / f"feuille-temps_{slug}_{first:%Y-%m}.pdf"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Feuille de temps du mois"), str(suggested), _("PDF (*.pdf)")
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        service, site_id, job_id = self._app.time_sheets, self._site.id, member.job_id
        month = _("{month} {year}").format(month=month_name(first.month), year=first.year)

        def work(_progress: Progress) -> Path:
            from tiers_lieu.reports.documents.time_sheet import write_time_sheets

            sheets = service.monthly_sheets(site_id, first, last, job_id=job_id)
            if not sheets:
                raise ValidationError(
                    _("Feuille de temps"),
                    _("aucun temps saisi en {month} pour ce poste.").format(month=month),
                )
            return write_time_sheets(sheets, path)

        run_op(self, work, self.on_sheet_written, label=_("Feuille de temps…"))

    def on_sheet_written(self, path: Path) -> None:
        self.status.confirm(_("Feuille de temps écrite : {path}").format(path=path))
