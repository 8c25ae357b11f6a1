"""What the coordinator keeps rather than the desk: closures, partners, jobs, volunteering and
the LEADER operation with its payment claim.

Closures come first because every dated generator asks the calendar whether the place was
open; the others feed the "partenaires" and "résultats" sections of the activity report.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from tiers_lieu.models import Closure, Job, Operation, Partner, PaymentClaim, VolunteerTime
from tiers_lieu.models.enums import ContractType
from tiers_lieu.services.demo.common import DemoContext

PARTNERS: list[tuple[str, str, bool]] = [
    ("Caisse d'allocations familiales de la Creuse", "Opérateur France Services", True),
    ("CPAM de la Creuse", "Opérateur France Services", True),
    ("MSA du Limousin", "Opérateur France Services", True),
    ("Carsat Centre-Ouest", "Opérateur France Services", True),
    ("France Travail Aubusson", "Opérateur France Services", True),
    ("Centre des finances publiques d'Aubusson", "Opérateur France Services", True),
    ("Communauté de communes Creuse Grand Sud", "Collectivité", False),
    ("Conseil départemental de la Creuse", "Collectivité", False),
    ("Mairie", "Collectivité", False),
    ("Secours populaire, antenne d'Aubusson", "Association", False),
    ("Radio Vassivière", "Association", False),
    ("Médiathèque intercommunale", "Équipement culturel", False),
    ("Lycée des métiers du bâtiment de Felletin", "Établissement scolaire", False),
    ("Cité internationale de la tapisserie", "Équipement culturel", False),
]

# The operation's description on its poster and notice (aims, then results expected).
DEMO_DESCRIPTION = (
    "Le tiers-lieu ouvre un accueil de proximité où les habitants trouvent au même endroit "
    "un espace France Services, des ateliers numériques, une épicerie de produits locaux et "
    "un espace de travail partagé.\n"
    "Objectifs : rapprocher les services publics des habitants des communes rurales, "
    "accompagner chacun vers l'autonomie numérique et soutenir les producteurs du "
    "territoire par les circuits courts.\n"
    "Résultats attendus : un lieu ouvert cinq jours sur sept, des démarches administratives "
    "accompagnées chaque semaine, des ateliers collectifs réguliers et des emplois créés "
    "sur place."
)

VOLUNTEER_ACTIVITIES = [
    "Accueil",
    "Épicerie",
    "Distribution AMAP",
    "Café associatif",
    "Atelier réparation",
    "Aide aux ateliers numériques",
]


def add_closures(ctx: DemoContext) -> None:
    """Summer break, the end-of-year fortnight and a few single days, over the period."""
    rng = ctx.rng
    rows: list[dict[str, Any]] = []
    for year in range(ctx.start.year - 1, ctx.today.year + 1):
        summer_start = date(year, 8, 4) + timedelta(days=rng.randint(0, 7))
        periods = [
            (summer_start, summer_start + timedelta(days=13), "Congés d'été de l'équipe"),
            (date(year, 12, 24), date(year + 1, 1, 1), "Fermeture de fin d'année"),
        ]
        for month in (3, 6, 10):
            day = date(year, month, rng.randint(3, 25))
            reason = rng.choice(
                [
                    "Inventaire de l'épicerie",
                    "Formation de l'équipe",
                    "Travaux d'électricité",
                    "Journée des tiers-lieux",
                ]
            )
            periods.append((day, day, reason))
        for first, last, reason in periods:
            if last < ctx.start or first > ctx.today + timedelta(days=60):
                continue
            rows.append(
                {
                    "start_date": first,
                    "end_date": last,
                    "reason": reason,
                    "created_at": ctx.at(first - timedelta(days=20), time(11, 0)),
                }
            )
    ctx.insert(Closure, rows)


def add_partners(ctx: DemoContext) -> None:
    rng = ctx.rng
    span = max(1, (ctx.today - ctx.start).days)
    rows: list[dict[str, Any]] = []
    for name, kind, operator in PARTNERS:
        if rng.random() < 0.2:
            continue
        new = rng.random() < 0.3
        started = (
            ctx.start + timedelta(days=rng.randint(0, span))
            if new
            else ctx.start - timedelta(days=rng.randint(60, 1500))
        )
        pid = ctx.uid()
        ctx.partners.append(pid)
        rows.append(
            {
                "id": pid,
                "created_at": ctx.at(min(started, ctx.today), time(10, 0)),
                "name": name,
                "kind": kind,
                "started_on": started,
                "ended_on": None,
                "contact": " ".join(
                    (rng.choice(["Mme", "M."]), rng.choice(["Lavaud", "Chauvet", "Besse"]))
                ),
                "is_france_services_operator": operator,
            }
        )
    ctx.insert(Partner, rows)


def add_jobs(ctx: DemoContext) -> None:
    """The team: a long-standing coordinator, new posts created during the operation."""
    rng = ctx.rng
    span = max(1, (ctx.today - ctx.start).days)

    def during() -> date:
        return ctx.start + timedelta(days=rng.randint(0, max(1, span // 2)))

    posts: list[tuple[str, str, date, date | None, int, bool]] = [
        (
            "Coordinatrice du tiers-lieu",
            ContractType.CDI,
            ctx.start - timedelta(days=rng.randint(400, 1500)),
            None,
            100,
            False,
        ),
        ("Agent France Services", ContractType.CDI, during(), None, 80, True),
    ]
    start = during()
    posts.append(
        ("Conseiller numérique", ContractType.CDD, start, start + timedelta(days=730), 100, True)
    )
    start = during()
    posts.append(
        (
            "Volontaire en service civique (accueil)",
            ContractType.CIVIC_SERVICE,
            start,
            start + timedelta(days=240),
            69,
            True,
        )
    )
    if ctx.scale.months >= 12:
        start = during()
        posts.append(
            (
                "Apprentie vendeuse épicerie",
                ContractType.APPRENTICESHIP,
                start,
                start + timedelta(days=365),
                100,
                True,
            )
        )
    rows = [
        {
            "created_at": ctx.at(min(first, ctx.today), time(9, 0)),
            "post": post,
            "contract_type": contract,
            "start_date": first,
            "end_date": last,
            "working_time_percent": percent,
            "is_new": new,
            "person_id": None,
        }
        for post, contract, first, last, percent, new in posts
    ]
    ctx.insert(Job, rows)


def add_volunteering(ctx: DemoContext) -> None:
    """A few hours a week per volunteer, on days the place is open."""
    rng = ctx.rng
    rows: list[dict[str, Any]] = []
    volunteers = ctx.people_of("volunteer")
    for day in ctx.open_days:
        for person in volunteers:
            if rng.random() >= 0.22 or day < person.since:
                continue
            minutes = rng.choice([60, 90, 120, 150, 180, 240])
            rows.append(
                {
                    "created_at": ctx.at(day, time(18, 0)),
                    "person_id": person.id,
                    "on_date": day,
                    "minutes": minutes,
                    "activity": rng.choice(VOLUNTEER_ACTIVITIES),
                }
            )
            ctx.touch(person.id, day)
    ctx.insert(VolunteerTime, rows)


def add_operation(ctx: DemoContext) -> None:
    """The LEADER file the activity report is written for, and its payment claims."""
    op_start = date(ctx.start.year, ctx.start.month, 1)
    op_end = date(op_start.year + 3, op_start.month, 1) - timedelta(days=1)
    oid = ctx.uid()
    ctx.insert(
        Operation,
        [
            {
                "id": oid,
                "created_at": ctx.at(ctx.start, time(9, 30)),
                "title": f"{ctx.site_name} : accueil, services au public et circuits courts",
                "file_number": f"LEADER-NA-23-{op_start.year}-{ctx.rng.randint(100, 999)}",
                "gal_name": "GAL Sud Creusois",
                "region": "Nouvelle-Aquitaine",
                "cofunders": "Région Nouvelle-Aquitaine ; Département de la Creuse ; "
                "Communauté de communes Creuse Grand Sud",
                "start_date": op_start,
                "end_date": op_end,
                "description": DEMO_DESCRIPTION,
            }
        ],
    )
    claims: list[dict[str, Any]] = []
    period_start = op_start
    number = 1
    # A claim per completed half-year, at least one covering what is already done.
    while True:
        period_end = _months_after(period_start, 6) - timedelta(days=1)
        if period_end > ctx.today:
            if not claims:
                claims.append(_claim(ctx, oid, number, period_start, ctx.today))
            break
        claims.append(_claim(ctx, oid, number, period_start, period_end))
        period_start = period_end + timedelta(days=1)
        number += 1
    ctx.insert(PaymentClaim, claims)


def _months_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _claim(ctx: DemoContext, oid: Any, number: int, first: date, last: date) -> dict[str, Any]:
    return {
        "created_at": ctx.at(last, time(16, 0)),
        "operation_id": oid,
        "number": f"DP{number}",
        "period_start": first,
        "period_end": last,
    }
