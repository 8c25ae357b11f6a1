"""The till journal is verified (issue 21): each place's hash chain, every numbered ticket and
payment against the line that recorded it, the closures against theirs, and the guards of
migration 0012. What someone with a SQL console could do after dropping a trigger — change a
line, delete one, swap two, change a sale's total — is named in French with the place, the
line's number, its date and time and its kind; the chain still verifies after a backup and a
restore."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import TillJournal
from tiers_lieu.models.enums import Role
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.guards import GUARDS, sqlite_trigger
from tiers_lieu.services.till.verify import MOST_BREAKS, TillReport


def product(app: Comptoir, site: SiteInfo, name: str, price: int, vat: int = 550) -> ProductInfo:
    made = app.grocery.products.create(
        site.id, ProductFields(name=name, price_cents=price, vat_rate_bp=vat)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=made.id, quantity_milli=100000, unit_cost_cents=None
    )
    return made


def sell(app: Comptoir, site: SiteInfo, *items: tuple[ProductInfo, int]) -> int:
    total = sum(item.price_cents * qty for item, qty in items)
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(item.id, qty * 1000) for item, qty in items],
        payments=[PaymentInput("card", total)],
    )
    assert sale.ticket_number is not None
    return sale.ticket_number


def sql(app: Comptoir, *statements: str) -> None:
    """Statements run straight on the database, as someone with a SQL console would."""
    with app.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def journal(app: Comptoir, site_id: uuid.UUID) -> list[TillJournal]:
    with app.uow(read_only=True) as uow:
        rows = list(
            uow.session.exec(
                select(TillJournal)
                .where(TillJournal.site_id == site_id)
                .order_by(col(TillJournal.seq))
            )
        )
        uow.session.expunge_all()
        return rows


def verify(app: Comptoir) -> TillReport:
    return app.till_journal.verify()


@pytest.fixture
def sold(app: Comptoir, site: SiteInfo) -> list[int]:
    """Three tickets (ticket, payment, ticket, payment, …: six lines)."""
    eggs = product(app, site, "Œufs", 320)
    beer = product(app, site, "Bière", 350, vat=2000)
    return [
        sell(app, site, (eggs, 2)),
        sell(app, site, (beer, 1), (eggs, 1)),
        sell(app, site, (beer, 3)),
    ]


def test_an_intact_journal_says_so(app: Comptoir, site: SiteInfo, sold: list[int]) -> None:
    report = verify(app)
    assert report.intact, report.summary()
    assert report.lines == 6 and report.tickets == 3
    assert report.summary() == "Journal de caisse intact (6 lignes vérifiées, 3 tickets rapprochés)"


def test_a_payload_changed_with_the_trigger_dropped_is_named(
    app: Comptoir, site: SiteInfo, sold: list[int]
) -> None:
    third = journal(app, site.id)[2]  # the second ticket's line
    sql(
        app,
        "DROP TRIGGER till_journal_no_update",
        "UPDATE till_journal SET payload = replace(payload, '\"total_cents\":670', "
        "'\"total_cents\":70') WHERE seq = 3",
    )
    report = verify(app)
    assert not report.intact
    described = report.summary()
    assert "déclencheur « till_journal_no_update » absent" in described
    assert (
        f"Le Comptoir de Felletin : ligne n° 3 du {when(third)} (Ticket T000002) — le contenu "
        "ne correspond plus à son empreinte" in described
    )
    # the line no longer matches its ticket either
    assert "(montant total)" in described


def when(line: TillJournal) -> str:
    from zoneinfo import ZoneInfo

    from tiers_lieu.i18n import format_instant

    return format_instant(line.occurred_at, ZoneInfo("Europe/Paris"))


def test_a_deleted_line_is_named_by_the_one_after_it(
    app: Comptoir, site: SiteInfo, sold: list[int]
) -> None:
    sql(app, "DROP TRIGGER till_journal_no_delete", "DELETE FROM till_journal WHERE seq = 4")
    problems = verify(app).problems()
    assert any(
        "ligne n° 5" in p and "la ligne n° 4 manque juste avant celle-ci" in p for p in problems
    ), problems
    assert any(
        "Paiement T000002" in p and "paiement de ce ticket n'a pas de ligne" in p for p in problems
    ), problems


def test_two_lines_swapped_are_named(app: Comptoir, site: SiteInfo, sold: list[int]) -> None:
    sql(
        app,
        "DROP TRIGGER till_journal_no_update",
        "UPDATE till_journal SET seq = 100 WHERE seq = 3",
        "UPDATE till_journal SET seq = 3 WHERE seq = 5",
        "UPDATE till_journal SET seq = 5 WHERE seq = 100",
    )
    problems = verify(app).problems()
    assert any("ligne n° 3" in p and "ne suit pas la ligne précédente" in p for p in problems)
    assert any("ligne n° 5" in p for p in problems)


def test_a_sales_total_changed_after_dropping_the_trigger_is_named(
    app: Comptoir, site: SiteInfo, sold: list[int]
) -> None:
    sql(
        app,
        "DROP TRIGGER sale_ticket_no_update",
        "DROP TRIGGER sale_line_ticket_no_update",
        "UPDATE sale SET total_cents = 100 WHERE ticket_number = 2",
        "UPDATE sale_line SET quantity_milli = 500 WHERE sale_id = "
        "(SELECT id FROM sale WHERE ticket_number = 2) AND unit_price_cents = 320",
    )
    report = verify(app)
    said = [b.describe() for b in report.breaks]
    assert len(said) == 1, said
    assert said[0].startswith("Le Comptoir de Felletin : ligne n° 3 du ")
    assert (
        "(Ticket T000002) — le ticket ne correspond plus à ce que le journal a enregistré "
        "(montant total, articles) : il a été modifié hors de Comptoir." in said[0]
    )
    # the chain itself is whole: the journal kept what was sold
    assert all("empreinte" not in s for s in said)


def test_a_deleted_sale_and_a_changed_payment_are_named(
    app: Comptoir, site: SiteInfo, sold: list[int]
) -> None:
    sql(
        app,
        "DROP TRIGGER payment_ticket_no_update",
        "DROP TRIGGER payment_ticket_no_delete",
        "DROP TRIGGER sale_line_ticket_no_delete",
        "DROP TRIGGER sale_ticket_no_delete",
        "UPDATE payment SET method = 'cash' WHERE sale_id = "
        "(SELECT id FROM sale WHERE ticket_number = 3)",
        "DELETE FROM stock_movement WHERE sale_line_id IN (SELECT id FROM sale_line WHERE "
        "sale_id = (SELECT id FROM sale WHERE ticket_number = 2))",
        "DELETE FROM payment WHERE sale_id = (SELECT id FROM sale WHERE ticket_number = 2)",
        "DELETE FROM sale_line WHERE sale_id = (SELECT id FROM sale WHERE ticket_number = 2)",
        "DELETE FROM sale WHERE ticket_number = 2",
    )
    problems = verify(app).problems()
    assert any("ticket T000002 manque juste avant celui-ci" in p for p in problems), problems
    assert any(
        "ligne n° 3" in p and "le ticket qu'elle enregistre a été supprimé" in p for p in problems
    )
    assert any(
        "ligne n° 4" in p and "le paiement qu'elle enregistre a été supprimé" in p for p in problems
    )
    assert any(
        "ligne n° 6" in p and "(Paiement T000003) — le paiement ne correspond plus" in p
        for p in problems
    ), problems


def test_a_sale_added_with_sql_has_no_line(app: Comptoir, site: SiteInfo, sold: list[int]) -> None:
    sql(
        app,
        "INSERT INTO sale (id, created_at, updated_at, site_id, sold_at, total_cents, solidarity, "
        f"ticket_number) SELECT '{uuid.uuid4().hex}', created_at, updated_at, site_id, sold_at, "
        "999, 0, 4 FROM sale WHERE ticket_number = 3",
    )
    problems = verify(app).problems()
    assert any("Ticket T000004 du" in p and "n'a pas de ligne au journal" in p for p in problems)


@pytest.mark.parametrize(
    "trigger", ["till_journal_no_update", "sale_ticket_no_delete", "donation_receipt_no_update"]
)
def test_a_dropped_trigger_is_named(app: Comptoir, trigger: str) -> None:
    sql(app, f"DROP TRIGGER {trigger}")
    assert verify(app).problems() == [
        f"La protection de la caisse a été retirée (déclencheur « {trigger} » absent) : "
        "tickets, clôtures ou journal ont pu être modifiés ou effacés."
    ]


def test_a_trigger_made_harmless_is_named(app: Comptoir) -> None:
    sql(
        app,
        "DROP TRIGGER till_journal_no_delete",
        "CREATE TRIGGER till_journal_no_delete BEFORE DELETE ON till_journal WHEN 1 = 0 "
        "BEGIN SELECT RAISE(ABORT, 'till_journal is append-only'); END",
    )
    assert verify(app).problems() == [
        "La protection de la caisse a été modifiée (déclencheur « till_journal_no_delete ») : "
        "elle ne refuse plus ce qu'elle doit refuser."
    ]


def test_the_guards_are_the_migrations_own(app: Comptoir) -> None:
    with app.engine.connect() as connection:
        kept: dict[str, str] = dict(
            connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
        )
    for name, *_rest in GUARDS:
        assert " ".join(kept[name].split()) == sqlite_trigger(name)


def test_breaks_are_bounded(app: Comptoir, site: SiteInfo) -> None:
    eggs = product(app, site, "Œufs", 320)
    for _n in range(MOST_BREAKS // 2 + 2):
        sell(app, site, (eggs, 1))
    sql(app, "DROP TRIGGER till_journal_no_update", "UPDATE till_journal SET actor = 'X'")
    report = verify(app)
    assert len(report.breaks) == MOST_BREAKS and report.omitted > 0
    assert report.problems()[-1].startswith("… et ")


def test_the_chain_verifies_after_a_backup_and_a_restore(
    app: Comptoir, site: SiteInfo, sold: list[int], db_path: Path
) -> None:
    from tiers_lieu.services.backups import BackupService

    eggs = product(app, site, "Œufs frais", 330)
    backups = BackupService(app.url, folder=db_path.parent / "sauv")
    copy = backups.backup()
    sell(app, site, (eggs, 1))  # ticket 4, gone with the restore
    app.close()
    backups.restore(copy.path)
    app.reopen()
    report = verify(app)
    assert report.intact, report.summary()
    assert report.tickets == 3
    assert sell(app, site, (eggs, 1)) == 4  # the number the restored base had next
    assert verify(app).intact


def test_the_command_line_verifies_the_base(
    app: Comptoir,
    site: SiteInfo,
    sold: list[int],
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--db", str(db_path), "caisse", "verifier"]) == 0
    assert capsys.readouterr().out.startswith("Journal de caisse intact (6 lignes vérifiées")
    sql(app, "DROP TRIGGER till_closure_no_delete")
    assert main(["--db", str(db_path), "caisse", "verifier"]) == 1
    out = capsys.readouterr().out
    assert "Le journal de caisse a été altéré" in out and "till_closure_no_delete" in out


def test_closures_are_checked_against_their_lines(
    app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiers_lieu.services.grocery import sales as sales_module
    from tiers_lieu.services.till import closures as closures_module

    def at(moment: datetime) -> None:
        monkeypatch.setattr(sales_module, "utcnow", lambda: moment)
        monkeypatch.setattr(closures_module, "utcnow", lambda: moment)

    eggs = product(app, site, "Œufs", 320)
    at(datetime(2026, 3, 2, 11, tzinfo=UTC))
    sell(app, site, (eggs, 2))
    at(datetime(2026, 3, 2, 19, tzinfo=UTC))
    app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 2))
    assert verify(app).intact
    sql(
        app,
        "DROP TRIGGER till_closure_no_update",
        "UPDATE till_closure SET total_cents = 1",
        sqlite_trigger("till_closure_no_update"),
    )
    problems = verify(app).problems()
    assert len(problems) == 1
    assert (
        "(Clôture Z000001) — la clôture ne correspond plus à ce que le journal a enregistré "
        "(total_cents, amount_cents)" in problems[0]
    )


def test_on_postgresql_a_dropped_or_disabled_guard_is_named(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the desk keeps of the journal goes to the test's folder, not the user's.
    monkeypatch.setattr("tiers_lieu.db.data_dir", lambda: tmp_path / "donnees")
    app = build(pg_url)
    try:
        site = app.sites.init_site(name="La Fabrique", commune_name="Aubusson", insee_code="23008")
        eggs = product(app, site, "Œufs", 320)
        sell(app, site, (eggs, 2))
        report = verify(app)
        assert report.intact, report.summary()
        assert report.tickets == 1
        sql(
            app,
            "ALTER TABLE till_journal DISABLE TRIGGER till_journal_no_update",
            "UPDATE till_journal SET actor = 'X' WHERE seq = 1",
            "DROP TRIGGER sale_ticket_no_delete ON sale",
            "DROP TRIGGER till_closure_no_truncate ON till_closure",
        )
        problems = verify(app).problems()
        assert problems[:3] == [
            "La protection de la caisse est désactivée (déclencheur « till_journal_no_update »"
            ") : tickets, clôtures ou journal ont pu être modifiés ou effacés.",
            "La protection de la caisse a été retirée (déclencheur « sale_ticket_no_delete » "
            "absent) : tickets, clôtures ou journal ont pu être modifiés ou effacés.",
            "La protection de la caisse a été retirée (déclencheur « till_closure_no_truncate » "
            "absent) : tickets, clôtures ou journal ont pu être modifiés ou effacés.",
        ]
        assert "ligne n° 1 du" in problems[3] and "empreinte" in problems[3]
    finally:
        app.close()


def test_an_account_of_one_place_is_told_of_its_own_place_only(
    app: Comptoir, site: SiteInfo, sold: list[int]
) -> None:
    other = app.sites.init_site(name="La Fabrique", commune_name="Aubusson", insee_code="23008")
    sell(app, other, (product(app, other, "Pain", 480), 1))
    sql(
        app,
        "DROP TRIGGER till_journal_no_update",
        "UPDATE till_journal SET actor = 'X' WHERE seq = 1",
        sqlite_trigger("till_journal_no_update"),
    )
    assert sorted(b.place for b in verify(app).breaks) == ["La Fabrique", "Le Comptoir de Felletin"]
    host = app.accounts.create_user(
        username="lea", display_name="Léa", password="tilleul-2026", role=Role.HOST, site_id=site.id
    )
    app.access.sign_in(host)
    report = verify(app)
    assert [b.place for b in report.breaks] == ["Le Comptoir de Felletin"]
    assert report.lines == 6
