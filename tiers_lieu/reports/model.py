"""The data contract of the activity report: one computation, three renderers.

The indicator computation (:mod:`tiers_lieu.reports.indicators`) fills a :class:`ReportData`;
the PDF, the XLSX, the CSV and the « Rapports » screen only read it. Keeping the figures in one
flat list of :class:`Indicator` (code, dimension, value) is what lets a test check that the
three formats agree: they are three views of the same rows.

Codes are the stable machine names of DOMAIN.md « Rapport d'activité ». :data:`INDICATORS`
describes each code once (label msgid, unit, whether it is a breakdown) and :data:`SECTIONS`
groups them in the order of the report. Labels and titles here are msgids (``N_``): translate
them with ``_()`` when shown; ``Indicator.label`` is already translated.

Plain Python only (no Qt, no database): renderers and the screen import this module freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tiers_lieu.i18n import DEFAULT_TIME_ZONE, N_, time_zone

#: Units an indicator value may have. Percentages are numbers from 0 to 100; euros are
#: numbers with two decimals (not cents); hours and FTE are decimals.
UNITS = ("count", "hours", "minutes", "percent", "eur", "fte", "km", "people")


@dataclass(frozen=True)
class Indicator:
    """One figure: a total (``dimension == ""``) or one category of a breakdown."""

    code: str
    label: str
    dimension: str
    value: int | float
    unit: str


@dataclass(frozen=True)
class IndicatorDef:
    """What a code means: its label (msgid), unit and whether it is broken down."""

    code: str
    label: str
    unit: str
    breakdown: bool = False


@dataclass(frozen=True)
class OperationInfo:
    """The funded operation shown on the cover (EU publicity block)."""

    title: str
    file_number: str = ""
    gal_name: str = ""
    region: str = ""
    cofunders: str = ""
    emblem_path: str | None = None
    leader_logo_path: str | None = None
    region_logo_path: str | None = None
    gal_logo_path: str | None = None


@dataclass(frozen=True)
class TimeSpent:
    """Staff time of one post on one operation in one month (the time sheets of a LEADER
    claim, summed): the post and its contract's start, never the person's name.
    ``operation`` is "" for time outside any operation."""

    site: str
    post: str
    contract_start: date
    operation: str
    file_number: str
    month: date  # its first day
    minutes: int


@dataclass(frozen=True)
class ReportData:
    """Everything a renderer needs; aggregates only (no names, no notes)."""

    period_start: date
    period_end: date
    site_names: list[str]
    generated_at: datetime
    operation: OperationInfo | None
    claim_number: str
    summary_text: str
    indicators: list[Indicator] = field(default_factory=list)
    time_zone: str = DEFAULT_TIME_ZONE
    """The places' clock (``Site.timezone``; the first site's when several are consolidated):
    « généré le » is read on it, never on the computer's."""
    time_spent: tuple[TimeSpent, ...] = ()
    """Staff time per place, post, operation and month (the XLSX's « Temps passé »)."""

    @property
    def zone(self) -> ZoneInfo:
        return time_zone(self.time_zone)

    def value(self, code: str, dimension: str = "") -> int | float:
        """The value of a total (or of one dimension of a breakdown); 0 when absent."""
        for indicator in self.indicators:
            if indicator.code == code and indicator.dimension == dimension:
                return indicator.value
        return 0

    def series(self, code: str) -> list[tuple[str, int | float]]:
        """A breakdown as (dimension, value) pairs, in the order computed.

        Months are chronological; other categories by value descending then label, with
        « Non communiqué » last. Empty when the code has no row for the period.
        """
        return [(i.dimension, i.value) for i in self.indicators if i.code == code and i.dimension]

    def codes(self) -> list[str]:
        """Codes present, each once, in report order."""
        seen: dict[str, None] = {}
        for indicator in self.indicators:
            seen.setdefault(indicator.code, None)
        return list(seen)

    def section(self, key: str) -> list[Indicator]:
        """The rows of one section of :data:`SECTIONS`, in report order."""
        codes = set(SECTION_CODES.get(key, []))
        return [i for i in self.indicators if i.code in codes]


def _defs(*items: tuple[str, str, str] | tuple[str, str, str, bool]) -> dict[str, IndicatorDef]:
    return {item[0]: IndicatorDef(*item) for item in items}


