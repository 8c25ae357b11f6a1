"""The place's public card in the national schema of digital-inclusion places
(« Lieux de médiation numérique », ``LaMednum/standard-mediation-num``, ``schema.json``
v1.0.2, Licence Ouverte): the card the coordinator fills in and its whole check, the
opening hours in OpenStreetMap's syntax, and the row the national listing publishes.

What the base already knows comes from the place: its name, commune, INSEE code and address
(:class:`~tiers_lieu.models.Site`), its postal code from the official list of communes when
the commune has only one, and its opening hours, written in OpenStreetMap's ``opening_hours``
syntax (``Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off``: the place is closed on
public holidays, as the desk's calendar says). The rest — SIRET or RNA, telephone, e-mails,
web sites, presentation, coordinates, services, publics, fees, national programmes… — is the
:class:`PublicCard`, kept as one JSON ``SiteSetting`` (key :data:`SETTING_KEY`) by
:class:`~tiers_lieu.services.config.ConfigService`.

The schema's vocabularies are in :mod:`.public_card_vocabulary`, the checks of each field
in :mod:`.public_card_checks`.

Nothing here touches the database: these are pure functions and frozen read models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from itertools import groupby
from typing import Any

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.services.public_card_checks import (
    check_choices,
    check_coordinate,
    check_emails,
    check_free_text,
    check_phone,
    check_pivot,
    check_postal_code,
    check_url,
    check_urls,
)
from tiers_lieu.services.public_card_vocabulary import (
    CHOICES,
    DEFAULT_TYPOLOGY,
    MAX_DETAIL,
    MAX_SUMMARY,
    MAX_TEXT,
    SEPARATOR,
    field_label,
)
from tiers_lieu.services.readmodels import OpeningRange, SiteInfo

SETTING_KEY = "public_card"

#: The schema's fields, in its order: the CSV's header.
SCHEMA_FIELDS: tuple[str, ...] = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
)


@dataclass(frozen=True)
class PublicCard:
    """What the coordinator tells the national listing and the base does not know; field
    names are the schema's. ``latitude``/``longitude`` are decimal text with a point (``""``
    when unknown); ``updated_at`` is when the card was last saved (``None``: never)."""

    pivot: str = ""
    telephone: str = ""
    courriels: tuple[str, ...] = ()
    site_web: tuple[str, ...] = ()
    code_postal: str = ""
    complement_adresse: str = ""
    latitude: str = ""
    longitude: str = ""
    presentation_resume: str = ""
    presentation_detail: str = ""
    source: str = ""
    structure_parente: str = ""
    typologie: tuple[str, ...] = (DEFAULT_TYPOLOGY,)
    itinerance: tuple[str, ...] = ("Fixe",)
    services: tuple[str, ...] = ()
    publics_specifiquement_adresses: tuple[str, ...] = ()
    prise_en_charge_specifique: tuple[str, ...] = ()
    frais_a_charge: tuple[str, ...] = ()
    dispositif_programmes_nationaux: tuple[str, ...] = ()
    formations_labels: tuple[str, ...] = ()
    autres_formations_labels: str = ""
    modalites_acces: tuple[str, ...] = ()
    modalites_accompagnement: tuple[str, ...] = ()
    fiche_acces_libre: str = ""
    prise_rdv: str = ""
    updated_at: datetime | None = field(default=None, compare=False)

    def to_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "updated_at"}
        return json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in data.items()})

    @classmethod
    def from_json(cls, text: str, updated_at: datetime | None = None) -> PublicCard:
        """The card stored as ``text``; what is not there (or not of the right shape: a
        card written by another version, a bundle) takes its default."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        values: dict[str, Any] = {}
        if isinstance(data, dict):
            for f in fields(cls):
                value = data.get(f.name)
                if f.name == "updated_at" or value is None:
                    continue
                if isinstance(f.default, tuple):
                    if isinstance(value, list) and all(isinstance(v, str) for v in value):
                        values[f.name] = tuple(value)
                elif isinstance(value, str):
                    values[f.name] = value
        return cls(**values, updated_at=updated_at)


