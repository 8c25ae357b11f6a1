"""The demo agenda's fixed lists: coworking offers and the visiting practitioners of the
territory, with their weekly permanences."""

from __future__ import annotations

from datetime import time

from tiers_lieu.models.enums import PassKind

# (name, kind, price in cents, units, validity in days)
PASS_TYPES: list[tuple[str, str, int, int, int | None]] = [
    ("Journée", PassKind.DAY, 1500, 1, 1),
    ("Demi-journée", PassKind.HALF_DAY, 800, 1, 1),
    ("Carte 10 journées", PassKind.TEN_PASS, 12000, 10, 365),
    ("Abonnement mensuel", PassKind.MONTHLY, 9000, 20, 31),
]

# The meeting room's hourly price (the other resources are not hired out: coworking is paid
# by passes), and who hires it besides the place's own association: local associations free
# of charge, companies and authorities at the hourly price. (organisation, public, titles)
ROOM_HOURLY_CENTS = 1500
ROOM_HIRERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Comité des fêtes", "Association", ("Préparation de la fête du village", "Bureau")),
    ("Club de randonnée du plateau", "Association", ("Assemblée générale", "Réunion du bureau")),
    ("Atelier Terre et Bois SCOP", "Entreprise", ("Réunion d'équipe", "Rendez-vous client")),
    ("Formations Limousin Numérique", "Entreprise", ("Formation bureautique", "Formation")),
    ("Communauté de communes", "Collectivité", ("Commission tourisme", "Réunion de service")),
]
ROOM_HIRE_SHARE = 0.55
"""Meetings of someone other than the place's association."""

# (name, profession, specialty, organisation, weekday, start, end, slot, every n weeks)
PRACTITIONERS: list[tuple[str, str, str, str, int, time, time, int, int]] = [
    (
        "Sophie Lavaud",
        "Infirmière",
        "Soins infirmiers",
        "Cabinet infirmier du plateau",
        1,
        time(9, 0),
        time(12, 0),
        20,
        1,
    ),
    (
        "Claire Dumas",
        "Assistante sociale",
        "Accès aux droits",
        "Conseil départemental de la Creuse",
        3,
        time(14, 0),
        time(17, 0),
        30,
        1,
    ),
    (
        "Hélène Tixier",
        "Sage-femme",
        "Suivi PMI",
        "PMI de la Creuse",
        0,
        time(14, 0),
        time(17, 0),
        45,
        2,
    ),
    (
        "Marc Chabrat",
        "Diététicien",
        "Nutrition",
        "Réseau santé Creuse",
        4,
        time(9, 0),
        time(12, 0),
        30,
        4,
    ),
]
