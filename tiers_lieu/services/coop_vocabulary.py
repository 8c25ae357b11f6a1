"""The Coop de la médiation numérique's value lists: key → the Coop's exact label.

The Coop (``inclusion-numerique/coop-mediation-numerique``) records an accompaniment or a
workshop with lists of its own: the channel (« Canaux d'accompagnement »), the digital
equipment used, the person's autonomy, the workshop's level, the 19 digital themes, the 11
themes of an administrative procedure, the 7 structures a person is redirected to, and the
beneficiary's gender, age band and status. Its export writes their labels, character for
character (typographic apostrophes included); the labels here are copied from its files under
``apps/web/src/features/activites/use-cases/cra/`` and ``features/beneficiaire/domain/``
(``tests/data/coop-mediation-numerique/labels.json`` names the commit and a test compares).

The keys are the Coop's own API values (``lieu_activite``, ``entierement_accompagne``…), so
that they mean something outside Comptoir; they are what ``assistance_record`` and ``event``
store (several keys joined by ``;``). Labels are data in the Coop's spelling, not gettext.

Our own lists (``defaults.py``: thèmes, orientations, tranches d'âge, genres, statuts, lieux)
are category rows a place may rename or extend. The mapping functions below translate a
label of ours into the Coop's: the defaults map one to one; a label a place renamed or added
falls back to the Coop's « Non communiqué » (or « Autre » where the Coop has it), never to a
value the register does not say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import N_, _
from tiers_lieu.services.tabular import normalise

SEPARATOR = ";"
"""Between several keys in one column (``equipment``, ``digital_themes``)."""

#: The Coop's repository and the commit its labels were copied from.
SOURCE_REPOSITORY = "inclusion-numerique/coop-mediation-numerique"
SOURCE_COMMIT = "46aa33bdf21c42c2d5bbb2913f5c453cca5a9542"


@dataclass(frozen=True)
class Vocabulary:
    """One of the Coop's lists: its keys in the Coop's order, each with its label.

    ``name`` is the French name of the form's field (a message id), used in refusals;
    ``stars`` the rank the Coop's export writes as « n/3 » (autonomy, workshop level)."""

    name: str
    labels: Mapping[str, str]
    stars: Mapping[str, int] = field(default_factory=dict)

    def keys(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, key: str) -> str:
        return self.labels[key]

    def rank(self, key: str) -> str:
        """The Coop's « 2/3 » for ``key`` (autonomy and workshop level)."""
        return f"{self.stars[key]}/{len(self.stars)}"

    def check(self, key: str | None) -> str | None:
        """``key`` if it is one of the list's (``None`` or empty: not given), else a
        refusal naming the field."""
        if key is None or key == "":
            return None
        if key not in self.labels:
            raise ValidationError(
                _(self.name), _("« {value} » n'est pas dans la liste").format(value=key)
            )
        return key

    def check_many(self, keys: Iterable[str]) -> tuple[str, ...]:
        """The keys given, each checked, without repeats, in the list's order."""
        wanted = {k for k in keys if k}
        for key in wanted:
            self.check(key)
        return tuple(k for k in self.labels if k in wanted)

    def join(self, keys: Iterable[str]) -> str:
        """Checked keys as one column's value (``ordinateur;telephone``)."""
        return SEPARATOR.join(self.check_many(keys))

    def split(self, stored: str | None) -> tuple[str, ...]:
        """A column's value back as keys; a key this version does not know is left out."""
        if not stored:
            return ()
        parts = set(stored.split(SEPARATOR))
        return tuple(k for k in self.labels if k in parts)

    def find(self, text: str) -> str | None:
        """The key whose label ``text`` designates (case and accents ignored): the exact
        label, else the only one starting with it, else the only one containing it."""
        wanted = normalise(text)
        if not wanted:
            return None
        keys = {key: normalise(label) for key, label in self.labels.items()}
        for matches in (
            lambda k: k == wanted,
            lambda k: k.startswith(wanted),
            lambda k: wanted in k,
        ):
            found = [key for key, label in keys.items() if matches(label)]
            if found:
                return found[0]
        return None


# -- the lists -------------------------------------------------------------------------------
# cra/fields/type-activite.ts
INDIVIDUAL = "Accompagnement individuel"
COLLECTIVE = "Atelier collectif"

# cra/fields/type-lieu.ts
CHANNELS = Vocabulary(
    N_("Canal"),
    {
        "lieu_activite": "Lieu d’activité",
        "autre": "Autre lieu",
        "domicile": "À domicile",
        "a_distance": "À distance",
    },
)

# cra/fields/materiel.ts
EQUIPMENT = Vocabulary(
    N_("Matériel"),
    {
        "ordinateur": "Ordinateur",
        "telephone": "Téléphone",
        "tablette": "Tablette",
        "autre": "Autre",
        "aucun": "Pas de matériel",
    },
)

