"""The administrative assistance of the demo (France Services): démarche records with the
organisme, theme, kind of help, outcome and follow-up a real desk would enter, each with the
visit it came with, drawn in the same rhythms as the desk's visits (:mod:`.activity`).
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from tiers_lieu.models import AssistanceRecord, Visit
from tiers_lieu.models.enums import CategoryKind, ServiceKind, VisitSource
from tiers_lieu.services.demo.activity import (
    AGE_WEIGHT,
    GENDER_WEIGHT,
    MONTH_FACTOR,
    STATUS_WEIGHT,
    Clock,
)
from tiers_lieu.services.demo.common import DemoContext, poisson
from tiers_lieu.services.demo.coop import CoopDraw
from tiers_lieu.services.demo.footfall import public_of
from tiers_lieu.services.demo.letters import LetterDraw

OPERATOR_THEMES = {
    "CAF": ["Famille - Scolarité", "Logement", "Social - Santé"],
    "Assurance maladie (CPAM)": ["Social - Santé"],
    "MSA": ["Social - Santé", "Famille - Scolarité"],
    "Assurance retraite (CNAV/Carsat)": ["Argent - Impôts", "Social - Santé"],
    "France Travail": ["Travail - Formation"],
    "Impôts (DGFiP)": ["Argent - Impôts", "Logement"],
    "France Titres (ANTS)": ["Papiers - Élections - Citoyenneté", "Transports - Mobilité"],
    "La Poste": ["Papiers - Élections - Citoyenneté"],
    "Justice": ["Justice"],
}
OPERATOR_WEIGHT = {
    "CAF": 18,
    "Assurance maladie (CPAM)": 16,
    "MSA": 6,
    "Assurance retraite (CNAV/Carsat)": 12,
    "France Travail": 10,
    "Impôts (DGFiP)": 14,
    "France Titres (ANTS)": 14,
    "La Poste": 3,
    "Justice": 2,
    "Autre": 5,
}
HELP_WEIGHT = {
    "Information / orientation": 25,
    "Aide à une démarche en ligne": 40,
    "Accompagnement numérique": 18,
    "Mise en relation avec l'organisme": 10,
    "Écrivain public (courrier)": 7,
}
OUTCOME_WEIGHT = {
    "Finalisée": 55,
    "À finaliser en autonomie": 14,
    "Doit revenir": 16,
    "Orientée": 15,
}
PLACE_WEIGHT = {"Sur place": 85, "À domicile": 4, "À distance": 8, "Permanence extérieure": 3}
FOLLOW_UP = ("doit revenir", "à finaliser en autonomie")
DURATIONS = [5, 10, 15, 15, 30, 30, 30, 45, 45, 60, 90, 120]


def add_assistance(ctx: DemoContext) -> None:
    """France Services records, each with the visit it came with; follow-ups when due."""
    rng = ctx.rng
    needed = (
        CategoryKind.OPERATOR,
        CategoryKind.THEME,
        CategoryKind.HELP_TYPE,
        CategoryKind.OUTCOME,
    )
    if any(not ctx.categories.get(kind) for kind in needed):
        return
    service = ctx.services.get(ServiceKind.ASSISTANCE) or ctx.services.get(ServiceKind.WELCOME)
    clock = Clock(ctx)
    finalised = ctx.category(CategoryKind.OUTCOME, "Finalisée")
    records: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []
    users = [p for p in ctx.people if "coworker" not in p.kinds]
    coop = CoopDraw(ctx)
    letters = LetterDraw(ctx)
    particulier = public_of(ctx, "Particulier")
    for day in ctx.open_days:
        if day.weekday() >= 5:
            continue
        for _ in range(poisson(rng, ctx.scale.assistance_per_day * MONTH_FACTOR[day.month])):
            moment = clock.draw(ctx, day.weekday()) or time(10, 0)
            operator = ctx.pick_category(CategoryKind.OPERATOR, OPERATOR_WEIGHT)
            operator_label = next(
                lb for cid, lb in ctx.categories[CategoryKind.OPERATOR] if cid == operator
            )
            themes = OPERATOR_THEMES.get(operator_label)
            theme = (
                ctx.category(CategoryKind.THEME, rng.choice(themes)) if themes else None
            ) or ctx.pick_category(CategoryKind.THEME)
            outcome = ctx.pick_category(CategoryKind.OUTCOME, OUTCOME_WEIGHT)
            outcome_label = next(
                lb for cid, lb in ctx.categories[CategoryKind.OUTCOME] if cid == outcome
            ).casefold()
            orientation = (
                ctx.pick_category(CategoryKind.ORIENTATION) if outcome_label == "orientée" else None
            )
            due = closed = follow = None
            if outcome_label in FOLLOW_UP:
                due = day + timedelta(days=rng.randint(5, 21))
                if due < ctx.today and rng.random() < 0.75:
                    closed = ctx.at(due, time(11, 0))
                    follow = finalised
            person = rng.choice(users) if users and rng.random() < 0.5 else None
            if person is not None and person.since > day:
                person = None
            if person is not None:
                ctx.touch(person.id, day)
                commune, age, gender, status = (
                    person.commune_id,
                    person.age_band_id,
                    person.gender_id,
                    person.status_id,
                )
            else:
                commune = ctx.pick_commune() if rng.random() < 0.7 else None
                age = ctx.pick_category(CategoryKind.AGE_BAND, AGE_WEIGHT, 0.6)
                gender = ctx.pick_category(CategoryKind.GENDER, GENDER_WEIGHT, 0.6)
                status = ctx.pick_category(CategoryKind.STATUS, STATUS_WEIGHT, 0.4)
            stamp = ctx.at(day, moment)
            visit_id = None
            if service is not None:
                visit_id = ctx.uid()
                visits.append(
                    {
                        "id": visit_id,
                        "created_at": stamp,
                        "service_id": service,
                        "activity_date": day,
                        "activity_time": moment,
                        "count": 1,
                        "commune_id": commune,
                        "age_band_id": age,
                        "gender_id": gender,
                        "status_id": status,
                        "person_id": person.id if person else None,
                        "event_id": None,
                        "booking_id": None,
                        "source": VisitSource.ASSISTANCE,
                        "public_id": particulier,
                    }
                )
            record = {
                "created_at": stamp,
                "activity_date": day,
                "activity_time": moment,
                "operator_id": operator,
                "theme_id": theme,
                "help_type_id": ctx.pick_category(CategoryKind.HELP_TYPE, HELP_WEIGHT),
                "duration_min": rng.choice(DURATIONS),
                "place_id": ctx.pick_category(CategoryKind.PLACE, PLACE_WEIGHT, 0.95),
                "outcome_id": outcome,
                "orientation_id": orientation,
                "person_id": person.id if person else None,
                "commune_id": commune,
                "age_band_id": age,
                "gender_id": gender,
                "status_id": status,
                "follow_up_due": due,
                "follow_up_closed_at": closed,
                "follow_up_outcome_id": follow,
                "visit_id": visit_id,
                "source": VisitSource.DEMO,
            }
            # Drawn after the record's other fields: their draws stay in the same order.
            record.update(coop.demarche(operator_label, record["place_id"]))
            record.update(letters.letter(record))  # no draw: the stream stays the same
            records.append(record)
    ctx.insert(Visit, visits)
    ctx.insert(AssistanceRecord, records)