def check_card(card: PublicCard) -> PublicCard:
    """The card as it is stored and published: every field checked (a
    :class:`ValidationError` names the first field that does not fit), numbers and addresses
    written the schema's way."""
    latitude = check_coordinate(card.latitude, "latitude")
    longitude = check_coordinate(card.longitude, "longitude")
    if bool(latitude) != bool(longitude):
        missing = "longitude" if latitude else "latitude"
        raise ValidationError(
            field_label(missing), _("donnez la latitude et la longitude, ou aucune des deux")
        )
    choices: dict[str, Any] = {name: check_choices(name, getattr(card, name)) for name in CHOICES}
    return replace(
        card,
        pivot=check_pivot(card.pivot),
        telephone=check_phone(card.telephone),
        courriels=check_emails(card.courriels),
        site_web=check_urls(card.site_web, "site_web"),
        code_postal=check_postal_code(card.code_postal),
        complement_adresse=check_free_text("complement_adresse", card.complement_adresse, MAX_TEXT),
        latitude=latitude,
        longitude=longitude,
        presentation_resume=check_free_text(
            "presentation_resume", card.presentation_resume, MAX_SUMMARY
        ),
        presentation_detail=check_free_text(
            "presentation_detail", card.presentation_detail, MAX_DETAIL, lines=True
        ),
        source=check_free_text("source", card.source, MAX_TEXT),
        structure_parente=check_free_text("structure_parente", card.structure_parente, MAX_TEXT),
        autres_formations_labels=check_free_text(
            "autres_formations_labels", card.autres_formations_labels, MAX_TEXT
        ),
        fiche_acces_libre=check_url(card.fiche_acces_libre, "fiche_acces_libre"),
        prise_rdv=check_url(card.prise_rdv, "prise_rdv"),
        **choices,
    )


def changed_fields(before: PublicCard, after: PublicCard) -> list[str]:
    """The schema names of the fields that differ (what the audit line lists)."""
    return [
        f.name
        for f in fields(PublicCard)
        if f.name != "updated_at" and getattr(before, f.name) != getattr(after, f.name)
    ]


# -- opening hours in OpenStreetMap's syntax --------------------------------------------------
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def osm_opening_hours(ranges: Iterable[OpeningRange], *, holidays_closed: bool = True) -> str:
    """The week's ranges as an OpenStreetMap ``opening_hours`` value: days with the same
    hours together (``Mo-Fr`` for three days or more in a row, ``Mo,Tu`` or ``Mo,We,Fr``
    otherwise), rules in the week's order, then ``PH off`` (the desk's calendar closes the
    place on public holidays). Empty when the place has no hours."""
    by_day: dict[int, list[str]] = {}
    for opening in sorted(ranges, key=lambda r: (r.weekday, r.opens_at)):
        by_day.setdefault(opening.weekday, []).append(
            f"{opening.opens_at:%H:%M}-{opening.closes_at:%H:%M}"
        )
    if not by_day:
        return ""
    rules: list[tuple[int, list[int], str]] = []  # first day, days, hours
    for weekday in sorted(by_day):
        hours = ",".join(by_day[weekday])
        rule = next((r for r in rules if r[2] == hours), None)
        if rule is None:
            rules.append((weekday, [weekday], hours))
        else:
            rule[1].append(weekday)
    parts = [f"{_osm_days(days)} {hours}" for _first, days, hours in rules]
    if holidays_closed:
        parts.append("PH off")
    return "; ".join(parts)


def _osm_days(days: list[int]) -> str:
    runs: list[str] = []
    for _key, run in groupby(enumerate(days), key=lambda pair: pair[1] - pair[0]):
        members = [day for _index, day in run]
        if len(members) >= 3:
            runs.append(f"{OSM_DAYS[members[0]]}-{OSM_DAYS[members[-1]]}")
        else:
            runs.extend(OSM_DAYS[day] for day in members)
    return ",".join(runs)


