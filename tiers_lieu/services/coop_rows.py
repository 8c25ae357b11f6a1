"""The rows of the Coop de la médiation numérique's activity table
(:mod:`tiers_lieu.services.coop_export`): one per accompaniment (« Accompagnement
individuel », a démarche record) and one per workshop (« Atelier collectif »), read from the
base and written with the Coop's labels (:mod:`coop_vocabulary`).

What the export carries and what it leaves empty, on purpose:

- « Bénéficiaire » is « Bénéficiaire anonyme » for every accompaniment and « Notes
  supplémentaires » stays empty: a file sent outside the place holds no name and no note (as
  the other exports; the Coop keeps names of people it follows, Comptoir does not send them).
- « Tags » stays empty: Comptoir has no tags (the organisme of a démarche is not a tag).
- The channel of a démarche is the one recorded, else the one its « Lieu » says (« Sur place »
  is « Lieu d'activité »); none when the « Lieu » was not given.
- The address columns are the place's for an activity there (or of unknown channel) and empty
  elsewhere (at home, at a distance, another place): Comptoir does not know that address; a
  workshop held elsewhere gives the name of its room. The postal code is the place's public
  card's, else its commune's when it has only one; the same for the beneficiary's commune.
- A workshop's beneficiary columns say the one gender, age band or status all its
  participants share, else the Coop's « Non communiqué » (« … ou hétérogène »); its commune
  stays empty.
- « Source de la donnée » is « Comptoir » and « ID CRA » our record's or workshop's id.

Nothing here touches files: the rows are plain values (dates, numbers, text).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tiers_lieu.models import AssistanceRecord, Commune, Event, EventAttendance
from tiers_lieu.services import coop_vocabulary as vocabulary

SOURCE = "Comptoir"
ANONYMOUS = "Bénéficiaire anonyme"  # beneficiaire.ts, displayNameFromIdentity
LINE_BREAK = "\n"  # between several values in one cell, as the Coop's builder


@dataclass(frozen=True, slots=True)
class CoopRow:
    """One line of the table; text cells are the Coop's labels or our values, as written."""

    day: date
    recorded: str
    modified: str
    kind: str
    participants: int
    beneficiary: str
    channel: str
    place_name: str
    address: str
    commune: str
    postal_code: str
    insee_code: str
    duration_min: int
    workshop_name: str
    equipment: str
    themes: str
    tags: str
    demarche_name: str
    level: str
    redirected: str
    redirection: str
    beneficiary_commune: str
    beneficiary_postal_code: str
    beneficiary_insee_code: str
    gender: str
    age_band: str
    status: str
    notes: str
    source: str
    id: str

    def cells(self) -> tuple[object, ...]:
        """The values in :data:`~tiers_lieu.services.coop_export.COLUMNS` order (a date, two
        numbers, text)."""
        return tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True)
class Place:
    """What the rows of an activity at a place say of it: its name and address columns, and
    its clock (the stamps are written on it)."""

    name: str
    address: str
    commune: str
    postal_code: str
    insee_code: str
    zone: ZoneInfo


def postal_code(insee_code: str | None) -> str:
    """The postal code of a commune that has only one (the official list); else empty."""
    if not insee_code:
        return ""
    from tiers_lieu.services import official_communes  # its list is read when needed

    official = official_communes.by_code(insee_code)
    if official is None or len(official.postal_codes) != 1:
        return ""
    return official.postal_codes[0]


def _stamp(value: datetime, zone: ZoneInfo) -> str:
    """« 16/02/2023 à 08:48 », the Coop's « Enregistré le » (date-fns ``dd/MM/yyyy 'à'
    HH:mm``), on the place's clock."""
    return value.astimezone(zone).strftime("%d/%m/%Y à %H:%M")


def _modified(created: datetime, updated: datetime, zone: ZoneInfo) -> str:
    """Empty when the row was never changed after it was written (the two stamps of one
    insert differ by microseconds)."""
    return "" if updated - created < timedelta(seconds=1) else _stamp(updated, zone)


def _where(
    place: Place, channel: str | None, elsewhere: str = ""
) -> tuple[str, str, str, str, str]:
    """Nom du lieu, adresse, commune, code postal, code INSEE: the place's for an activity
    there (or one whose channel is unknown), else only what Comptoir knows (a workshop's
    place name)."""
    if channel in (None, "lieu_activite"):
        return place.name, place.address, place.commune, place.postal_code, place.insee_code
    return elsewhere, "", "", "", ""