#: Every code of DOMAIN.md, in report order: (code, label msgid, unit[, breakdown]).
INDICATORS: dict[str, IndicatorDef] = _defs(
    ("opening.days", N_("Jours d'ouverture"), "count"),
    ("opening.hours", N_("Heures d'ouverture"), "hours"),
    ("visits.people", N_("Personnes accueillies"), "people"),
    ("visits.total", N_("Services rendus (visites)"), "count"),
    ("visits.by_month", N_("Visites par mois"), "count", True),
    ("visits.by_service", N_("Visites par service"), "count", True),
    ("visits.by_commune", N_("Visites par commune"), "count", True),
    ("visits.by_age_band", N_("Visites par tranche d'âge"), "count", True),
    ("visits.by_gender", N_("Visites par genre"), "count", True),
    ("visits.by_status", N_("Visites par statut"), "count", True),
    ("visits.by_public", N_("Visites par public"), "count", True),
    ("people.distinct", N_("Personnes identifiées distinctes"), "people"),
    ("coworking.bookings", N_("Réservations de coworking"), "count"),
    ("coworking.hours_booked", N_("Heures de coworking réservées"), "hours"),
    ("coworking.hours_bookable", N_("Heures de coworking réservables"), "hours"),
    ("coworking.occupancy_rate", N_("Taux d'occupation du coworking"), "percent"),
    ("coworking.distinct_users", N_("Utilisateurs distincts du coworking"), "people"),
    ("coworking.by_public", N_("Réservations de coworking par public"), "count", True),
    ("health.permanences", N_("Permanences de santé tenues"), "count"),
    ("health.slots_offered", N_("Créneaux de santé proposés"), "count"),
    ("health.slots_taken", N_("Créneaux de santé pris"), "count"),
    ("health.practitioners", N_("Professionnels de santé"), "people"),
    ("health.by_specialty", N_("Créneaux pris par spécialité"), "count", True),
    ("assistance.total", N_("Accompagnements aux démarches"), "count"),
    ("assistance.minutes", N_("Durée des accompagnements"), "minutes"),
    ("assistance.by_operator", N_("Accompagnements par organisme"), "count", True),
    ("assistance.by_theme", N_("Accompagnements par thème"), "count", True),
    ("assistance.by_type", N_("Accompagnements par type d'aide"), "count", True),
    ("assistance.by_outcome", N_("Accompagnements par issue"), "count", True),
    ("assistance.by_duration_bucket", N_("Accompagnements par durée (minutes)"), "count", True),
    ("assistance.by_orientation", N_("Orientations par destination"), "count", True),
    ("events.total", N_("Ateliers et animations"), "count"),
    ("events.participants", N_("Participants aux ateliers"), "people"),
    ("events.hours", N_("Heures d'ateliers"), "hours"),
    ("grocery.sales", N_("Ventes de l'épicerie"), "count"),
    ("grocery.sales_eur", N_("Chiffre d'affaires de l'épicerie"), "eur"),
    ("grocery.local_share", N_("Part locale des achats de l'épicerie"), "percent"),
    ("amap.distributions", N_("Distributions AMAP"), "count"),
    ("amap.baskets", N_("Paniers AMAP distribués"), "count"),
    ("amap.baskets_by_type", N_("Paniers distribués par type"), "count", True),
    ("amap.households", N_("Foyers abonnés à l'AMAP"), "count"),
    ("amap.solidarity_baskets", N_("Paniers solidaires distribués"), "count"),
    ("amap.solidarity_eur", N_("Montant de la solidarité (paniers)"), "eur"),
    ("producers.total", N_("Producteurs"), "count"),
    ("producers.local", N_("Producteurs locaux"), "count"),
    ("reminders.calls", N_("Appels de rappel de la veille"), "count"),
    ("reminders.reached", N_("Rappels : personnes jointes"), "count"),
    ("satisfaction.answers", N_("Réponses de satisfaction"), "count"),
    ("satisfaction.by_score", N_("Satisfaction par réponse"), "count", True),
    ("satisfaction.rate", N_("Taux de satisfaction (contents)"), "percent"),
    ("deliveries.orders", N_("Commandes de portage à domicile"), "count"),
    ("deliveries.delivered", N_("Livraisons à domicile effectuées"), "count"),
    ("deliveries.absent", N_("Livraisons à domicile : personne absente"), "count"),
    ("deliveries.people", N_("Personnes livrées à domicile"), "people"),
    ("rota.shifts", N_("Créneaux du planning bénévole"), "count"),
    ("rota.shifts_filled", N_("Créneaux du planning pourvus"), "percent"),
    ("rota.gaps", N_("Créneaux du planning sans bénévole"), "count"),
    ("parcels.received", N_("Colis reçus au relais"), "count"),
    ("parcels.handed_over", N_("Colis remis"), "count"),
    ("parcels.returned", N_("Colis retournés au transporteur"), "count"),
    ("parcels.by_carrier", N_("Colis reçus par transporteur"), "count", True),
    ("cafe.sales", N_("Ventes du café (tickets)"), "count"),
    ("cafe.sales_eur", N_("Chiffre d'affaires du café"), "eur"),
    ("cafe.tabs", N_("Ardoises du café encaissées"), "count"),
    ("letters.written", N_("Courriers de l'écrivain public envoyés"), "count"),
    ("letters.answered", N_("Courriers : réponses reçues"), "count"),
    ("letters.pending", N_("Courriers en attente de réponse (fin de période)"), "count"),
    ("letters.by_operator", N_("Courriers envoyés par organisme"), "count", True),
    ("programme.events", N_("Ateliers au programme"), "count"),
    ("programme.registrations", N_("Inscriptions aux ateliers (personnes)"), "people"),
    ("programme.waiting", N_("Personnes en liste d'attente des ateliers"), "people"),
    ("programme.fill_rate", N_("Taux de remplissage des ateliers (places prises)"), "percent"),
    ("partners.total", N_("Partenaires"), "count"),
    ("partners.new", N_("Nouveaux partenaires"), "count"),
    ("jobs.fte_new", N_("Emplois créés (ETP)"), "fte"),
    ("jobs.fte_maintained", N_("Emplois maintenus (ETP)"), "fte"),
    ("volunteers.count", N_("Bénévoles"), "people"),
    ("volunteers.hours", N_("Heures de bénévolat"), "hours"),
    ("results.people_reached", N_("Personnes accompagnées distinctes"), "people"),
    (
        "results.population_served",
        N_("Population bénéficiant d'un meilleur accès aux services (R.41)"),
        "people",
    ),
    ("results.communes_served", N_("Communes du territoire desservies"), "count"),
    (
        "results.communes_unknown_population",
        N_("Communes desservies sans population connue"),
        "count",
        True,
    ),
    (
        "results.communes_outside_territory",
        N_("Communes hors du territoire desservies (hors R.41)"),
        "count",
    ),
    (
        "results.people_covered",
        N_("Personnes couvertes par des projets d'inclusion sociale (R.42)"),
        "people",
    ),
    ("results.people_covered_named", N_("R.42 : personnes inscrites distinctes"), "people"),
    ("results.people_covered_unnamed", N_("R.42 : personnes comptées sans nom"), "people"),
)

