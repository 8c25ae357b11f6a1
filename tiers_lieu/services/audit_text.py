"""The words of an audit line: its action and its object by their French labels, and its
details as a French sentence: « Visite du 6 décembre 2026 (accueil), 1 personne. », « 69 suivis
listés. », never ``follow_ups : 69``.

The services store their details as JSON with English keys (:func:`audit.record`); those keys
and values are the record an auditor may want verbatim (the CSV export keeps them beside the
sentence). What a person reads is built here: counts through ``ngettext``, dates in words in
the place's zone, closed vocabularies (roles, statuses, payment methods…) by their labels.
A key this module does not know still reads as French: its words without underscores.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tiers_lieu.i18n import (
    N_,
    _,
    format_date,
    format_duration,
    format_eur,
    format_instant,
    format_number,
    ngettext,
    weekday_name,
)
from tiers_lieu.labels import role_label
from tiers_lieu.models.enums import AuditAction, Role

ACTION_LABELS: dict[str, str] = {
    AuditAction.CREATE: N_("Création"),
    AuditAction.UPDATE: N_("Modification"),
    AuditAction.DELETE: N_("Suppression"),
    AuditAction.LOGIN: N_("Connexion"),
    AuditAction.EXPORT: N_("Export"),
    AuditAction.PURGE: N_("Purge"),
    AuditAction.READ: N_("Consultation"),
    AuditAction.REFUSED: N_("Refus"),
    AuditAction.SWITCH: N_("Changement d'utilisateur"),
    AuditAction.LOCKOUT: N_("Blocage de compte"),
}

ENTITY_LABELS: dict[str, str] = {
    "app_user": N_("Compte"),
    "assistance_record": N_("Aide aux démarches"),
    "audit_entry": N_("Journal d'audit"),
    "person": N_("Personne"),
    "person_merge": N_("Fusion de personnes"),
    "rota_shift": N_("Créneau du planning bénévole"),
    "rota_availability": N_("Disponibilités d'un bénévole"),
    "delivery_order": N_("Commande de portage"),
    "delivery_round": N_("Tournée de portage"),
    "parcel": N_("Colis du relais"),
    "consent": N_("Consentement"),
    "membership": N_("Adhésion"),
    "retention": N_("Durées de conservation"),
    "setting": N_("Paramètre"),
    "report": N_("Rapport"),
    "census": N_("Recensement de l'Observatoire des tiers-lieux"),
    "fec": N_("Fichier des écritures comptables (FEC)"),
    "visit": N_("Visite"),
    "passage": N_("Entrée (personnes accueillies)"),
    "booking": N_("Réservation"),
    "sale": N_("Vente"),
    "commune": N_("Commune"),
    "pass_type": N_("Formule"),
    "amap_contract": N_("Contrat AMAP"),
    "amap_instalment": N_("Échéance AMAP"),
    "amap_subscription": N_("Adhésion AMAP"),
    "basket_type": N_("Type de panier"),
    "booking_import": N_("Import de calendrier"),
    "booking_series": N_("Série de réservations"),
    "category": N_("Liste de choix"),
    "closure": N_("Fermeture"),
    "coworking_pass": N_("Pass coworking"),
    "distribution": N_("Distribution AMAP"),
    "donation": N_("Don"),
    "event": N_("Événement"),
    "event_attendance": N_("Participation à un événement"),
    "opening_hours": N_("Horaires d'ouverture"),
    "permanence": N_("Permanence"),
    "pickup": N_("Retrait de panier"),
    "place_key": N_("Clé du lieu"),
    "practitioner": N_("Intervenant·e"),
    "producer": N_("Producteur"),
    "product": N_("Produit"),
    "public_card": N_("Fiche publique"),
    "billing": N_("Facturation (paramètres)"),
    "client": N_("Client"),
    "invoice": N_("Facture, devis ou avoir"),
    "payment": N_("Paiement"),
    "resource": N_("Ressource"),
    "service": N_("Service"),
    "site": N_("Lieu"),
    "solidarity_funding": N_("Financement solidaire"),
    "stock_movement": N_("Mouvement de stock"),
    "time_entry": N_("Temps passé"),
    "till_journal": N_("Journal de caisse"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return _(label) if label else action


def entity_label(entity: str) -> str:
    label = ENTITY_LABELS.get(entity)
    return _(label) if label else entity.replace("_", " ").capitalize()


# Keys holding a number of things: the sentence says « 69 suivis », « 1 personne ».
COUNTS: dict[str, Callable[[int], str]] = {
    "follow_ups": lambda n: ngettext("{n} suivi listé", "{n} suivis listés", n),
    "records": lambda n: ngettext("{n} démarche affichée", "{n} démarches affichées", n),
    "rows": lambda n: ngettext("{n} ligne", "{n} lignes", n),
    "lines": lambda n: ngettext("{n} ligne", "{n} lignes", n),
    "people": lambda n: ngettext("{n} personne", "{n} personnes", n),
    "count": lambda n: ngettext("{n} personne", "{n} personnes", n),
    "participants": lambda n: ngettext("{n} participant·e", "{n} participant·es", n),
    "notes": lambda n: ngettext("{n} note effacée", "{n} notes effacées", n),
    "audit": lambda n: ngettext(
        "{n} ligne du journal supprimée", "{n} lignes du journal supprimées", n
    ),
    "anonymised": lambda n: ngettext("{n} personne anonymisée", "{n} personnes anonymisées", n),
    "merged": lambda n: ngettext("{n} fiche fusionnée", "{n} fiches fusionnées", n),
    "bookings": lambda n: ngettext("{n} réservation", "{n} réservations", n),
    "skipped": lambda n: ngettext("{n} ignorée", "{n} ignorées", n),
    "generated": lambda n: ngettext("{n} distribution créée", "{n} distributions créées", n),
    "created": lambda n: ngettext("{n} créée", "{n} créées", n),
    "updated": lambda n: ngettext("{n} mise à jour", "{n} mises à jour", n),
    "sites": lambda n: ngettext("{n} lieu", "{n} lieux", n),
    "shifts": lambda n: ngettext("{n} créneau", "{n} créneaux", n),
    "weeks": lambda n: ngettext("{n} semaine", "{n} semaines", n),
    "availability": lambda n: ngettext(
        "{n} plage de disponibilité", "{n} plages de disponibilité", n
    ),
    "attempts": lambda n: ngettext("{n} essai", "{n} essais", n),
    "locks": lambda n: ngettext("{n} blocage successif", "{n} blocages successifs", n),
    "blocked_seconds": lambda n: ngettext("bloqué {n} seconde", "bloqué {n} secondes", n),
    "lock_minutes": lambda n: ngettext(
        "verrouillage après {n} minute", "verrouillage après {n} minutes", n
    ),
}

# Keys holding a date (ISO text): shown in words, after their label.
DATES: dict[str, str] = {
    "activity_date": N_("visite du {date}"),
    "event_date": N_("le {date}"),
    "cancelled_date": N_("séance du {date} annulée"),
    "start": N_("du {date}"),
    "end": N_("au {date}"),
    "from": N_("du {date}"),
    "to": N_("au {date}"),
    "week": N_("semaine du {date}"),
    "on_date": N_("créneau du {date}"),
    "for_date": N_("livraison du {date}"),
    "round_day": N_("tournée du {date}"),
    "demarche_date": N_("démarche du {date}"),
}

# Other keys: « libellé : valeur ».
LABELS: dict[str, str] = {
    "username": N_("identifiant"),
    "name": N_("nom"),
    "nom": N_("nom"),
    "label": N_("libellé"),
    "title": N_("titre"),
    "role": N_("rôle"),
    "previous_role": N_("rôle précédent"),
    "password": N_("mot de passe"),
    "pin": N_("code PIN"),
    "pin_removed": N_("code PIN retiré"),
    "method": N_("par"),
    "active": N_("actif"),
    "changed": N_("champs modifiés"),
    "fields": N_("champs modifiés"),
    "previous": N_("compte précédent"),
    "account": N_("compte"),
    "action": N_("action"),
    "service": N_("service"),
    "service_id": N_("service"),
    "source": N_("saisie"),
    "status": N_("statut"),
    "carrier": N_("transporteur"),
    "change": N_("changement"),
    "kind": N_("type"),
    "receipt": N_("reçu"),
    "mode": N_("saisie"),
    "format": N_("format"),
    "weekday": N_("jour"),
    "ranges": N_("horaires"),
    "position": N_("position"),
    "cancelled": N_("annulée"),
    "eligibility": N_("éligible au tarif solidaire"),
    "given": N_("consentement donné"),
    "handed_to_producer": N_("remis au producteur"),
    "received": N_("reçu"),
    "total_cents": N_("montant"),
    "quantity_milli": N_("quantité"),
    "outside_hours": N_("hors des horaires"),
    "follow_up_outcome": N_("suivi clôturé"),
    "assigned": N_("bénévole inscrit"),
    "shift_done": N_("créneau fait"),
    "shift_absent": N_("bénévole absent·e"),
    "volunteer": N_("bénévole"),
    "letter_answered": N_("réponse au courrier reçue"),
    "letter_relaunched_to": N_("courrier relancé, suivi le"),
    "follow_up_was": N_("suivi prévu le"),
    "follow_up_rescheduled_to": N_("suivi reporté au"),
    "operator": N_("organisme"),
    "theme": N_("thème"),
    "outcome": N_("issue"),
    "duration_min": N_("durée (minutes)"),
    "visit_removed": N_("visite retirée"),
    "letters": N_("courriers"),
    "file": N_("fichier"),
    "sha256": N_("empreinte du fichier"),
    "empreinte": N_("empreinte"),
    "ancienne_empreinte": N_("ancienne empreinte"),
    "lieu": N_("lieu"),
    "minutes": N_("durée"),
    "round": N_("tournée"),
    "sorted": N_("triée par adresse"),
}

# Values of closed vocabularies, whatever key holds them.
VALUES: dict[str, str] = {
    "password": N_("mot de passe"),
    "pin": N_("code PIN"),
    "pin_removed": N_("code PIN retiré"),
    "display_name": N_("nom affiché"),
    "desk": N_("accueil"),
    "import": N_("import"),
    "event": N_("événement"),
    "booking": N_("réservation"),
    "assistance": N_("démarche"),
    "demo": N_("démonstration"),
    "confirmed": N_("confirmée"),
    "checked_in": N_("arrivée notée"),
    "no_show": N_("absence"),
    "active": N_("actif"),
    "waiting": N_("liste d'attente"),
    "ended": N_("terminé"),
    "edit": N_("modification"),
    "move": N_("déplacement"),
    "cash": N_("espèces"),
    "card": N_("carte"),
    "cheque": N_("chèque"),
    "transfer": N_("virement"),
    "voucher": N_("bon d'achat"),
    "reception": N_("réception"),
    "sale": N_("vente"),
    "loss": N_("perte"),
    "inventory": N_("inventaire"),
    "anonymous": N_("anonyme"),
    "named": N_("nominative"),
    "pdf": N_("PDF"),
    "csv": N_("CSV"),
    "xlsx": N_("classeur XLSX"),
    "delivered": N_("livré"),
    "planned": N_("prévu"),
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def describe(text: str, zone: ZoneInfo) -> str:
    """The stored JSON ``text`` as one French sentence (empty when there is nothing to say)."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return text
    if not isinstance(data, dict):
        return str(data)
    parts: list[str] = []
    items = dict(data)
    if "activity_date" in items:  # « Visite du 6 décembre 2026 (accueil) »
        visit = _date_part("activity_date", items.pop("activity_date"), zone)
        source = items.pop("source", None)
        if source is not None:
            visit = _("{visit} ({source})").format(visit=visit, source=value_text("", source, zone))
        parts.append(visit)
    for key, value in items.items():
        parts.append(_part(str(key), value, zone))
    sentence = ", ".join(part for part in parts if part)
    if not sentence:
        return ""
    return sentence[0].upper() + sentence[1:] + "."


