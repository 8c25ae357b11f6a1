"""Closed vocabularies stored as short machine strings.

Open lists that a coordinator may extend (age bands, France Services operators, themes…)
are rows of :class:`~tiers_lieu.models.site.Category`; the values here are the ones the code
itself branches on. Their French labels live in :mod:`tiers_lieu.labels`.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    HOST = "host"
    MEDIATOR = "mediator"
    VOLUNTEER = "volunteer"


class CategoryKind(StrEnum):
    AGE_BAND = "age_band"
    GENDER = "gender"
    STATUS = "status"
    OPERATOR = "operator"
    THEME = "theme"
    HELP_TYPE = "help_type"
    OUTCOME = "outcome"
    ORIENTATION = "orientation"
    PLACE = "place"
    EVENT_TYPE = "event_type"
    PUBLIC = "public"  # who is served: a person, a company, an association… (issue 20)


class ServiceKind(StrEnum):
    WELCOME = "welcome"
    COWORKING = "coworking"
    HEALTH = "health"
    ASSISTANCE = "assistance"
    DIGITAL = "digital"
    GROCERY = "grocery"
    AMAP = "amap"
    CAFE = "cafe"
    WORKSHOP = "workshop"
    PARCEL = "parcel"
    PUBLIC_WRITER = "public_writer"
    OTHER = "other"


class VisitSource(StrEnum):
    DESK = "desk"
    IMPORT = "import"
    EVENT = "event"
    BOOKING = "booking"
    ASSISTANCE = "assistance"
    DEMO = "demo"


class AttendanceMode(StrEnum):
    ANONYMOUS = "anonymous"
    REGISTERED = "registered"


class ResourceKind(StrEnum):
    DESK = "desk"
    OPEN_SPACE = "open_space"
    MEETING_ROOM = "meeting_room"
    HEALTH_ROOM = "health_room"
    TELECONSULTATION = "teleconsultation"
    OTHER = "other"


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"


class PassKind(StrEnum):
    DAY = "day"
    HALF_DAY = "half_day"
    TEN_PASS = "ten_pass"
    MONTHLY = "monthly"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"
    CHEQUE = "cheque"
    TRANSFER = "transfer"
    VOUCHER = "voucher"


class ProductUnit(StrEnum):
    PIECE = "piece"
    KG = "kg"
    LITRE = "litre"


class StockMovementKind(StrEnum):
    RECEPTION = "reception"
    SALE = "sale"
    LOSS = "loss"
    INVENTORY = "inventory"


class PaymentSchedule(StrEnum):
    MONTHLY = "monthly"
    ONCE = "once"


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    WAITING = "waiting"
    ENDED = "ended"


class PickupStatus(StrEnum):
    EXPECTED = "expected"
    COLLECTED = "collected"
    ABSENT = "absent"
    GIVEN = "given"
    DONATED = "donated"
    KEPT = "kept"
    UNCOLLECTED = "uncollected"


class FundingSource(StrEnum):
    MEMBERS = "members"
    SUBSIDY = "subsidy"
    NETWORK = "network"


class ContractType(StrEnum):
    CDI = "cdi"
    CDD = "cdd"
    APPRENTICESHIP = "apprenticeship"
    CIVIC_SERVICE = "civic_service"
    SELF_EMPLOYED = "self_employed"
    SUBSIDISED = "subsidised"
    VOLUNTEER = "volunteer"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    EXPORT = "export"
    PURGE = "purge"
    READ = "read"
    REFUSED = "refused"  # an account blocked after wrong secrets, before issue 15
    SWITCH = "switch"
    LOCKOUT = "lockout"  # an account locked after wrong secrets (the delay grows)


class JournalKind(StrEnum):
    """What a line of the till journal records (issue 21)."""

    OPENING = "opening"  # the journal's first line (migration 0012): the sales numbered before
    TICKET = "ticket"
    PAYMENT = "payment"
    REVERSAL = "reversal"  # a reversing ticket, cancelling an earlier one
    CLOSURE = "closure"  # a day's Z, a month's or a year's closure
    INVOICE = "invoice"
    CREDIT = "credit"  # a credit note
    RECEIPT = "receipt"  # a membership receipt or a donation's tax receipt
    DUPLICATE = "duplicate"  # a ticket, closure, invoice or receipt printed again
    PRINT = "print"  # a closure's or an issued invoice's first print: the original
    ARCHIVE = "archive"  # a closed period's signed archive written


class ClosureKind(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class InvoiceKind(StrEnum):
    QUOTE = "quote"
    INVOICE = "invoice"
    CREDIT = "credit"


class ReminderOutcome(StrEnum):
    """How a reminder call went (issue 22)."""

    REACHED = "reached"
    VOICEMAIL = "voicemail"
    UNREACHABLE = "unreachable"
    CANCELLED = "cancelled"
