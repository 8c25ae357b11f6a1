"""« Importer des visites / des démarches » : a spreadsheet kept before Comptoir, checked and
previewed before anything is written.

Choosing a file runs the import as a dry run (off the GUI thread, through ``run_op``): the
whole file is checked, so the dialog shows either the first lines as they will be stored with
the totals and the sheets read, or every problem by sheet, line and column. A file refused as a
whole (unreadable, past a limit) is explained through ``show_error``; a file already imported
asks first whether to import it again. « Importer » then runs the real import, which checks
again (the file may have changed meanwhile), backs the database up and writes it in one
transaction. The Visites and Démarches sections open this same dialog with their ``kind``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ImportFileError
from tiers_lieu.i18n import N_, _, format_number, ngettext
from tiers_lieu.services.imports import (
    PATTERNS,
    AlreadyImportedError,
    FileRefusedError,
    ImportResult,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut, make_table
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.imports.table_models import (
    AssistancePreviewModel,
    ProblemsModel,
    VisitPreviewModel,
)
from tiers_lieu.ui.ops import Progress, run_op
from tiers_lieu.ui.widgets import EmptyState

ImportKind = Literal["visits", "assistance"]

TITLES = {"visits": N_("Importer des visites"), "assistance": N_("Importer des démarches")}
FORMATS = {
    "visits": N_(
        "Une ligne par visite ou par groupe. Colonnes : <b>date</b> (JJ/MM/AAAA ou AAAA-MM-JJ) "
        "et <b>service</b> (un service du lieu), puis si vous les avez : heure (HH:MM), "
        "nombre (1 par défaut), commune (nom ou code INSEE), tranche_age, genre, statut, "
        "public (particulier, entreprise, association…)."
    ),
    "assistance": N_(
        "Une ligne par démarche. Colonnes : <b>date</b>, <b>organisme</b>, <b>theme</b>, "
        "<b>type</b>, <b>duree_min</b>, <b>issue</b>, orientation (obligatoire si l'issue "
        "est « Orientée »), puis si vous les avez : commune, tranche_age, genre, statut. Les "
        "démarches importées ne comptent pas de visite et n'ouvrent pas de suivi."
    ),
}
COMMON = N_(
    "Fichier CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252), XLSX ou ODS (LibreOffice), "
    "première ligne = noms des colonnes ; dans un classeur, chaque feuille qui a ces colonnes "
    "est lue. Si une seule ligne est fausse, rien n'est importé et chaque problème est indiqué "
    "par sa ligne et sa colonne."
)
PAGE_EMPTY, PAGE_PREVIEW, PAGE_PROBLEMS = 0, 1, 2
MAX_PROBLEMS_SHOWN = 500


class ImportDialog(QDialog):
    """Choose a file, see its preview (or its problems), import it."""

    file_imported = Signal(object)  # the ImportResult of what was written

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        kind: ImportKind,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if kind not in TITLES:
            raise ValueError(kind)
        self._app = app
        self._site = site
        self._kind: ImportKind = kind
        self._path: Path | None = None
        self._again = False  # the coordinator said to import a file already imported
        self.setWindowTitle(_(TITLES[kind]))
        self.resize(1040, 640)

        intro = QLabel(_(FORMATS[kind]) + "<br>" + _(COMMON), self)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_("Aucun fichier choisi"))
        self.choose_button = QPushButton(_("&Choisir un fichier…"), self)
        self.choose_button.clicked.connect(self.on_choose_clicked)
        add_shortcut(
            self, QKeySequence.StandardKey.Open, self.on_choose_clicked, self.choose_button
        )
        file_label = QLabel(_("&Fichier :"), self)
        file_label.setBuddy(self.choose_button)
        file_line = QHBoxLayout()
        file_line.addWidget(file_label)
        file_line.addWidget(self.path_edit, 1)
        file_line.addWidget(self.choose_button)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setVisible(False)

        self.preview_model: VisitPreviewModel | AssistancePreviewModel = (
            VisitPreviewModel(self) if kind == "visits" else AssistancePreviewModel(self)
        )
        self.preview_view = make_table(self.preview_model, self, stretch=-1)
        self.preview_view.horizontalHeader().setStretchLastSection(True)
        self.problems_model = ProblemsModel(self)
        self.problems_view: QTableView = make_table(
            self.problems_model, self, stretch=ProblemsModel.Columns.PROBLEM
        )
        # The valid values follow an unknown word: wrapped, the host reads them all.
        self.problems_view.setWordWrap(True)
        rows = self.problems_view.verticalHeader()
        rows.setMinimumSectionSize(rows.defaultSectionSize())
        self.stack = QStackedWidget(self)
        self.stack.addWidget(
            EmptyState(
                _("Aucun fichier choisi"),
                _(
                    "Choisissez le fichier à importer (Ctrl+O) : ses premières lignes "
                    "s'afficheront ici telles qu'elles seront enregistrées, avant tout import."
                ),
                self,
            )
        )
        self.stack.addWidget(self.preview_view)
        self.stack.addWidget(self.problems_view)

        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton(
            _("&Importer"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close_button.setText(_("Fermer"))
        buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self.on_import_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_line)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)
        layout.addWidget(buttons)
        self.choose_button.setFocus()

    # -- what the dialog shows ------------------------------------------------------------
    def load(self, path: Path, *, again: bool = False) -> None:
        """Check ``path`` in a dry run and show its preview or its problems; ``again`` when
        the coordinator has agreed to import a file already imported."""
        self._path = path
        self._again = again
        self.path_edit.setText(str(path))
        self.import_button.setEnabled(False)
        run_op(
            self,
            self._work(path, dry_run=True),
            self.on_check_succeeded,
            label=_("Vérification de {file}…").format(file=path.name),
            on_failure=self.on_check_failed,
        )

    def _work(self, path: Path, *, dry_run: bool) -> Callable[[Progress], ImportResult]:
        imports, kind, site_id = self._app.imports, self._kind, self._site.id
        backups, again = self._app.backups, self._again

        def backup() -> None:  # once the file is checked, before anything is written
            if backups is not None:  # PostgreSQL: the server keeps its own
                backups.maybe_backup("import")

        def work(progress: Progress) -> ImportResult:
            return imports.import_file(
                kind,
                site_id,
                path,
                dry_run=dry_run,
                again=again,
                progress=progress,
                before_write=backup,
            )

        return work

    def _show_problems(self, error: ImportFileError) -> None:
        # A column wrong on every line of a big file gives thousands of alike problems;
        # the first ones say what to correct, and sizing every row would stall the window.
        shown = error.lines[:MAX_PROBLEMS_SHOWN]
        self.problems_model.set_rows(shown)
        self.problems_view.setColumnHidden(
            ProblemsModel.Columns.SHEET, not any(getattr(e, "sheet", "") for e in shown)
        )
        self.stack.setCurrentIndex(PAGE_PROBLEMS)
        self.problems_view.resizeRowsToContents()
        n = max(getattr(error, "total", 0), len(error.lines))
        text = ngettext(
            "Fichier refusé : {n} problème à corriger dans le tableur, puis choisissez "
            "le fichier à nouveau. Rien n'a été enregistré.",
            "Fichier refusé : {n} problèmes à corriger dans le tableur, puis choisissez "
            "le fichier à nouveau. Rien n'a été enregistré.",
            n,
        ).format(n=format_number(n))
        if n > MAX_PROBLEMS_SHOWN:
            text += " " + _("Seuls les {shown} premiers sont listés.").format(
                shown=format_number(MAX_PROBLEMS_SHOWN)
            )
        self.summary.setText(text)
        self.summary.setVisible(True)
        self.import_button.setEnabled(False)
        self.problems_view.setFocus()

    def _reset(self) -> None:
        self._path = None
        self._again = False
        self.path_edit.clear()
        self.summary.setVisible(False)
        self.stack.setCurrentIndex(PAGE_EMPTY)
        self.import_button.setEnabled(False)

    # -- slots ----------------------------------------------------------------------------
    def on_choose_clicked(self) -> None:
        folder = str(self._path.parent if self._path else Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _(TITLES[self._kind]),
            folder,
            _("Tableurs ({patterns});;Tous les fichiers (*)").format(patterns=" ".join(PATTERNS)),
        )
        if name:
            self.load(Path(name))

    def on_check_succeeded(self, result: ImportResult) -> None:
        self.preview_model.set_rows(list(result.preview))  # type: ignore[arg-type]
        self.stack.setCurrentIndex(PAGE_PREVIEW)
        shown = len(result.preview)
        note = ngettext(
            "Ci-dessous, la première ligne telle qu'elle sera enregistrée "
            "(« — » : non communiqué).",
            "Ci-dessous, les {n} premières lignes telles qu'elles seront enregistrées "
            "(« — » : non communiqué).",
            shown,
        ).format(n=format_number(shown))
        self.summary.setText(result.describe() + "\n" + note)
        self.summary.setVisible(True)
        self.import_button.setEnabled(True)
        self.import_button.setDefault(True)
        self.import_button.setFocus()

    def on_check_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportFileError):
            self._show_problems(exc)
            return
        if isinstance(exc, AlreadyImportedError) and self._path is not None:
            self._ask_again(self._path, exc)
            return
        self._reset()
        refused = isinstance(exc, FileRefusedError)
        show_error(self, exc, _("Fichier refusé") if refused else _("Fichier illisible"))

    def _ask_again(self, path: Path, exc: AlreadyImportedError) -> None:
        """A file already imported: say when and what it counted, import again only if
        the coordinator says so (the default answer is no)."""
        previous = exc.previous
        day, hour = previous.when()
        answer = QMessageBox.question(
            self,
            _("Fichier déjà importé"),
            _(
                "Ce fichier a déjà été importé le {date} à {time}, sous le nom « {name} » "
                "({what}).\n\nL'importer de nouveau compterait tout deux fois. "
                "L'importer quand même ?"
            ).format(date=day, time=hour, name=previous.file_name, what=previous.what()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.load(path, again=True)
        else:
            self._reset()

    def on_import_clicked(self) -> None:
        if self._path is None or not self.import_button.isEnabled():
            return
        self.import_button.setEnabled(False)
        run_op(
            self,
            self._work(self._path, dry_run=False),
            self.on_import_succeeded,
            label=_("Import de {file}…").format(file=self._path.name),
            on_failure=self.on_check_failed,
        )

    def on_import_succeeded(self, result: ImportResult) -> None:
        self.file_imported.emit(result)
        QMessageBox.information(self, _("Import terminé"), result.describe())
        self.accept()
