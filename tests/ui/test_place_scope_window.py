"""The window of an account bound to one place shows that place only (issue 15, point 4), and
a volunteer's person field works with names alone (point 5)."""

from __future__ import annotations

from desk_window import open_window
from pytestqt.qtbot import QtBot
from twosites import PASSWORD, PLACE_A, PLACE_B

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Person
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.pickers import PersonEdit
from tiers_lieu.ui.sections import SECTIONS


def place(app: Comptoir, name: str) -> SiteInfo:
    return next(s for s in app.sites.list_sites() if s.name == name)


def account(app: Comptoir, username: str) -> UserInfo:
    return app.accounts.authenticate(username, PASSWORD)


def test_an_account_of_one_place_sees_that_place_only(
    qtbot: QtBot, two: Comptoir, message_boxes: list[tuple[str, str, str]]
) -> None:
    b = place(two, PLACE_B)  # chosen last on this desk, say
    window = open_window(qtbot, two, b, account(two, "a.coordinator"))
    assert window.site is not None and window.site.name == PLACE_A
    assert PLACE_B not in window.windowTitle()
    assert not window.site_combo.isVisible()
    assert not window.change_site_action.isVisible()
    assert window.place_label.text() == f"Lieu : {PLACE_A}"
    for index, section in enumerate(SECTIONS):
        if window.allowed(index):
            window.show_section(section.key)
    assert message_boxes == []


def test_a_user_switch_moves_the_window_to_the_place_of_the_account(
    qtbot: QtBot, two: Comptoir, message_boxes: list[tuple[str, str, str]]
) -> None:
    b = place(two, PLACE_B)
    window = open_window(qtbot, two, b, account(two, "reseau.admin"))
    assert window.site is not None and window.site.name == PLACE_B
    assert window.site_combo.isVisible()
    assert [window.site_combo.itemText(i) for i in range(window.site_combo.count())] == sorted(
        [PLACE_A, PLACE_B]
    )
    window.show_section("accueil")
    with qtbot.waitSignal(window.site_changed):
        window.set_user(account(two, "a.host"))
    assert window.site is not None and window.site.name == PLACE_A
    assert not window.site_combo.isVisible()
    window.show_section("accueil")
    assert message_boxes == []


def test_a_volunteer_picks_a_person_by_name_alone(qtbot: QtBot, two: Comptoir) -> None:
    a = place(two, PLACE_A)
    with two.uow() as uow:
        for first in ("Zélie", "Zélie"):  # two people of the same name
            uow.session.add(
                Person(site_id=a.id, first_name=first, last_name="Zorn", phone="0600000000")
            )
        uow.commit()
    two.access.sign_in(account(two, f"a.{Role.VOLUNTEER.value}"))
    edit = PersonEdit(two, a.id)
    qtbot.addWidget(edit)
    edit.setText("zorn")
    edit.on_text_edited("zorn")
    choices = edit._model.stringList()
    assert choices == ["Zélie Zorn", "Zélie Zorn (2)"]  # no phone number, both offered
    edit.on_completer_activated(choices[1])
    chosen = edit.value()
    assert chosen is not None
    edit.set_value(chosen)
    assert edit.text() == "Zélie Zorn"
