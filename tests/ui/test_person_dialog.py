"""Registering someone from a form, in a few seconds."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.person_dialog import NewPersonDialog


def test_the_typed_name_is_proposed_and_the_person_saved(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    dialog = NewPersonDialog(app, site.id, name="Paul Besse", kinds=["coworker"])
    qtbot.addWidget(dialog)
    assert (dialog.first_name.text(), dialog.last_name.text()) == ("Paul", "Besse")
    qtbot.keyClicks(dialog.phone, "05 55 00 00 00")
    dialog.consent.setChecked(True)
    with qtbot.waitSignal(dialog.person_created) as created:
        dialog.on_save_clicked()
    person = created.args[0]  # type: ignore[index]
    assert person.display_name == "Paul Besse" and person.has_consent
    assert [p.id for p in app.people.search(site.id, "besse")] == [person.id]


def test_a_nameless_person_is_refused(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    dialog = NewPersonDialog(app, site.id)
    qtbot.addWidget(dialog)
    dialog.on_save_clicked()
    assert dialog.created is None
    assert "Nom" in message_boxes[-1][2]
