"""The lists a new site starts with, as DOMAIN.md gives them.

Labels are data (stored in the site's rows, then editable by the coordinator), so they are
kept in French here as the public systems spell them (France Services, national
digital-mediation reporting); they are not run through gettext.
"""

from __future__ import annotations

from datetime import time

from tiers_lieu.models.enums import CategoryKind, ServiceKind

UNKNOWN = "Non communiqué"

DEFAULT_SERVICES: list[tuple[str, ServiceKind]] = [
    ("Accueil / information", ServiceKind.WELCOME),
    ("Coworking", ServiceKind.COWORKING),
    ("Santé", ServiceKind.HEALTH),
    ("Aide aux démarches", ServiceKind.ASSISTANCE),
    ("Médiation numérique", ServiceKind.DIGITAL),
    ("Épicerie", ServiceKind.GROCERY),
    ("AMAP", ServiceKind.AMAP),
    ("Café / convivialité", ServiceKind.CAFE),
    ("Atelier / animation", ServiceKind.WORKSHOP),
    ("Relais colis / poste", ServiceKind.PARCEL),
    ("Écrivain public", ServiceKind.PUBLIC_WRITER),
    ("Autre", ServiceKind.OTHER),
]

DEFAULT_CATEGORIES: dict[CategoryKind, list[str]] = {
    CategoryKind.AGE_BAND: ["<12", "12-17", "18-24", "25-39", "40-59", "60-69", "70+"],
    CategoryKind.GENDER: ["Féminin", "Masculin"],
    CategoryKind.STATUS: ["Scolarisé", "En emploi", "Sans emploi", "Retraité"],
    CategoryKind.OPERATOR: [
        "CAF",
        "Assurance maladie (CPAM)",
        "MSA",
        "Assurance retraite (CNAV/Carsat)",
        "France Travail",
        "Impôts (DGFiP)",
        "France Titres (ANTS)",
        "La Poste",
        "Justice",
        "Autre",
    ],
    CategoryKind.THEME: [
        "Papiers - Élections - Citoyenneté",
        "Famille - Scolarité",
        "Social - Santé",
        "Travail - Formation",
        "Logement",
        "Transports - Mobilité",
        "Argent - Impôts",
        "Justice",
        "Étrangers - Europe",
        "Loisirs - Sports - Culture",
        "Associations",
    ],
    CategoryKind.HELP_TYPE: [
        "Information / orientation",
        "Aide à une démarche en ligne",
        "Accompagnement numérique",
        "Mise en relation avec l'organisme",
        "Écrivain public (courrier)",
    ],
    CategoryKind.OUTCOME: ["Finalisée", "À finaliser en autonomie", "Doit revenir", "Orientée"],
    CategoryKind.ORIENTATION: [
        "Organisme en charge",
        "Autre structure d'aide aux démarches",
        "Administration (mairie, préfecture)",
        "Structure de médiation numérique",
        "Aide sociale (CCAS, assistante sociale)",
        "Insertion professionnelle",
        "Autre",
    ],
    CategoryKind.PLACE: ["Sur place", "À domicile", "À distance", "Permanence extérieure"],
    CategoryKind.EVENT_TYPE: [
        "Atelier numérique",
        "Animation",
        "Réunion",
        "Conférence / projection",
        "Formation",
        "Autre",
    ],
    CategoryKind.PUBLIC: ["Particulier", "Entreprise", "Association", "Collectivité", "Patient"],
}

DURATION_PRESETS_MIN = [5, 10, 15, 30, 45, 60, 90, 120]

# Monday to Friday 9:00-12:30 and 14:00-18:00, Saturday morning; a site adjusts them.
DEFAULT_OPENING_HOURS: dict[int, list[tuple[time, time]]] = {
    **{day: [(time(9, 0), time(12, 30)), (time(14, 0), time(18, 0))] for day in range(5)},
    5: [(time(9, 0), time(12, 0))],
}
