"""Messages that showed a count with a fixed plural (issue 16): each now reads right for one."""

from __future__ import annotations

import pytest

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.readmodels import SiteInfo


def test_a_solidarity_price_above_a_one_cent_price_names_the_price_in_euros(
    app: Comptoir, site: SiteInfo
) -> None:
    with pytest.raises(ValidationError) as error:
        app.grocery.products.create(
            site.id, ProductFields(name="Bonbon", price_cents=1, solidarity_price_cents=2)
        )
    assert error.value.field == "Prix solidaire"
    assert "centimes" not in str(error.value)
    assert "0,01\xa0€" in str(error.value)