def _labels(keys: Iterable[str], vocabulary_: vocabulary.Vocabulary) -> str:
    return LINE_BREAK.join(vocabulary_.label(k) for k in keys)


def _themes(digital: Iterable[str], demarche: str | None = None) -> str:
    """The Coop's themes cell: the digital themes in its order, then the procedure's."""
    labels = [vocabulary.DIGITAL_THEMES.label(k) for k in digital]
    if demarche is not None:
        labels.append(vocabulary.DEMARCHE_THEMES.label(demarche))
    return LINE_BREAK.join(labels)


def record_rows(
    session: Session,
    ids: list[uuid.UUID],
    start: date,
    end: date,
    places: dict[uuid.UUID, Place],
    labels: dict[uuid.UUID, str],
) -> list[tuple[date, CoopRow, Any]]:
    """A row per démarche record of the places (``ids``) over the period, dates inclusive,
    each with its day and ``(time, created_at)`` for the export's order."""
    record = AssistanceRecord.__table__.c  # type: ignore[attr-defined]
    communes = _communes(session, ids)
    rows: list[tuple[date, CoopRow, Any]] = []
    result = session.execute(
        sa_select(
            record.id,
            record.site_id,
            record.activity_date,
            record.activity_time,
            record.created_at,
            record.updated_at,
            record.duration_min,
            record.place_id,
            record.channel,
            record.equipment,
            record.autonomy,
            record.digital_themes,
            record.demarche_name,
            record.theme_id,
            record.orientation_id,
            record.commune_id,
            record.gender_id,
            record.age_band_id,
            record.status_id,
        ).where(
            record.site_id.in_(ids),
            record.activity_date >= start,
            record.activity_date <= end,
        )
    )
    for r in result:
        place = places[r.site_id]
        channel = (
            r.channel
            if r.channel in vocabulary.CHANNELS.labels
            else vocabulary.channel_for_place(labels.get(r.place_id))
        )
        digital = set(vocabulary.DIGITAL_THEMES.split(r.digital_themes))
        digital.add(vocabulary.DEMARCHE_DIGITAL_THEME)
        autonomy = r.autonomy if r.autonomy in vocabulary.AUTONOMY.labels else None
        redirection = vocabulary.redirection(labels.get(r.orientation_id))
        commune = communes.get(r.commune_id)
        rows.append(
            (
                r.activity_date,
                CoopRow(
                    day=r.activity_date,
                    recorded=_stamp(r.created_at, place.zone),
                    modified=_modified(r.created_at, r.updated_at, place.zone),
                    kind=vocabulary.INDIVIDUAL,
                    participants=1,
                    beneficiary=ANONYMOUS,
                    channel=vocabulary.CHANNELS.label(channel) if channel else "",
                    **_address(_where(place, channel)),
                    duration_min=r.duration_min,
                    workshop_name="",
                    equipment=_labels(
                        vocabulary.EQUIPMENT.split(r.equipment), vocabulary.EQUIPMENT
                    ),
                    themes=_themes(
                        vocabulary.DIGITAL_THEMES.check_many(digital),
                        vocabulary.demarche_theme(labels.get(r.theme_id)),
                    ),
                    tags="",
                    demarche_name=r.demarche_name,
                    level=vocabulary.AUTONOMY.rank(autonomy) if autonomy else "",
                    redirected=vocabulary.YES if r.orientation_id is not None else vocabulary.NO,
                    redirection=vocabulary.REDIRECTIONS.label(redirection) if redirection else "",
                    beneficiary_commune=commune[0] if commune else "",
                    beneficiary_postal_code=commune[1] if commune else "",
                    beneficiary_insee_code=commune[2] if commune else "",
                    gender=vocabulary.GENDERS.label(vocabulary.gender(labels.get(r.gender_id))),
                    age_band=vocabulary.AGE_BANDS.label(
                        vocabulary.age_band(labels.get(r.age_band_id))
                    ),
                    status=vocabulary.STATUSES.label(vocabulary.status(labels.get(r.status_id))),
                    notes="",
                    source=SOURCE,
                    id=str(r.id),
                ),
                (r.activity_time, r.created_at),
            )
        )
    return rows


def _address(values: tuple[str, str, str, str, str]) -> dict[str, str]:
    return dict(
        zip(("place_name", "address", "commune", "postal_code", "insee_code"), values, strict=True)
    )


