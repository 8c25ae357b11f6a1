"""The démarche form's fields to and from the service: :func:`read_input` builds the
:class:`AssistanceInput` a save sends (a new record, or a correction), :func:`fill_form`
shows a record to correct in the same fields. One module for both directions, so that a field
added to the form is read and filled side by side. The form is known here by the fields it
has (:class:`DemarcheFields`), so that the form can import this module.
"""

from __future__ import annotations

import uuid
from datetime import time
from typing import Protocol

from PySide6.QtWidgets import QDateEdit

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.assistance_edit import AssistanceDetail
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.coop_fields import KeyCombo, KeyListEdit, NameEdit
from tiers_lieu.ui.demarches.fields import ChoiceCombo, DurationField, NoteField
from tiers_lieu.ui.pickers import CommuneEdit, PersonEdit


class DemarcheFields(Protocol):
    """What :class:`~tiers_lieu.ui.demarches.form.RecordForm` holds, as read and filled."""

    operator: ChoiceCombo
    theme: ChoiceCombo
    help_type: ChoiceCombo
    duration: DurationField
    place: ChoiceCombo
    outcome: ChoiceCombo
    orientation: ChoiceCombo
    due: QDateEdit
    letter_sent: QDateEdit
    answer_expected: QDateEdit
    person: PersonEdit
    commune: CommuneEdit
    age_band: ChoiceCombo
    gender: ChoiceCombo
    status_combo: ChoiceCombo
    note: NoteField
    autonomy: KeyCombo
    demarche_name: NameEdit
    equipment: KeyListEdit
    digital_themes: KeyListEdit
    day: QDateEdit

    def is_letter(self) -> bool: ...

    def on_help_type_changed(self, _value: object) -> None: ...


def required(field: ChoiceCombo, name: str) -> uuid.UUID:
    value = field.value()
    if value is None:
        field.setFocus()
        raise ValidationError(name, _("ce champ est obligatoire"))
    return value


def read_input(
    form: DemarcheFields, *, activity_time: time | None, channel: str | None = None
) -> AssistanceInput:
    """What the form holds; a required list left empty is named (and takes the focus)."""
    oriented = form.orientation.isEnabled()
    letter = form.is_letter()
    return AssistanceInput(
        activity_date=to_date(form.day.date()),
        activity_time=activity_time,
        operator_id=required(form.operator, _("Organisme")),
        theme_id=required(form.theme, _("Thème")),
        help_type_id=required(form.help_type, _("Type d'aide")),
        duration_min=form.duration.value(),
        place_id=form.place.value(),
        outcome_id=required(form.outcome, _("Issue")),
        orientation_id=form.orientation.value() if oriented else None,
        person_id=form.person.value(),
        commune_id=form.commune.value(),
        age_band_id=form.age_band.value(),
        gender_id=form.gender.value(),
        status_id=form.status_combo.value(),
        note=form.note.text(),
        follow_up_due=to_date(form.due.date()) if form.due.isEnabled() else None,
        letter_sent_on=to_date(form.letter_sent.date()) if letter else None,
        answer_expected_on=to_date(form.answer_expected.date()) if letter else None,
        channel=channel,
        equipment=form.equipment.keys(),
        autonomy=form.autonomy.value(),
        digital_themes=form.digital_themes.keys(),
        demarche_name=form.demarche_name.text(),
    )


def choose(combo: ChoiceCombo, value: uuid.UUID | None, labels: dict[uuid.UUID, str]) -> None:
    """Choose ``value``; an entry of the list made inactive since the record was typed is
    added for it (the record keeps it unless another is chosen)."""
    if value is not None and combo.index_of(value) < 0:
        combo.addItem(labels.get(value, "?"), value)
    combo.set_value(value)


def fill_form(form: DemarcheFields, detail: AssistanceDetail) -> None:
    """Show ``detail`` in ``form``. The lists first, the day, then what they govern (the
    orientation, the letter's dates, the follow-up date), which their changes reset."""
    labels = detail.labels
    for combo, value in (
        (form.operator, detail.operator_id),
        (form.theme, detail.theme_id),
        (form.help_type, detail.help_type_id),
        (form.place, detail.place_id),
        (form.outcome, detail.outcome_id),
        (form.age_band, detail.age_band_id),
        (form.gender, detail.gender_id),
        (form.status_combo, detail.status_id),
    ):
        choose(combo, value, labels)
    form.duration.set_value(detail.duration_min)
    form.day.setDate(to_qdate(detail.activity_date))
    form.on_help_type_changed(None)
    if detail.person_id is None:
        form.person.clear()
    else:
        # An erased person stays on the record, unnamed.
        form.person.set_value(detail.person_id, label=detail.person_label or _("personne effacée"))
    form.commune.set_value(detail.commune_id)
    form.note.set_text(detail.note)
    form.autonomy.set_value(detail.autonomy)
    form.demarche_name.setText(detail.demarche_name)
    form.equipment.set_keys(detail.equipment)
    form.digital_themes.set_keys(detail.digital_themes)
    if detail.letter_sent_on is not None and detail.answer_expected_on is not None:
        form.letter_sent.setDate(to_qdate(detail.letter_sent_on))
        form.answer_expected.setDate(to_qdate(detail.answer_expected_on))
    if form.orientation.isEnabled():
        choose(form.orientation, detail.orientation_id, labels)
    if detail.follow_up_due is not None:
        form.due.setDate(to_qdate(detail.follow_up_due))
