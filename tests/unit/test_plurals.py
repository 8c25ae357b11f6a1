"""Plurals follow the language: French puts 0 and 1 in the singular (« 0 absence prévenue »,
« 1 absence prévenue », « 2 absences prévenues »), English only 1."""

from __future__ import annotations

from tiers_lieu.i18n import ngettext, set_language


def absences(n: int) -> str:
    return ngettext("{n} absence prévenue", "{n} absences prévenues", n).format(n=n)


def test_french_plural_rule() -> None:
    assert [absences(n) for n in (0, 1, 2, 69)] == [
        "0 absence prévenue",
        "1 absence prévenue",
        "2 absences prévenues",
        "69 absences prévenues",
    ]


def test_english_plural_rule() -> None:
    set_language("en")
    try:
        households = [
            ngettext("{n} foyer, {baskets} paniers", "{n} foyers, {baskets} paniers", n)
            for n in (0, 1, 2)
        ]
    finally:
        set_language("fr")
    assert households[1].startswith("{n} household")
    assert households[0] == households[2] != households[1]
