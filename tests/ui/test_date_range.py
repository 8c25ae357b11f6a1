"""Date fields offer 1900 to 2100 only, the range the database accepts: Qt's default would let
the mouse wheel reach year 9999 (which the services then refuse)."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit
from pytestqt.qtbot import QtBot

import tiers_lieu.ui
from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.sections import SECTIONS

UI = Path(tiers_lieu.ui.__file__).parent


def test_bounded_keeps_a_narrower_range(qtbot: QtBot) -> None:
    free = bounded(QDateEdit())
    qtbot.addWidget(free)
    assert (free.minimumDate(), free.maximumDate()) == (QDate(1900, 1, 1), QDate(2100, 12, 31))
    narrow = QDateEdit()
    qtbot.addWidget(narrow)
    narrow.setDateRange(QDate(2020, 1, 1), QDate(2026, 6, 30))
    bounded(narrow)
    assert (narrow.minimumDate(), narrow.maximumDate()) == (QDate(2020, 1, 1), QDate(2026, 6, 30))
    free.setDate(QDate(9999, 12, 31))
    assert free.date() == QDate(2100, 12, 31)


def test_every_date_field_of_the_windows_is_made_bounded() -> None:
    unbounded = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrapped = {
            id(node.args[0])
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "bounded"
            and node.args
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "QDateEdit"
                and id(node) not in wrapped
            ):
                unbounded.append(f"{path.relative_to(UI)}:{node.lineno}")
    assert unbounded == []


def test_the_sections_date_fields_stay_within_1900_and_2100(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    user = app.accounts.create_user(
        username="lea", display_name="Léa", password="motdepasse-long", role=Role.COORDINATOR
    )
    window = MainWindow(app, site, user, remember_geometry=False)
    qtbot.addWidget(window)
    for section in SECTIONS:
        window.show_section(section.key)
    fields = window.findChildren(QDateEdit)
    assert len(fields) >= 5
    outside = [
        (field.objectName() or field.accessibleName() or type(field.parent()).__name__)
        for field in fields
        if field.minimumDate() < QDate(1900, 1, 1) or field.maximumDate() > QDate(2100, 12, 31)
    ]
    assert outside == []
