"""The first-run assistant, driven like a coordinator at a new desk: keyboard and buttons."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.first_run import FirstRunAssistant
from tiers_lieu.ui.first_run.pages import username_from

PASSWORD = "tilleul-2026"
Boxes = list[tuple[str, str, str]]


def texts(boxes: Boxes) -> list[str]:
    return [text for _kind, _title, text in boxes]


def open_assistant(qtbot: QtBot, app: Comptoir, **kwargs: Any) -> FirstRunAssistant:
    assistant = FirstRunAssistant(app, **kwargs)
    qtbot.addWidget(assistant)
    with qtbot.waitExposed(assistant):
        assistant.show()
    return assistant


def next_page(qtbot: QtBot, assistant: FirstRunAssistant) -> None:
    qtbot.mouseClick(assistant.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def finish(qtbot: QtBot, assistant: FirstRunAssistant) -> None:
    qtbot.mouseClick(assistant.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)


def fill_place(qtbot: QtBot, assistant: FirstRunAssistant, insee: str = "23079") -> None:
    page = assistant.place_page
    assert page is not None
    qtbot.keyClicks(page.name_edit, "Le Comptoir de Felletin")
    qtbot.keyClicks(page.commune_edit, "Felletin")
    assert page.insee_edit.text() == "23079"  # filled from the official list
    page.insee_edit.clear()
    qtbot.keyClicks(page.insee_edit, insee)


def fill_account(
    qtbot: QtBot,
    assistant: FirstRunAssistant,
    password: str = PASSWORD,
    confirm: str | None = None,
    username: str | None = None,
) -> None:
    page = assistant.account_page
    assert page is not None
    qtbot.keyClicks(page.display_name_edit, "Lea Dupont")  # QTest types ASCII only
    if username is not None:
        page.username_edit.clear()
        qtbot.keyClicks(page.username_edit, username)
    qtbot.keyClicks(page.password_edit, password)
    qtbot.keyClicks(page.confirm_edit, password if confirm is None else confirm)


def test_keyboard_only_run_creates_place_services_and_coordinator(
    qtbot: QtBot, app: Comptoir
) -> None:
    assistant = open_assistant(qtbot, app)
    assert assistant.place_page is not None and assistant.services_page is not None
    assert assistant.currentPage() is assistant.place_page
    assert not assistant.button(QWizard.WizardButton.NextButton).isEnabled()  # name required

    # Place: type, Tab between fields, Enter for « Suivant ».
    qtbot.keyClicks(assistant.place_page.name_edit, "Le Comptoir de Felletin")
    qtbot.keyClick(assistant.place_page.name_edit, Qt.Key.Key_Tab)
    assert assistant.place_page.commune_edit.hasFocus()
    qtbot.keyClicks(assistant.place_page.commune_edit, "Felletin")
    qtbot.keyClicks(assistant.place_page.insee_edit, "23079")
    qtbot.keyClick(assistant.place_page.insee_edit, Qt.Key.Key_Return)
    assert assistant.currentPage() is assistant.services_page

    # Services: Space unchecks the current one.
    services = assistant.services_page.list
    cafe = next(
        row for row in range(services.count()) if services.item(row).text().startswith("Café")
    )
    services.setFocus()
    services.setCurrentRow(cafe)
    qtbot.keyClick(services, Qt.Key.Key_Space)
    assert services.item(cafe).checkState() == Qt.CheckState.Unchecked
    next_page(qtbot, assistant)

    # Account: the username is suggested from the display name.
    fill_account(qtbot, assistant)
    assert assistant.account_page is not None
    assert assistant.account_page.username_edit.text() == "lea.dupont"
    qtbot.keyClick(assistant.account_page.confirm_edit, Qt.Key.Key_Return)
    assert assistant.currentPage() is assistant.demo_page
    assert "Le Comptoir de Felletin" in assistant.demo_page.summary_label.text()
    assert not assistant.demo_page.demo_check.isChecked()
    assert app.sites.list_sites() == []  # nothing written before « Terminer »

    qtbot.keyClick(assistant, Qt.Key.Key_Return)
    assert assistant.result() == QDialog.DialogCode.Accepted

    [site] = app.sites.list_sites()
    assert (site.name, site.commune_name, site.insee_code) == (
        "Le Comptoir de Felletin",
        "Felletin",
        "23079",
    )
    names = [s.name for s in app.config.list_services(site.id)]
    assert "Café / convivialité" not in names
    assert "Coworking" in names and len(names) == 11
    user = app.accounts.authenticate("lea.dupont", PASSWORD)
    assert user.role == Role.ADMIN and user.display_name == "Lea Dupont"
    assert assistant.site == site and assistant.user is not None


def test_short_password_is_refused_on_its_page(
    qtbot: QtBot, app: Comptoir, message_boxes: Boxes
) -> None:
    assistant = open_assistant(qtbot, app)
    fill_place(qtbot, assistant)
    next_page(qtbot, assistant)
    next_page(qtbot, assistant)
    fill_account(qtbot, assistant, password="court")
    next_page(qtbot, assistant)

    assert assistant.currentPage() is assistant.account_page
    assert texts(message_boxes) == ["Mot de passe : 8 caractères au moins"]
    assert app.sites.list_sites() == [] and not app.accounts.has_users()


def test_different_confirmation_is_refused(
    qtbot: QtBot, app: Comptoir, message_boxes: Boxes
) -> None:
    assistant = open_assistant(qtbot, app)
    fill_place(qtbot, assistant)
    next_page(qtbot, assistant)
    next_page(qtbot, assistant)
    fill_account(qtbot, assistant, confirm=PASSWORD + "x")
    next_page(qtbot, assistant)

    assert assistant.currentPage() is assistant.account_page
    assert "ne sont pas identiques" in texts(message_boxes)[0]


def test_bad_insee_code_names_the_field(qtbot: QtBot, app: Comptoir, message_boxes: Boxes) -> None:
    assistant = open_assistant(qtbot, app)
    fill_place(qtbot, assistant, insee="2307")
    next_page(qtbot, assistant)

    assert assistant.currentPage() is assistant.place_page
    [text] = texts(message_boxes)
    assert text.startswith("Code INSEE :")


def test_refused_account_writes_nothing_and_returns_to_its_page(
    qtbot: QtBot, app: Comptoir, message_boxes: Boxes
) -> None:
    assistant = open_assistant(qtbot, app)
    fill_place(qtbot, assistant)
    next_page(qtbot, assistant)
    next_page(qtbot, assistant)
    fill_account(qtbot, assistant, username="lea dupont")  # the service refuses spaces
    next_page(qtbot, assistant)
    finish(qtbot, assistant)

    assert assistant.currentPage() is assistant.account_page
    assert assistant.result() != QDialog.DialogCode.Accepted
    assert texts(message_boxes)[0].startswith("Identifiant :")
    assert app.sites.list_sites() == [] and not app.accounts.has_users()

    # Corrected, the same assistant finishes.
    assert assistant.account_page is not None
    assistant.account_page.username_edit.clear()
    qtbot.keyClicks(assistant.account_page.username_edit, "lea")
    next_page(qtbot, assistant)
    finish(qtbot, assistant)
    assert assistant.result() == QDialog.DialogCode.Accepted
    assert [s.name for s in app.sites.list_sites()] == ["Le Comptoir de Felletin"]


def test_place_made_by_init_only_asks_for_the_account(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    assistant = open_assistant(qtbot, app, site=site)
    assert assistant.place_page is None and assistant.services_page is None
    assert assistant.currentPage() is assistant.account_page
    assert site.name in assistant.currentPage().subTitle()

    fill_account(qtbot, assistant)
    next_page(qtbot, assistant)
    finish(qtbot, assistant)

    assert assistant.result() == QDialog.DialogCode.Accepted
    assert app.sites.list_sites() == [site]
    assert app.accounts.authenticate("lea.dupont", PASSWORD).role == Role.ADMIN


def test_demo_offer_runs_through_a_background_operation(
    qtbot: QtBot, app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def generate(**kwargs: Any) -> str:
        kwargs["progress"](1, 2)
        calls.append(kwargs)
        return "résumé"

    monkeypatch.setattr(app.demo, "generate", generate)
    assistant = open_assistant(qtbot, app)
    fill_place(qtbot, assistant)
    next_page(qtbot, assistant)
    next_page(qtbot, assistant)
    fill_account(qtbot, assistant)
    next_page(qtbot, assistant)
    qtbot.keyClick(assistant.demo_page.demo_check, Qt.Key.Key_Space)
    assert assistant.demo_page.demo_check.isChecked()

    with qtbot.waitSignal(assistant.demo_loaded) as loaded:
        finish(qtbot, assistant)
    assert loaded.args == ["résumé"]
    qtbot.waitUntil(lambda: assistant.result() == QDialog.DialogCode.Accepted)
    [call] = calls
    assert call["site_name"] == "Le Comptoir de Felletin" and call["scale"] == "small"


def test_real_demo_data_loads_from_the_assistant(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: Boxes
) -> None:
    assistant = open_assistant(qtbot, app, site=site)
    fill_account(qtbot, assistant)
    next_page(qtbot, assistant)
    assistant.demo_page.demo_check.setChecked(True)
    with qtbot.waitSignal(assistant.demo_loaded, timeout=120_000) as loaded:
        finish(qtbot, assistant)
    assert message_boxes == []
    [summary] = loaded.args
    assert summary.sites == [site.name] and summary.counts["visit"] > 0
    qtbot.waitUntil(lambda: assistant.result() == QDialog.DialogCode.Accepted)


def test_username_suggestion() -> None:
    assert username_from("Léa Dupont-Éluard") == "lea.dupont.eluard"
    assert username_from("  ") == ""


# -- issue 16: quitting, the demo offer, the commune's INSEE code ---------------------------
def answer(
    monkeypatch: pytest.MonkeyPatch, boxes: Boxes, button: QMessageBox.StandardButton
) -> None:
    """Questions answered ``button`` (and recorded) instead of the conftest's plain Ok."""

    def question(_parent: object, title: str, text: str, *_args: object) -> object:
        boxes.append(("question", title, text))
        return button

    monkeypatch.setattr(QMessageBox, "question", question)


