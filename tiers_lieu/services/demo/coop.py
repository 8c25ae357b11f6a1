"""What the demo's démarches and workshops say in the Coop de la médiation numérique's terms:
channel, equipment, autonomy, digital themes and the démarche's name; a workshop's level,
themes, equipment, channel and capacity (keys of :mod:`tiers_lieu.services.coop_vocabulary`).

Drawn from a generator of their own, seeded by the place and the period: the main generator's
sequence, and so every other figure of a seed, stays what it was before these fields existed.
"""

from __future__ import annotations

import random
from typing import Any

from tiers_lieu.services.coop_vocabulary import SEPARATOR, channel_for_place
from tiers_lieu.services.demo.common import DemoContext

# The démarches a desk names most, per organisme (defaults.py's list).
DEMARCHE_NAMES: dict[str, list[str]] = {
    "CAF": [
        "Déclaration trimestrielle RSA",
        "Demande de prime d'activité",
        "Aide au logement (APL)",
        "Changement de situation",
    ],
    "Assurance maladie (CPAM)": [
        "Création du compte ameli",
        "Commande de carte Vitale",
        "Complémentaire santé solidaire",
        "Attestation de droits",
    ],
    "MSA": ["Création de l'espace privé MSA", "Déclaration de ressources"],
    "Assurance retraite (CNAV/Carsat)": [
        "Demande de retraite en ligne",
        "Relevé de carrière",
        "Attestation de paiement",
    ],
    "France Travail": ["Actualisation mensuelle", "Inscription à France Travail", "CV en ligne"],
    "Impôts (DGFiP)": [
        "Déclaration de revenus",
        "Création de l'espace particulier",
        "Prélèvement à la source",
    ],
    "France Titres (ANTS)": [
        "Pré-demande de carte d'identité",
        "Permis de conduire",
        "Carte grise",
    ],
    "La Poste": ["Procuration en ligne", "Identité numérique La Poste"],
    "Justice": ["Demande de casier judiciaire", "Aide juridictionnelle"],
}
# What a démarche also taught, now and then.
EXTRA_THEMES = (
    "navigation_sur_internet",
    "email",
    "securite_numerique",
    "gere_ses_contenus_numeriques",
)
AUTONOMY = {"entierement_accompagne": 45, "partiellement_autonome": 35, "autonome": 20}
DEMARCHE_EQUIPMENT = {"ordinateur": 70, "telephone": 20, "tablette": 4, "aucun": 6}

# Workshops of demo/activity.py's EVENTS: level, digital themes, equipment (none for the
# events that are not digital mediation).
WORKSHOPS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "Atelier smartphone : premiers pas": (
        "debutant",
        ("prendre_en_main_du_materiel",),
        ("telephone",),
    ),
    "Café numérique : sécuriser ses comptes": (
        "intermediaire",
        ("securite_numerique", "email"),
        ("telephone", "ordinateur"),
    ),
    "Créer son espace sur ameli.fr": (
        "debutant",
        ("sante", "navigation_sur_internet", "aide_aux_demarches_administratives"),
        ("ordinateur",),
    ),
    "Atelier CV et lettre de motivation": (
        "intermediaire",
        ("insertion_professionnelle", "bureautique"),
        ("ordinateur",),
    ),
    "Atelier généalogie en ligne": (
        "avance",
        ("navigation_sur_internet", "gere_ses_contenus_numeriques"),
        ("ordinateur", "tablette"),
    ),
}


class CoopDraw:
    """The Coop's fields of one place's démarches and workshops."""

    def __init__(self, ctx: DemoContext) -> None:
        self.rng = random.Random(f"comptoir-demo-coop:{ctx.site_name}:{ctx.start}")
        self.places = dict(ctx.categories.get("place", []))

    def demarche(self, operator: str, place_id: Any) -> dict[str, Any]:
        rng = self.rng
        names = DEMARCHE_NAMES.get(operator)
        themes = [rng.choice(EXTRA_THEMES)] if rng.random() < 0.25 else []
        return {
            "channel": channel_for_place(self.places.get(place_id)),
            "equipment": _one(rng, DEMARCHE_EQUIPMENT),
            "autonomy": _one(rng, AUTONOMY) if rng.random() < 0.7 else None,
            "digital_themes": SEPARATOR.join(themes),
            "demarche_name": rng.choice(names) if names and rng.random() < 0.6 else "",
        }

    def workshop(self, title: str) -> dict[str, Any]:
        found = WORKSHOPS.get(title)
        if found is None:
            return {"channel": "lieu_activite", "capacity": self.rng.choice([None, 20, 30])}
        level, themes, equipment = found
        return {
            "channel": "lieu_activite",
            "capacity": self.rng.choice([8, 10, 12]),
            "workshop_level": level,
            "digital_themes": SEPARATOR.join(themes),
            "equipment": SEPARATOR.join(equipment),
        }


def _one(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
