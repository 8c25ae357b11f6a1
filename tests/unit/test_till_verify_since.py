"""The till journal's check after a sign-in reads only what was written since this desk last
found it whole (issue 21): the desk keeps each place's last line verified (seq and hash, in
the audit log's witness file, section « caisse »), the check starts there, and a kept line
that has another hash, or a chain that now ends before it, is said in French. The whole
walk (« Vérifier le journal », ``tiers-lieu caisse verifier``) still reads everything, sees a
change inside the part already verified, and moves the kept lines forward."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import TillJournal
from tiers_lieu.services import audit_witness
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput, SaleInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.chain import line_hash

ZONE_NOTE = "Le Comptoir de Felletin : ligne n° "


def product(app: Comptoir, site: SiteInfo, name: str = "Œufs", price: int = 320) -> ProductInfo:
    made = app.grocery.products.create(
        site.id, ProductFields(name=name, price_cents=price, vat_rate_bp=550)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=made.id, quantity_milli=100000, unit_cost_cents=None
    )
    return made


def sell(app: Comptoir, item: ProductInfo, count: int = 1) -> list[SaleInfo]:
    return [
        app.grocery.sales.record(
            site_id=item.site_id,
            lines=[LineInput(item.id, 1000)],
            payments=[PaymentInput("card", item.price_cents)],
        )
        for _n in range(count)
    ]


def sql(app: Comptoir, *statements: str) -> None:
    with app.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def kept(db_path: Path) -> dict[str, dict[str, object]]:
    data = json.loads(audit_witness.witness_beside(db_path).read_text(encoding="utf-8"))
    return data["caisse"]


@pytest.fixture
def eggs(app: Comptoir, site: SiteInfo) -> ProductInfo:
    return product(app, site)


def test_the_check_at_sign_in_reads_only_the_lines_written_since(
    app: Comptoir, site: SiteInfo, eggs: ProductInfo, db_path: Path
) -> None:
    sell(app, eggs, 3)  # six lines
    first = app.till_journal.verify_new()  # this desk never verified: the whole journal
    assert first.intact and (first.lines, first.tickets) == (6, 3)
    assert kept(db_path)[str(site.id)]["seq"] == 6
    sell(app, eggs, 2)
    report = app.till_journal.verify_new()
    assert report.intact, report.summary()
    assert (report.lines, report.tickets) == (4, 2)
    assert report.summary() == (
        "Journal de caisse intact depuis la dernière vérification de ce poste "
        "(4 lignes vérifiées, 2 tickets rapprochés)"
    )
    assert kept(db_path)[str(site.id)]["seq"] == 10
    nothing_new = app.till_journal.verify_new()
    assert nothing_new.intact and (nothing_new.lines, nothing_new.tickets) == (0, 0)
    whole = app.till_journal.verify()
    assert whole.intact and (whole.lines, whole.tickets) == (10, 5)


def test_the_witness_file_keeps_the_audit_log_and_the_till_apart(
    app: Comptoir, site: SiteInfo, eggs: ProductInfo, db_path: Path
) -> None:
    sell(app, eggs)
    app.audit_log.verify()
    audit_before = audit_witness.read_seen(audit_witness.witness_beside(db_path))
    app.till_journal.verify()
    path = audit_witness.witness_beside(db_path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert audit_witness.read_seen(path) == audit_before and audit_before
    [(place, head)] = audit_witness.read_seen(path, audit_witness.TILL).items()
    assert place == site.id and head.seq == 2 and head.action == "payment"
    app.audit_log.verify()  # writing the audit's heads keeps the till's
    assert audit_witness.read_seen(path, audit_witness.TILL)[site.id] == head


def test_a_break_in_the_part_already_verified_is_seen_by_the_whole_walk(
    app: Comptoir, site: SiteInfo, eggs: ProductInfo
) -> None:
    sell(app, eggs, 3)
    assert app.till_journal.verify().intact
    sql(
        app,
        "DROP TRIGGER till_journal_no_update",
        "UPDATE till_journal SET actor = 'X' WHERE seq = 3",
    )
    sell(app, eggs)
    at_sign_in = app.till_journal.verify_new()
    assert at_sign_in.lines == 2 and not at_sign_in.breaks  # the change is before what it reads
    assert not at_sign_in.intact  # … but the dropped guard is said
    whole = app.till_journal.verify()
    assert any(
        b.seq == 3 and "le contenu ne correspond plus à son empreinte" in b.problem
        for b in whole.breaks
    ), whole.problems()
    # What the whole walk found is said by the whole walk only: the line kept at sign-in
    # (line 8, linked to the line 6 verified before) stays where it was.
    assert app.till_journal.verify_new().lines == 0


def test_a_kept_line_rewritten_with_its_hash_recomputed_is_said_at_sign_in(
    app: Comptoir, site: SiteInfo, eggs: ProductInfo
) -> None:
    sell(app, eggs, 2)
    assert app.till_journal.verify().intact  # keeps line 4
    with app.uow(read_only=True) as uow:
        line = uow.session.exec(select(TillJournal).where(col(TillJournal.seq) == 4)).one()
        forged = line_hash(
            prev_hash=line.prev_hash,
            seq=line.seq,
            line_id=line.id,
            site_id=line.site_id,
            kind=line.kind,
            occurred_at=line.occurred_at,
            actor="Quelqu'un",
            ref_id=line.ref_id,
            number=line.number,
            amount_cents=line.amount_cents,
            payload=line.payload,
        )
    sql(
        app,
        "DROP TRIGGER till_journal_no_update",
        f"UPDATE till_journal SET actor = 'Quelqu''un', line_hash = '{forged}' WHERE seq = 4",
    )
    report = app.till_journal.verify_new()
    said = [b.describe() for b in report.breaks]
    assert len(said) == 1 and said[0].startswith(ZONE_NOTE + "4 du "), said
    assert said[0].endswith(
        "(Paiement T000002) — son empreinte n'est plus celle que ce poste a vue sous ce numéro "
        "lors d'une vérification précédente : des lignes ont été remplacées ou réécrites."
    )
    assert report.lines == 0
    whole = app.till_journal.verify()  # the whole walk says it too
    assert any("ce poste a vue sous ce numéro" in b.problem for b in whole.breaks)


def test_a_chain_cut_before_the_kept_line_is_said_at_sign_in(
    app: Comptoir, site: SiteInfo, eggs: ProductInfo
) -> None:
    sold = sell(app, eggs, 3)
    assert app.till_journal.verify_new().intact  # keeps line 6
    last = sold[-1].id
    sql(
        app,
        "DROP TRIGGER till_journal_no_delete",
        "DROP TRIGGER sale_ticket_no_delete",
        "DROP TRIGGER sale_line_ticket_no_delete",
        "DROP TRIGGER payment_ticket_no_delete",
        "DELETE FROM till_journal WHERE seq >= 5",
        f"DELETE FROM payment WHERE sale_id = '{last.hex}'",
        f"DELETE FROM sale_line WHERE sale_id = '{last.hex}'",
        f"DELETE FROM sale WHERE id = '{last.hex}'",
    )
    report = app.till_journal.verify_new()
    [cut] = report.breaks
    assert cut.seq == 6 and cut.describe().endswith(
        "(Paiement) — ce poste l'avait vue lors d'une vérification précédente, elle n'est plus "
        "dans le journal : les lignes n° 5 à 6 ont été supprimées à la fin du journal."
    ), cut.describe()
    sql(app, "DELETE FROM till_journal")
    emptied = app.till_journal.verify_new()
    assert emptied.breaks[0].problem.endswith(": ce journal est maintenant vide")
    assert "T000001" in emptied.summary()  # the tickets left without a line are compared


def test_what_the_new_lines_record_is_compared(
    app: Comptoir, site: SiteInfo, eggs: ProductInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiers_lieu.services.grocery import sales as sales_module
    from tiers_lieu.services.till import closures as closures_module

    def at(moment: datetime) -> None:
        monkeypatch.setattr(sales_module, "utcnow", lambda: moment)
        monkeypatch.setattr(closures_module, "utcnow", lambda: moment)

    at(datetime(2026, 3, 2, 10, tzinfo=UTC))
    [old] = sell(app, eggs)
    assert app.till_journal.verify().intact  # keeps line 2
    at(datetime(2026, 3, 2, 11, tzinfo=UTC))
    app.grocery.sales.cancel(old.id)
    [new] = sell(app, eggs)
    at(datetime(2026, 3, 2, 19, tzinfo=UTC))
    app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 2))
    report = app.till_journal.verify_new()  # a refund of a ticket already verified: no break
    assert report.intact, report.summary()
    assert report.tickets == 2 and report.lines == 5  # reversal + refund, ticket + payment, Z
    again = app.till_journal.verify_new()
    assert again.intact, again.summary()  # kept up to the Z
    sql(
        app,
        "DROP TRIGGER sale_ticket_no_update",
        f"UPDATE sale SET total_cents = 1 WHERE id = '{new.id.hex}'",
    )
    # Already verified: the start check no longer reads it; the whole walk does.
    assert not app.till_journal.verify_new().breaks
    assert any("(montant total)" in p for p in app.till_journal.verify().problems())


def test_a_ticket_changed_among_the_new_lines_is_said_at_sign_in(
    app: Comptoir, site: SiteInfo, eggs: ProductInfo
) -> None:
    sell(app, eggs)
    assert app.till_journal.verify().intact
    [new] = sell(app, eggs)
    sql(
        app,
        "DROP TRIGGER sale_ticket_no_update",
        f"UPDATE sale SET total_cents = 1 WHERE id = '{new.id.hex}'",
    )
    report = app.till_journal.verify_new()
    assert report.lines == 2
    assert any("(Ticket T000002)" in p and "(montant total)" in p for p in report.problems()), (
        report.problems()
    )


def test_a_closure_made_by_a_desk_whose_clock_is_ahead_is_not_taken_for_a_new_one(
    app: Comptoir, site: SiteInfo, eggs: ProductInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiers_lieu.services.grocery import sales as sales_module
    from tiers_lieu.services.till import closures as closures_module

    monkeypatch.setattr(sales_module, "utcnow", lambda: datetime(2026, 3, 2, 10, tzinfo=UTC))
    sell(app, eggs)
    # The Z of March 2 made by a desk two days ahead, then a sale of March 3 at this one.
    monkeypatch.setattr(closures_module, "utcnow", lambda: datetime(2026, 3, 5, 9, tzinfo=UTC))
    app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 2))
    monkeypatch.setattr(sales_module, "utcnow", lambda: datetime(2026, 3, 3, 10, tzinfo=UTC))
    sell(app, eggs)
    assert app.till_journal.verify().intact  # keeps the sale's payment line, of March 3
    sell(app, eggs)
    report = app.till_journal.verify_new()
    assert report.intact, report.summary()
    assert report.lines == 2


def test_on_postgresql_the_check_at_sign_in_reads_the_new_lines_only(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tiers_lieu.db.data_dir", lambda: tmp_path / "donnees")
    from tiers_lieu.app import build

    app = build(pg_url)
    try:
        site = app.sites.init_site(name="La Fabrique", commune_name="Aubusson", insee_code="23008")
        bread = product(app, site, "Pain", 480)
        [old, _other] = sell(app, bread, 2)
        assert app.till_journal.verify().intact
        app.grocery.sales.cancel(old.id)
        sell(app, bread)
        report = app.till_journal.verify_new()
        assert report.intact, report.summary()
        assert (report.lines, report.tickets) == (4, 2)
        sql(
            app,
            "ALTER TABLE till_journal DISABLE TRIGGER till_journal_no_update",
            "UPDATE till_journal SET line_hash = md5(line_hash) || md5(seq::text) WHERE seq = 8",
            "ALTER TABLE till_journal ENABLE TRIGGER till_journal_no_update",
        )
        [rewritten] = app.till_journal.verify_new().breaks
        assert rewritten.seq == 8 and "ce poste a vue sous ce numéro" in rewritten.problem
    finally:
        app.close()
