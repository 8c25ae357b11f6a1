"""The shared input widgets: categories with « Non communiqué », communes and people by
type-ahead."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import Person
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.pickers import CategoryCombo, CommuneEdit, PersonEdit


def test_category_combo_offers_unknown_first(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    combo = CategoryCombo(app, site.id, CategoryKind.GENDER)
    qtbot.addWidget(combo)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Non communiqué",
        "Féminin",
        "Masculin",
    ]
    assert combo.value() is None
    [feminine] = [
        c for c in app.config.list_categories(site.id, CategoryKind.GENDER) if c.label == "Féminin"
    ]
    with qtbot.waitSignal(combo.value_changed):
        combo.set_value(feminine.id)
    assert combo.value() == feminine.id
    combo.set_value(None)
    assert combo.currentText() == "Non communiqué"


def test_commune_by_name_code_or_free_entry(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    aubusson = app.communes.add_commune(site.id, name="Aubusson", insee_code="23008")
    edit = CommuneEdit(app, site.id)
    qtbot.addWidget(edit)
    edit.setText("aubusson")
    assert edit.value() == aubusson.id
    edit.setText("23008")
    assert edit.value() == aubusson.id
    edit.setText("Aubus")  # a unique beginning is taken for the commune it begins
    assert edit.value() == aubusson.id
    edit.setText("Limoges")
    limoges = edit.value()
    assert limoges is not None
    added = {c.name: c for c in app.communes.list_communes(site.id)}["Limoges"]
    assert (added.id, added.in_territory) == (limoges, False)
    edit.set_value(aubusson.id)
    assert edit.text() == "Aubusson (23008)"
    edit.setText("")
    assert edit.value() is None


def test_an_official_commune_typed_is_added_with_its_insee_code(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    edit = CommuneEdit(app, site.id)
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "st leonard de nob")
    labels = edit.suggestions.labels()
    assert labels[0] == "Saint-Léonard-de-Noblat — 87400, Haute-Vienne (87)"
    edit.suggestions.choose(0)
    value = edit.value()
    added = {c.name: c for c in app.communes.list_communes(site.id)}["Saint-Léonard-de-Noblat"]
    assert (added.id, added.insee_code, added.in_territory) == (value, "87161", False)
    assert message_boxes == []


def test_the_place_s_own_communes_are_suggested_first(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    croze = app.communes.add_commune(site.id, name="Croze", insee_code="23071")
    edit = CommuneEdit(app, site.id)
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "cro")
    labels = edit.suggestions.labels()
    assert labels[0] == "Croze (23071)"
    assert not any(label.startswith("Croze —") for label in labels)  # not twice
    edit.suggestions.choose(0)
    assert edit.value() == croze.id


def test_an_unknown_commune_is_asked_about_before_it_is_added(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    message_boxes: list[tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = app.communes.list_communes(site.id)
    edit = CommuneEdit(app, site.id)
    qtbot.addWidget(edit)
    edit.setText("Zzzville")
    answers = [QMessageBox.StandardButton.No]

    def question(_parent: object, title: str, text: str, *_args: object) -> object:
        message_boxes.append(("question", title, text))
        return answers[-1]

    monkeypatch.setattr(QMessageBox, "question", question)
    with pytest.raises(ValidationError, match="Zzzville"):
        edit.value()
    [(kind, _title, text)] = message_boxes
    assert kind == "question" and "« Zzzville »" in text
    assert app.communes.list_communes(site.id) == before  # not created silently

    answers.append(QMessageBox.StandardButton.Yes)
    added = edit.value()
    assert {c.id: c.name for c in app.communes.list_communes(site.id)}[added] == "Zzzville"
    assert edit.value() == added and len(message_boxes) == 2  # asked once


def test_person_found_by_typing(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    with app.uow() as uow:
        person = Person(
            site_id=site.id,
            first_name="Hélène",
            last_name="Lavaud",
            phone="05 55 66 77 88",
            consent_given_at=datetime(2026, 1, 5, tzinfo=UTC),
        )
        uow.session.add(person)
        uow.session.add(Person(site_id=site.id, first_name="Paul", last_name="Besse"))
        uow.commit()
    edit = PersonEdit(app, site.id)
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "hele")
    suggestions = edit.completer().model().stringList()  # type: ignore[attr-defined]
    assert suggestions == ["Hélène Lavaud — 05 55 66 77 88"]
    edit.on_completer_activated(suggestions[0])
    assert edit.value() == person.id
    edit.clear()
    assert edit.value() is None
    edit.set_value(person.id)
    assert edit.text().startswith("Hélène Lavaud")
    assert app.people.get(person.id).has_consent
