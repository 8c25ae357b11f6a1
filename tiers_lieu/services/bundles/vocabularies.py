"""The closed lists of the text columns that travel in a bundle.

The models store these values as short strings (``Visit.source: str``); the lists are the
code's own: the ``StrEnum`` of :mod:`tiers_lieu.models.enums`, the keys of the Coop's
vocabularies, the statuses and roles the services define. The windows and the services only
ever write a value of its list, but a signed bundle's rows go in with Core statements: a
visit's source of « 2026-02-30 » was stored, and an unknown resource kind later broke the
agenda (``ResourceKind(resource.kind)``). :func:`allowed` gives, for a column, the test its
value must pass; :func:`tiers_lieu.services.bundles.tables.converter` applies it, so that a
value outside its list refuses the bundle like a value of the wrong type.

Open lists stay open: a partner's kind, a product's category, a person's roles (a place may
add its own), the consent's wording. A list that grows in a later version needs the bundle
format's version raised with it (``fileformat.VERSION``): this one would refuse the new value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from zoneinfo import ZoneInfo

from tiers_lieu.models.enums import (
    AttendanceMode,
    BookingStatus,
    CategoryKind,
    ClosureKind,
    ContractType,
    FundingSource,
    InvoiceKind,
    JournalKind,
    PassKind,
    PaymentMethod,
    PaymentSchedule,
    PickupStatus,
    ProductUnit,
    ReminderOutcome,
    ResourceKind,
    ServiceKind,
    StockMovementKind,
    SubscriptionStatus,
    VisitSource,
)
from tiers_lieu.services import coop_vocabulary as coop
from tiers_lieu.services.deliveries import STATUS_LABELS as DELIVERY_STATUSES
from tiers_lieu.services.rota_models import ROLES as ROTA_ROLES
from tiers_lieu.services.rota_models import STATUSES as ROTA_STATUSES
from tiers_lieu.services.satisfaction import CONTEXTS as SATISFACTION_CONTEXTS
from tiers_lieu.services.till.donation_models import FORMS as DONATION_FORMS
from tiers_lieu.services.till.donation_models import METHODS as DONATION_METHODS
from tiers_lieu.services.till.invoice_models import DRAFT, INVOICED, ISSUED, SENT


def _values(values: type[StrEnum] | Iterable[str]) -> frozenset[str]:
    return frozenset(str(value) for value in values)


ONE_OF: dict[tuple[str, str], frozenset[str]] = {
    ("category", "kind"): _values(CategoryKind),
    ("service", "kind"): _values(ServiceKind),
    ("imported_file", "kind"): frozenset({"visits", "assistance"}),
    ("visit", "source"): _values(VisitSource),
    ("assistance_record", "source"): _values(VisitSource),
    ("booking", "source"): _values(VisitSource),
    ("booking", "status"): _values(BookingStatus),
    ("resource", "kind"): _values(ResourceKind),
    ("pass_type", "kind"): _values(PassKind),
    ("event", "attendance_mode"): _values(AttendanceMode),
    ("event", "workshop_level"): _values(coop.WORKSHOP_LEVELS.keys()),
    ("event", "channel"): _values(coop.CHANNELS.keys()),
    ("assistance_record", "channel"): _values(coop.CHANNELS.keys()),
    ("assistance_record", "autonomy"): _values(coop.AUTONOMY.keys()),
    ("amap_contract", "payment_schedule"): _values(PaymentSchedule),
    ("amap_subscription", "status"): _values(SubscriptionStatus),
    ("amap_instalment", "method"): _values(PaymentMethod),
    ("solidarity_funding", "source"): _values(FundingSource),
    ("pickup", "status"): _values(PickupStatus),
    ("payment", "method"): _values(PaymentMethod),
    ("product", "unit"): _values(ProductUnit),
    ("stock_movement", "kind"): _values(StockMovementKind),
    ("job", "contract_type"): _values(ContractType),
    ("till_journal", "kind"): _values(JournalKind),
    ("till_closure", "kind"): _values(ClosureKind),
    ("invoice", "kind"): _values(InvoiceKind),
    ("invoice", "status"): frozenset({DRAFT, SENT, INVOICED, ISSUED}),
    ("donation", "form"): _values(DONATION_FORMS),
    ("donation", "method"): _values(DONATION_METHODS) | {""},  # empty: a gift in kind
    ("delivery_order", "status"): _values(DELIVERY_STATUSES),
    ("rota_shift", "role"): _values(ROTA_ROLES),
    ("rota_shift", "status"): _values(ROTA_STATUSES),
    ("rota_availability", "role"): _values(ROTA_ROLES) | {""},  # empty: any role
    ("reminder_call", "outcome"): _values(ReminderOutcome),
    ("satisfaction", "context"): _values(SATISFACTION_CONTEXTS),
}
"""(table, column) → the values the column may hold."""

MANY_OF: dict[tuple[str, str], frozenset[str]] = {
    ("event", "digital_themes"): _values(coop.DIGITAL_THEMES.keys()),
    ("event", "equipment"): _values(coop.EQUIPMENT.keys()),
    ("assistance_record", "digital_themes"): _values(coop.DIGITAL_THEMES.keys()),
    ("assistance_record", "equipment"): _values(coop.EQUIPMENT.keys()),
}
"""(table, column) → the keys a column of several keys joined by « ; » may hold (or none)."""


def _one_of(values: frozenset[str]) -> Callable[[str], bool]:
    return values.__contains__


def _many_of(values: frozenset[str]) -> Callable[[str], bool]:
    def fits(text: str) -> bool:
        return text == "" or all(key in values for key in text.split(coop.SEPARATOR))

    return fits


def _known_zone(name: str) -> bool:
    """A time zone this computer knows (every date of the place is read on it), or none:
    Europe/Paris then (``i18n.time_zone``)."""
    if name == "":
        return True
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def allowed(table: str, column: str) -> Callable[[str], bool] | None:
    """The test a text value of ``table.column`` must pass; ``None`` for an open column."""
    if (table, column) == ("site", "timezone"):
        return _known_zone
    if (table, column) in ONE_OF:
        return _one_of(ONE_OF[table, column])
    if (table, column) in MANY_OF:
        return _many_of(MANY_OF[table, column])
    return None
