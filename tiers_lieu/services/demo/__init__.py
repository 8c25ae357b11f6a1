"""Realistic, reproducible demonstration data for every area of Comptoir.

``tiers-lieu demo`` and the first-run assistant call :meth:`DemoService.generate`. It fills
one site (or creates the demo sites of an empty database) with months of activity around
Felletin and Aubusson, so a coordinator can try every screen and report, and so benchmarks
have a realistic volume: the large scale writes about 250 000 visits over five sites.

Each site is written in one unit of work, all or nothing, as plain tuples handed to the
driver's ``executemany`` (see :mod:`.common` and :mod:`.bulk`; ``bench/bench_demo.py`` sets
its time beside a bare ``sqlite3`` insert of the same rows). The generators are split by area
(:mod:`.territory`, :mod:`.organisation`, :mod:`.agenda`, :mod:`.activity`, :mod:`.assistance`,
:mod:`.commerce`, :mod:`.amap`). Same seed and same ``today`` give the same data.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, delete, func
from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import (
    DEFAULT_TIME_ZONE,
    N_,
    _,
    format_date,
    format_number,
    place_today,
    time_zone,
)
from tiers_lieu.models import Passage, Person, Site, Visit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.demo import (
    activity,
    agenda,
    amap,
    assistance,
    cafe,
    commerce,
    deliveries,
    organisation,
    parcels,
    programme,
    public_card,
    reminders,
    rota,
    satisfaction,
    territory,
    time_sheets,
)
from tiers_lieu.services.demo.common import (
    SCALES,
    DemoContext,
    cycle_collector_paused,
    months_before,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.sites import SiteService

__all__ = ["SCALES", "DemoService", "DemoSummary"]

# (name, commune, INSEE code, market weekday) of the sites an empty database receives.
DEMO_SITES: list[tuple[str, str, str, int]] = [
    ("Le Comptoir de Felletin", "Felletin", "23079", 4),
    ("La Manufacture partagée d'Aubusson", "Aubusson", "23008", 5),
    ("Le Relais du plateau", "Gentioux-Pigerolles", "23090", 2),
    ("L'Atelier des sources", "Faux-la-Montagne", "23077", 1),
    ("La Grange de Vallière", "Vallière", "23257", 3),
    # The network scale's five more places.
    ("Le Fournil de Blessac", "Blessac", "23024", 2),
    ("La Maison du Rozeille", "Moutier-Rozeille", "23140", 3),
    ("Le Bistrot de la Chabanne", "Saint-Quentin-la-Chabanne", "23238", 4),
    ("L'Escale de Saint-Frion", "Saint-Frion", "23196", 5),
    ("Le Préau de Croze", "Croze", "23071", 1),
]

# What the summary lists, in this order (table name, French label).
SUMMARY_LINES: list[tuple[str, str]] = [
    ("commune", N_("Communes")),
    ("person", N_("Personnes")),
    ("membership", N_("Adhésions")),
    ("visit", N_("Visites")),
    ("visitors", N_("Personnes accueillies (groupes comptés)")),
    ("event", N_("Ateliers et animations")),
    ("event_attendance", N_("Lignes de participation")),
    ("assistance_record", N_("Aides aux démarches")),
    ("resource", N_("Ressources réservables")),
    ("permanence", N_("Permanences de praticiens")),
    ("booking", N_("Réservations")),
    ("coworking_pass", N_("Pass coworking vendus")),
    ("producer", N_("Producteurs")),
    ("product", N_("Produits")),
    ("sale", N_("Ventes à l'épicerie")),
    ("stock_movement", N_("Mouvements de stock")),
    ("payment", N_("Paiements")),
    ("till_closure", N_("Clôtures de caisse (Z, mois, années)")),
    ("amap_contract", N_("Contrats AMAP")),
    ("amap_subscription", N_("Abonnements AMAP")),
    ("distribution", N_("Distributions AMAP")),
    ("pickup", N_("Paniers AMAP")),
    ("partner", N_("Partenaires")),
    ("job", N_("Emplois")),
    ("time_entry", N_("Saisies de temps des salariés")),
    ("volunteer_time", N_("Présences bénévoles")),
    ("rota_shift", N_("Créneaux du planning bénévole")),
    ("closure", N_("Fermetures")),
    ("parcel", N_("Colis au relais")),
]

Progress = Callable[[int, int], None]


def people_entered(conn: Connection, site_id: uuid.UUID) -> int:
    """« Personnes accueillies » of the place: its passages' people, plus those of the visits
    without a passage (each its own: the rule of :mod:`tiers_lieu.services.visits`)."""
    entered = conn.execute(
        select(func.coalesce(func.sum(col(Passage.count)), 0)).where(
            col(Passage.site_id) == site_id
        )
    ).scalar_one()
    alone = conn.execute(
        select(func.coalesce(func.sum(col(Visit.count)), 0)).where(
            col(Visit.site_id) == site_id, col(Visit.passage_id).is_(None)
        )
    ).scalar_one()
    return int(entered) + int(alone)


@dataclass(frozen=True)
class DemoSummary:
    """What was generated: the sites filled and the rows written per table."""

    sites: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        lines = []
        if len(self.sites) == 1:
            lines.append(_("Lieu : {name}").format(name=self.sites[0]))
        else:
            lines.append(_("Lieux : {names}").format(names=", ".join(self.sites)))
        if self.start is not None and self.end is not None:
            lines.append(
                _("Période : du {start} au {end}").format(
                    start=format_date(self.start), end=format_date(self.end)
                )
            )
        for key, label in SUMMARY_LINES:
            if key in self.counts:
                lines.append(
                    _("{label} : {n}").format(label=_(label), n=format_number(self.counts[key]))
                )
        return "\n".join(lines)


class DemoService:
    def __init__(self, uow: UowFactory, sites: SiteService) -> None:
        self._uow = uow  # its engine is the application's, renewed after a restore
        self._sites = sites

    @requires(Permission.SETTINGS)
    def generate(
        self,
        *,
        scale: str = "small",
        seed: int = 1,
        site_name: str | None = None,
        today: date | None = None,
        progress: Progress | None = None,
    ) -> DemoSummary:
        """Fill the named site, the only site, or new demo sites of an empty database."""
        spec = SCALES.get(scale)
        if spec is None:
            raise ValidationError(
                _("Taille"),
                _("« {scale} » est inconnue ; choisissez parmi : {names}.").format(
                    scale=scale, names=", ".join(SCALES)
                ),
            )
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValidationError(_("Graine"), _("un nombre entier est attendu"))
        # The demo places are French ones (Europe/Paris): their today, not the computer's.
        today = today or place_today(time_zone(DEFAULT_TIME_ZONE))
        start = months_before(today, spec.months)
        targets, created = self._targets(spec.sites, site_name)
        steps = _steps()
        total = len(targets) * len(steps)
        if progress is not None:
            progress(0, total)
        counts: Counter[str] = Counter()
        try:
            # One transaction for every place (issue 17: each commit of a place's hundred
            # thousand rows cost a second of flushing): the demonstration is there whole, or
            # not at all.
            with cycle_collector_paused(), self._uow() as uow:
                conn = uow.session.connection()
                for index, (site, market) in enumerate(targets):
                    ctx = DemoContext(
                        conn=conn,
                        rng=random.Random(f"comptoir-demo:{seed}:{index}"),
                        site_id=site.id,
                        site_name=site.name,
                        scale=spec,
                        start=start,
                        today=today,
                        market_weekday=market,
                    )
                    self._prepare(ctx, site)
                    for number, step in enumerate(steps, start=1):
                        step(ctx, site)
                        if progress is not None:
                            progress(index * len(steps) + number, total)
                    counts.update(ctx.counts)
                    counts["visitors"] += int(people_entered(conn, site.id))
                uow.commit()
        except BaseException:
            self._remove(created)
            raise
        return DemoSummary(
            sites=[s.name for s, _m in targets], counts=dict(counts), start=start, end=today
        )

    @requires(Permission.SETTINGS)
    def has_data(self, site_id: uuid.UUID) -> bool:
        """Whether the place already holds visits or people: no demonstration data is
        offered then (it would mix with real figures, and ``generate`` refuses visits)."""
        with self._uow(read_only=True) as uow:
            for model in (Visit, Person):
                query = select(model.id).where(model.site_id == site_id).limit(1)
                if uow.session.exec(query).first() is not None:
                    return True
        return False

    # -- sites ----------------------------------------------------------------------------
    def _targets(
        self, wanted: int, site_name: str | None
    ) -> tuple[list[tuple[SiteInfo, int]], list[SiteInfo]]:
        """The sites to fill (with their market weekday), and those created for it."""
        markets = {insee: market for _n, _c, insee, market in DEMO_SITES}
        if self._sites.list_sites():
            site = self._sites.resolve(site_name)
            return [(site, markets.get(site.insee_code or "", 4))], []
        specs = [(site_name.strip(), *DEMO_SITES[0][1:])] if site_name else DEMO_SITES[:wanted]
        created: list[SiteInfo] = []
        try:
            for name, commune, insee, _market in specs:
                created.append(
                    self._sites.init_site(name=name, commune_name=commune, insee_code=insee)
                )
        except BaseException:
            self._remove(created)
            raise
        return [(site, spec[3]) for site, spec in zip(created, specs, strict=True)], created

    def _remove(self, created: list[SiteInfo]) -> None:
        """Take back the sites this call created, so a failure leaves the base as it was."""
        if not created:
            return
        with self._uow() as uow:
            uow.session.execute(delete(Site).where(col(Site.id).in_([s.id for s in created])))
            uow.commit()

    @staticmethod
    def _prepare(ctx: DemoContext, site: SiteInfo) -> None:
        ctx.load_configuration()
        already = ctx.conn.execute(
            select(Visit.id).where(Visit.site_id == site.id).limit(1)
        ).first()
        if already is not None:
            raise ConflictError(
                _(
                    "Le lieu « {name} » contient déjà des visites : les données de démonstration "
                    "ne remplissent qu'un lieu sans activité."
                ).format(name=site.name)
            )
        if not ctx.services:
            raise ConflictError(
                _("Le lieu « {name} » n'a aucun service actif à compter.").format(name=site.name)
            )
        if not ctx.hours:
            raise ConflictError(
                _(
                    "Le lieu « {name} » n'a aucun horaire d'ouverture : ajoutez-en avant de "
                    "générer les données de démonstration."
                ).format(name=site.name)
            )


Step = Callable[[DemoContext, SiteInfo], None]


def _calendar(ctx: DemoContext, site: SiteInfo) -> None:
    organisation.add_closures(ctx)
    ctx.load_calendar()


def _people(ctx: DemoContext, site: SiteInfo) -> None:
    territory.add_communes(ctx, site.insee_code)
    territory.add_people(ctx)
    territory.add_memberships(ctx)


def _organisation(ctx: DemoContext, site: SiteInfo) -> None:
    organisation.add_partners(ctx)
    organisation.add_jobs(ctx)
    organisation.add_volunteering(ctx)
    rota.add_rota(ctx)  # last week's hours from the rota: a generator of its own
    organisation.add_operation(ctx)


def _agenda(ctx: DemoContext, site: SiteInfo) -> None:
    agenda.add_agenda(ctx)


def _activity(ctx: DemoContext, site: SiteInfo) -> None:
    activity.add_events(ctx)
    programme.add_programme(ctx)  # the coming weeks' workshops: a generator of its own
    assistance.add_assistance(ctx)


def _visits(ctx: DemoContext, site: SiteInfo) -> None:
    activity.add_desk_visits(ctx)
    parcels.add_parcels(ctx)  # a generator of its own


def _commerce(ctx: DemoContext, site: SiteInfo) -> None:
    producers = commerce.add_grocery(ctx)
    amap.add_amap(ctx, producers)
    cafe.add_cafe(ctx)  # after the tickets, adds none (its own random generator)


def _finish(ctx: DemoContext, site: SiteInfo) -> None:
    territory.finish_people(ctx)
    public_card.add_public_card(ctx, site.insee_code)
    deliveries.add_deliveries(ctx)  # a random generator of its own
    time_sheets.add_time_sheets(ctx)  # last: a random generator of its own
    reminders.add_reminders(ctx)  # random generators of their own, like the time sheets
    satisfaction.add_satisfaction(ctx)


def _steps() -> list[Step]:
    return [_calendar, _people, _organisation, _agenda, _activity, _visits, _commerce, _finish]