def test_escape_asks_before_quitting(
    qtbot: QtBot, app: Comptoir, message_boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = open_assistant(qtbot, app)
    qtbot.keyClicks(assistant.place_page.name_edit, "Le Comptoir")
    answer(monkeypatch, message_boxes, QMessageBox.StandardButton.No)
    qtbot.keyClick(assistant, Qt.Key.Key_Escape)
    assert [(title, kind) for kind, title, _t in message_boxes] == [
        ("Quitter l'assistant ?", "question")
    ]
    assert assistant.isVisible() and assistant.place_page.name_edit.text() == "Le Comptoir"

    answer(monkeypatch, message_boxes, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(assistant, Qt.Key.Key_Escape)
    assert assistant.result() == QDialog.DialogCode.Rejected and not assistant.isVisible()
    assert app.sites.list_sites() == []


def test_no_demo_offer_for_a_place_that_has_data(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    service = app.config.list_services(site.id)[0]
    app.visits.count(site_id=site.id, service_id=service.id)
    assistant = open_assistant(qtbot, app, site=site)
    assert assistant.demo_page is None
    assert assistant.pageIds() == [assistant.startId()]  # the account page only
    fill_account(qtbot, assistant)
    finish(qtbot, assistant)
    assert assistant.result() == QDialog.DialogCode.Accepted
    assert app.accounts.authenticate("lea.dupont", PASSWORD).role == Role.ADMIN


def test_a_place_without_activity_is_still_offered_the_demo(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    assistant = open_assistant(qtbot, app, site=site)
    assert assistant.demo_page is not None


def test_typing_the_commune_suggests_official_ones_and_fills_the_insee_code(
    qtbot: QtBot, app: Comptoir, message_boxes: Boxes
) -> None:
    assistant = open_assistant(qtbot, app)
    page = assistant.place_page
    assert page is not None
    qtbot.keyClicks(page.name_edit, "Le Comptoir d'Aubusson")
    qtbot.keyClicks(page.commune_edit, "aubus")
    labels = page.commune_suggestions.labels()
    # Homonyms told apart by postal code and department.
    assert labels[:2] == ["Aubusson — 23200, Creuse (23)", "Aubusson — 61100, Orne (61)"]
    assert page.commune_suggestions.completer.popup().isVisible()
    qtbot.keyClick(page.commune_suggestions.completer.popup(), Qt.Key.Key_Down)
    qtbot.keyClick(page.commune_suggestions.completer.popup(), Qt.Key.Key_Down)
    qtbot.keyClick(page.commune_suggestions.completer.popup(), Qt.Key.Key_Return)
    assert (page.commune_edit.text(), page.insee_edit.text()) == ("Aubusson", "61011")

    next_page(qtbot, assistant)
    next_page(qtbot, assistant)
    fill_account(qtbot, assistant)
    next_page(qtbot, assistant)
    finish(qtbot, assistant)
    assert message_boxes == []
    [site] = app.sites.list_sites()
    assert (site.commune_name, site.insee_code) == ("Aubusson", "61011")


def test_a_commune_typed_whole_gets_its_code_when_it_is_the_only_one(
    qtbot: QtBot, app: Comptoir
) -> None:
    assistant = open_assistant(qtbot, app)
    page = assistant.place_page
    assert page is not None
    qtbot.keyClicks(page.name_edit, "Le Comptoir de Felletin")
    qtbot.keyClicks(page.commune_edit, "felletin")
    qtbot.keyClick(page.commune_edit, Qt.Key.Key_Tab)
    assert page.insee_edit.text() == "23079"


def test_an_unknown_commune_is_asked_about(
    qtbot: QtBot, app: Comptoir, message_boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = open_assistant(qtbot, app)
    page = assistant.place_page
    assert page is not None
    qtbot.keyClicks(page.name_edit, "Le Comptoir")
    qtbot.keyClicks(page.commune_edit, "Zzzville")
    answer(monkeypatch, message_boxes, QMessageBox.StandardButton.No)
    next_page(qtbot, assistant)
    assert assistant.currentPage() is page
    [(kind, _title, text)] = message_boxes
    assert kind == "question" and "« Zzzville »" in text and "liste officielle" in text

    answer(monkeypatch, message_boxes, QMessageBox.StandardButton.Yes)
    next_page(qtbot, assistant)
    assert assistant.currentPage() is assistant.services_page