def _part(key: str, value: Any, zone: ZoneInfo) -> str:
    if key in COUNTS and isinstance(value, int) and not isinstance(value, bool):
        return COUNTS[key](value).format(n=value)
    if key in DATES and isinstance(value, str):
        return _date_part(key, value, zone)
    label = _(LABELS[key]) if key in LABELS else key.replace("_", " ")
    if isinstance(value, bool) and key in LABELS:
        # « remis au producteur », « annulée : non »
        return label if value else _("{label} : non").format(label=label)
    return _("{label} : {value}").format(label=label, value=value_text(key, value, zone))


def _date_part(key: str, value: Any, zone: ZoneInfo) -> str:
    return _(DATES[key]).format(date=value_text(key, value, zone))


def value_text(key: str, value: Any, zone: ZoneInfo) -> str:
    """One stored value as a person reads it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if key in ("role", "previous_role") and value in set(Role):
        return role_label(value)
    if key == "total_cents" and isinstance(value, int):
        return format_eur(value)
    if key == "minutes" and isinstance(value, int):
        return format_duration(value)
    if key == "quantity_milli" and isinstance(value, int):
        return format_number(value / 1000)
    if key == "weekday" and isinstance(value, int) and 0 <= value <= 6:
        return weekday_name(value)
    if isinstance(value, list):
        return ", ".join(value_text(key, item, zone) for item in value) or "—"
    if isinstance(value, dict):  # {field: [before, after]}
        return ", ".join(
            _("{label} : {value}").format(
                label=str(name).removesuffix("_id").replace("_", " "),
                value=" → ".join(value_text("", v, zone) for v in change)
                if isinstance(change, list)
                else value_text("", change, zone),
            )
            for name, change in value.items()
        )
    if isinstance(value, str):
        if value in VALUES:
            return _(VALUES[value])
        if _ISO_DATE.match(value):
            try:
                return format_date(date.fromisoformat(value), "long")
            except ValueError:
                return value
        if _ISO_INSTANT.match(value):
            try:
                instant = datetime.fromisoformat(value)
            except ValueError:
                return value
            if instant.tzinfo is not None:
                return format_instant(instant, zone, "long")
            return value
        if key in ("changed", "fields"):  # column names: « commune », « age band »
            return value.removesuffix("_id").replace("_", " ")
    return str(value)
