"""The demo places' public cards (national listing of digital-inclusion places): an address
when the place has none, a SIRET that passes the checksum, a telephone number of the range
ARCEP keeps for fiction (05 36 49 …), e-mails and web sites under ``example.org``, the
coordinates of the village, the services a rural tiers-lieu offers.

A place that already has a card keeps it. Written with the other rows of the place (one
transaction), through the bulk writer, last, with random numbers of its own: the rest of the
demo is the same with or without it.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import time, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from tiers_lieu.models import Site, SiteSetting
from tiers_lieu.services.demo.common import DemoContext, uuid4_of
from tiers_lieu.services.public_card import SETTING_KEY, PublicCard, check_card
from tiers_lieu.services.public_card_checks import luhn_ok

# INSEE code → (street address, postal code, latitude, longitude) of the demo places.
PLACES: dict[str, tuple[str, str, str, str]] = {
    "23079": ("4 place Quinault", "23500", "45.8833", "2.1744"),
    "23008": ("12 rue Vieille", "23200", "45.9564", "2.1683"),
    "23090": ("Le bourg", "23340", "45.7806", "1.9947"),
    "23077": ("2 rue du Lac", "23340", "45.7489", "1.9339"),
    "23257": ("1 place de l'Église", "23120", "45.9017", "2.0369"),
    "23024": ("7 route d'Aubusson", "23200", "45.9458", "2.1111"),
    "23140": ("3 rue de la Rozeille", "23200", "45.9181", "2.1986"),
    "23238": ("La Chabanne", "23500", "45.8617", "2.1578"),
    "23196": ("Le bourg", "23500", "45.8822", "2.0742"),
    "23071": ("Place du Préau", "23500", "45.8175", "2.1233"),
}


def _slug(name: str) -> str:
    bare = unicodedata.normalize("NFKD", name.casefold())
    words = re.sub(r"[^a-z0-9]+", "-", "".join(c for c in bare if c.isascii())).strip("-")
    return re.sub(r"^(le|la|les|l)-", "", words)[:40]


def demo_siret(digits13: str) -> str:
    return next(digits13 + d for d in "0123456789" if luhn_ok(digits13 + d))


def add_public_card(ctx: DemoContext, insee_code: str | None) -> None:
    """The place's card (and its address, when it has none), unless it has a card."""
    already = ctx.conn.execute(
        select(SiteSetting.id).where(
            SiteSetting.site_id == ctx.site_id, SiteSetting.key == SETTING_KEY
        )
    ).first()
    if already is not None:
        return
    # Its own random numbers: the place's other data stay what they were without a card.
    rng = random.Random(f"comptoir-demo-card:{ctx.site_name}:{ctx.today.isoformat()}")
    address, postal, latitude, longitude = PLACES.get(insee_code or "", ("", "", "", ""))
    if address:
        ctx.conn.execute(
            update(Site)
            .where(col(Site.id) == ctx.site_id, col(Site.address) == "")
            .values(address=address, updated_at=Site.updated_at)
        )
    slug = _slug(ctx.site_name) or "tiers-lieu"
    siren = str(rng.randint(80, 99)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    siret = demo_siret(siren + f"{rng.randint(1, 99):04d}")
    france_services = rng.random() < 0.6
    offer = "un espace France Services, " if france_services else ""
    card = PublicCard(
        pivot=siret,
        telephone=f"05 36 49 {rng.randint(10, 99)} {rng.randint(10, 99)}",
        courriels=(f"contact@{slug}.example.org",),
        site_web=(f"https://{slug}.example.org/",),
        code_postal=postal,
        latitude=latitude,
        longitude=longitude,
        presentation_resume=(
            f"{ctx.site_name} : tiers-lieu associatif avec {offer}des ateliers numériques "
            "et un accès libre à internet."
        ),
        presentation_detail=(
            "Accueil sans rendez-vous aux heures d'ouverture pour les démarches en ligne "
            "(CAF, impôts, ANTS, France Travail) et l'usage d'un ordinateur. Ateliers "
            "collectifs chaque semaine : découverte de la tablette, sécurité sur internet, "
            "photos et vidéos. Rendez-vous individuels avec la conseillère numérique."
        ),
        typologie=("TIERS_LIEUX", "ASSO"),
        itinerance=("Fixe",),
        services=(
            "Aide aux démarches administratives",
            "Maîtrise des outils numériques du quotidien",
            "Utilisation sécurisée du numérique",
            "Loisirs et créations numériques",
            "Accès internet et matériel informatique",
        ),
        publics_specifiquement_adresses=("Seniors",) if rng.random() < 0.5 else (),
        prise_en_charge_specifique=("Illettrisme", "Handicaps moteurs"),
        frais_a_charge=("Gratuit",),
        dispositif_programmes_nationaux=(
            ("France Services", "Conseillers numériques")
            if france_services
            else ("Conseillers numériques",)
        ),
        modalites_acces=("Se présenter", "Téléphoner", "Contacter par mail"),
        modalites_accompagnement=(
            "En autonomie",
            "Accompagnement individuel",
            "Dans un atelier collectif",
        ),
        structure_parente="Réseau des tiers-lieux de la Creuse",
    )
    saved = ctx.at(ctx.today - timedelta(days=rng.randint(10, 60)), time(10, 30))
    ctx.insert(
        SiteSetting,
        [
            {
                "id": uuid4_of(rng.getrandbits(128)),
                "key": SETTING_KEY,
                "value": check_card(card).to_json(),
                "created_at": saved,
                "updated_at": saved,
            }
        ],
    )
