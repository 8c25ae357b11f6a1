"""SQLModel tables of every area, imported here so that ``metadata`` knows them all."""

from tiers_lieu.models.activity import AssistanceRecord, Event, EventAttendance, Visit
from tiers_lieu.models.agenda import (
    Booking,
    BookingSeries,
    CoworkingPass,
    PassType,
    PassUse,
    Permanence,
    PermanenceCancellation,
    Practitioner,
    Resource,
)
from tiers_lieu.models.amap import (
    AmapContract,
    AmapInstalment,
    AmapSubscription,
    BasketType,
    Distribution,
    Pickup,
    SolidarityFunding,
)
from tiers_lieu.models.base import metadata, utcnow
from tiers_lieu.models.bundles import BundleConflict, BundleImport, PlaceKey, Tombstone
from tiers_lieu.models.commerce import Payment, Producer, Product, Sale, SaleLine, StockMovement
from tiers_lieu.models.imports import ImportedFile
from tiers_lieu.models.organisation import Job, Partner, VolunteerTime
from tiers_lieu.models.people import AppUser, AuditEntry, Membership, Person
from tiers_lieu.models.site import (
    Category,
    Closure,
    Commune,
    OpeningHours,
    Operation,
    PaymentClaim,
    Service,
    Site,
    SiteSetting,
)

__all__ = [
    "AmapContract",
    "AmapInstalment",
    "AmapSubscription",
    "AppUser",
    "AssistanceRecord",
    "AuditEntry",
    "BasketType",
    "Booking",
    "BookingSeries",
    "BundleConflict",
    "BundleImport",
    "Category",
    "Closure",
    "Commune",
    "CoworkingPass",
    "Distribution",
    "Event",
    "EventAttendance",
    "ImportedFile",
    "Job",
    "Membership",
    "OpeningHours",
    "Operation",
    "Partner",
    "PassType",
    "PassUse",
    "Payment",
    "PaymentClaim",
    "Permanence",
    "PermanenceCancellation",
    "Person",
    "Pickup",
    "PlaceKey",
    "Practitioner",
    "Producer",
    "Product",
    "Resource",
    "Sale",
    "SaleLine",
    "Service",
    "Site",
    "SiteSetting",
    "SolidarityFunding",
    "StockMovement",
    "Tombstone",
    "Visit",
    "VolunteerTime",
    "metadata",
    "utcnow",
]
