"""The Coop de la médiation numérique's activity export, as a read model: one row per
accompaniment (« Accompagnement individuel », one participant) and one per workshop
(« Atelier collectif », its participants: registered people and anonymous head counts), in
the Coop's columns and order, with the Coop's labels (:mod:`coop_vocabulary`);
:mod:`tiers_lieu.reports.documents.coop` writes it as the Coop's sheet « Activités » (XLSX)
or as a CSV of the table.

The Coop's builder (``apps/web/src/features/activites/use-cases/list/export/
buildAccompagnementsWorksheet.ts``, a mediator's own export) writes one row per participant
of a workshop (« 1/7 », « 2/7 »…); Comptoir keeps most participants of a workshop as anonymous
head counts, so a workshop is one row whose « Participants » is its head count. « Total » in
the information block is, as in the Coop, the number of accompaniments: the sum of the
« Participants » column.

This module reads the places, the account exporting and the period's size, and assembles the
sheet; the rows are built in :mod:`.coop_rows`, which says what they carry and what they
leave empty on purpose.

Nothing here touches files or imports openpyxl: the rows are plain values (dates, numbers,
text); the renderer formats the sheet.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_number, place_now, time_zone
from tiers_lieu.models import AppUser, AssistanceRecord, Category, Event, Site, SiteSetting
from tiers_lieu.models.enums import Role
from tiers_lieu.services import coop_vocabulary as vocabulary
from tiers_lieu.services.coop_rows import CoopRow, Place, postal_code, record_rows, workshop_rows
from tiers_lieu.services.public_card import SETTING_KEY as CARD_KEY
from tiers_lieu.services.public_card import PublicCard

#: The Coop's table headers, in its order: a mediator's own export (``isSelfExport``) of
#: activities of several sources (``hasCraV1``), typographic apostrophes as theirs.
COLUMNS: tuple[str, ...] = (
    "Date",
    "Enregistré le",
    "Dernière modification le",
    "Type",
    "Participants",
    "Bénéficiaire",
    "Canaux d’accompagnement",
    "Nom du lieu",
    "Adresse",
    "Commune",
    "Code postal",
    "Code Insee",
    "Durée (min)",
    "Nom de l’atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune du bénéficiaire",
    "Code postal du bénéficiaire",
    "Code Insee du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire",
    "Statut du bénéficiaire",
    "Notes supplémentaires",
    "Source de la donnée",
    "ID CRA",
)
NO_FILTER = "-"
MAX_ROWS = 100_000
"""Activities one export holds at most (a place's busiest years hold a few thousand)."""

# utils/getUserRoleLabel.ts
ROLE_LABELS = {
    Role.ADMIN: "Administrateur",
    Role.COORDINATOR: "Coordinateur",
    Role.MEDIATOR: "Médiateur",
}
NO_ROLE = "Rôle non défini"


@dataclass(frozen=True)
class CoopExport:
    """The sheet: who exports and when (the information block), the period and place (the
    filters block) and the rows, newest first (the Coop's default order)."""

    last_name: str
    first_name: str
    role: str
    exported_at: datetime  # the place's wall clock
    start: date
    end: date
    place_names: tuple[str, ...]
    """The place chosen (one name), or every place exported when none was."""
    one_place: bool
    rows: tuple[CoopRow, ...]

    @property
    def total(self) -> int:
        """Accompaniments, as the Coop counts them: the sum of « Participants »."""
        return sum(row.participants for row in self.rows)

    @property
    def accompaniments(self) -> int:
        return sum(1 for row in self.rows if row.kind == vocabulary.INDIVIDUAL)

    @property
    def workshops(self) -> int:
        return sum(1 for row in self.rows if row.kind == vocabulary.COLLECTIVE)

    def information(self) -> list[tuple[str, object]]:
        """The Coop's « Informations export » lines (libs/worksheet/addExportMetadata.ts)."""
        return [
            ("Nom", self.last_name or NO_FILTER),
            ("Prénom", self.first_name or NO_FILTER),
            ("Rôle", self.role),
            ("Total", self.total),
            ("Date d'export", self.exported_at.strftime("%d/%m/%Y")),
            ("Heure d'export", self.exported_at.strftime("%H:%M")),
        ]

    def filters(self) -> list[tuple[str, str]]:
        """The Coop's « Filtres » lines (worksheet/buildWorksheetHelpers.ts): the period and
        the place; Comptoir filters nothing else."""
        period = f"{self.start.strftime('%d.%m.%Y')} - {self.end.strftime('%d.%m.%Y')}"
        places = ", ".join(self.place_names) if self.one_place else NO_FILTER
        return [
            ("Période", period),
            ("Source", NO_FILTER),
            ("Lieux d’accompagnement", places),
            ("Communes", NO_FILTER),
            ("Départements", NO_FILTER),
            ("Type d’accompagnement", NO_FILTER),
            ("Rôle", NO_FILTER),
            ("Thématiques non administratives", NO_FILTER),
            ("Thématiques administratives", NO_FILTER),
            ("Tags", NO_FILTER),
        ]


def coop_export(
    uow: UnitOfWork, site_ids: Sequence[uuid.UUID] | None, *, start: date, end: date
) -> CoopExport:
    """The export of the places (every place when ``site_ids`` is ``None``) over the
    period, dates inclusive, in the name of the account signed in (none on the command
    line)."""
    session = uow.session
    if end < start:
        raise ValidationError(_("Période"), _("la fin précède le début"))
    sites = list(
        session.exec(
            select(Site)
            .where(*([] if site_ids is None else [col(Site.id).in_(site_ids)]))
            .order_by(col(Site.name))
        )
    )
    ids = [s.id for s in sites]
    _check_size(session, ids, start, end)
    places = {s.id: _place(session, s) for s in sites}
    labels: dict[uuid.UUID, str] = dict(
        session.exec(
            select(Category.id, Category.label).where(col(Category.site_id).in_(ids))
        ).all()
    )
    rows = [
        *record_rows(session, ids, start, end, places, labels),
        *workshop_rows(session, ids, start, end, places, labels),
    ]
    # Newest first, as the Coop lists them: by day, then time (one without a time last in its
    # day), then when it was written.
    rows.sort(key=lambda r: (r[0], r[2][0] or time.min, r[2][1]), reverse=True)
    last_name, first_name, role = _who(session, uow.actor_id)
    zone = places[ids[0]].zone if ids else time_zone(None)
    return CoopExport(
        last_name=last_name,
        first_name=first_name,
        role=role,
        exported_at=place_now(zone),
        start=start,
        end=end,
        place_names=tuple(s.name for s in sites),
        one_place=site_ids is not None and len(sites) == 1,
        rows=tuple(row for _key, row, _moment in rows),
    )


def _check_size(session: Session, ids: list[uuid.UUID], start: date, end: date) -> None:
    records = session.execute(
        sa_select(func.count())
        .select_from(AssistanceRecord)
        .where(
            col(AssistanceRecord.site_id).in_(ids),
            col(AssistanceRecord.activity_date) >= start,
            col(AssistanceRecord.activity_date) <= end,
        )
    ).scalar_one()
    events = session.execute(
        sa_select(func.count())
        .select_from(Event)
        .where(
            col(Event.site_id).in_(ids),
            col(Event.event_date) >= start,
            col(Event.event_date) <= end,
        )
    ).scalar_one()
    if records + events > MAX_ROWS:
        raise ValidationError(
            _("Période"),
            _("plus de {n} activités : choisissez une période plus courte ou un lieu.").format(
                n=format_number(MAX_ROWS)
            ),
        )


def _who(session: Session, actor_id: uuid.UUID | None) -> tuple[str, str, str]:
    """Nom, prénom and the Coop's role of the account exporting. Comptoir keeps one display
    name: its last word is the name, the words before it the first name."""
    user = session.get(AppUser, actor_id) if actor_id is not None else None
    if user is None:
        return "", "", NO_ROLE
    words = user.display_name.split()
    last = words[-1] if words else user.username
    first = " ".join(words[:-1])
    try:
        role = ROLE_LABELS.get(Role(user.role), NO_ROLE)
    except ValueError:
        role = NO_ROLE
    return last, first, role


def _place(session: Session, site: Site) -> Place:
    insee = site.insee_code or ""
    return Place(
        name=site.name,
        address=site.address,
        commune=site.commune_name,
        postal_code=_card_postal_code(session, site.id) or postal_code(insee),
        insee_code=insee,
        zone=time_zone(site.timezone),
    )


def _card_postal_code(session: Session, site_id: uuid.UUID) -> str:
    """The postal code the place typed on its public card (« Fiche publique »), if any."""
    value = session.exec(
        select(SiteSetting.value).where(SiteSetting.site_id == site_id, SiteSetting.key == CARD_KEY)
    ).first()
    return PublicCard.from_json(value).code_postal if value else ""
