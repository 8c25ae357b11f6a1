"""What kind of product a product is, from its category: a leaf module (the report reads it
without loading the grocery's services)."""

from __future__ import annotations

from tiers_lieu.services.tabular import normalise


def match_key(text: str) -> str:
    """:func:`normalise` that also spells out the French ligatures (« Œufs » → « oeufs »)."""
    return normalise(text).replace("œ", "oe").replace("æ", "ae")


CAFE_CATEGORY = "Café"
"""The category of the café's products (issue 22): sold at « Café », reported apart."""


def is_cafe(category: str) -> bool:
    """A product of the café: its category is « Café » (accents and case ignored)."""
    return match_key(category) == match_key(CAFE_CATEGORY)


def stock_tracked(category: str, alert_threshold_milli: int) -> bool:
    """Whether selling the product checks the stock. A café product with no alert threshold
    (a coffee, made to order) is not stock-tracked: the sale neither warns nor asks for an
    inventory correction (its movements are still written). A café product with a threshold
    (a bottled beer) and every grocery product are."""
    return not (is_cafe(category) and alert_threshold_milli == 0)
