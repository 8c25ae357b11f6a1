"""« Communes du territoire » : the communes the place serves, with their population.

Visitors' communes are picked from this list at the desk, and the report estimates the
population served from it, so a coordinator usually imports the whole territory once from an
INSEE table (``code_insee;nom;population``). The import runs through ``run_op`` (a big file
must not freeze the desk) and is all-or-nothing: the service lists every faulty line and
``show_error`` shows them. A commune typed by hand is suggested from the official list (which
fills its INSEE code and population); one the list does not know is asked about first.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIntValidator, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_number, ngettext
from tiers_lieu.services import official_communes
from tiers_lieu.services.communes import CommuneImportResult
from tiers_lieu.services.official_communes import OfficialCommune
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table
from tiers_lieu.ui.commune_suggestions import CommuneSuggestions, confirm_unknown, is_unknown
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import Progress, run_op
from tiers_lieu.ui.settings.table_models import CommunesModel

MAX_POPULATION = 10_000_000


def import_summary(result: CommuneImportResult) -> str:
    """« 12 communes ajoutées, 3 mises à jour », with French plurals."""
    added = ngettext("{n} commune ajoutée", "{n} communes ajoutées", result.created).format(
        n=format_number(result.created)
    )
    updated = ngettext("{n} mise à jour", "{n} mises à jour", result.updated).format(
        n=format_number(result.updated)
    )
    return _("{added}, {updated}.").format(added=added, updated=updated)


class CommunesTab(ListTab):
    """The territory's communes: list, totals, CSV import and typing one in."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent, changes)
        self._app = app
        self._site = site

        self.model = CommunesModel(self)
        self.view = make_table(self.model, self, stretch=CommunesModel.Columns.NAME)
        self.totals_label = QLabel(self)

        explanation = QLabel(
            _(
                "Pour importer tout le territoire, préparez un fichier CSV (séparateur "
                "«&nbsp;;&nbsp;», UTF-8 ou Windows-1252) dont la première ligne est "
                "<b>code_insee;nom;population</b>, puis une commune par ligne, par exemple "
                "<tt>23079;Felletin;1650</tt>. Une commune déjà connue (même code INSEE) est "
                "mise à jour. Si une ligne est fausse, rien n'est importé et les lignes à "
                "corriger sont indiquées."
            ),
            self,
        )
        explanation.setWordWrap(True)
        self.import_button = QPushButton(_("Impo&rter un CSV…"), self)
        self.import_button.clicked.connect(self.on_import_clicked)
        add_shortcut(
            self, QKeySequence.StandardKey.Open, self.on_import_clicked, self.import_button
        )
        import_line = QHBoxLayout()
        import_line.addWidget(self.import_button)
        import_line.addStretch(1)

        add_box = QGroupBox(_("Ajouter une commune"), self)
        self.name_edit = QLineEdit(add_box)
        self.name_edit.setMaxLength(120)
        self.insee_edit = QLineEdit(add_box)
        self.insee_edit.setMaxLength(5)
        self.insee_edit.setPlaceholderText(_("facultatif"))
        self.population_edit = QLineEdit(add_box)
        self.population_edit.setValidator(QIntValidator(0, MAX_POPULATION, self.population_edit))
        self.population_edit.setPlaceholderText(_("facultatif"))
        self.name_suggestions = CommuneSuggestions(self.name_edit, department=self._department)
        self.name_suggestions.chosen.connect(self.on_official_chosen)
        for edit in (self.name_edit, self.insee_edit, self.population_edit):
            edit.returnPressed.connect(self.on_add_clicked)
        self.add_button = QPushButton(_("A&jouter la commune"), add_box)
        self.add_button.clicked.connect(self.on_add_clicked)
        form = QFormLayout(add_box)
        for text, field in (
            (_("&Nom :"), self.name_edit),
            (_("&Code INSEE :"), self.insee_edit),
            (_("&Population :"), self.population_edit),
        ):
            label = QLabel(text, add_box)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow("", self.add_button)
        self.status = StatusLabel(self, zone=self._site.zone)

        side = QVBoxLayout()
        side.addWidget(explanation)
        side.addLayout(import_line)
        side.addWidget(add_box)
        side.addWidget(self.status)
        side.addStretch(1)
        table_side = QVBoxLayout()
        table_side.addWidget(self.view, 1)
        table_side.addWidget(self.totals_label)
        layout = QHBoxLayout(self)
        layout.addLayout(table_side, 3)
        layout.addLayout(side, 2)
        self.shown = refresh_when_shown(self)  # read when first on screen

    def set_site(self, site: SiteInfo) -> None:
        self._site = site

    def refresh(self) -> None:
        communes = self._app.communes.list_communes(self._site.id)
        self.model.set_rows(communes)
        total = sum(c.population or 0 for c in communes)
        unknown = sum(1 for c in communes if c.population is None)
        text = ngettext(
            "{n} commune, {population} habitants",
            "{n} communes, {population} habitants",
            len(communes),
        ).format(n=format_number(len(communes)), population=format_number(total))
        if unknown:
            text += " " + ngettext(
                "(population inconnue pour {n} commune)",
                "(population inconnue pour {n} communes)",
                unknown,
            ).format(n=format_number(unknown))
        self.totals_label.setText(text)

    # -- slots ---------------------------------------------------------------------------
    def on_import_clicked(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Importer des communes"),
            str(Path.home()),
            _("Fichiers CSV (*.csv *.txt);;Tous les fichiers (*)"),
        )
        if not name:
            return
        path = Path(name)
        site_id = self._site.id
        communes = self._app.communes

        def work(progress: Progress) -> CommuneImportResult:
            return communes.import_csv(site_id, path)

        run_op(
            self,
            work,
            self.on_import_succeeded,
            label=_("Import des communes de {file}…").format(file=path.name),
            on_failure=self.on_import_failed,
        )

    def on_import_succeeded(self, result: CommuneImportResult) -> None:
        self.show_write(None, import_summary(result), Topic.COMMUNES)

    def on_import_failed(self, exc: BaseException) -> None:
        show_error(self, exc, _("Import des communes refusé"))

    def _department(self) -> str | None:
        return (self._site.insee_code or "")[:2] or None

    def on_official_chosen(self, commune: OfficialCommune) -> None:
        self.name_edit.setText(commune.name)  # « croze » typed is stored as « Croze »
        self.insee_edit.setText(commune.code)
        population = commune.population
        self.population_edit.setText(str(population) if population is not None else "")

    def _checked_name(self) -> bool:
        """Without a code typed, a name of the official list gets its code (the place's
        department first among homonyms); a name the list does not know is asked about."""
        name = self.name_edit.text().strip()
        if not name or self.insee_edit.text().strip():
            return True
        found = official_communes.named(name, near=self._department())
        current = [c for c in found if c.former_name is None]
        same_department = [c for c in current if c.department == self._department()]
        for candidates in (same_department, current):
            if len(candidates) == 1:
                self.on_official_chosen(candidates[0])
                return True
        if is_unknown(name) and not confirm_unknown(self, name):
            self.name_edit.setFocus()
            self.name_edit.selectAll()
            return False
        return True

    def on_add_clicked(self) -> None:
        if not self._checked_name():
            return
        raw_population = "".join(self.population_edit.text().split())
        try:
            population = int(raw_population) if raw_population else None
            if population is not None and population > MAX_POPULATION:
                raise ValidationError(_("Population"), _("nombre trop grand"))
            commune = self._app.communes.add_commune(
                self._site.id,
                name=self.name_edit.text(),
                insee_code=self.insee_edit.text() or None,
                population=population,
            )
        except ValueError:
            show_error(
                self,
                ValidationError(_("Population"), _("un nombre entier d'habitants")),
                _("Commune non ajoutée"),
            )
            return
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Commune non ajoutée"))
            return
        for edit in (self.name_edit, self.insee_edit, self.population_edit):
            edit.clear()
        self.name_edit.setFocus()
        message = _("Commune « {name} » ajoutée.").format(name=commune.name)
        self.show_write(commune.id, message, Topic.COMMUNES)
