"""The agenda: bookable resources, bookings, health permanences, coworking passes, iCalendar
and the agenda's printouts.

Each service is plain Python over the unit of work, like every service of Comptoir; they
are grouped in :class:`AgendaServices` so that the composition root adds one field
(``app.agenda``) and a screen receives the whole agenda at once. Instants given to these
services must be timezone-aware (any zone); instants they return are in the site's zone.
Every refusal of a booking is an :class:`~tiers_lieu.services.agenda.errors.AgendaConflict`
saying why and proposing the nearest free slots.

This module only wires the services: anything else is imported from the module that defines
it (``services.agenda.errors``, ``.readmodels``…), never through the package.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiers_lieu.db import UowFactory
from tiers_lieu.services.agenda.availability import AvailabilityService
from tiers_lieu.services.agenda.bookings import BookingService
from tiers_lieu.services.agenda.ical import IcalService
from tiers_lieu.services.agenda.passes import PassService
from tiers_lieu.services.agenda.permanences import PermanenceService
from tiers_lieu.services.agenda.practitioners import PractitionerService
from tiers_lieu.services.agenda.printing import PrintingService
from tiers_lieu.services.agenda.resources import ResourceService

__all__ = ["AgendaServices", "build_agenda"]


@dataclass
class AgendaServices:
    """The agenda's services, wired once (``app.agenda``)."""

    resources: ResourceService
    availability: AvailabilityService
    bookings: BookingService
    practitioners: PractitionerService
    permanences: PermanenceService
    passes: PassService
    ical: IcalService
    printing: PrintingService


def build_agenda(uow: UowFactory) -> AgendaServices:
    return AgendaServices(
        resources=ResourceService(uow),
        availability=AvailabilityService(uow),
        bookings=BookingService(uow),
        practitioners=PractitionerService(uow),
        permanences=PermanenceService(uow),
        passes=PassService(uow),
        ical=IcalService(uow),
        printing=PrintingService(uow),
    )