#: The report's sections in DOMAIN.md order: (key, title msgid, codes).
SECTIONS: list[tuple[str, str, list[str]]] = [
    ("opening", N_("Ouverture"), ["opening.days", "opening.hours"]),
    (
        "visits",
        N_("Fréquentation"),
        [
            "visits.people",
            "visits.total",
            "visits.by_month",
            "visits.by_service",
            "visits.by_commune",
            "visits.by_age_band",
            "visits.by_gender",
            "visits.by_status",
            "visits.by_public",
            "people.distinct",
        ],
    ),
    (
        "coworking",
        N_("Coworking"),
        [
            "coworking.bookings",
            "coworking.hours_booked",
            "coworking.hours_bookable",
            "coworking.occupancy_rate",
            "coworking.distinct_users",
            "coworking.by_public",
        ],
    ),
    (
        "health",
        N_("Santé"),
        [
            "health.permanences",
            "health.slots_offered",
            "health.slots_taken",
            "health.practitioners",
            "health.by_specialty",
        ],
    ),
    (
        "assistance",
        N_("Aide aux démarches"),
        [
            "assistance.total",
            "assistance.minutes",
            "assistance.by_operator",
            "assistance.by_theme",
            "assistance.by_type",
            "assistance.by_outcome",
            "assistance.by_duration_bucket",
            "assistance.by_orientation",
        ],
    ),
    (
        "events",
        N_("Ateliers et animations"),
        ["events.total", "events.participants", "events.hours"],
    ),
    (
        "grocery_amap",
        N_("Épicerie et AMAP"),
        [
            "grocery.sales",
            "grocery.sales_eur",
            "grocery.local_share",
            "amap.distributions",
            "amap.baskets",
            "amap.baskets_by_type",
            "amap.households",
            "amap.solidarity_baskets",
            "amap.solidarity_eur",
            "producers.total",
            "producers.local",
        ],
    ),
    (
        "proximity",
        N_("Services de proximité"),
        [
            "reminders.calls",
            "reminders.reached",
            "satisfaction.answers",
            "satisfaction.by_score",
            "satisfaction.rate",
            "deliveries.orders",
            "deliveries.delivered",
            "deliveries.absent",
            "deliveries.people",
            "rota.shifts",
            "rota.shifts_filled",
            "rota.gaps",
            "parcels.received",
            "parcels.handed_over",
            "parcels.returned",
            "parcels.by_carrier",
            "cafe.sales",
            "cafe.sales_eur",
            "cafe.tabs",
            "letters.written",
            "letters.answered",
            "letters.pending",
            "letters.by_operator",
            "programme.events",
            "programme.registrations",
            "programme.waiting",
            "programme.fill_rate",
        ],
    ),
    ("partners", N_("Partenaires"), ["partners.total", "partners.new"]),
    (
        "results",
        N_("Résultats"),
        [
            "jobs.fte_new",
            "jobs.fte_maintained",
            "volunteers.count",
            "volunteers.hours",
            "results.people_reached",
            "results.population_served",
            "results.communes_served",
            "results.communes_unknown_population",
            "results.communes_outside_territory",
            "results.people_covered",
            "results.people_covered_named",
            "results.people_covered_unnamed",
        ],
    ),
]


