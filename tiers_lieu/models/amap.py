"""AMAP: seasonal contracts with a producer, subscriptions, distributions and pick-ups.

Solidarity baskets are subscriptions at a reduced price; ``SolidarityFunding`` says who pays
the difference (members, subsidy, network) so the report can count them and their cost.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from tiers_lieu.models.base import SiteRow, UTCDateTime


class AmapContract(SiteRow, table=True):
    __tablename__ = "amap_contract"
    __table_args__ = (CheckConstraint("season_start <= season_end", name="season_ordered"),)

    producer_id: uuid.UUID = Field(foreign_key="producer.id")
    name: str = Field(max_length=120)
    season_start: date
    season_end: date
    weekday: int
    start_time: time
    end_time: time
    payment_schedule: str = Field(default="monthly", max_length=10)
    max_absences: int = Field(default=2, ge=0)
    capacity: int | None = Field(default=None, ge=1)


class BasketType(SiteRow, table=True):
    __tablename__ = "basket_type"

    contract_id: uuid.UUID = Field(foreign_key="amap_contract.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=60)
    price_cents: int = Field(ge=0)
    solidarity_price_cents: int | None = Field(default=None, ge=0)


class AmapSubscription(SiteRow, table=True):
    __tablename__ = "amap_subscription"
    # A contract's households by status for an account bound to its place (the place filter
    # made SQLite prefer ix_amap_subscription_site_id; 10 × 10: 8.7 → 3 ms; migration 0008).
    __table_args__ = (
        Index("ix_amap_subscription_contract_site", "contract_id", "site_id", "status"),
    )

    contract_id: uuid.UUID = Field(foreign_key="amap_contract.id", index=True, ondelete="CASCADE")
    basket_type_id: uuid.UUID = Field(foreign_key="basket_type.id")
    person_id: uuid.UUID = Field(foreign_key="person.id")
    quantity: int = Field(default=1, ge=1)
    start_date: date
    status: str = Field(default="active", max_length=10)
    waitlist_position: int | None = None
    solidarity: bool = Field(default=False)
    referred_by: str = Field(default="", max_length=120)
    eligible_until: date | None = None


class SolidarityFunding(SiteRow, table=True):
    """Who funds the difference between the full and the solidarity price, and what share."""

    __tablename__ = "solidarity_funding"

    subscription_id: uuid.UUID = Field(
        foreign_key="amap_subscription.id", index=True, ondelete="CASCADE"
    )
    source: str = Field(max_length=10)
    share_percent: int = Field(ge=0, le=100)


class AmapInstalment(SiteRow, table=True):
    """One scheduled payment of a subscription (a cheque per month, or all at once)."""

    __tablename__ = "amap_instalment"
    # The households' payments, same trap (10 × 10: 13.6 → < 1 ms; migration 0008).
    __table_args__ = (Index("ix_amap_instalment_subscription_site", "subscription_id", "site_id"),)

    subscription_id: uuid.UUID = Field(
        foreign_key="amap_subscription.id", index=True, ondelete="CASCADE"
    )
    due_date: date
    amount_cents: int = Field(ge=0)
    method: str = Field(default="cheque", max_length=10)
    cheque_number: str = Field(default="", max_length=30)
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    handed_to_producer_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Distribution(SiteRow, table=True):
    __tablename__ = "distribution"
    __table_args__ = (UniqueConstraint("contract_id", "on_date"),)

    contract_id: uuid.UUID = Field(foreign_key="amap_contract.id", index=True, ondelete="CASCADE")
    on_date: date = Field(index=True)
    start_time: time
    end_time: time
    cancelled: bool = Field(default=False)
    note: str = Field(default="", max_length=200)


class Pickup(SiteRow, table=True):
    """What became of one subscription's basket at one distribution."""

    __tablename__ = "pickup"
    __table_args__ = (
        UniqueConstraint("distribution_id", "subscription_id"),
        # Baskets collected per household, in every AMAP tab: for an account bound to its
        # place, SQLite walked the place's pickups through ix_pickup_site_id (10 × 10:
        # 25 → 4.5 ms; migration 0008).
        Index("ix_pickup_subscription_site", "subscription_id", "site_id", "status"),
    )

    distribution_id: uuid.UUID = Field(
        foreign_key="distribution.id", index=True, ondelete="CASCADE"
    )
    subscription_id: uuid.UUID = Field(foreign_key="amap_subscription.id", ondelete="CASCADE")
    status: str = Field(default="expected", max_length=12)
    collected_by: str = Field(default="", max_length=120)
    collected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
