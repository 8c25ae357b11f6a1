"""« Résultats » a GAL asks for beside R.37: the people reached, R.41 (population with improved
access to services) and R.42 (people covered by social inclusion projects).

Nothing here reads ``visit``: what the visits bring (their communes, their registered people,
the heads counted without a name) comes from the report's single pass
(:func:`~tiers_lieu.reports.indicators.visits.rollup_of`). Person and commune ids are kept as
the driver gives them (:func:`~tiers_lieu.reports.indicators.visits.stream`), the same form
as the pass's, so the sets below join without converting every id.

- **People reached**: the distinct registered beneficiaries of assistance (démarches),
  workshops and solidarity baskets distributed in the period.
- **R.42**: the distinct registered people served in the period — on a visit, a démarche, a
  workshop or a solidarity basket — each once however often they came (``_named``), plus
  the people counted without a name (``_unnamed``): the heads of visits without a registered
  person (a group of 8 counts 8), the others of a registered person's group visit
  (``count`` − 1 a visit), and the anonymous head counts of workshops that count no visits
  (no service: a workshop with a service already counted its heads as visits). A démarche
  without a registered person adds nothing: it counted a visit when it was recorded (an
  import's visits are counted by their own import). Someone who never registered counts at
  each visit: no register can tell them apart.
- **R.41**: the population of the communes of the territory served in the period, each once.
  A commune is served when it is the commune of a visit or a démarche of the period, or of a
  registered person served (R.42's people). Communes are per place: rows of several places
  with one INSEE code (else one name) are one commune, of the territory when any place says
  so. Its population is the one recorded (the largest if places disagree), else the official
  list's for its INSEE code (:mod:`tiers_lieu.services.official_communes`, read only when a
  commune lacks one). A commune of the territory without a known population adds nothing: it
  is counted in ``results.communes_unknown_population``, one row each by name. Communes
  outside the territory are not counted (a visitor from Paris would add two million people);
  ``results.communes_outside_territory`` says how many there were.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, true, union

from tiers_lieu.models import (
    AmapSubscription,
    AssistanceRecord,
    Commune,
    Distribution,
    Event,
    EventAttendance,
    Person,
    Pickup,
)
from tiers_lieu.reports.indicators.common import Scope, breakdown, table, total
from tiers_lieu.reports.indicators.grocery_amap import DISTRIBUTED
from tiers_lieu.reports.indicators.visits import rollup_of, stream
from tiers_lieu.reports.model import Indicator


def _values(scope: Scope, statement: Any) -> list[tuple[Any, ...]]:
    """Every row of ``statement`` as the driver returns it (ids as the visits' pass has them)."""
    return [row for rows in stream(scope.session, statement) for row in rows]


def beneficiaries(scope: Scope) -> set[Any]:
    """The registered people helped with a démarche, at a workshop or with a solidarity
    basket distributed in the period."""
    record, event, attendance = table(AssistanceRecord), table(Event), table(EventAttendance)
    pickup, distribution = table(Pickup), table(Distribution)
    subscription = table(AmapSubscription)
    statement = union(
        select(record.c.person_id.label("person_id")).where(
            scope.on_sites(record.c.site_id),
            scope.on_dates(record.c.activity_date),
            record.c.person_id.is_not(None),
        ),
        select(attendance.c.person_id.label("person_id"))
        .select_from(attendance.join(event, event.c.id == attendance.c.event_id))
        .where(
            scope.on_sites(event.c.site_id),
            scope.on_dates(event.c.event_date),
            attendance.c.person_id.is_not(None),
            attendance.c.waiting.is_(False),
        ),
        select(subscription.c.person_id.label("person_id"))
        .select_from(
            pickup.join(distribution, distribution.c.id == pickup.c.distribution_id).join(
                subscription, subscription.c.id == pickup.c.subscription_id
            )
        )
        .where(
            scope.on_sites(distribution.c.site_id),
            scope.on_dates(distribution.c.on_date),
            subscription.c.solidarity == true(),
            pickup.c.status.in_(DISTRIBUTED),
        ),
    )
    return {row[0] for row in _values(scope, statement)}


def anonymous_workshop_heads(scope: Scope) -> int:
    """Heads counted without a name at the period's workshops that count no visits."""
    event, attendance = table(Event), table(EventAttendance)
    heads = scope.session.execute(
        select(func.coalesce(func.sum(attendance.c.count), 0))
        .select_from(attendance.join(event, event.c.id == attendance.c.event_id))
        .where(
            scope.on_sites(event.c.site_id),
            scope.on_dates(event.c.event_date),
            event.c.service_id.is_(None),
            attendance.c.person_id.is_(None),
            attendance.c.waiting.is_(False),
        )
    ).scalar()
    return int(heads or 0)


def served_communes(scope: Scope, people: set[Any], visit_communes: set[Any]) -> set[Any]:
    """Commune ids of the period's visits and démarches, and of the registered people served."""
    record, person = table(AssistanceRecord), table(Person)
    found = {key for key in visit_communes if key is not None}
    found.update(
        row[0]
        for row in _values(
            scope,
            select(record.c.commune_id)
            .distinct()
            .where(
                scope.on_sites(record.c.site_id),
                scope.on_dates(record.c.activity_date),
                record.c.commune_id.is_not(None),
            ),
        )
    )
    if people:
        # The place's people with a commune (a few thousand rows), kept when served: a list
        # of every person served in the SQL would be longer than the answer.
        found.update(
            commune_id
            for person_id, commune_id in _values(
                scope,
                select(person.c.id, person.c.commune_id).where(
                    scope.on_sites(person.c.site_id), person.c.commune_id.is_not(None)
                ),
            )
            if person_id in people
        )
    return found


@dataclass
class _Commune:
    name: str
    population: int | None = None
    insee_code: str | None = None
    in_territory: bool = False


def communes_reached(scope: Scope, ids: set[Any]) -> dict[str, _Commune]:
    """The communes of ``ids`` merged across places (INSEE code, else name), with their
    population: the recorded one, else the official list's by INSEE code."""
    commune = table(Commune)
    wanted = [key if isinstance(key, uuid.UUID) else uuid.UUID(str(key)) for key in ids]
    rows = scope.session.execute(
        select(
            commune.c.name, commune.c.insee_code, commune.c.population, commune.c.in_territory
        ).where(commune.c.id.in_(wanted))
    ).all()
    merged: dict[str, _Commune] = {}
    for name, code, population, inside in sorted(rows, key=lambda r: r[0]):
        entry = merged.setdefault(code or name.casefold(), _Commune(name, insee_code=code))
        entry.in_territory = entry.in_territory or bool(inside)
        if population is not None:
            entry.population = max(population, entry.population or 0)
    lacking = [c for c in merged.values() if c.in_territory and c.population is None]
    if any(c.insee_code for c in lacking):
        # Imported here: the official list is read (about 140 ms) only when it is needed.
        from tiers_lieu.services import official_communes

        for entry in lacking:
            official = official_communes.by_code(entry.insee_code) if entry.insee_code else None
            if official is not None:
                entry.population = official.population
    return merged


def unknown_names(communes: list[_Commune]) -> list[str]:
    """Names to list, alphabetical; homonyms told apart by their INSEE code."""
    names = [c.name for c in communes]
    shown = [
        f"{c.name} ({c.insee_code})" if c.insee_code and names.count(c.name) > 1 else c.name
        for c in communes
    ]
    return sorted(shown, key=str.casefold)


def compute(scope: Scope) -> list[Indicator]:
    rollup = rollup_of(scope)
    helped = beneficiaries(scope)
    named = rollup.people | helped
    unnamed = rollup.anonymous + rollup.companions + anonymous_workshop_heads(scope)
    communes = communes_reached(scope, served_communes(scope, named, set(rollup.by_commune)))
    inside = [c for c in communes.values() if c.in_territory]
    unknown = unknown_names([c for c in inside if c.population is None])
    return [
        total("results.people_reached", len(helped)),
        total("results.population_served", sum(c.population or 0 for c in inside)),
        total("results.communes_served", len(inside)),
        *breakdown(
            "results.communes_unknown_population",
            dict.fromkeys(unknown, 1),
            ordered=unknown,
        ),
        total("results.communes_outside_territory", len(communes) - len(inside)),
        total("results.people_covered", len(named) + unnamed),
        total("results.people_covered_named", len(named)),
        total("results.people_covered_unnamed", unnamed),
    ]
