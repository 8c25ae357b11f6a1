"""Euros typed by a host and percentages shown, in the language of the interface: one parser
(``parse_euros``) for every amount field, exact cents (never a float), and a percent sign
written as each language writes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tiers_lieu.i18n import format_percent, parse_euros, set_language


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    try:
        yield
    finally:
        set_language("fr")


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12", 1200),
        ("12,5", 1250),
        ("12,50 €", 1250),
        ("  7,35  ", 735),
        ("0,29", 29),
        ("1 234,50", 123450),
        ("1\u202f234,50", 123450),
        ("1\u00a0234,50", 123450),
        ("1 234 567,89 €", 123456789),
        ("7.3", 730),
        ("7,", 700),
        ("9999999,99", 999999999),
    ],
)
def test_french_amounts_are_exact_cents(text: str, cents: int) -> None:
    assert parse_euros(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "€",
        "douze",
        "-3",
        "+3",
        "12,555",
        "0,001",
        "12,5,5",
        "12 34",
        "1.234,50",
        "1e3",
        "NaN",
        "Infinity",
        "1_000",
        "\u0661\u0662",
        "10000000",
    ],
)
def test_french_garbage_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_euros(text)


@pytest.mark.usefixtures("english")
def test_english_amounts_use_the_english_separators() -> None:
    assert parse_euros("12.50") == 1250
    assert parse_euros("€1,234.50") == 123450
    assert parse_euros("1,234.5 €") == 123450
    for french_shaped in ("12,50", "1 234,50", "12,5"):
        with pytest.raises(ValueError):
            parse_euros(french_shaped)


def test_french_percent_has_its_space() -> None:
    assert format_percent(12.5) == "12,5\u00a0%"
    assert format_percent(1234.5, 0) == "1\u202f234\u00a0%"
    assert format_percent(40, 1) == "40,0\u00a0%"


@pytest.mark.usefixtures("english")
def test_english_percent_has_no_space() -> None:
    assert format_percent(12.5) == "12.5%"
    assert format_percent(1234.5, 0) == "1,234%"
    assert format_percent(33.333, 2) == "33.33%"