# -- the published row -----------------------------------------------------------------------
@dataclass(frozen=True)
class ListingEntry:
    """One place's row of the national listing, every value as the CSV holds it (text;
    several values joined by ``|``); attributes in the schema's order (:data:`SCHEMA_FIELDS`).
    """

    id: str
    pivot: str
    nom: str
    commune: str
    code_postal: str
    code_insee: str
    adresse: str
    complement_adresse: str
    latitude: str
    longitude: str
    typologie: str
    telephone: str
    courriels: str
    site_web: str
    horaires: str
    presentation_resume: str
    presentation_detail: str
    source: str
    itinerance: str
    structure_parente: str
    date_maj: str
    services: str
    publics_specifiquement_adresses: str
    prise_en_charge_specifique: str
    frais_a_charge: str
    dispositif_programmes_nationaux: str
    formations_labels: str
    autres_formations_labels: str
    modalites_acces: str
    modalites_accompagnement: str
    fiche_acces_libre: str
    prise_rdv: str

    def values(self) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in SCHEMA_FIELDS)


@dataclass(frozen=True)
class LeftOut:
    """A place whose card cannot be published yet, and why (a French sentence)."""

    site_name: str
    reason: str


@dataclass(frozen=True)
class NationalListing:
    entries: tuple[ListingEntry, ...]
    left_out: tuple[LeftOut, ...] = ()


REQUIRED = ("pivot", "nom", "commune", "code_postal", "adresse")


def listing_entry(
    site: SiteInfo,
    card: PublicCard,
    hours: Sequence[OpeningRange],
    *,
    postal_codes: Sequence[str],
    updated: date,
) -> ListingEntry:
    """The place's row: ``card`` (checked again: it may come from a bundle or an older
    version) with what the place knows. ``postal_codes``: the official ones of its commune,
    used when the card gives none and there is only one. A required field left empty raises
    :class:`ValidationError` naming it."""
    card = check_card(card)
    postal = card.code_postal or (postal_codes[0] if len(postal_codes) == 1 else "")
    values = {
        "pivot": card.pivot,
        "nom": site.name.strip(),
        "commune": site.commune_name.strip(),
        "code_postal": postal,
        "adresse": " ".join(site.address.split()),
    }
    for name in REQUIRED:
        if not values[name]:
            raise ValidationError(field_label(name), _("ce champ est obligatoire"))

    def joined(items: Sequence[str]) -> str:
        return SEPARATOR.join(items)

    return ListingEntry(
        id=str(site.id),
        code_insee=site.insee_code or "",
        complement_adresse=card.complement_adresse,
        latitude=card.latitude,
        longitude=card.longitude,
        typologie=joined(card.typologie),
        telephone=card.telephone,
        courriels=joined(card.courriels),
        site_web=joined(card.site_web),
        horaires=osm_opening_hours(hours),
        presentation_resume=card.presentation_resume,
        presentation_detail=card.presentation_detail,
        source=card.source or site.name.strip(),
        itinerance=joined(card.itinerance),
        structure_parente=card.structure_parente,
        date_maj=updated.isoformat(),
        services=joined(card.services),
        publics_specifiquement_adresses=joined(card.publics_specifiquement_adresses),
        prise_en_charge_specifique=joined(card.prise_en_charge_specifique),
        frais_a_charge=joined(card.frais_a_charge),
        dispositif_programmes_nationaux=joined(card.dispositif_programmes_nationaux),
        formations_labels=joined(card.formations_labels),
        autres_formations_labels=card.autres_formations_labels,
        modalites_acces=joined(card.modalites_acces),
        modalites_accompagnement=joined(card.modalites_accompagnement),
        fiche_acces_libre=card.fiche_acces_libre,
        prise_rdv=card.prise_rdv,
        **values,
    )
