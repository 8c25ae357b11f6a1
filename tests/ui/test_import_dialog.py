"""The import dialog as a coordinator uses it: choose a file (the file chooser is patched), see
the first lines as they will be stored, press « Importer », find the rows in the database; or
see a refused file's problems by line and column, with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord, Visit
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.imports import ImportDialog, ImportKind
from tiers_lieu.ui.imports.dialog import PAGE_EMPTY, PAGE_PREVIEW, PAGE_PROBLEMS
from tiers_lieu.ui.imports.table_models import (
    AssistancePreviewModel,
    ProblemsModel,
    VisitPreviewModel,
)

DATA = Path(__file__).parent.parent / "data" / "imports"


@pytest.fixture
def user(app: Comptoir, site: SiteInfo) -> UserInfo:
    return app.accounts.create_user(
        username="claire",
        display_name="Claire",
        password="motdepasse",
        role=Role.COORDINATOR,
        site_id=site.id,
    )


def choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """Answer the file chooser with ``path``; returns the titles it was opened with."""
    titles: list[str] = []

    def fake(_parent: object, title: str, *_args: object) -> tuple[str, str]:
        titles.append(title)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)
    return titles


def open_dialog(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, user: UserInfo | None, kind: ImportKind
) -> ImportDialog:
    if user is not None:
        app.access.sign_in(user)  # as the window does: the import is this account's
    dialog = ImportDialog(app, site, kind)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def cell(dialog: ImportDialog, row: int, column: int) -> str:
    model = dialog.stack.currentWidget().model()  # type: ignore[attr-defined]
    return str(model.index(row, column).data())


def rows_of(app: Comptoir, model: type[Visit] | type[AssistanceRecord]) -> int:
    with app.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_visits_file_is_previewed_then_imported(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    user: UserInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
    qtmodeltester: ModelTester,
) -> None:
    titles = choose(monkeypatch, DATA / "visites_cp1252.csv")
    dialog = open_dialog(qtbot, app, site, user, "visits")
    assert dialog.windowTitle() == "Importer des visites"
    assert dialog.stack.currentIndex() == PAGE_EMPTY
    assert not dialog.import_button.isEnabled()

    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() != PAGE_EMPTY)

    assert titles == ["Importer des visites"]
    assert dialog.stack.currentIndex() == PAGE_PREVIEW
    qtmodeltester.check(dialog.preview_model)
    c = VisitPreviewModel.Columns
    assert dialog.preview_model.rowCount() == 4
    assert [cell(dialog, r, c.SERVICE) for r in range(4)] == [
        "Accueil / information",
        "Épicerie",
        "Café / convivialité",
        "Relais colis / poste",
    ]
    assert [cell(dialog, 1, col) for col in (c.LINE, c.DATE, c.TIME, c.COUNT, c.GENDER)] == [
        "3",
        "03/02/2025",
        "10:40",
        "1",
        "Féminin",
    ]
    unknown_age = dialog.preview_model.index(2, c.AGE_BAND)
    assert unknown_age.data() == "—"
    assert unknown_age.data(Qt.ItemDataRole.ToolTipRole) == "Non communiqué"
    assert dialog.summary.text().startswith("4 lignes à importer : 9 visites.")
    assert rows_of(app, Visit) == 0  # the preview wrote nothing
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.file_imported) as imported:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    assert imported.args is not None and imported.args[0].visits == 9
    assert dialog.result() == QDialog.DialogCode.Accepted
    [(kind, title, text)] = message_boxes
    assert (kind, title) == ("information", "Import terminé")
    assert text.startswith("4 lignes importées : 9 visites.")
    with app.uow() as uow:
        stored = uow.session.execute(
            select(Visit.count, Visit.source, Visit.created_by_id).order_by(Visit.count)
        ).all()
    assert stored == [(1, "import", user.id)] * 3 + [(6, "import", user.id)]


def test_a_refused_file_shows_every_problem_and_writes_nothing(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
    qtmodeltester: ModelTester,
) -> None:
    bad = tmp_path / "tableau.csv"
    bad.write_text(
        "date;service;nombre\n03/02/2025;Coworking;1\n03/02/2025;Epicerie fine;0\n",
        encoding="utf-8",
    )
    choose(monkeypatch, bad)
    dialog = open_dialog(qtbot, app, site, None, "visits")

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() != PAGE_EMPTY)

    assert dialog.stack.currentIndex() == PAGE_PROBLEMS
    qtmodeltester.check(dialog.problems_model)
    p = ProblemsModel.Columns
    header = dialog.problems_model.headerData(p.LINE, Qt.Orientation.Horizontal)
    assert header == "Ligne"
    assert [(cell(dialog, r, p.LINE), cell(dialog, r, p.COLUMN)) for r in range(2)] == [
        ("3", "service"),
        ("3", "nombre"),
    ]
    assert cell(dialog, 0, p.PROBLEM).startswith("service inconnu « Epicerie fine »")
    assert dialog.summary.text().startswith("Fichier refusé : 2 problèmes à corriger")
    assert not dialog.import_button.isEnabled()
    assert message_boxes == []
    assert rows_of(app, Visit) == 0


def test_an_assistance_file_is_previewed_with_what_was_matched(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    user: UserInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose(monkeypatch, DATA / "demarches.csv")
    dialog = open_dialog(qtbot, app, site, user, "assistance")
    assert dialog.windowTitle() == "Importer des démarches"

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_PREVIEW)

    a = AssistancePreviewModel.Columns
    assert [cell(dialog, 1, col) for col in (a.OPERATOR, a.DURATION, a.OUTCOME)] == [
        "Assurance maladie (CPAM)",
        "15 min",
        "Orientée",
    ]
    assert cell(dialog, 1, a.ORIENTATION) == "Organisme en charge"
    assert dialog.summary.text().startswith("3 lignes à importer : 3 démarches")

    with qtbot.waitSignal(dialog.file_imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert rows_of(app, AssistanceRecord) == 3
    assert rows_of(app, Visit) == 0


def test_an_unreadable_file_is_explained(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    choose(monkeypatch, tmp_path / "disparu.csv")
    dialog = open_dialog(qtbot, app, site, None, "visits")

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(message_boxes))

    [(kind, title, text)] = message_boxes
    assert (kind, title) == ("warning", "Fichier illisible")
    assert "Fichier introuvable" in text
    assert dialog.stack.currentIndex() == PAGE_EMPTY
    assert not dialog.import_button.isEnabled()


def test_a_file_wrong_on_every_line_lists_the_first_problems_only(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = tmp_path / "tableau.csv"
    bad.write_text("date;service\n" + "03/02/2025;Boulangerie\n" * 1500, encoding="utf-8")
    choose(monkeypatch, bad)
    dialog = open_dialog(qtbot, app, site, None, "visits")

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_PROBLEMS)

    assert dialog.problems_model.rowCount() == 500
    assert "1\u202f500 problèmes" in dialog.summary.text()
    assert "Seuls les 500 premiers sont listés." in dialog.summary.text()


def test_a_file_already_imported_is_imported_again_only_if_the_coordinator_says_so(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    app.imports.import_visits(site.id, DATA / "visites_cp1252.csv")
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    questions: list[str] = []

    def ask(_parent: object, title: str, text: str, *_args: object) -> object:
        questions.append(f"{title} | {text}")
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", ask)
    choose(monkeypatch, DATA / "visites_cp1252.csv")
    dialog = open_dialog(qtbot, app, site, None, "visits")

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(questions) == 1)

    assert questions[0].startswith("Fichier déjà importé | Ce fichier a déjà été importé le ")
    assert "sous le nom « visites_cp1252.csv » (4 lignes, 9 visites)" in questions[0]
    assert "L'importer quand même ?" in questions[0]
    assert dialog.stack.currentIndex() == PAGE_EMPTY  # « Non »: nothing to import
    assert not dialog.import_button.isEnabled()

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_PREVIEW)
    assert "Ce fichier a déjà été importé le " in dialog.summary.text()
    with qtbot.waitSignal(dialog.file_imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert len(questions) == 2
    assert rows_of(app, Visit) == 8  # twice the four lines, as asked
    assert message_boxes[-1][2].startswith("4 lignes importées : 9 visites.")


def test_every_sheet_of_a_libreoffice_workbook_is_previewed(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose(monkeypatch, DATA / "visites_classeur.ods")
    dialog = open_dialog(qtbot, app, site, None, "visits")

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_PREVIEW)

    c = VisitPreviewModel.Columns
    assert [cell(dialog, r, c.DATE) for r in range(4)] == [
        "12/12/2024",
        "13/12/2024",
        "03/02/2025",
        "04/02/2025",
    ]
    text = dialog.summary.text()
    assert text.startswith("4 lignes à importer : 7 visites.")
    assert "Feuilles lues : « 2024 » (2 lignes), « 2025 » (2 lignes)." in text
    assert "Feuille ignorée : « Notes » (sans colonne date, service)." in text


def test_a_problem_in_a_workbook_shows_its_sheet(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.append(["date", "service"])
    first.append(["03/02/2025", "Épicerie"])
    second = workbook.create_sheet("Été")
    second.append(["date", "service"])
    second.append(["04/07/2025", "Boulangerie"])
    path = tmp_path / "saisons.xlsx"
    workbook.save(path)
    choose(monkeypatch, path)
    dialog = open_dialog(qtbot, app, site, None, "visits")

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_PROBLEMS)

    p = ProblemsModel.Columns
    assert not dialog.problems_view.isColumnHidden(p.SHEET)
    assert [cell(dialog, 0, col) for col in (p.SHEET, p.LINE, p.COLUMN)] == ["Été", "2", "service"]
    assert rows_of(app, Visit) == 0


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("visites_classeur.xls", "c'est un classeur Excel 97-2003 (.xls)"),
        ("bombe.xlsx", "une de ses parties se décompresse"),
    ],
)
def test_a_refused_file_is_explained_and_nothing_is_written(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
    name: str,
    reason: str,
) -> None:
    import hostile_imports

    path = DATA / name
    if not path.exists():
        path = hostile_imports.bomb_xlsx(tmp_path / name, 64 * hostile_imports.MIB)
    choose(monkeypatch, path)
    dialog = open_dialog(qtbot, app, site, None, "visits")

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(message_boxes))

    [(kind, title, text)] = message_boxes
    assert (kind, title) == ("warning", "Fichier refusé")
    assert text.startswith(f"Fichier « {name} » refusé : {reason}")
    assert dialog.stack.currentIndex() == PAGE_EMPTY
    assert not dialog.import_button.isEnabled()
    assert rows_of(app, Visit) == 0


def test_the_file_chooser_offers_libreoffice_workbooks(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    filters: list[str] = []

    def fake(_parent: object, _title: str, _folder: str, pattern: str) -> tuple[str, str]:
        filters.append(pattern)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)
    dialog = open_dialog(qtbot, app, site, None, "visits")
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)

    assert filters and "*.ods" in filters[0] and "*.xlsx" in filters[0]
