"""The vocabularies of the place's public card in the national schema of digital-inclusion
places (« Lieux de médiation numérique », ``LaMednum/standard-mediation-num``, ``schema.json``
v1.0.2): the value lists of its multi-valued fields (:data:`CHOICES`), data.inclusion's
structure typologies, the schema's length limits and the French name of each field.

The value lists are the schema's own (its ``pattern`` constraints, which the validators
apply, where they differ from the descriptions: « Compréhension » with its accent,
« Étapes numériques(La Poste) » without a space); ``tests/data/standard-mediation-num``
holds the schema, and a test reads the lists back from it. Several values of one field are
joined by ``|`` (the schema's descriptions, patterns and example since v1.0; the README's
« point-virgule » is the older rule). The ``typologie`` field has no list in the schema: it
points at data.inclusion's structure typologies (:data:`TYPOLOGIES`).

The checks of what the coordinator types are in :mod:`.public_card_checks`, the card and
the published row in :mod:`.public_card`.
"""

from __future__ import annotations

from collections.abc import Sequence

from tiers_lieu.i18n import _

SCHEMA_VERSION = "1.0.2"
SEPARATOR = "|"
"""Between several values of one field (the schema's rule since v1.0)."""

# -- the schema's value lists (French vocabulary of the schema: data, not gettext) ----------
SERVICES: tuple[str, ...] = (
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
)
PUBLICS: tuple[str, ...] = ("Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes")
SPECIFIC_SUPPORT: tuple[str, ...] = (
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
)
FEES: tuple[str, ...] = ("Gratuit", "Gratuit sous condition", "Payant")
PROGRAMMES: tuple[str, ...] = (
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
)
TRAININGS_LABELS: tuple[str, ...] = (
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques(La Poste)",  # sic: the schema's pattern has no space here
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
)
ACCESS: tuple[str, ...] = (
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
)
SUPPORT_MODES: tuple[str, ...] = (
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
)
MOBILITY: tuple[str, ...] = ("Fixe", "Itinérant")

#: data.inclusion's structure typologies (« typologies de structures », the list the schema's
#: ``typologie`` refers to; gip-inclusion/data-inclusion-schema, v0), code → label; the
#: tiers-lieux first, the others in the list's order.
TYPOLOGIES: dict[str, str] = {
    "TIERS_LIEUX": "Tiers lieu & coworking",
    "ACI": "Structures porteuses d'ateliers et chantiers d'insertion (ACI)",
    "ACIPHC": "SIAE — Atelier chantier d'insertion premières heures en chantier",
    "AFPA": "Agence nationale pour la formation professionnelle des adultes (AFPA)",
    "AI": "Associations intermédiaires (AI)",
    "ASE": "Aide sociale à l'enfance (ASE)",
    "ASSO": "Associations",
    "ASSO_CHOMEUR": "Associations de chômeurs",
    "AVIP": "Crèche À Vocation d'Insertion Professionnelle (AVIP)",
    "Autre": "Autre",
    "BIB": "Bibliothèque / Médiathèque",
    "CAARUD": "Centre d'accueil et d'accompagnement à la réduction de risques pour usagers "
    "de drogues (CAARUD)",
    "CADA": "Centres d'accueil de demandeurs d'asile (CADA)",
    "CAF": "Caisses d'allocation familiale (CAF)",
    "CAP_EMPLOI": "Cap Emploi",
    "CAVA": "Centres d'adaptation à la vie active (CAVA)",
    "CC": "Communautés de Commune",
    "CCAS": "Centres communaux d'action sociale (CCAS)",
    "CCONS": "Chambres consulaires (CCI, CMA, CA)",
    "CD": "Conseils Départementaux (CD)",
    "CDAS": "Centre Départemental d'Action Sociale (CDAS)",
    "CFP": "Centre des Finances Publiques (CFP)",
    "CHRS": "Centres d'hébergement et de réinsertion sociale (CHRS)",
    "CHU": "Centres d'hébergement d'urgence (CHU)",
    "CIAS": "Centres intercommunaux d'action sociale (CIAS)",
    "CIDFF": "Centres d'information sur les droits des femmes et des familles (CIDFF)",
    "CITMET": "Cité des métiers",
    "CMP": "Centre Médico-Psychologique (CMP)",
    "CMS": "Centre Médico-Social (CMS)",
    "CPAM": "Caisse Primaire d'Assurance Maladie (CPAM)",
    "CPH": "Centres provisoires d'hébergement (CPH)",
    "CS": "Centre social",
    "CSAPA": "Centre de soins, d'accompagnement et de prévention en addictologie (CSAPA)",
    "CSC": "Centre Socio-Culturel (CSC)",
    "DEETS": "Directions de l'Économie, de l'Emploi, du Travail et des Solidarités (DEETS)",
    "DEPT": "Services sociaux du Conseil départemental",
    "DIPLP": "Délégation interministérielle à la prévention et à la lutte contre la pauvreté",
    "E2C": "École de la 2e chance (E2C)",
    "EA": "Entreprise adaptée (EA)",
    "EATT": "Entreprise Adaptée (EATT)",
    "EI": "Entreprises d'insertion (EI)",
    "EITI": "Entreprises d'insertion par le travail indépendant (EITI)",
    "ENM": "Espace Numérique Mobile (ENM)",
    "EPCI": "Intercommunalité (EPCI)",
    "EPI": "Espace Public Internet (EPI)",
    "EPIDE": "Établissement pour l'insertion dans l'emploi (EPIDE)",
    "EPN": "Espace Public Numérique (EPN)",
    "ES": "Épicerie Solidaire",
    "ESS": "Entreprise de l'Économie Sociale et Solidaire",
    "ETABL_PRI": "Établissement privé",
    "ETABL_PUB": "Établissement public",
    "ETAT": "Service de l'État",
    "ETTI": "Entreprises de travail temporaire d'insertion (ETTI)",
    "EVS": "Espace de Vie Sociale (EVS)",
    "FABLAB": "Fablab / Atelier partagé",
    "FAIS": "Fédérations d'acteurs de l'insertion et de la solidarité",
    "FT": "France Travail",
    "GEIQ": "Groupements d'employeurs pour l'insertion et la qualification (GEIQ)",
    "HUDA": "Hébergement d'urgence pour demandeurs d'asile (HUDA)",
    "LA_POSTE": "Bureau de poste / Agence postale",
    "MDE": "Maison de l'emploi",
    "MDEF": "Maison de l'emploi et de la formation",
    "MDPH": "Maison Départementale des Personnes Handicapées",
    "MDS": "Maison Départementale des Solidarités",
    "MJC": "Maison des jeunes et de la culture",
    "ML": "Mission Locale",
    "MQ": "Maison de quartier",
    "MSA": "Mutualité Sociale Agricole",
    "MSAP": "Maison de Services Au Public (MSAP)",
    "MUNI": "Municipalités",
    "OACAS": "Organisme d'accueil communautaire et d'activité solidaire (OACAS)",
    "ODC": "Organisation délégataire d'un CD",
    "OF": "Organisme de formations",
    "OIL": "Opérateur d'intermédiation locative",
    "OPCS": "Organisation porteuse de la clause sociale",
    "PAD": "Point d'Accès au Droit",
    "PENSION": "Pension de famille / résidence accueil",
    "PI": "Point Information (PI)",
    "PIJ_BIJ": "Points et bureaux information jeunesse (PIJ/BIJ)",
    "PIMMS": "Point Information Médiation Multi Services (PIMMS)",
    "PJJ": "Protection judiciaire de la jeunesse (PJJ)",
    "PLIE": "Plans locaux pour l'insertion et l'emploi (PLIE)",
    "PREF": "Préfecture, Sous-Préfecture",
    "PREVENTION": "Service ou club de prévention",
    "REG": "Région",
    "RESSOURCERIE": "Ressourcerie",
    "RFS": "Réseau France Services",
    "RS_FJT": "Résidence sociale / Foyer de Jeunes Travailleurs",
    "SCP": "Services et clubs de prévention",
    "SPIP": "Services pénitentiaires d'insertion et de probation (SPIP)",
    "UDAF": "Union Départementale d'Aide aux Familles (UDAF)",
}
DEFAULT_TYPOLOGY = "TIERS_LIEUX"

