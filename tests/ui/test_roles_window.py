"""The window follows the role signed in: every section a role may open opens without a single
refusal (each tab included), the others are not offered, and a section forced open by its
shortcut is refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk_window import open_window_as
from PySide6.QtWidgets import QTabWidget
from pytestqt.qtbot import QtBot
from rolesdemo import PASSWORD, make_roles_demo

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import ROLE_PERMISSIONS
from tiers_lieu.ui.sections import SECTIONS


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_roles_demo(
        template_db, tmp_path_factory.mktemp("roles-window") / "demo.sqlite", seed=7
    )


def visit_every_tab(qtbot: QtBot, widget: object) -> int:
    tabs = widget.findChildren(QTabWidget) if hasattr(widget, "findChildren") else []
    visited = 0
    for tab_widget in tabs:
        for index in range(tab_widget.count()):
            tab_widget.setCurrentIndex(index)
            qtbot.wait(1)
            visited += 1
    return visited


@pytest.mark.parametrize("role", list(Role))
def test_every_section_offered_to_a_role_opens_without_a_refusal(
    qtbot: QtBot, demo_app: Comptoir, role: Role, message_boxes: list[tuple[str, str, str]]
) -> None:
    window = open_window_as(qtbot, demo_app, role)
    offered = []
    for index, section in enumerate(SECTIONS):
        allowed = section.permission in ROLE_PERMISSIONS[role]
        assert window.nav.item(index).isHidden() is not allowed, section.key
        assert window.section_actions[index].isEnabled() is allowed, section.key
        if allowed:
            offered.append(section.key)
            window.go_to_section(index)
            assert window.current_section_key() == section.key
            visit_every_tab(qtbot, window.section_widget(section.key))
    assert message_boxes == [], f"{role}: {message_boxes}"
    if role == Role.VOLUNTEER:
        assert offered == ["accueil", "visites", "epicerie"]
    if role in (Role.COORDINATOR, Role.ADMIN):
        assert offered == [s.key for s in SECTIONS]


def test_a_volunteer_sells_at_the_till_and_gets_the_basket_sheet(
    qtbot: QtBot, demo_app: Comptoir
) -> None:
    # Issue 21: volunteers may sell (not cancel a ticket after the fact, nor close a month).
    window = open_window_as(qtbot, demo_app, Role.VOLUNTEER)
    shop = window.show_section("epicerie")
    assert isinstance(shop, QTabWidget)
    assert [shop.tabText(i) for i in range(shop.count())] == [
        "Épicerie",
        "Café",
        "AMAP",
        "Portage",
    ]
    amap_tabs = shop.widget(2).findChild(QTabWidget)
    assert [amap_tabs.tabText(i) for i in range(amap_tabs.count())] == ["Distributions"]


def test_a_hidden_section_forced_open_is_refused_with_the_reason(
    qtbot: QtBot, demo_app: Comptoir, message_boxes: list[tuple[str, str, str]]
) -> None:
    window = open_window_as(qtbot, demo_app, Role.HOST)
    before = window.current_section_key()
    window.go_to_section([s.key for s in SECTIONS].index("rapports"))
    assert window.current_section_key() == before
    assert len(message_boxes) == 1
    assert "réservé aux rôles Coordination, Administration" in message_boxes[0][2]


def test_a_user_switch_rebuilds_the_window_for_the_new_role(
    qtbot: QtBot, demo_app: Comptoir
) -> None:
    window = open_window_as(qtbot, demo_app, Role.COORDINATOR)
    window.show_section("rapports")
    volunteer = demo_app.accounts.authenticate("compte.volunteer", PASSWORD)
    window.set_user(volunteer)
    assert demo_app.access.user == volunteer
    assert window.section_widget("rapports") is None  # nothing built for the coordinator stays
    assert window.nav.item([s.key for s in SECTIONS].index("rapports")).isHidden()
    assert window.current_section_key() == "accueil"
    assert "Compte volunteer" in window.user_label.text()
