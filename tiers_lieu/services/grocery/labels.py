"""French labels of the grocery's closed vocabularies (payment methods, units, movements),
shared by the screens and the Z de caisse PDF so that both say the same words."""

from __future__ import annotations

from tiers_lieu.i18n import N_, _, format_percent
from tiers_lieu.models.enums import PaymentMethod, ProductUnit, StockMovementKind

METHOD_LABELS = {
    PaymentMethod.CASH: N_("Espèces"),
    PaymentMethod.CARD: N_("Carte bancaire"),
    PaymentMethod.CHEQUE: N_("Chèque"),
    PaymentMethod.TRANSFER: N_("Virement"),
    PaymentMethod.VOUCHER: N_("Bon alimentaire"),
}

UNIT_LABELS = {
    ProductUnit.PIECE: N_("pièce"),
    ProductUnit.KG: N_("kg"),
    ProductUnit.LITRE: N_("litre"),
}

MOVEMENT_LABELS = {
    StockMovementKind.RECEPTION: N_("Réception"),
    StockMovementKind.SALE: N_("Vente"),
    StockMovementKind.LOSS: N_("Perte / casse"),
    StockMovementKind.INVENTORY: N_("Correction d'inventaire"),
}


def method_label(method: str) -> str:
    return _(METHOD_LABELS.get(PaymentMethod(method), method))


def unit_label(unit: str) -> str:
    return _(UNIT_LABELS.get(ProductUnit(unit), unit))


def movement_label(kind: str) -> str:
    return _(MOVEMENT_LABELS.get(StockMovementKind(kind), kind))


def vat_label(rate_bp: int) -> str:
    """« 5,5 % » for 550 basis points."""
    return format_percent(rate_bp / 100, 1 if rate_bp % 100 else 0)
