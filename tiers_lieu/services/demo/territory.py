"""The territory of the demo: real communes of the Communauté de communes Creuse Grand Sud
(around Aubusson and Felletin, in Creuse) with their INSEE codes and populations, French
first names and surnames, and the people of the place with their memberships.

Only communes whose code and population were checked against public sources (Wikipédia's
intercommunality and canton tables, INSEE populations of 2019 or 2021) are listed, so that a
report built on the demo shows believable "population served" figures. Visitors from outside
the territory get communes without population, as a host would type them in.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import col

from tiers_lieu.models import Commune, Membership, Payment, Person
from tiers_lieu.models.enums import CategoryKind, PaymentMethod
from tiers_lieu.services.demo.common import DemoContext, PersonRef
from tiers_lieu.services.tabular import normalise

TERRITORY = "Communauté de communes Creuse Grand Sud"

# (INSEE code, name, population municipale); 2021 census, 2019 where marked.
COMMUNES: list[tuple[str, str, int]] = [
    ("23008", "Aubusson", 3108),
    ("23079", "Felletin", 1536),
    ("23257", "Vallière", 714),
    ("23024", "Blessac", 534),
    ("23077", "Faux-la-Montagne", 447),
    ("23140", "Moutier-Rozeille", 428),
    ("23090", "Gentioux-Pigerolles", 378),  # 2019
    ("23238", "Saint-Quentin-la-Chabanne", 373),
    ("23196", "Saint-Frion", 254),
    ("23144", "La Nouaille", 240),  # 2019
    ("23249", "Saint-Yrieix-la-Montagne", 221),
    ("23228", "Saint-Pardoux-le-Neuf", 203),
    ("23071", "Croze", 188),
    ("23091", "Gioux", 161),  # 2019
    ("23158", "Poussanges", 153),
    ("23003", "Alleyrat", 137),
    ("23212", "Saint-Marc-à-Loubaud", 129),  # 2019
    ("23194", "Sainte-Feyre-la-Montagne", 120),
    ("23264", "La Villedieu", 47),  # 2019
]

# Where visitors from elsewhere come from (holiday makers, family, commuters).
OUTSIDE: list[tuple[str, str]] = [
    ("23096", "Guéret"),
    ("87085", "Limoges"),
    ("63113", "Clermont-Ferrand"),
    ("75056", "Paris"),
]

FIRST_NAMES_F = [
    "Marie",
    "Jeanne",
    "Monique",
    "Françoise",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Christine",
    "Martine",
    "Sandrine",
    "Céline",
    "Aurélie",
    "Julie",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Louise",
    "Odette",
    "Simone",
    "Colette",
    "Danielle",
    "Brigitte",
    "Valérie",
    "Stéphanie",
    "Élodie",
    "Pauline",
    "Margaux",
    "Anaïs",
    "Inès",
]
FIRST_NAMES_M = [
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Jacques",
    "Bernard",
    "Alain",
    "Philippe",
    "Daniel",
    "Patrick",
    "Christophe",
    "Nicolas",
    "Laurent",
    "Sébastien",
    "Julien",
    "Thomas",
    "Maxime",
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "René",
    "Marcel",
    "Roger",
    "Gérard",
    "Claude",
    "Didier",
    "Olivier",
    "Antoine",
    "Mathieu",
    "Romain",
    "Théo",
]
SURNAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Chevalier",
    "Aubert",
    "Parrot",
    "Lavaud",
    "Chauvet",
    "Bourdeau",
    "Dumas",
    "Brunet",
    "Ribière",
    "Pradeau",
    "Boudet",
    "Tixier",
    "Lagrange",
    "Jarrige",
    "Chabrat",
    "Peyrot",
    "Sauviat",
    "Mazeaud",
    "Laporte",
    "Couturier",
    "Besse",
    "Mignaton",
    "Roby",
    "Bujadoux",
    "Auclair",
]

AGE_BANDS_BY_BIRTH = [
    (12, "<12"),
    (18, "12-17"),
    (25, "18-24"),
    (40, "25-39"),
    (60, "40-59"),
    (70, "60-69"),
    (200, "70+"),
]
STATUS_BY_BAND = {
    "<12": {"Scolarisé": 1.0},
    "12-17": {"Scolarisé": 1.0},
    "18-24": {"Scolarisé": 0.4, "En emploi": 0.35, "Sans emploi": 0.25},
    "25-39": {"En emploi": 0.7, "Sans emploi": 0.3},
    "40-59": {"En emploi": 0.72, "Sans emploi": 0.28},
    "60-69": {"En emploi": 0.3, "Retraité": 0.65, "Sans emploi": 0.05},
    "70+": {"Retraité": 1.0},
}
BIRTH_AGE_WEIGHTS = [(8, 1), (15, 2), (21, 3), (32, 8), (50, 11), (65, 9), (78, 10)]


def add_communes(ctx: DemoContext, home_insee: str | None) -> None:
    """The territory's communes (plus a few outside), weighted towards the site's own."""
    existing = ctx.existing_communes()
    rows: list[dict[str, Any]] = []
    refresh: list[dict[str, Any]] = []
    entries: list[tuple[str, str, int | None, bool]] = [
        (code, name, pop, True) for code, name, pop in COMMUNES
    ] + [(code, name, None, False) for code, name in OUTSIDE]
    for code, name, population, inside in entries:
        known = existing.get(code)
        if known is None:
            cid = ctx.uid()
            rows.append(
                {
                    "id": cid,
                    "insee_code": code,
                    "name": name,
                    "population": population,
                    "in_territory": inside,
                }
            )
        else:
            cid = known[0]
            if known[1] is None and population is not None:
                refresh.append({"cid": cid, "pop": population})
        weight = float(population or 120)
        if code == home_insee:
            ctx.home_commune_id = cid
            weight *= 5
        elif not inside:
            weight = 60.0
        ctx.communes.append(cid)
        ctx.commune_weights.append(weight)
    listed = {code for code, _n, _p, _i in entries}
    for code, (cid, population) in sorted(existing.items()):
        if code not in listed:  # a commune the site typed in before the demo
            ctx.communes.append(cid)
            weight = float(population or 300)
            if code == home_insee:
                ctx.home_commune_id = cid
                weight *= 5
            ctx.commune_weights.append(weight)
    ctx.insert(Commune, rows)
    if refresh:
        statement = (
            update(Commune)
            .where(col(Commune.id) == bindparam("cid"))
            .values(population=bindparam("pop"), in_territory=True)
        )
        ctx.conn.execute(statement, refresh)


def _band_label(age: int) -> str:
    for limit, label in AGE_BANDS_BY_BIRTH:
        if age < limit:
            return label
    return "70+"


def add_people(ctx: DemoContext) -> None:
    """People known by name: users, members, coworkers, AMAP households, volunteers."""
    rng = ctx.rng
    scale = ctx.scale
    rows: list[dict[str, Any]] = []
    span = max(1, (ctx.today - ctx.start).days)
    special = (
        ["coworker"] * scale.coworkers
        + ["amap"] * scale.amap_households
        + ["volunteer"] * scale.volunteers
    )
    ages, age_weights = zip(*BIRTH_AGE_WEIGHTS, strict=True)
    for index in range(scale.people):
        female = rng.random() < 0.54
        first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
        last = rng.choice(SURNAMES)
        kinds = ["usager"]
        if index < len(special):
            kinds.append(special[index])
        if rng.random() < 0.35 or "volunteer" in kinds:
            kinds.append("adherent")
        age = rng.choices(ages, age_weights)[0] + rng.randint(-5, 5)
        if "coworker" in kinds:
            age = rng.randint(25, 55)
        age = max(4, age)
        band = _band_label(age)
        status = rng.choices(*zip(*STATUS_BY_BAND[band].items(), strict=True))[0]
        # Most people are already known before the period; a share join during it.
        since = (
            ctx.start - timedelta(days=rng.randint(30, 900))
            if rng.random() < 0.6
            else ctx.start + timedelta(days=rng.randint(0, span))
        )
        consent = rng.random() < 0.92
        commune_id = ctx.pick_commune() if rng.random() < 0.97 else None
        ref = PersonRef(
            id=ctx.uid(),
            first_name=first,
            last_name=last,
            commune_id=commune_id,
            age_band_id=ctx.category(CategoryKind.AGE_BAND, band),
            gender_id=ctx.category(CategoryKind.GENDER, "Féminin" if female else "Masculin"),
            status_id=ctx.category(CategoryKind.STATUS, status),
            kinds=tuple(kinds),
            since=since,
        )
        ctx.people.append(ref)
        # An address has no accent: « Anaïs Auclair » writes anais.auclair.
        slug = normalise(f"{first}.{last}").replace("_", "")
        stamp = ctx.at(since, time(10, rng.randint(0, 59)))
        rows.append(
            {
                "id": ref.id,
                "created_at": stamp,
                "first_name": first,
                "last_name": last,
                "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}"
                if rng.random() < 0.7
                else "",
                "email": f"{slug}{rng.randint(1, 99)}@example.org" if rng.random() < 0.5 else "",
                "commune_id": commune_id,
                "birth_year": ctx.today.year - age if rng.random() < 0.6 else None,
                "age_band_id": ref.age_band_id,
                "gender_id": ref.gender_id,
                "status_id": ref.status_id,
                "kinds": ",".join(kinds),
                "consent_given_at": stamp if consent else None,
                "consent_scope": "Fiche contact et suivi des services" if consent else "",
                "consent_withdrawn_at": (
                    stamp + timedelta(days=200) if consent and rng.random() < 0.02 else None
                ),
            }
        )
    ctx.insert(Person, rows)


def add_memberships(ctx: DemoContext) -> None:
    """Calendar-year memberships of the association, paid at the desk."""
    rng = ctx.rng
    memberships: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    for person in ctx.people_of("adherent"):
        for year in range(ctx.start.year, ctx.today.year + 1):
            first_day = max(date(year, 1, 1), person.since, ctx.start - timedelta(days=365))
            if first_day > ctx.today or first_day.year != year:
                continue
            if year < ctx.today.year and rng.random() < 0.15:
                continue  # did not renew that year
            joined = first_day + timedelta(days=rng.randint(0, 40))
            if joined > ctx.today or joined.year != year:
                joined = first_day
            fee = rng.choice([1000, 1000, 1000, 500, 2000])
            mid = ctx.uid()
            stamp = ctx.at(joined, time(rng.randint(9, 17), rng.randint(0, 59)))
            memberships.append(
                {
                    "id": mid,
                    "created_at": stamp,
                    "person_id": person.id,
                    "start_date": date(year, 1, 1),
                    "end_date": date(year, 12, 31),
                    "fee_cents": fee,
                }
            )
            method = rng.choices(
                [
                    PaymentMethod.CASH,
                    PaymentMethod.CHEQUE,
                    PaymentMethod.CARD,
                    PaymentMethod.TRANSFER,
                ],
                [4, 4, 2, 1],
            )[0]
            payments.append(
                {
                    "created_at": stamp,
                    "amount_cents": fee,
                    "method": method,
                    "paid_on": joined,
                    "membership_id": mid,
                    "reference": f"Adhésion {year}",
                }
            )
            ctx.touch(person.id, min(joined, ctx.today))
    ctx.insert(Membership, memberships)
    ctx.insert(Payment, payments)


def finish_people(ctx: DemoContext) -> None:
    """Record each person's latest activity, which the retention policy counts from."""
    changes = [{"pid": pid, "day": day} for pid, day in ctx.last_activity.items()]
    if changes:
        statement = (
            update(Person)
            .where(col(Person.id) == bindparam("pid"))
            .values(last_activity_on=bindparam("day"))
        )
        ctx.conn.execute(statement, changes)
