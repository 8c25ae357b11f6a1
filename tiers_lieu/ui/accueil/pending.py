"""Visits kept while the database server is away, as the Accueil counts and names them.

The section keeps such a visit on its undo stack like a saved one, so Ctrl+Z takes it back;
when the server returns, the saved :class:`VisitInfo` takes its place there. What a kept visit
counts is the instant of the key press (or the date and time chosen in the bar), never the
moment the server came back. See :mod:`tiers_lieu.ui.connection`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time

from tiers_lieu.i18n import _, ngettext
from tiers_lieu.services.passages import PassageInfo
from tiers_lieu.services.pending_visits import PendingPassage, PendingVisit
from tiers_lieu.services.readmodels import ServiceInfo
from tiers_lieu.services.visits import VisitInfo
from tiers_lieu.ui.connection import describe_pending

UndoEntry = VisitInfo | PendingVisit | PassageInfo | PendingPassage


def pending_visit(
    *,
    visit_id: uuid.UUID | None = None,
    site_id: uuid.UUID,
    service_id: uuid.UUID,
    services: Sequence[ServiceInfo],
    chosen: tuple[date | None, time | None],
    pressed_at: datetime,
    passage_id: uuid.UUID | None = None,
) -> PendingVisit:
    """The visit a key press meant: at the bar's date and time, else at ``pressed_at``
    (to the minute, as the service stamps a visit counted "now"). ``visit_id`` is the id
    made at the key press (the one already sent to the server, if it was)."""
    day, moment = chosen
    if day is None:
        day, moment = pressed_at.date(), pressed_at.time().replace(second=0, microsecond=0)
    return PendingVisit(
        id=visit_id or uuid.uuid4(),
        site_id=site_id,
        service_id=service_id,
        service_name=next((s.name for s in services if s.id == service_id), ""),
        activity_date=day,
        activity_time=moment,
        passage_id=passage_id,
    )


def pending_passage(
    *,
    passage_id: uuid.UUID,
    site_id: uuid.UUID,
    chosen: tuple[date | None, time | None],
    pressed_at: datetime,
) -> PendingPassage:
    """The passage a « + » meant, kept with the instant of its key press."""
    day, moment = chosen
    if day is None:
        day, moment = pressed_at.date(), pressed_at.time().replace(second=0, microsecond=0)
    return PendingPassage(
        id=passage_id,
        site_id=site_id,
        activity_date=day,
        activity_time=moment,
        queued_at=pressed_at,
    )


def with_saved(undo: list[UndoEntry], saved: list[tuple[PendingVisit, VisitInfo]]) -> int:
    """Put each saved visit in place of its kept one on ``undo``; how many were this desk's."""
    done = {pending.id: visit for pending, visit in saved}
    mine = 0
    for index, entry in enumerate(undo):
        if isinstance(entry, PendingVisit) and entry.id in done:
            undo[index] = done[entry.id]
            mine += 1
    return mine


def kept_text(visit: PendingVisit, today: date) -> str:
    return _(
        "Visite en attente (serveur injoignable) : {visit}. Elle sera enregistrée "
        "dès que le serveur répondra."
    ).format(visit=describe_pending(visit, today))


def taken_back_text(visit: PendingVisit, removed: bool, today: date) -> str:
    if removed:
        return _("Visite en attente retirée : {visit}").format(visit=describe_pending(visit, today))
    return _(
        "Cette visite a déjà été enregistrée au retour du serveur : retirez-la "
        "dans la section Visites."
    )


def saved_text(count: int) -> str:
    return ngettext(
        "Serveur revenu : {n} visite en attente enregistrée.",
        "Serveur revenu : {n} visites en attente enregistrées.",
        count,
    ).format(n=count)
