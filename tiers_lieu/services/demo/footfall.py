"""Who is served, and who came through the door together, in the demo (issue 20).

Most desk visits are of a « Particulier » (some left « Non communiqué », as at a real desk); a
few of an association, a company or a local authority. Bookings: a health slot is a
« Patient »'s, a coworker works for a company or an association (now and then on their own
account), a meeting room is booked by the place's association or a company.

Now and then the person of a visit goes on to a second service in the same minute: both
visits then share one passage (what the desk's « une personne entre » key records), so the
report's « personnes accueillies » is below its « services rendus ». The other demo visits
have no passage: each is its own, by the rule of :mod:`tiers_lieu.services.visits` (the demo
writes no row for those).

Everything here is drawn with a generator of its own, seeded from the place and the day, so
the rest of the demo keeps exactly the draws it had before.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, time
from typing import Any

from tiers_lieu.models import Passage
from tiers_lieu.models.enums import CategoryKind, ServiceKind
from tiers_lieu.services.demo.common import DemoContext, PersonRef, Weighted, uuid4_of

PUBLIC_WEIGHT = {"Particulier": 88, "Association": 5, "Entreprise": 4, "Collectivité": 3}
UNKNOWN_SHARE = 0.35
"""Desk visits whose public is left « Non communiqué »."""
COWORKER_WEIGHT = {"Entreprise": 45, "Association": 25, "Particulier": 30}
SECOND_SERVICE = 0.12
"""Anonymous single visits that are the previous visitor going on to a second service."""


def public_of(ctx: DemoContext, label: str) -> uuid.UUID | None:
    """The place's public category of that label (« Particulier » for the démarches and
    the workshops, « Patient » for health slots…); ``None`` if it has none."""
    return next(
        (cid for cid, lb in ctx.categories.get(CategoryKind.PUBLIC, []) if lb == label), None
    )


class Footfall:
    """Draws the public of desk visits and the passages shared by two of them."""

    def __init__(self, ctx: DemoContext, purpose: str = "desk") -> None:
        self.rng = random.Random(f"comptoir-demo-{purpose}:{ctx.site_name}:{ctx.today}")
        self._site_name = ctx.site_name
        self.labels = {label: cid for cid, label in ctx.categories.get(CategoryKind.PUBLIC, [])}
        options = [self.labels[label] for label in PUBLIC_WEIGHT if label in self.labels]
        weights = [PUBLIC_WEIGHT[label] for label in PUBLIC_WEIGHT if label in self.labels]
        self._pick = Weighted.of(self.rng, options, weights) if options else None
        coworkers = [label for label in COWORKER_WEIGHT if label in self.labels]
        self._coworker = (
            Weighted.of(
                self.rng,
                [self.labels[label] for label in coworkers],
                [COWORKER_WEIGHT[label] for label in coworkers],
            )
            if coworkers
            else None
        )
        self.passages: list[dict[str, Any]] = []

    def public(self, person: PersonRef | None) -> uuid.UUID | None:
        """A desk visit's public: a known person is a « Particulier »."""
        if person is not None:
            return self.labels.get("Particulier")
        if self._pick is None or self.rng.random() < UNKNOWN_SHARE:
            return None
        return self._pick()  # type: ignore[no-any-return]

    def booking(
        self, service: str | None, organisation: str, person: PersonRef | None
    ) -> uuid.UUID | None:
        """A booking's public: by its service, its organisation, its person."""
        if service == ServiceKind.HEALTH:
            return self.labels.get("Patient")
        if organisation:
            label = "Association" if organisation == self._site_name else "Entreprise"
            return self.labels.get(label)
        if person is not None and self._coworker is not None:
            return self._coworker()  # type: ignore[no-any-return]
        return self.labels.get("Particulier")

    def second_service(self, rows: list[tuple[Any, ...]], first: int, day: date) -> bool:
        """Whether the visit about to be appended to ``rows`` is the previous visitor's
        second service: the previous row (``first`` or later: the same day's) is anonymous,
        alone, and so is this one (the caller checks the latter)."""
        if len(rows) <= first or self.rng.random() >= SECOND_SERVICE:
            return False
        previous = rows[-1]
        return previous[5] == 1 and previous[10] is None and previous[3] == day

    def share(self, rows: list[tuple[Any, ...]], ctx: DemoContext) -> tuple[Any, time, Any]:
        """Give the previous row a passage (one person through the door) and return what the
        next visit takes from it: its creation instant, activity time and passage id."""
        previous = rows[-1]
        passage_id = previous[-1]
        if passage_id is None:
            passage_id = uuid4_of(self.rng.getrandbits(128))
            day, moment = previous[3], previous[4]
            self.passages.append(
                {
                    "id": passage_id,
                    "created_at": previous[1],
                    "at": ctx.at(day, moment) if moment is not None else previous[1],
                    "activity_date": day,
                    "count": 1,
                }
            )
            rows[-1] = (*previous[:-1], passage_id)
        return previous[1], previous[4], passage_id

    def write(self, ctx: DemoContext) -> None:
        """Insert the passages drawn so far (before the visits that refer to them)."""
        if self.passages:
            ctx.insert(Passage, self.passages)
            self.passages = []
