"""French names of the agenda's stored codes (resource kinds, pass kinds, payment methods),
translated when shown, in the order the forms offer them."""

from __future__ import annotations

from tiers_lieu.i18n import N_, _
from tiers_lieu.models.enums import PassKind, PaymentMethod, ResourceKind

RESOURCE_KINDS: dict[str, str] = {
    ResourceKind.DESK: N_("Bureau de coworking"),
    ResourceKind.OPEN_SPACE: N_("Espace partagé (plusieurs places)"),
    ResourceKind.MEETING_ROOM: N_("Salle de réunion"),
    ResourceKind.HEALTH_ROOM: N_("Cabinet de santé"),
    ResourceKind.TELECONSULTATION: N_("Cabine de téléconsultation"),
    ResourceKind.OTHER: N_("Autre"),
}

PASS_KINDS: dict[str, str] = {
    PassKind.DAY: N_("Journée"),
    PassKind.HALF_DAY: N_("Demi-journée"),
    PassKind.TEN_PASS: N_("Carte de 10"),
    PassKind.MONTHLY: N_("Abonnement mensuel"),
}

PAYMENT_METHODS: dict[str, str] = {
    PaymentMethod.CASH: N_("Espèces"),
    PaymentMethod.CARD: N_("Carte bancaire"),
    PaymentMethod.CHEQUE: N_("Chèque"),
    PaymentMethod.TRANSFER: N_("Virement"),
    PaymentMethod.VOUCHER: N_("Bon"),
}


def resource_kind_label(kind: str) -> str:
    return _(RESOURCE_KINDS[kind]) if kind in RESOURCE_KINDS else kind


def pass_kind_label(kind: str) -> str:
    return _(PASS_KINDS[kind]) if kind in PASS_KINDS else kind


def payment_label(method: str | None) -> str:
    if method is None:
        return "—"
    return _(PAYMENT_METHODS[method]) if method in PAYMENT_METHODS else method
