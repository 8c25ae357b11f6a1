"""The public writer's letters (« Écrivain public », issue 22): a démarche whose type of help
is the public writer's, with the day the letter left and the day its answer is expected.

No table of its own: a letter is an ``assistance_record`` with ``letter_sent_on`` and
``answer_expected_on`` (migration 0013), written by the démarche form through
:meth:`AssistanceService.create` (which calls :func:`check_letter`). Its follow-up is the
démarche's own (``follow_up_due``, the « Suivis » list): due on the answer date, so a letter
waiting for its answer is also a person to call back. No letter content is stored beyond the
démarche's short objective note.

What each state is, read from the record (no column of its own):

- « réponse reçue »: the follow-up is closed — by « Réponse reçue » here (closed with no final
  outcome: the démarche's own outcome stands) or by « Clore le suivi » in « Suivis »;
- « en retard »: open and its follow-up date is past;
- « relancé »: open, and a relaunch moved its follow-up date off the expected answer date;
- « en attente »: the rest.

The type of help is recognised by its label (« Écrivain public… », case and accents
ignored), as the outcomes are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import or_
from sqlmodel import Session, col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import N_, _, place_today
from tiers_lieu.models import AssistanceRecord, Category, Person
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.assistance_audit import audit_read, commit_change
from tiers_lieu.services.assistance_history import person_name
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.tabular import normalise

__all__ = [
    "ANSWER_DAYS",
    "Letter",
    "LetterStatus",
    "LettersService",
    "check_letter",
    "check_new_due",
    "is_public_writer",
    "move_follow_up",
]

ANSWER_DAYS = 30
"""The answer date the form proposes, days after sending."""
ANSWER_MAX_DAYS = 366
"""An expected answer (or a relaunch) at most a year ahead."""
ANSWERED_SHOWN_DAYS = 90
"""Letters answered within these days stay in the list (then the history has them)."""
LETTERS_SHOWN = 2000


def is_public_writer(help_type_label: str) -> bool:
    """The public writer's type of help (« Écrivain public (courrier) »), by its label."""
    return normalise(help_type_label).startswith("ecrivain_public")


def check_letter(
    help_type_label: str, activity_date: date, sent_on: date | None, answer_on: date | None
) -> date | None:
    """Check a démarche's letter dates; the follow-up date they make (the answer date), or
    ``None`` when the démarche has no letter."""
    if sent_on is None and answer_on is None:
        return None
    if not is_public_writer(help_type_label):
        raise ValidationError(
            _("Courrier envoyé le"),
            _("seulement pour le type d'aide « {label} »").format(label="Écrivain public"),
        )
    if sent_on is None:
        raise ValidationError(_("Courrier envoyé le"), _("à indiquer avec la réponse attendue"))
    if answer_on is None:
        raise ValidationError(_("Réponse attendue le"), _("à indiquer pour un courrier envoyé"))
    if sent_on < activity_date:
        raise ValidationError(_("Courrier envoyé le"), _("ne peut précéder la date de la démarche"))
    if answer_on <= sent_on:
        raise ValidationError(_("Réponse attendue le"), _("doit suivre la date d'envoi"))
    if answer_on > sent_on + timedelta(days=ANSWER_MAX_DAYS):
        raise ValidationError(_("Réponse attendue le"), _("au plus un an après l'envoi"))
    return answer_on


def check_new_due(due: date, current: date | None, today: date) -> None:
    """A follow-up date moved by hand (a letter relaunched, a follow-up put off): from today,
    at most :data:`ANSWER_MAX_DAYS` ahead, and another than the one it has."""
    field = _("Nouvelle date de suivi")
    if due < today:
        raise ValidationError(field, _("ne peut être passée"))
    if due > today + timedelta(days=ANSWER_MAX_DAYS):
        raise ValidationError(field, _("au plus un an à l'avance"))
    if due == current:
        raise ValidationError(field, _("c'est déjà la date de suivi"))


def move_follow_up(uow: UnitOfWork, record: AssistanceRecord, due: date, *, told: str) -> None:
    """``record``'s open follow-up moved to ``due`` by hand (checked by
    :func:`check_new_due`), audited as ``told`` with the date it had, and committed."""
    check_new_due(due, record.follow_up_due, place_today(site_zone(uow, record.site_id)))
    previous = record.follow_up_due
    record.follow_up_due = due
    commit_change(
        uow,
        record,
        {told: due.isoformat(), "follow_up_was": previous.isoformat() if previous else None},
    )


class LetterStatus(StrEnum):
    WAITING = "waiting"
    RELAUNCHED = "relaunched"
    LATE = "late"
    ANSWERED = "answered"


STATUS_LABELS = {
    LetterStatus.WAITING: N_("en attente"),
    LetterStatus.RELAUNCHED: N_("relancé"),
    LetterStatus.LATE: N_("en retard"),
    LetterStatus.ANSWERED: N_("réponse reçue"),
}


def letter_status(
    *, closed: bool, due: date | None, answer_on: date | None, today: date
) -> LetterStatus:
    if closed:
        return LetterStatus.ANSWERED
    if due is not None and due < today:
        return LetterStatus.LATE
    if due is not None and answer_on is not None and due != answer_on:
        return LetterStatus.RELAUNCHED
    return LetterStatus.WAITING


