"""The figures of the Observatoire des tiers-lieux census for a period (a calendar year, as the
census asks), from what the base holds: one list of labelled rows « Indicateur / Valeur /
Définition » that :mod:`tiers_lieu.reports.documents.census` writes as XLSX or CSV.

Most rows are the activity report's own figures (:mod:`tiers_lieu.reports.indicators`,
computed once, in the same read), so the census and the report of one period never disagree:

- **Fréquentation**: people through the door and services rendered (the report's two
  figures), distinct registered people, and the people reached as R.42 counts them.
- **Publics**: the visits by each of the report's visitor categories (age band, gender,
  status, and any category breakdown of the visits the report gains later).
- **Activités**: visits by service, démarches, workshops held and their participants,
  coworking and meeting-room bookings.
- **Emplois directs**: posts held during the period (volunteers are not jobs) and their FTE
  *over the period* — working time × the share of the period the post was held — not R.37's
  (which counts the contract's length).
- **Formation**: people trained, i.e. the workshops' participants.
- **Chiffre d'affaires**: grocery sales (cancelled sales left out), coworking passes bought
  in the period and their price, and room hire: the prices agreed (``Booking.price_cents``)
  of the period's bookings of meeting rooms (kind ``meeting_room`` only: desks and the open
  space are coworking, paid by passes; health rooms and cabins are not hired) that were not
  cancelled (a no-show kept the room), dated by their start. Bookings without a price (made
  before Comptoir kept prices, imported from a calendar) add nothing and are counted on their
  own row; when every counted booking is without a price, the figure is unknown (``None``),
  never a 0 that would read as « nothing earned ».
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from tiers_lieu.i18n import _
from tiers_lieu.models import Booking, CoworkingPass, Job, Resource
from tiers_lieu.models.enums import BookingStatus, ContractType, ResourceKind
from tiers_lieu.reports.indicators import compute as compute_indicators
from tiers_lieu.reports.indicators.common import Scope, table
from tiers_lieu.reports.model import INDICATORS, Indicator

#: Visit breakdowns that are not publics (the others are visitor categories).
NOT_PUBLICS = ("visits.by_month", "visits.by_service", "visits.by_commune")

Value = int | float | date | str | None


@dataclass(frozen=True)
class CensusRow:
    """One line: its label and definition (translated), its value and the value's unit
    (a unit of :data:`tiers_lieu.reports.model.UNITS`, ``"date"`` or ``""`` for text);
    ``value is None`` when the base does not record it."""

    label: str
    value: Value
    unit: str
    definition: str


@dataclass(frozen=True)
class CensusData:
    period_start: date
    period_end: date
    site_names: list[str]
    rows: list[CensusRow]

    def value(self, label: str) -> Value:
        """The value of the row labelled ``label`` (``KeyError`` when there is none)."""
        for row in self.rows:
            if row.label == label:
                return row.value
        raise KeyError(label)


@dataclass(frozen=True)
class Extras:
    """What the census asks that the activity report does not count."""

    posts: int
    fte: float
    passes: int
    passes_eur: float
    room_bookings: int
    room_unpriced: int
    """Room bookings counted that carry no price."""
    room_hire_eur: float | None
    """``None`` when the period has room bookings and none carries a price."""


def compute_census(
    session: Session, *, start: date, end: date, site_ids: list[uuid.UUID] | None
) -> CensusData:
    """The census of the sites (None = all) over ``start``–``end``, inside ``session``."""
    names, indicators = compute_indicators(session, start=start, end=end, site_ids=site_ids)
    scope = Scope.load(session, start=start, end=end, site_ids=site_ids)
    rows = census_rows(names, start, end, indicators, extras(scope))
    return CensusData(period_start=start, period_end=end, site_names=names, rows=rows)


def extras(scope: Scope) -> Extras:
    posts, fte = jobs_over_period(scope)
    passes, cents = passes_sold(scope)
    rooms = room_hire(scope)
    known = rooms.bookings == 0 or rooms.unpriced < rooms.bookings
    return Extras(
        posts,
        fte,
        passes,
        cents / 100,
        rooms.bookings,
        rooms.unpriced,
        rooms.cents / 100 if known else None,
    )


def jobs_over_period(scope: Scope) -> tuple[int, float]:
    """Posts held during the period (not volunteers) and their FTE over it: working time ×
    days held in the period ÷ days of the period."""
    job = table(Job)
    rows = scope.session.execute(
        select(job.c.working_time_percent, job.c.start_date, job.c.end_date).where(
            scope.on_sites(job.c.site_id),
            job.c.contract_type != ContractType.VOLUNTEER.value,
            job.c.start_date <= scope.end,
            job.c.end_date.is_(None) | (job.c.end_date >= scope.start),
        )
    ).all()
    days = (scope.end - scope.start).days + 1
    fte = 0.0
    for percent, first, last in rows:
        held = (min(last or scope.end, scope.end) - max(first, scope.start)).days + 1
        fte += percent / 100 * held / days
    return len(rows), fte


def passes_sold(scope: Scope) -> tuple[int, int]:
    """Coworking passes bought in the period and their price in cents."""
    sold = table(CoworkingPass)
    count, cents = scope.session.execute(
        select(func.count(), func.coalesce(func.sum(sold.c.price_cents), 0)).where(
            scope.on_sites(sold.c.site_id), scope.on_dates(sold.c.purchased_on)
        )
    ).one()
    return int(count), int(cents or 0)


ROOM_KINDS = (ResourceKind.MEETING_ROOM.value,)
"""The resources whose hire is « location de salles »."""


@dataclass(frozen=True)
class RoomHire:
    bookings: int
    unpriced: int
    cents: int


def room_hire(scope: Scope) -> RoomHire:
    """Bookings of meeting rooms not cancelled, starting in the period: how many, how many
    without a price, and the sum of the prices agreed."""
    booking, resource = table(Booking), table(Resource)
    rooms = select(resource.c.id).where(resource.c.kind.in_(ROOM_KINDS))
    count, unpriced, cents = scope.session.execute(
        select(
            func.count(),
            func.count() - func.count(booking.c.price_cents),
            func.coalesce(func.sum(booking.c.price_cents), 0),
        ).where(
            booking.c.resource_id.in_(rooms),
            booking.c.status != BookingStatus.CANCELLED.value,
            scope.in_period(booking.c.start_at, booking.c.site_id),
        )
    ).one()
    return RoomHire(int(count or 0), int(unpriced or 0), int(cents or 0))


def census_rows(
    names: list[str], start: date, end: date, indicators: list[Indicator], extra: Extras
) -> list[CensusRow]:
    """The census's rows in the questionnaire's order."""

    def value(code: str) -> int | float:
        return next((i.value for i in indicators if i.code == code and not i.dimension), 0)

    def series(code: str) -> list[Indicator]:
        return [i for i in indicators if i.code == code and i.dimension]

    def report(label: str, code: str, definition: str) -> CensusRow:
        return CensusRow(label, value(code), INDICATORS[code].unit, definition)

    rows = [
        CensusRow(
            _("Lieux"),
            ", ".join(names),
            "",
            _("Le lieu recensé (plusieurs lieux sont additionnés)."),
        ),
        CensusRow(_("Début de la période"), start, "date", _("Premier jour compté.")),
        CensusRow(
            _("Fin de la période"),
            end,
            "date",
            _("Dernier jour compté (le recensement porte sur une année civile)."),
        ),
        report(
            _("Fréquentation : personnes accueillies"),
            "visits.people",
            _(
                "Les passages de la porte : une personne qui utilise deux services dans le "
                "même passage compte une fois (définition du rapport d'activité)."
            ),
        ),
        report(
            _("Fréquentation : services rendus (visites)"),
            "visits.total",
            _(
                "Chaque service utilisé compté à l'accueil : un groupe de 8 compte 8, une "
                "personne qui utilise deux services compte deux fois."
            ),
        ),
        report(
            _("Fréquentation : personnes inscrites distinctes"),
            "people.distinct",
            _("Les personnes inscrites venues au moins une fois, comptées une fois chacune."),
        ),
        report(
            _("Fréquentation : personnes touchées (R.42)"),
            "results.people_covered",
            _(
                "Les personnes inscrites comptées une fois, plus les personnes comptées sans "
                "nom (définition R.42 du rapport d'activité)."
            ),
        ),
    ]
    for code in INDICATORS:
        if not code.startswith("visits.by_") or code in NOT_PUBLICS:
            continue
        for part in series(code):
            rows.append(
                CensusRow(
                    _("Publics : {breakdown} — {category}").format(
                        breakdown=part.label, category=part.dimension
                    ),
                    part.value,
                    part.unit,
                    _(
                        "Visites de la période dans cette catégorie ; « Non communiqué » quand "
                        "elle n'a pas été notée."
                    ),
                )
            )
    rows.append(
        report(
            _("Publics : communes du territoire desservies"),
            "results.communes_served",
            _("Les communes du territoire d'où venaient les personnes servies (R.41)."),
        )
    )
    for part in series("visits.by_service"):
        rows.append(
            CensusRow(
                _("Activités : {service} (visites)").format(service=part.dimension),
                part.value,
                part.unit,
                _("Visites comptées pour ce service."),
            )
        )
    rows += [
        report(
            _("Activités : démarches accompagnées"),
            "assistance.total",
            _("Les accompagnements aux démarches administratives enregistrés."),
        ),
        report(
            _("Activités : ateliers et animations tenus"),
            "events.total",
            _("Les ateliers et animations datés de la période."),
        ),
        report(
            _("Activités : participants aux ateliers"),
            "events.participants",
            _("Les participants comptés aux ateliers ; venir à deux ateliers compte deux fois."),
        ),
        report(
            _("Activités : réservations de coworking"),
            "coworking.bookings",
            _("Les réservations non annulées des bureaux et de l'espace partagé."),
        ),
        CensusRow(
            _("Activités : réservations de salles"),
            extra.room_bookings,
            "count",
            _("Les réservations non annulées des salles de réunion, datées de leur début."),
        ),
        CensusRow(
            _("Emplois directs : postes"),
            extra.posts,
            "count",
            _(
                "Les postes salariés et indépendants occupés pendant la période ; les "
                "bénévoles ne sont pas des emplois."
            ),
        ),
        CensusRow(
            _("Emplois directs : équivalents temps plein sur la période"),
            round(extra.fte, 2),
            "fte",
            _(
                "Le temps de travail de chaque poste × la part de la période où il a été "
                "occupé : un temps plein toute l'année compte 1, un temps plein arrivé le "
                "1er juillet 0,5 (R.37 compte, lui, la durée du contrat)."
            ),
        ),
        report(
            _("Formation : personnes formées"),
            "events.participants",
            _("Les participants aux ateliers et animations de la période."),
        ),
        report(
            _("Chiffre d'affaires : épicerie"),
            "grocery.sales_eur",
            _("Les ventes de l'épicerie de la période, TTC, sans les ventes annulées."),
        ),
        CensusRow(
            _("Coworking : passes vendus"),
            extra.passes,
            "count",
            _("Les passes et abonnements de coworking achetés pendant la période."),
        ),
        CensusRow(
            _("Chiffre d'affaires : coworking (passes vendus)"),
            round(extra.passes_eur, 2),
            "eur",
            _(
                "Le prix des passes et abonnements achetés pendant la période ; une "
                "réservation sans passe n'a pas de prix dans Comptoir."
            ),
        ),
        CensusRow(
            _("Chiffre d'affaires : location de salles"),
            None if extra.room_hire_eur is None else round(extra.room_hire_eur, 2),
            "eur",
            _(
                "La somme des prix convenus des réservations non annulées des salles de "
                "réunion, datées de leur début (un tarif horaire × la durée, modifiable à la "
                "réservation ; gratuite : 0). Les bureaux et l'espace partagé (coworking) et "
                "les salles de santé n'y sont pas. Vide quand aucune réservation de salle de "
                "la période n'a de prix."
            ),
        ),
        CensusRow(
            _("Location de salles : réservations sans prix"),
            extra.room_unpriced,
            "count",
            _(
                "Les réservations de salle comptées qui n'ont pas de prix (faites avant que "
                "Comptoir n'enregistre les prix, ou importées d'un agenda) : elles ne sont "
                "pas dans le chiffre d'affaires."
            ),
        ),
    ]
    return rows
