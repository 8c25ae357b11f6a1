"""The agenda's refusals: they say why, and what to do instead.

A refused booking carries the nearest free slots so the screen can propose them at once; a
refused calendar import carries every colliding event so the user can accept to skip them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tiers_lieu.errors import ConflictError
from tiers_lieu.i18n import _, format_date, format_time, ngettext
from tiers_lieu.services.agenda.readmodels import IcsEvent, SlotInfo


class AgendaConflict(ConflictError):  # noqa: N818 (the name the issue gives it)
    """A booking refused by a rule (capacity, closed, buffer, duration); ``alternatives``
    are the nearest free slots of the same length, soonest first."""

    def __init__(self, message: str, alternatives: Sequence[SlotInfo] = ()) -> None:
        super().__init__(message)
        self.alternatives: list[SlotInfo] = list(alternatives)


class PastBookingError(ConflictError):
    """A booking asked with ``allow_past=False`` that is already over: the desk asks whether
    it is a booking keyed in afterwards, then sends it again with ``allow_past=True``."""

    def __init__(self, start: datetime, end: datetime) -> None:
        super().__init__(
            _(
                "Ce créneau est déjà passé ({day}, {start}–{end}). Enregistrer quand même "
                "cette réservation saisie après coup ?"
            ).format(
                day=format_date(start.date(), "full"),
                start=format_time(start.time()),
                end=format_time(end.time()),
            )
        )
        self.start, self.end = start, end


class IcsCollisionError(ConflictError):
    """An .ics import refused as a whole because some events collide; nothing was saved.
    Those refused only for the opening hours say so (``outside_hours``)."""

    def __init__(self, collisions: Sequence[IcsEvent]) -> None:
        shown = "\n".join(
            _("{start} « {summary} » : {reason}").format(
                start=e.start.strftime("%d/%m/%Y %H:%M"), summary=e.summary, reason=e.reason
            )
            for e in collisions[:50]
        )
        more = len(collisions) - 50
        if more > 0:
            shown += "\n" + ngettext(
                "… et {n} autre conflit.", "… et {n} autres conflits.", more
            ).format(n=more)
        outside = sum(e.outside_hours for e in collisions)
        if outside:
            shown += "\n" + ngettext(
                "{n} de ces événements tombe seulement en dehors des horaires d'ouverture : "
                "il peut être importé quand même.",
                "{n} de ces événements tombent seulement en dehors des horaires d'ouverture : "
                "ils peuvent être importés quand même.",
                outside,
            ).format(n=outside)
        super().__init__(
            ngettext(
                "Import refusé, rien n'a été enregistré : {n} événement est en conflit avec "
                "l'agenda. Relancez en acceptant de l'ignorer pour importer les autres.\n"
                "{events}",
                "Import refusé, rien n'a été enregistré : {n} événements sont en conflit avec "
                "l'agenda. Relancez en acceptant de les ignorer pour importer les autres.\n"
                "{events}",
                len(collisions),
            ).format(n=len(collisions), events=shown)
        )
        self.collisions: list[IcsEvent] = list(collisions)