@dataclass(frozen=True)
class Letter:
    """One line of « Courriers » (labels resolved)."""

    id: uuid.UUID
    person_name: str
    """Empty for an anonymous démarche."""
    operator: str
    subject: str
    """The démarche's theme."""
    sent_on: date
    answer_expected_on: date
    due: date | None
    """The follow-up date: the answer date, or the relaunch's."""
    status: LetterStatus
    note: str

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def is_open(self) -> bool:
        return self.status is not LetterStatus.ANSWERED


class LettersService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.ASSISTANCE)
    def letters(self, site_id: uuid.UUID, *, today: date | None = None) -> list[Letter]:
        """Letters waiting for their answer and those answered within
        :data:`ANSWERED_SHOWN_DAYS`, per person (anonymous ones last), oldest sent first;
        at most :data:`LETTERS_SHOWN`. Names are shown: the read is audited."""
        with self._uow() as uow:
            today = today or place_today(site_zone(uow, site_id))
            since = datetime.combine(
                today - timedelta(days=ANSWERED_SHOWN_DAYS), time(0), tzinfo=UTC
            )
            record = AssistanceRecord
            rows = uow.session.exec(
                select(record)
                .where(
                    record.site_id == site_id,
                    col(record.letter_sent_on).is_not(None),
                    col(record.answer_expected_on).is_not(None),
                    or_(
                        col(record.follow_up_closed_at).is_(None),
                        col(record.follow_up_closed_at) >= since,
                    ),
                )
                .order_by(col(record.letter_sent_on).desc())
                .limit(LETTERS_SHOWN)
            ).all()
            labels = dict(
                uow.session.exec(
                    select(Category.id, Category.label).where(Category.site_id == site_id)
                ).all()
            )
            wanted = {r.person_id for r in rows if r.person_id is not None}
            people = (
                {
                    p.id: person_name(p)
                    for p in uow.session.exec(
                        select(Person).where(col(Person.id).in_(wanted))
                    ).all()
                    if p.anonymized_at is None
                }
                if wanted
                else {}
            )
            letters = [
                Letter(
                    id=r.id,
                    person_name=people.get(r.person_id, "") if r.person_id else "",
                    operator=labels.get(r.operator_id, ""),
                    subject=labels.get(r.theme_id, ""),
                    sent_on=r.letter_sent_on or r.activity_date,
                    answer_expected_on=r.answer_expected_on or r.activity_date,
                    due=r.follow_up_due,
                    status=letter_status(
                        closed=r.follow_up_closed_at is not None,
                        due=r.follow_up_due,
                        answer_on=r.answer_expected_on,
                        today=today,
                    ),
                    note=r.note,
                )
                for r in rows
            ]
            letters.sort(key=lambda x: (x.person_name == "", x.person_name.casefold(), x.sent_on))
            if letters:
                audit_read(uow, site_id, {"letters": len(letters)})
            return letters

    @requires(Permission.ASSISTANCE)
    def mark_answered(self, record_id: uuid.UUID) -> None:
        """The answer came: the letter's follow-up is closed (the démarche's outcome stands)."""
        with self._uow() as uow:
            record = self._letter(uow.session, record_id)
            if record.follow_up_closed_at is not None:
                raise ConflictError(_("La réponse à ce courrier est déjà notée."))
            record.follow_up_closed_at = datetime.now(UTC)
            commit_change(uow, record, {"letter_answered": True})

    @requires(Permission.ASSISTANCE)
    def relaunch(self, record_id: uuid.UUID, *, due: date) -> None:
        """The organisme was written to (or called) again: a new follow-up date."""
        with self._uow() as uow:
            record = self._letter(uow.session, record_id)
            if record.follow_up_closed_at is not None:
                raise ConflictError(_("La réponse à ce courrier est déjà notée."))
            move_follow_up(uow, record, due, told="letter_relaunched_to")

    @requires(Permission.ASSISTANCE)
    def correct_dates(self, record_id: uuid.UUID, *, sent_on: date, answer_on: date) -> None:
        """A date typed wrong: the day the letter left and the day its answer is expected,
        checked as the démarche form checks them. The follow-up date follows the answer date,
        unless a relaunch moved it or the answer came."""
        with self._uow() as uow:
            record = self._letter(uow.session, record_id)
            help_type = uow.session.get(Category, record.help_type_id)
            check_letter(
                help_type.label if help_type else "", record.activity_date, sent_on, answer_on
            )
            was = (record.letter_sent_on, record.answer_expected_on)
            if was == (sent_on, answer_on):
                raise ValidationError(_("Courrier envoyé le"), _("ce sont déjà ses dates"))
            if (
                record.follow_up_closed_at is None
                and record.follow_up_due == record.answer_expected_on
            ):
                record.follow_up_due = answer_on
            record.letter_sent_on, record.answer_expected_on = sent_on, answer_on
            commit_change(
                uow,
                record,
                {
                    "letter_dates_corrected": True,
                    "sent_was": was[0].isoformat() if was[0] else None,
                    "answer_was": was[1].isoformat() if was[1] else None,
                },
            )

    @staticmethod
    def _letter(session: Session, record_id: uuid.UUID) -> AssistanceRecord:
        record = session.get(AssistanceRecord, record_id)
        if record is None or record.letter_sent_on is None:
            raise NotFoundError(_("Ce courrier n'existe plus."))
        return record
