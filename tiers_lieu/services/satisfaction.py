"""The desk's satisfaction key (issue 22): after a démarche, a workshop or a visit, the person
says « content », « moyen » or « pas content » and the host presses one key (3, 2, 1).

Anonymous by design: a :class:`~tiers_lieu.models.Satisfaction` keeps the score, the day, the
context (``demarche``, ``atelier``, ``accueil``) and which démarche or workshop it follows,
never who answered. One audit line per answer.

Report codes (:mod:`tiers_lieu.reports.indicators.satisfaction`): ``satisfaction.answers``,
``satisfaction.by_score`` (content / moyen / pas content) and ``satisfaction.rate`` (the
percent of answers « content »).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import N_, _
from tiers_lieu.models import AssistanceRecord, Event, Satisfaction
from tiers_lieu.models.base import utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires

CONTEXTS = ("demarche", "atelier", "accueil")
SCORES: dict[int, str] = {3: N_("content"), 2: N_("moyen"), 1: N_("pas content")}
"""Score → label msgid, best first."""


@dataclass(frozen=True)
class SatisfactionAnswer:
    """One key pressed: the score, the day, what it follows."""

    score: int
    context: str
    activity_date: date
    assistance_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None


class SatisfactionService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.DESK)
    def record(self, site_id: uuid.UUID, answer: SatisfactionAnswer) -> uuid.UUID:
        """Keep one answer; returns its id."""
        if answer.score not in SCORES:
            raise ValidationError(_("Satisfaction"), _("choisissez 1, 2 ou 3"))
        if answer.context not in CONTEXTS:
            raise ValidationError(_("Satisfaction"), _("contexte inconnu"))
        with self._uow() as uow:
            if answer.assistance_id is not None:
                record = uow.session.get(AssistanceRecord, answer.assistance_id)
                if record is None or record.site_id != site_id:
                    raise NotFoundError(_("Cette démarche n'existe plus."))
            if answer.event_id is not None:
                event = uow.session.get(Event, answer.event_id)
                if event is None or event.site_id != site_id:
                    raise NotFoundError(_("Cet atelier n'existe plus."))
            row = Satisfaction(
                site_id=site_id,
                at=utcnow(),
                activity_date=answer.activity_date,
                score=answer.score,
                context=answer.context,
                assistance_id=answer.assistance_id,
                event_id=answer.event_id,
            )
            uow.session.add(row)
            uow.session.flush()
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="satisfaction",
                entity_id=row.id,
                site_id=site_id,
                details={"score": answer.score, "context": answer.context},
            )
            uow.commit()
            return row.id
