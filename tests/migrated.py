"""What migrating an older base adds besides the schema, for the tests that count its rows."""

from __future__ import annotations

from tiers_lieu.defaults import DEFAULT_CATEGORIES
from tiers_lieu.models.enums import CategoryKind

PUBLICS = DEFAULT_CATEGORIES[CategoryKind.PUBLIC]


def with_publics(counts: dict[str, int], revision: str) -> dict[str, int]:
    """The row counts of a dump's base (at ``revision``) once migrated: 0009 adds the five
    categories of kind « public » (Particulier, Entreprise…) to every place of an older base."""
    if revision >= "0009":
        return counts
    return {**counts, "category": counts["category"] + len(PUBLICS) * counts["site"]}
