"""Building the FEC's entries: an entry being drafted with signed amounts (:class:`_Draft`),
balanced on the suspense account when its sides differ, numbered in each journal and year in
the order of validation (:func:`entry_numbers`, :func:`number_entries`); the client's auxiliary
account (:func:`client_code`); and the small readers the sources share (a stored JSON, a Z's
totals, a donor's name, an invoice's VAT per rate, rows by id 500 at a time).
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import _, format_date, format_eur
from tiers_lieu.models import TillClosure
from tiers_lieu.services.till.fec_models import FecLine
from tiers_lieu.services.till.fec_plan import ACCOUNT_LABELS, JOURNALS, AccountPlan


# -- building entries -------------------------------------------------------------------------
@dataclass
class _Draft:
    """An entry being built: signed amounts (positive: debit)."""

    journal: str
    day: date
    valid: date
    piece_ref: str
    label: str
    recorded: datetime
    """When the operation was recorded (validated): the order of two entries of one day."""
    source: uuid.UUID
    """The row the entry comes from (the Z, the invoice, the payment, the gift): what its
    number is known by."""
    lines: list[tuple[str, str, str, str, int, str, date | None]] = field(default_factory=list)
    """(account, account label, aux number, aux label, signed cents, lettering, date)."""

    def add(
        self,
        account: str,
        account_label: str,
        cents: int,
        *,
        aux: tuple[str, str] = ("", ""),
        lettering: str = "",
        lettered_on: date | None = None,
    ) -> None:
        if cents:
            self.lines.append(
                (account, account_label, aux[0], aux[1], cents, lettering, lettered_on)
            )


def _fold(text: str) -> str:
    """Upper-case ASCII letters and digits of ``text`` (« Mairie d'Aubusson » → MAIRIEDAUBUSSON)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in plain.upper() if c.isalnum())


def client_code(client_id: uuid.UUID, name: str) -> str:
    """The client's auxiliary account (``CompAuxNum``): up to ten letters of the name and six
    of its id, stable across exports and unique per client."""
    return f"{_fold(name)[:10]}{client_id.hex[:6].upper()}"


def _one_line(text: str, limit: int = 200) -> str:
    """A field's text on one line, without the separators the file uses."""
    cleaned = " ".join(text.replace("|", "/").split())
    return cleaned[:limit]


def _balanced(draft: _Draft, plan: AccountPlan, warnings: list[str]) -> _Draft:
    """``draft`` with its difference, if any, on the suspense account (and a warning)."""
    gap = sum(line[4] for line in draft.lines)
    if gap:
        draft.add(plan.suspense, ACCOUNT_LABELS["suspense"], -gap)
        warnings.append(
            _(
                "{piece} du {day} : débit et crédit diffèrent de {gap}, l'écart est passé au "
                "compte {account} (compte d'attente) à vérifier."
            ).format(
                piece=draft.piece_ref,
                day=format_date(draft.day),
                gap=format_eur(abs(gap)),
                account=plan.suspense,
            )
        )
    return draft


YEAR_SPAN = 1_000_000
"""``EcritureNum`` is the entry's year × this + its rank in its journal and year: 2026000001,
the first entry of 2026 (a million entries a journal and year at most)."""


def _validation_order(draft: _Draft) -> tuple[date, datetime, uuid.UUID]:
    return (draft.valid, draft.recorded, draft.source)


def entry_numbers(drafts: Iterable[_Draft]) -> dict[uuid.UUID, int]:
    """The number of each entry with lines, by its source: its rank in its journal among the
    entries of its year (the year of its ``EcritureDate``), in the order of validation, after
    the year. Given every entry of the years concerned, the number depends on nothing else:
    an entry has the same in a month's file and in its year's, an entry recorded later comes
    after those already numbered (it never moves them), and a file over two years never has
    a number twice in a journal."""
    ranks: dict[tuple[str, int], int] = defaultdict(int)
    numbers: dict[uuid.UUID, int] = {}
    for draft in sorted((d for d in drafts if d.lines), key=_validation_order):
        key = (draft.journal, draft.day.year)
        ranks[key] += 1
        numbers[draft.source] = draft.day.year * YEAR_SPAN + ranks[key]
    return numbers


def number_entries(
    drafts: Iterable[_Draft], *, year: Iterable[_Draft] | None = None
) -> tuple[FecLine, ...]:
    """The drafts as FEC lines, numbered by :func:`entry_numbers` of ``year`` (every entry of
    the whole years the drafts fall in; the drafts themselves when they are those years),
    negative amounts on the other side, lines of zero left out; ordered by validation date,
    journal and number."""
    drafts = list(drafts)
    numbers = entry_numbers(drafts if year is None else year)
    lines: list[FecLine] = []
    for draft in drafts:
        if not draft.lines:
            continue
        number = numbers[draft.source]
        for account, account_label, aux, aux_label, cents, lettering, lettered_on in draft.lines:
            lines.append(
                FecLine(
                    journal_code=draft.journal,
                    journal_label=JOURNALS[draft.journal],
                    entry_number=number,
                    entry_date=draft.day,
                    account=account,
                    account_label=account_label,
                    aux_account=aux,
                    aux_label=_one_line(aux_label) if aux else "",
                    piece_ref=_one_line(draft.piece_ref, 40),
                    piece_date=draft.day,
                    label=_one_line(draft.label),
                    debit_cents=max(cents, 0),
                    credit_cents=max(-cents, 0),
                    lettering=lettering,
                    lettering_date=lettered_on if lettering else None,
                    valid_date=draft.valid,
                )
            )
    lines.sort(key=lambda line: (line.valid_date, line.journal_code, line.entry_number))
    return tuple(lines)


def validated_on(recorded: datetime, day: date, zone: tzinfo) -> date:
    """``ValidDate``: the day the operation was recorded on the place's clock (nothing
    changes it afterwards), never before the operation's own day."""
    return max(recorded.astimezone(zone).date(), day)


def _plain_name(first: str | None, last: str | None, organisation: str | None = "") -> str:
    return " ".join(p for p in (first, last) if p) or (organisation or "")


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _siren(siret: object) -> str | None:
    digits = "".join(c for c in str(siret or "") if c.isdigit())
    return digits[:9] if len(digits) in (9, 14) else None


def _closure_totals(row: TillClosure) -> tuple[dict[str, int], dict[int, tuple[int, int]]]:
    totals = _json(row.totals)
    methods = {str(k): int(v) for k, v in dict(totals.get("by_method") or {}).items()}
    rates: dict[int, tuple[int, int]] = {}
    for rate, pair in dict(totals.get("by_vat") or {}).items():
        ttc, vat = pair
        rates[int(rate)] = (int(ttc), int(vat))
    return methods, rates


def _donor(donation: Any) -> str:
    """The donor's name as the receipt gives it (a row with a ``donor`` JSON column)."""
    donor = _json(donation.donor)
    return _plain_name(
        str(donor.get("first_name") or ""),
        str(donor.get("last_name") or ""),
        str(donor.get("name") or donor.get("organisation") or ""),
    )


def _vat_by_rate(nets: Mapping[int, int], total_vat: int) -> dict[int, int]:
    """The invoice's VAT per rate: each rate's net × rate, the rounding difference with the
    invoice's own VAT total given to the largest rate (the total is what the invoice says)."""
    vats = {rate: (net * rate * 2 + 10000) // 20000 if rate else 0 for rate, net in nets.items()}
    gap = total_vat - sum(vats.values())
    if gap and vats:
        largest = max(vats, key=lambda r: (r > 0, nets[r], r))
        vats[largest] += gap
    return vats


def _chunks(ids: list[uuid.UUID], size: int = 500) -> Iterable[list[uuid.UUID]]:
    for index in range(0, len(ids), size):
        yield ids[index : index + size]


def _by_id(uow: UnitOfWork, model: Any, ids: set[Any], *names: str) -> dict[uuid.UUID, Any]:
    """Rows of ``model`` by id, with the columns ``names`` (and ``id``), 500 ids a query."""
    found: dict[uuid.UUID, Any] = {}
    wanted = [i for i in ids if i is not None]
    columns = [model.id, *(getattr(model, name) for name in names)]
    for chunk in _chunks(wanted):
        for row in uow.session.execute(sa_select(*columns).where(col(model.id).in_(chunk))):
            found[row.id] = row
    return found