# cra/individuel/fields/autonomie.ts
AUTONOMY = Vocabulary(
    N_("Autonomie"),
    {
        "entierement_accompagne": "Avec guidage",
        "partiellement_autonome": "Autonome avec guidage en cas de besoin",
        "autonome": "Autonome",
    },
    {"entierement_accompagne": 1, "partiellement_autonome": 2, "autonome": 3},
)

# cra/collectif/fields/niveau-atelier.ts
WORKSHOP_LEVELS = Vocabulary(
    N_("Niveau"),
    {"debutant": "Débutant", "intermediaire": "Intermédiaire", "avance": "Avancé"},
    {"debutant": 1, "intermediaire": 2, "avance": 3},
)

# cra/fields/thematique.ts, thematiquesNonAdministrativesLabels (the 19 digital themes)
DIGITAL_THEMES = Vocabulary(
    N_("Thématiques numériques"),
    {
        "diagnostic_numerique": "Diagnostic numérique",
        "prendre_en_main_du_materiel": "Prendre en main du matériel",
        "maintenance_de_materiel": "Maintenance de matériel",
        "gere_ses_contenus_numeriques": "Gérer ses contenus numériques",
        "navigation_sur_internet": "Navigation sur internet",
        "email": "E-mail",
        "bureautique": "Bureautique",
        "reseaux_sociaux": "Réseaux sociaux communication",
        "sante": "Santé",
        "banque_et_achats_en_ligne": "Banque et achats en ligne",
        "entrepreneuriat": "Accompagner un professionnel",
        "insertion_professionnelle": "Insertion professionnelle",
        "securite_numerique": "Prévention en sécurité numérique",
        "parentalite": "Parentalité",
        "scolarite_et_numerique": "Scolarité et numérique",
        "creer_avec_le_numerique": "Créer avec le numérique",
        "culture_numerique": "Culture numérique",
        "intelligence_artificielle": "Intelligence artificielle (IA)",
        "aide_aux_demarches_administratives": "Aide aux démarches administratives",
    },
)
#: Every démarche is this digital theme in the Coop's terms (it opens the procedure's themes).
DEMARCHE_DIGITAL_THEME = "aide_aux_demarches_administratives"

# cra/fields/thematique.ts, thematiquesAdministrativesLabels
DEMARCHE_THEMES = Vocabulary(
    N_("Thème"),
    {
        "papiers_elections_citoyennete": "Papiers - Élections - Citoyenneté",
        "famille_scolarite": "Famille - Scolarité",
        "social_sante": "Social - Santé",
        "travail_formation": "Travail - Formation - Entreprise",
        "logement": "Logement",
        "transports_mobilite": "Transports - Mobilité",
        "argent_impots": "Argent - Impôts",
        "justice": "Justice",
        "etrangers_europe": "Étrangers - Europe",
        "loisirs_sports_culture": "Loisirs - Sports - Culture",
        "associations": "Associations",
    },
)

# cra/individuel/fields/structures-redirection.ts
REDIRECTIONS = Vocabulary(
    N_("Orientation"),
    {
        "operateur_ou_organisme_en_charge": (
            "Opérateur ou organisme en charge de la démarche administrative"
        ),
        "aide_aux_demarches_administratives": (
            "Structure d’aide aux démarches administratives (France Services…)"
        ),
        "administration": "Administration (mairie, préfecture…)",
        "mediation_numerique": "Autre structure de médiation numérique",
        "aide_sociale": "Structure d’aide sociale (maison des solidarités, centre social…)",
        "insertion_professionnelle": (
            "Structure d’insertion professionnelle (France Travail, mission locale, chambre de "
            "commerce…)"
        ),
        "autre": "Autre",
    },
)

# beneficiaire/domain/genre.ts
GENDERS = Vocabulary(
    N_("Genre"),
    {"masculin": "Masculin", "feminin": "Féminin", "non_communique": "Non communiqué"},
)

# beneficiaire/domain/tranche-age.ts (the Coop's order: oldest first)
AGE_BANDS = Vocabulary(
    N_("Tranche d'âge"),
    {
        "soixante_dix_plus": "70 ans et plus",
        "soixante_soixante_neuf": "60 - 69 ans",
        "quarante_cinquante_neuf": "40 - 59 ans",
        "vingt_cinq_trente_neuf": "25 - 39 ans",
        "dix_huit_vingt_quatre": "18 - 24 ans",
        "douze_dix_huit": "12 - 17 ans",
        "moins_de_douze": "Moins de 12 ans",
        "non_communique": "Non communiqué",
    },
)

# beneficiaire/domain/statut-social.ts
STATUSES = Vocabulary(
    N_("Statut"),
    {
        "retraite": "Retraité",
        "sans_emploi": "Sans emploi",
        "en_emploi": "En emploi",
        "scolarise": "Scolarisé",
        "non_communique": "Non communiqué ou hétérogène",
    },
)