@dataclass(frozen=True)
class Definition:
    """How a funder's indicator is counted (title and text msgids), for the codes it covers:
    the PDF prints it under its section and in the annex, the XLSX under its section."""

    title: str
    codes: tuple[str, ...]
    text: str


#: The definitions a GAL asks for beside the figures (CAP result indicators R.37, R.41, R.42,
#: and the people reached), in report order.
DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        N_("Personnes accueillies et services rendus"),
        ("visits.people", "visits.total"),
        N_(
            "Les services rendus sont les visites comptées à chaque service (un groupe de 8 "
            "compte 8) : une personne venue au café puis à l'épicerie compte deux services. "
            "Les personnes accueillies sont les passages de la porte : la touche « une "
            "personne entre » de l'accueil compte un passage, et les services comptés au même "
            "poste dans la minute qui suit sont les siens. Une visite comptée sans passage "
            "ouvert est son propre passage, comme toute visite sans passage (réservations, "
            "ateliers, démarches, imports, visites comptées avant cette règle) : elle compte "
            "ses personnes. Un passage compte au moins autant de personnes que le plus grand "
            "groupe de ses services."
        ),
    ),
    Definition(
        N_("R.37 : emplois créés et maintenus"),
        ("jobs.fte_new", "jobs.fte_maintained"),
        N_(
            "Emplois en équivalents temps plein (ETP) selon les règles R.37 : un contrat de "
            "douze mois ou plus à temps plein compte pour 1, six mois à temps plein pour 0,5 ; "
            "les bénévoles ne sont pas comptés, les travailleurs indépendants le sont."
        ),
    ),
    Definition(
        N_("Personnes accompagnées"),
        ("results.people_reached",),
        N_(
            "Les personnes accompagnées sont les bénéficiaires identifiés de l'aide aux "
            "démarches, des ateliers et des paniers solidaires, comptés une fois chacun."
        ),
    ),
    Definition(
        N_("R.41 : population bénéficiant d'un meilleur accès aux services"),
        (
            "results.population_served",
            "results.communes_served",
            "results.communes_unknown_population",
            "results.communes_outside_territory",
        ),
        N_(
            "La somme des populations des communes du territoire servies pendant la période, "
            "une estimation : chaque commune compte une fois, toute sa population, quel que "
            "soit le nombre de ses habitants venus (une commune tenue par plusieurs lieux, "
            "même code INSEE ou même nom, compte une fois). Une commune est servie quand c'est "
            "celle d'une visite, d'une démarche ou d'une personne inscrite servie (visite, "
            "démarche, atelier, panier solidaire). Sa population est celle enregistrée pour la "
            "commune, sinon celle de la liste officielle des communes (par son code INSEE). Une "
            "commune sans population connue n'ajoute rien : elle est comptée et nommée à part. "
            "Les communes hors du territoire du lieu ne sont pas comptées."
        ),
    ),
    Definition(
        N_("R.42 : personnes couvertes par des projets d'inclusion sociale"),
        (
            "results.people_covered",
            "results.people_covered_named",
            "results.people_covered_unnamed",
        ),
        N_(
            "Les personnes inscrites servies pendant la période (visites, démarches, ateliers, "
            "paniers solidaires), chacune comptée une fois quel que soit le nombre de ses "
            "venues, plus les personnes comptées sans nom : les visites sans personne inscrite "
            "(un groupe de 8 compte 8), les accompagnants d'une personne inscrite venue en "
            "groupe et les participants sans nom des ateliers qui ne comptent pas de visites. "
            "Une démarche sans personne inscrite n'ajoute rien : sa visite est déjà comptée. "
            "Une personne venue sans être inscrite compte à chacune de ses visites (chaque "
            "service utilisé)."
        ),
    ),
)

#: Section key → its codes (for :meth:`ReportData.section`).
SECTION_CODES: dict[str, list[str]] = {key: codes for key, _title, codes in SECTIONS}

#: The duration buckets of assistance, in order (DOMAIN.md).
DURATION_BUCKETS: tuple[str, ...] = ("0-29", "30-59", "60-119", "120+")
