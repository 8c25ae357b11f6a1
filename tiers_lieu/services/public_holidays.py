"""French public holidays (metropolitan), with their French names: not stored, the
``holidays`` package knows them for any year.

A leaf of the services: the place's settings, the agenda's calendar, the AMAP's distribution
days, the demo and the report all read it, and it reads none of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _france() -> Callable[..., Mapping[date, str]]:
    """The ``holidays`` package's calendar of France, loaded alone.

    ``holidays.country_holidays`` and any ``import holidays.countries.…`` run the
    ``holidays.countries`` package, which imports about 250 countries' modules (~150 ms at
    start, issue 17). France's module needs only the package's base classes, so it is
    loaded from its file under a private name; a ``holidays`` without that file falls back
    to the package's usual way.
    """
    import importlib.util

    import holidays

    path = Path(holidays.__file__).with_name("countries") / "france.py"
    spec = importlib.util.spec_from_file_location("tiers_lieu._holidays_france", path)
    if not path.is_file() or spec is None or spec.loader is None:
        return functools.partial(holidays.country_holidays, "FR")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    france: Callable[..., Mapping[date, str]] = module.France
    return france


@lru_cache(maxsize=32)
def public_holidays(year: int) -> dict[date, str]:
    """French public holidays (metropolitan) of ``year``, with their French names."""
    return dict(_france()(years=year, language="fr"))