MAX_SUMMARY = 280  # the schema's maxLength of presentation_resume
MAX_DETAIL = 4000
MAX_TEXT = 250  # complement_adresse, source, structure_parente, autres_formations_labels
MAX_URL = 500
MAX_ITEMS = 10  # e-mails or web addresses


def field_label(name: str) -> str:
    """The French name of a card's field, as the form and the messages say it."""
    labels = {
        "id": _("Identifiant"),
        "pivot": _("SIRET ou RNA"),
        "nom": _("Nom du lieu"),
        "commune": _("Commune"),
        "code_postal": _("Code postal"),
        "code_insee": _("Code INSEE"),
        "adresse": _("Adresse"),
        "complement_adresse": _("Complément d'adresse"),
        "latitude": _("Latitude"),
        "longitude": _("Longitude"),
        "typologie": _("Typologie"),
        "telephone": _("Téléphone"),
        "courriels": _("Courriels"),
        "site_web": _("Site web"),
        "horaires": _("Horaires"),
        "presentation_resume": _("Présentation résumée"),
        "presentation_detail": _("Présentation détaillée"),
        "source": _("Source des données"),
        "itinerance": _("Itinérance"),
        "structure_parente": _("Structure parente"),
        "date_maj": _("Date de mise à jour"),
        "services": _("Services"),
        "publics_specifiquement_adresses": _("Publics spécifiquement adressés"),
        "prise_en_charge_specifique": _("Prise en charge spécifique"),
        "frais_a_charge": _("Frais à charge"),
        "dispositif_programmes_nationaux": _("Dispositifs et programmes nationaux"),
        "formations_labels": _("Formations et labels"),
        "autres_formations_labels": _("Autres formations et labels"),
        "modalites_acces": _("Modalités d'accès"),
        "modalites_accompagnement": _("Modalités d'accompagnement"),
        "fiche_acces_libre": _("Fiche Accès libre"),
        "prise_rdv": _("Prise de rendez-vous en ligne"),
    }
    return labels.get(name, name)


#: Each multi-valued field of the card → its list of values.
CHOICES: dict[str, Sequence[str]] = {
    "typologie": tuple(TYPOLOGIES),
    "itinerance": MOBILITY,
    "services": SERVICES,
    "publics_specifiquement_adresses": PUBLICS,
    "prise_en_charge_specifique": SPECIFIC_SUPPORT,
    "frais_a_charge": FEES,
    "dispositif_programmes_nationaux": PROGRAMMES,
    "formations_labels": TRAININGS_LABELS,
    "modalites_acces": ACCESS,
    "modalites_accompagnement": SUPPORT_MODES,
}