def _communes(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str, str]]:
    """Name, postal code and INSEE code of every commune of the places."""
    found: dict[uuid.UUID, tuple[str, str, str]] = {}
    codes: dict[str, str] = {}
    for cid, name, code in session.exec(
        select(Commune.id, Commune.name, Commune.insee_code).where(col(Commune.site_id).in_(ids))
    ):
        if code and code not in codes:
            codes[code] = postal_code(code)
        found[cid] = (name, codes.get(code, "") if code else "", code or "")
    return found


def workshop_rows(
    session: Session,
    ids: list[uuid.UUID],
    start: date,
    end: date,
    places: dict[uuid.UUID, Place],
    labels: dict[uuid.UUID, str],
) -> list[tuple[date, CoopRow, Any]]:
    """A row per workshop or event of the places (``ids``) over the period, dates inclusive,
    with its head count, each with its day and ``(time, created_at)`` for the export's order."""
    events = list(
        session.exec(
            select(Event).where(
                col(Event.site_id).in_(ids),
                col(Event.event_date) >= start,
                col(Event.event_date) <= end,
            )
        )
    )
    # Participants and the categories they share, per workshop: one grouped read.
    counts: dict[uuid.UUID, int] = defaultdict(int)
    shared: dict[uuid.UUID, list[set[uuid.UUID | None]]] = defaultdict(
        lambda: [set(), set(), set()]
    )
    attendance = EventAttendance.__table__.c  # type: ignore[attr-defined]
    event_ids = [e.id for e in events]
    for offset in range(0, len(event_ids), 500):
        chunk = event_ids[offset : offset + 500]
        for event_id, gender_id, age_id, status_id, count in session.execute(
            sa_select(
                attendance.event_id,
                attendance.gender_id,
                attendance.age_band_id,
                attendance.status_id,
                func.sum(attendance.count),
            )
            .where(attendance.event_id.in_(chunk), attendance.waiting.is_(False))
            .group_by(
                attendance.event_id,
                attendance.gender_id,
                attendance.age_band_id,
                attendance.status_id,
            )
        ):
            counts[event_id] += int(count or 0)
            for values, value in zip(shared[event_id], (gender_id, age_id, status_id), strict=True):
                values.add(value)

    def one(values: set[uuid.UUID | None]) -> str | None:
        """The label all participants share; none when they differ or one is unknown."""
        (only,) = values if len(values) == 1 else (None,)
        return labels.get(only) if only is not None else None

    rows: list[tuple[date, CoopRow, Any]] = []
    for e in events:
        place = places[e.site_id]
        channel = e.channel if e.channel in vocabulary.CHANNELS.labels else None
        level = e.workshop_level if e.workshop_level in vocabulary.WORKSHOP_LEVELS.labels else None
        genders, ages, statuses = shared.get(e.id, [set(), set(), set()])
        rows.append(
            (
                e.event_date,
                CoopRow(
                    day=e.event_date,
                    recorded=_stamp(e.created_at, place.zone),
                    modified=_modified(e.created_at, e.updated_at, place.zone),
                    kind=vocabulary.COLLECTIVE,
                    participants=counts.get(e.id, 0),
                    beneficiary="",
                    channel=vocabulary.CHANNELS.label(channel) if channel else "",
                    **_address(_where(place, channel, e.place)),
                    duration_min=e.duration_min,
                    workshop_name=e.title,
                    equipment=_labels(
                        vocabulary.EQUIPMENT.split(e.equipment), vocabulary.EQUIPMENT
                    ),
                    themes=_themes(vocabulary.DIGITAL_THEMES.split(e.digital_themes)),
                    tags="",
                    demarche_name="",
                    level=vocabulary.WORKSHOP_LEVELS.rank(level) if level else "",
                    redirected="",
                    redirection="",
                    beneficiary_commune="",
                    beneficiary_postal_code="",
                    beneficiary_insee_code="",
                    gender=vocabulary.GENDERS.label(vocabulary.gender(one(genders))),
                    age_band=vocabulary.AGE_BANDS.label(vocabulary.age_band(one(ages))),
                    status=vocabulary.STATUSES.label(vocabulary.status(one(statuses))),
                    notes="",
                    source=SOURCE,
                    id=str(e.id),
                ),
                (e.start_time, e.created_at),
            )
        )
    return rows