UNKNOWN_KEY = "non_communique"

# utils/yesNoBooleanOptions.ts
YES, NO = "Oui", "Non"


# -- our labels → the Coop's -------------------------------------------------------------------
def _lookup(aliases: Mapping[str, str], label: str | None) -> str | None:
    return aliases.get(normalise(label)) if label else None


# « Lieu » of a démarche (defaults.py) → the channel.
_PLACE_CHANNELS = {
    "sur_place": "lieu_activite",
    "lieu_d'activite": "lieu_activite",
    "a_domicile": "domicile",
    "domicile": "domicile",
    "a_distance": "a_distance",
    "distance": "a_distance",
    "telephone": "a_distance",
    "permanence_exterieure": "autre",
    "autre_lieu": "autre",
    "autre": "autre",
}
_PLACE_CHANNELS |= {normalise(label): key for key, label in CHANNELS.labels.items()}


def channel_for_place(label: str | None) -> str | None:
    """The channel a démarche's « Lieu » says: « Sur place » is the place itself (« Lieu
    d'activité »), « Permanence extérieure » and any place a site added are « Autre lieu »;
    ``None`` (« Non communiqué ») stays unknown."""
    if not label:
        return None
    return _lookup(_PLACE_CHANNELS, label) or "autre"


def demarche_theme(label: str | None) -> str | None:
    """The Coop's procedure theme for one of our « Thème » labels; the defaults are the
    Coop's list (« Travail - Formation » is its « Travail - Formation - Entreprise »); a theme
    a place renamed or added has none (the Coop's list has no « Autre »)."""
    if not label:
        return None
    wanted = normalise(label)
    for key, coop in DEMARCHE_THEMES.labels.items():
        if normalise(coop) == wanted:
            return key
    return "travail_formation" if wanted == normalise("Travail - Formation") else None


# « Orientation » (defaults.py) → the structure of redirection.
_REDIRECTIONS = {
    normalise("Organisme en charge"): "operateur_ou_organisme_en_charge",
    normalise("Autre structure d'aide aux démarches"): "aide_aux_demarches_administratives",
    normalise("Administration (mairie, préfecture)"): "administration",
    normalise("Structure de médiation numérique"): "mediation_numerique",
    normalise("Aide sociale (CCAS, assistante sociale)"): "aide_sociale",
    normalise("Insertion professionnelle"): "insertion_professionnelle",
    normalise("Autre"): "autre",
} | {normalise(label): key for key, label in REDIRECTIONS.labels.items()}


def redirection(label: str | None) -> str | None:
    """The structure a person was redirected to, for our « Orientation » label; one a place
    renamed or added is the Coop's « Autre »; ``None`` when there is no orientation."""
    if not label:
        return None
    return _lookup(_REDIRECTIONS, label) or "autre"


_GENDERS = {
    normalise("Féminin"): "feminin",
    normalise("Femme"): "feminin",
    normalise("Masculin"): "masculin",
    normalise("Homme"): "masculin",
}


def gender(label: str | None) -> str:
    """Féminin / Masculin (« Femme » / « Homme » too); anything else, or none, « Non
    communiqué » (the Coop has no other value)."""
    return _lookup(_GENDERS, label) or UNKNOWN_KEY


_NUMBERS = re.compile(r"\d+")


def age_band(label: str | None) -> str:
    """Our bands (« <12 », « 12-17 » … « 70+ », or the Coop's own spelling) to the Coop's;
    a band with other bounds (a place's « 60-74 ») is « Non communiqué »."""
    if not label:
        return UNKNOWN_KEY
    text = normalise(label)
    numbers = [int(n) for n in _NUMBERS.findall(text)]
    if len(numbers) == 1 and text.startswith(("<", "moins")):
        numbers = [0, numbers[0] - 1]
    elif len(numbers) == 1 and (text.endswith("+") or "plus" in text):
        numbers = [numbers[0], 999]
    if len(numbers) != 2:
        return UNKNOWN_KEY
    return _AGE_BOUNDS.get((numbers[0], numbers[1]), UNKNOWN_KEY)


_AGE_BOUNDS = {
    (0, 11): "moins_de_douze",
    (12, 17): "douze_dix_huit",
    (18, 24): "dix_huit_vingt_quatre",
    (25, 39): "vingt_cinq_trente_neuf",
    (40, 59): "quarante_cinquante_neuf",
    (60, 69): "soixante_soixante_neuf",
    (70, 999): "soixante_dix_plus",
}


def status(label: str | None) -> str:
    """Scolarisé, En emploi, Sans emploi, Retraité; anything else « Non communiqué ou
    hétérogène »."""
    if not label:
        return UNKNOWN_KEY
    wanted = normalise(label)
    for key, coop in STATUSES.labels.items():
        if key != UNKNOWN_KEY and normalise(coop) == wanted:
            return key
    return UNKNOWN_KEY
