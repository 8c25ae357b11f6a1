"""Realistic, reproducible demonstration data for every area (being written)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from tiers_lieu.db import UowFactory
from tiers_lieu.services.sites import SiteService


@dataclass(frozen=True)
class DemoSummary:
    sites: list[str]
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        return "\n".join(f"{k} : {v}" for k, v in self.counts.items())


class DemoService:
    def __init__(self, uow: UowFactory, engine: Engine, sites: SiteService) -> None:
        self._uow = uow
        self._engine = engine
        self._sites = sites

    def generate(
        self,
        *,
        scale: str = "small",
        seed: int = 1,
        site_name: str | None = None,
        today: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> DemoSummary:
        raise RuntimeError("demo data generator not written yet")
