"""« Nouvelle démarche »: the assistance desk's form, built to record a procedure in a few
seconds while the person is still there.

The fields that stay the same from one person to the next (organisme, thème, type, lieu,
durée, and the Coop's matériel and thématiques numériques) are remembered on this desk and
pre-filled; after a save only the per-person fields are cleared (the Coop's autonomy and the
démarche's name too; names typed before are suggested). Everything is reachable with Tab in
reading order, lists are typed into, Alt+1…8 picks a duration, Alt+P goes to the Coop's box
(its channel is the « Lieu »'s), Ctrl+Entrée saves and Échap starts again. After a save,
F9 / F10 / F11 keep the person's satisfaction (content, moyen, pas content: :mod:`..satisfaction`)
without leaving the form; Échap passes.

The same form corrects a record from « Historique » (:mod:`.edit`); what its fields send and
show is :mod:`.form_input`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, place_now, place_today
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.assistance import (
    DEMARCHE_NAME_MAX,
    AssistanceInfo,
    follow_up_days,
    is_oriented,
)
from tiers_lieu.services.coop_vocabulary import AUTONOMY, DIGITAL_THEMES, EQUIPMENT
from tiers_lieu.services.letters import ANSWER_DAYS, is_public_writer
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui import options
from tiers_lieu.ui.common import StatusLabel, to_date, today_qdate
from tiers_lieu.ui.coop_fields import KeyCombo, KeyListEdit, NameEdit
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.demarches.fields import ChoiceCombo, DurationField, NoteField, date_edit
from tiers_lieu.ui.demarches.form_input import read_input
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import CommuneEdit, PersonEdit
from tiers_lieu.ui.satisfaction import SatisfactionRow

WARNING_STYLE = "color: #b00020;"
NAMES_DAYS = 365
"""The démarche names the form suggests: those typed at the place within a year."""


def _remembered(option: options.Option[str]) -> uuid.UUID | None:
    try:
        return uuid.UUID(option.get()) if option.get() else None
    except ValueError:
        return None


class RecordForm(QWidget):
    """The form; a record saved (and the visit it may count) is announced."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site

        def combo(kind: CategoryKind, *, with_unknown: bool) -> ChoiceCombo:
            return ChoiceCombo(app, site.id, kind, self, with_unknown=with_unknown)

        self.operator = combo(CategoryKind.OPERATOR, with_unknown=False)
        self.theme = combo(CategoryKind.THEME, with_unknown=False)
        self.help_type = combo(CategoryKind.HELP_TYPE, with_unknown=False)
        self.duration = DurationField(self)
        self.place = combo(CategoryKind.PLACE, with_unknown=True)
        self.outcome = combo(CategoryKind.OUTCOME, with_unknown=False)
        self.orientation = combo(CategoryKind.ORIENTATION, with_unknown=False)
        self.due = date_edit(self, today_qdate(site.zone))
        # The public writer's letter (shown for that type of help only): its follow-up is
        # due on the answer date.
        self.letter_sent = date_edit(self, today_qdate(site.zone))
        self.letter_sent.setToolTip(_("Le jour où le courrier part"))
        self.answer_expected = date_edit(self, today_qdate(site.zone).addDays(ANSWER_DAYS))
        self.answer_expected.setToolTip(
            _("Un suivi s'ouvre à cette date (onglets « Suivis » et « Courriers »)")
        )
        self.person = PersonEdit(app, site.id, self)
        self.consent_label = QLabel(self)
        self.consent_label.setWordWrap(True)
        self.consent_label.setStyleSheet(WARNING_STYLE)
        self.consent_label.hide()
        self.commune = CommuneEdit(app, site.id, self)
        self.age_band = combo(CategoryKind.AGE_BAND, with_unknown=True)
        self.gender = combo(CategoryKind.GENDER, with_unknown=True)
        self.status_combo = combo(CategoryKind.STATUS, with_unknown=True)
        self.note = NoteField(self)
        self.day = date_edit(self, today_qdate(site.zone))
        self.day.setMaximumDate(today_qdate(site.zone))
        self.day_hint = QLabel(self)
        # What the Coop de la médiation numérique asks: optional, on one compact box.
        self.autonomy = KeyCombo(AUTONOMY, self)
        self.demarche_name = NameEdit(DEMARCHE_NAME_MAX, self)
        self.demarche_name.setPlaceholderText(_("par exemple : prime d'activité"))
        self.equipment = KeyListEdit(EQUIPMENT, self)
        self.equipment.setPlaceholderText(_("ordinateur, téléphone…"))
        self.digital_themes = KeyListEdit(DIGITAL_THEMES, self)
        self.digital_themes.setPlaceholderText(_("e-mail, navigation sur internet…"))
        self.demarche_name.set_suggestions(
            app.assistance.demarche_names(
                site.id, since=place_today(site.zone) - timedelta(days=NAMES_DAYS)
            )
        )

        self.save_button = QPushButton(_("Enregistrer la démarche"), self)
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(_("Effacer le formulaire"), self)
        self.status = StatusLabel(self, zone=self._site.zone)
        self.satisfaction = SatisfactionRow(app, site.id, self)  # F9/F10/F11 after a save

        procedure = QGroupBox(_("Démarche"), self)
        left = QFormLayout(procedure)
        field: QWidget
        for text, field in (
            (_("&Organisme :"), self.operator),
            (_("&Thème :"), self.theme),
            (_("T&ype d'aide :"), self.help_type),
            (_("&Durée :"), self.duration),
            (_("&Lieu :"), self.place),
            (_("Iss&ue :"), self.outcome),
            (_("O&rientation :"), self.orientation),
            (_("À re&voir le :"), self.due),
        ):
            label = QLabel(text, procedure)
            label.setBuddy(self.duration.spin if field is self.duration else field)
            left.addRow(label, field)
        hint = QLabel(_("Alt+1 à Alt+8 : 5, 10, 15, 30, 45, 60, 90 ou 120 minutes."), procedure)
        hint.setObjectName("durationHint")
        left.insertRow(4, "", hint)
        self.letter_row = QWidget(procedure)
        letter = QHBoxLayout(self.letter_row)
        letter.setContentsMargins(0, 0, 0, 0)
        answer_label = QLabel(_("réponse attendue le :"), self.letter_row)
        answer_label.setBuddy(self.answer_expected)
        letter.addWidget(self.letter_sent)
        letter.addWidget(answer_label)
        letter.addWidget(self.answer_expected)
        letter.addStretch(1)
        self.letter_label = QLabel(_("Courrier envoyé le :"), procedure)
        self.letter_label.setBuddy(self.letter_sent)
        left.addRow(self.letter_label, self.letter_row)
        self._letter_form = left

        person_box = QGroupBox(_("Personne accompagnée"), self)
        right = QFormLayout(person_box)
        for text, field in (
            (_("&Bénéficiaire :"), self.person),
            (_("&Commune :"), self.commune),
            (_("Tranche d'â&ge :"), self.age_band),
            (_("G&enre :"), self.gender),
            (_("Statut :"), self.status_combo),
            (_("Note (ob&jectif) :"), self.note),
        ):
            label = QLabel(text, person_box)
            label.setBuddy(self.note.edit if field is self.note else field)
            right.addRow(label, field)
            if field is self.person:
                right.addRow("", self.consent_label)
        anonymous = QLabel(
            _("Laissez vide pour une démarche anonyme (le plus courant)."), person_box
        )
        anonymous.setWordWrap(True)
        right.insertRow(1, "", anonymous)

        columns = QHBoxLayout()
        columns.addWidget(procedure, 1)
        columns.addWidget(person_box, 1)

        # Alt+P goes to the box's first field (autonomy), Alt+Q to the themes; Tab does the rest.
        coop = QGroupBox(_("Pour la Coo&p de la médiation numérique (facultatif)"), self)
        coop.setObjectName("coopBox")
        grid = QGridLayout(coop)
        for number, (text, field) in enumerate(
            (
                (_("Autonomie :"), self.autonomy),
                (_("Nom de la démarche :"), self.demarche_name),
                (_("Matériel :"), self.equipment),
                (_("Thématiques numéri&ques :"), self.digital_themes),
            )
        ):
            label = QLabel(text, coop)
            label.setBuddy(field)
            row, column = divmod(number, 2)
            grid.addWidget(label, row, column * 2)
            grid.addWidget(field, row, column * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        day_label = QLabel(_("Date de la dé&marche :"), self)
        day_label.setBuddy(self.day)
        actions = QHBoxLayout()
        actions.addWidget(day_label)
        actions.addWidget(self.day)
        actions.addWidget(self.day_hint)
        actions.addStretch(1)
        actions.addWidget(self.clear_button)
        actions.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(coop)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.satisfaction)
        layout.addStretch(1)

        for first, second in zip(self._tab_chain(), self._tab_chain()[1:], strict=False):
            QWidget.setTabOrder(first, second)

        save = QAction(self)
        save.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        save.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.triggered.connect(self.on_save_clicked)
        self.addAction(save)
        clear = QAction(self)
        clear.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        clear.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        clear.triggered.connect(self.on_clear_clicked)
        self.addAction(clear)
        self.save_button.setToolTip(_("Enregistrer la démarche (Ctrl+Entrée)"))
        self.clear_button.setToolTip(_("Effacer le formulaire (Échap)"))

        self.save_button.clicked.connect(self.on_save_clicked)
        self.clear_button.clicked.connect(self.on_clear_clicked)
        self.outcome.value_changed.connect(self.on_outcome_changed)
        self.help_type.value_changed.connect(self.on_help_type_changed)
        self.letter_sent.dateChanged.connect(self.on_letter_sent_changed)
        self.answer_expected.dateChanged.connect(self.on_answer_changed)
        self.person.value_changed.connect(self.on_person_changed)
        self.day.dateChanged.connect(self.on_day_changed)

        self.reset(keep_day=False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The desk starts typing at once: the first field takes the focus when nothing in
        # the form has it yet.
        focused = QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            self.operator.setFocus(Qt.FocusReason.OtherFocusReason)

    def _tab_chain(self) -> list[QWidget]:
        return [
            self.operator,
            self.theme,
            self.help_type,
            self.duration.spin,
            self.place,
            self.outcome,
            self.orientation,
            self.due,
            self.letter_sent,
            self.answer_expected,
            self.person,
            self.commune,
            self.age_band,
            self.gender,
            self.status_combo,
            self.note.edit,
            self.autonomy,
            self.demarche_name,
            self.equipment,
            self.digital_themes,
            self.day,
            self.clear_button,
            self.save_button,
        ]

    # -- state ---------------------------------------------------------------------------
    def reset(self, *, keep_day: bool = True) -> None:
        """Back to a new record: remembered fields pre-filled, the rest cleared."""
        for field, option in (
            (self.operator, options.DEMARCHE_OPERATOR),
            (self.theme, options.DEMARCHE_THEME),
            (self.help_type, options.DEMARCHE_HELP_TYPE),
        ):
            remembered = _remembered(option)
            if remembered is not None and field.index_of(remembered) >= 0:
                field.set_value(remembered)
            else:
                field.clear_choice()
        place = _remembered(options.DEMARCHE_PLACE)
        if place is None or self.place.index_of(place) < 0:
            # « Sur place » is by far the most frequent; the list may have been reordered.
            if not self.place.select_text("Sur place"):
                self.place.clear_choice()
        else:
            self.place.set_value(place)
        self.duration.set_value(options.DEMARCHE_DURATION.get())
        self.outcome.setCurrentIndex(0 if self.outcome.count() else -1)
        self.person.clear()
        self.consent_label.hide()
        self.commune.clear()
        for field in (self.age_band, self.gender, self.status_combo):
            field.clear_choice()
        self.note.set_text("")
        self.autonomy.clear_choice()
        self.demarche_name.clear()
        self.equipment.set_keys(EQUIPMENT.split(options.DEMARCHE_EQUIPMENT.get()))
        self.digital_themes.set_keys(DIGITAL_THEMES.split(options.DEMARCHE_DIGITAL_THEMES.get()))
        if not keep_day:
            self.day.setMaximumDate(today_qdate(self._site.zone))  # the desk stays open overnight
            self.day.setDate(today_qdate(self._site.zone))
        self.letter_sent.setDate(self.day.date())
        self.on_letter_sent_changed(self.letter_sent.date())
        self.on_outcome_changed(self.outcome.value())
        self.on_day_changed(self.day.date())
        self.on_help_type_changed(self.help_type.value())
        self._as_reset = self._entered()

    def _remember(self) -> None:
        for field, option in (
            (self.operator, options.DEMARCHE_OPERATOR),
            (self.theme, options.DEMARCHE_THEME),
            (self.help_type, options.DEMARCHE_HELP_TYPE),
            (self.place, options.DEMARCHE_PLACE),
        ):
            value = field.value()
            option.set(str(value) if value is not None else "")
        options.DEMARCHE_DURATION.set(self.duration.value())
        options.DEMARCHE_EQUIPMENT.set(self.equipment.stored())
        options.DEMARCHE_DIGITAL_THEMES.set(self.digital_themes.stored())
        self.demarche_name.remember(self.demarche_name.text().strip())

    # -- slots ---------------------------------------------------------------------------
    def on_outcome_changed(self, _value: object) -> None:
        label = self.outcome.currentText() if self.outcome.currentIndex() >= 0 else ""
        oriented = is_oriented(label)
        if oriented != self.orientation.isEnabled():
            self.orientation.clear_choice()
        self.orientation.setEnabled(oriented)
        days = follow_up_days(label)
        self.due.setEnabled(days is not None and not self.is_letter())
        base = self.day.date()
        self.due.setMinimumDate(base)
        if self.is_letter():  # the letter's follow-up: on the answer date
            self.due.setDate(self.answer_expected.date())
        else:
            self.due.setDate(base.addDays(days or 0))

    def is_letter(self) -> bool:
        """The type of help is the public writer's: the démarche is a letter to follow."""
        index = self.help_type.currentIndex()
        return index >= 0 and is_public_writer(self.help_type.itemText(index))

    def on_help_type_changed(self, _value: object) -> None:
        self._letter_form.setRowVisible(self.letter_row, self.is_letter())
        self.on_outcome_changed(None)

    def on_letter_sent_changed(self, sent: QDate) -> None:
        """The answer is expected :data:`ANSWER_DAYS` after sending, and never before it."""
        self.answer_expected.setMinimumDate(sent.addDays(1))
        self.answer_expected.setDate(sent.addDays(ANSWER_DAYS))

    def on_answer_changed(self, _answer: QDate) -> None:
        if self.is_letter():
            self.due.setDate(self.answer_expected.date())

    def on_day_changed(self, day: QDate) -> None:
        if day == today_qdate(self._site.zone):
            self.day_hint.setText(_("(aujourd'hui)"))
            self.day_hint.setStyleSheet("")
        else:
            self.day_hint.setText(_("(saisie d'une date passée)"))
            self.day_hint.setStyleSheet(WARNING_STYLE)
        self.letter_sent.setMinimumDate(day)
        self.on_outcome_changed(None)

    def on_person_changed(self, person_id: object) -> None:
        self.consent_label.hide()
        if not isinstance(person_id, uuid.UUID):
            return
        try:
            person = self._app.people.get(person_id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc)
            return
        if not person.has_consent:
            self.consent_label.setText(
                _(
                    "{name} n'a pas donné son consentement à l'enregistrement de ses données : "
                    "laissez le bénéficiaire vide, la démarche sera anonyme."
                ).format(name=person.display_name)
            )
            self.consent_label.show()
        elif person.commune_id is not None and not self.commune.text():
            self.commune.set_value(person.commune_id)

    def on_clear_clicked(self) -> None:
        self.satisfaction.skip()  # Échap also passes the satisfaction question
        self.reset(keep_day=False)
        self.status.clear()
        self.operator.setFocus()

    def on_save_clicked(self) -> None:
        self._save()

    def _save(self, *, quiet: bool = False) -> bool:
        """Record the démarche; a refusal is shown (or, ``quiet``, kept silent) and the form
        stays as it is."""
        now = place_now(self._site.zone)  # the visit lands in the place's hour of the chart
        moment = now.time().replace(second=0, microsecond=0)
        try:
            data = read_input(
                self, activity_time=moment if to_date(self.day.date()) == now.date() else None
            )
            info = self._app.assistance.create(self._site.id, data)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            if not quiet:
                show_error(self, exc, _("Démarche non enregistrée"))
            return False
        self._remember()
        self.status.confirm(self.confirmation(info))
        self.satisfaction.arm("demarche", info.activity_date, assistance_id=info.id)
        self.reset()
        if not quiet:
            self.operator.setFocus()
        self.changes.announce(self, Topic.ASSISTANCE, Topic.VISITS)
        return True

    # -- work typed and not saved (ui/leaving.py) -----------------------------------------
    def _entered(self) -> tuple[object, ...]:
        """What the fields hold, to tell a démarche being typed from the form as
        :meth:`reset` leaves it (the remembered fields pre-filled are not typing)."""
        combos = (self.operator, self.theme, self.help_type, self.place, self.outcome)
        more = (self.orientation, self.age_band, self.gender, self.status_combo)
        texts = (self.person, self.commune, self.demarche_name, self.equipment)
        dates = (self.day, self.letter_sent, self.answer_expected, self.due)
        return (
            *(combo.value() for combo in (*combos, *more)),
            *(edit.text() for edit in (*texts, self.digital_themes, self.note)),
            *(edit.date() for edit in dates),
            self.duration.value(),
            self.autonomy.value(),
        )

    def unsaved_work(self) -> str | None:
        """A démarche typed and not recorded yet; ``None`` when the form is as it was left
        after the last save (or « Effacer »)."""
        if self._entered() == self._as_reset:
            return None
        return _("Démarches : la démarche en cours de saisie")

    def save_work(self, *, quiet: bool = False) -> bool:
        return self._save(quiet=quiet)

    @staticmethod
    def confirmation(info: AssistanceInfo) -> str:
        text = _("Démarche enregistrée : {operator}, {theme}, {minutes} min, {outcome}.").format(
            operator=info.operator,
            theme=info.theme,
            minutes=info.duration_min,
            outcome=info.outcome,
        )
        if info.follow_up_due is not None:
            text += " " + _("À revoir le {day}.").format(day=format_date(info.follow_up_due))
        if info.visit_service is not None:
            text += " " + _("Une visite comptée en « {service} ».").format(
                service=info.visit_service
            )
        else:
            text += " " + _(
                "Aucune visite comptée : le lieu n'a pas de service « Aide aux démarches » actif "
                "(Paramètres, onglet Services)."
            )
        return text
