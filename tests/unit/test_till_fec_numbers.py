"""The FEC's entry numbers (``EcritureNum``) are the entries' own, whatever period is
exported: January's file then February's share no (journal, number) pair, an entry has the
same number in its month's file and in its year's, the year's numbers follow each other
without a gap in each journal, and an entry recorded late takes the next number instead of
moving those already given."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from test_till_fec import closure

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInput
from tiers_lieu.services.till.donations import DonationInput, DonorInput
from tiers_lieu.services.till.fec import FecExport
from tiers_lieu.services.till.invoices import DocumentInput, LineInput, PaymentInput

YEAR = 2026
JANUARY = (date(YEAR, 1, 1), date(YEAR, 1, 31))
FEBRUARY = (date(YEAR, 2, 1), date(YEAR, 2, 28))
WHOLE_YEAR = (date(YEAR, 1, 1), date(YEAR, 12, 31))


def day_z(app: Comptoir, site: SiteInfo, number: int, day: date, cents: int) -> None:
    """A day Z of cash sales at 0 % (sales cannot be dated in the past)."""
    closure(app, site, number, day, {"cash": cents}, {"0": [cents, 0]})


def two_months(app: Comptoir, site: SiteInfo) -> None:
    """Two days in January and two in February, each with a Z, an invoice and its payment,
    and a gift of money."""
    app.billing.save(
        site.id,
        BillingSettings(
            legal_name="Le Comptoir",
            siret="73282932000074",
            address="1 place du Marché",
            postal_code="23500",
            city="Felletin",
        ),
    )
    client = app.clients.create(
        site.id,
        ClientInput(name="Mairie", address="1 place", postal_code="23200", city="Aubusson"),
    )
    days = (date(YEAR, 1, 5), date(YEAR, 1, 20), date(YEAR, 2, 3), date(YEAR, 2, 17))
    for number, day in enumerate(days, start=1):
        day_z(app, site, number, day, 1000 * number)
        invoice(app, site, client.id, day)
        gift(app, site, day, 700 + number)


def invoice(app: Comptoir, site: SiteInfo, client_id: uuid.UUID, day: date) -> None:
    line = LineInput(description="Salle", unit_price_cents=5000)
    draft = app.invoices.create(
        site.id, "invoice", DocumentInput(client_id=client_id, lines=(line,))
    )
    issued = app.invoices.issue(draft.id, issued_on=day)
    app.invoices.record_payment(
        issued.id, PaymentInput(amount_cents=5000, method="transfer", paid_on=day)
    )


def gift(app: Comptoir, site: SiteInfo, day: date, cents: int) -> None:
    app.donations.record(
        site.id,
        DonationInput(
            donor=DonorInput(last_name="Martin", first_name="Jeanne"),
            amount_cents=cents,
            received_on=day,
            method="cheque",
        ),
    )


def numbered(export: FecExport) -> dict[tuple[str, str, str], int]:
    """Each entry (journal, piece, label of its first line) → its number."""
    found: dict[tuple[str, str, str], int] = {}
    for line in export.lines:
        found.setdefault((line.journal_code, line.piece_ref, line.label), line.entry_number)
    return found


def pairs(export: FecExport) -> set[tuple[str, int]]:
    return {(line.journal_code, line.entry_number) for line in export.lines}


def export(app: Comptoir, site: SiteInfo, period: tuple[date, date]) -> FecExport:
    return app.fec.entries(site.id, start=period[0], end=period[1])


def test_two_months_share_no_number_and_the_year_gives_each_entry_its_number(
    app: Comptoir, site: SiteInfo
) -> None:
    two_months(app, site)
    january, february = export(app, site, JANUARY), export(app, site, FEBRUARY)
    year = export(app, site, WHOLE_YEAR)
    assert {journal for journal, _n in pairs(january)} == {"CA", "VT", "EN"}
    assert len(numbered(january)) == len(numbered(february)) == 8  # 2 Z, 2 invoices, 4 EN
    assert pairs(january).isdisjoint(pairs(february))
    in_year = numbered(year)
    assert {**numbered(january), **numbered(february)} == in_year
    # The year's numbers follow each other without a gap in each journal, in the file's order.
    by_journal: dict[str, list[int]] = defaultdict(list)
    for line in year.lines:
        if line.entry_number not in by_journal[line.journal_code]:
            by_journal[line.journal_code].append(line.entry_number)
    for journal, numbers in by_journal.items():
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), journal
    # A period cutting a month in two gives the same numbers too.
    mid = export(app, site, (date(YEAR, 1, 15), date(YEAR, 2, 10)))
    assert numbered(mid) == {k: v for k, v in in_year.items() if k in numbered(mid)}
    assert len(numbered(mid)) == 8


def test_a_late_entry_takes_the_next_number_and_moves_none(app: Comptoir, site: SiteInfo) -> None:
    two_months(app, site)
    before = {**numbered(export(app, site, JANUARY)), **numbered(export(app, site, FEBRUARY))}
    gift(app, site, date(YEAR, 1, 10), 999)  # typed in today, dated in January
    january = numbered(export(app, site, JANUARY))
    after = {**january, **numbered(export(app, site, FEBRUARY))}
    assert {k: v for k, v in after.items() if k in before} == before
    (late,) = [v for k, v in january.items() if k not in before]
    assert late == max(v for (journal, *_rest), v in after.items() if journal == "EN")


def test_two_years_in_one_file_never_give_one_number_twice(app: Comptoir, site: SiteInfo) -> None:
    """An exercise need not be a calendar year: a file over the turn of the year keeps each
    entry's number, and no number twice in a journal."""
    day_z(app, site, 1, date(YEAR - 1, 12, 30), 1200)
    day_z(app, site, 2, date(YEAR, 1, 2), 1300)
    both = export(app, site, (date(YEAR - 1, 7, 1), date(YEAR, 6, 30)))
    numbers = sorted(number for _journal, number in pairs(both))
    assert len(numbers) == 2 and numbers[0] != numbers[1]
    assert pairs(export(app, site, (date(YEAR, 1, 1), date(YEAR, 1, 31)))) <= pairs(both)
