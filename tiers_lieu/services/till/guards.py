"""The guard triggers of migration 0012 (issue 21): which rows of the till may never be
updated or deleted, and the exact SQL that forbids it on SQLite and PostgreSQL.

The one definition of their text: migration 0012 creates them from it and the verifier
(:mod:`.guard_check`) compares what the base holds with it. Frozen as 0012 wrote them: a
later migration that needs other guards writes its own, and one that copies a guarded table
(batch on SQLite) recreates these with :func:`sqlite_trigger` / :func:`postgres_guard`.
"""

from __future__ import annotations

# Guards: (name, table, event, columns that may not change or None for DELETE, the condition
# that makes the row protected, the message). ``{ne}`` is SQLite's IS NOT / PostgreSQL's IS
# DISTINCT FROM; conditions read OLD only.
_NUMBERED_SALE = (
    "(SELECT 1 FROM sale WHERE sale.id = OLD.sale_id AND sale.ticket_number IS NOT NULL)"
)
_ISSUED_INVOICE = (
    "(SELECT 1 FROM invoice WHERE invoice.id = OLD.invoice_id AND invoice.number IS NOT NULL "
    "AND invoice.kind <> 'quote')"
)
GUARDS: list[tuple[str, str, str, tuple[str, ...] | None, str, str]] = [
    (
        "till_journal_no_update",
        "till_journal",
        "UPDATE",
        (),
        "1 = 1",
        "till_journal is append-only",
    ),
    (
        "till_journal_no_delete",
        "till_journal",
        "DELETE",
        None,
        "1 = 1",
        "till_journal is append-only",
    ),
    (
        "till_closure_no_update",
        "till_closure",
        "UPDATE",
        (),
        "1 = 1",
        "till_closure is append-only",
    ),
    (
        "till_closure_no_delete",
        "till_closure",
        "DELETE",
        None,
        "1 = 1",
        "till_closure is append-only",
    ),
    (
        "sale_ticket_no_update",
        "sale",
        "UPDATE",
        (
            "site_id",
            "sold_at",
            "total_cents",
            "solidarity",
            "cancelled_at",
            "ticket_number",
            "reverses_id",
        ),
        "OLD.ticket_number IS NOT NULL",
        "a numbered ticket is never changed",
    ),
    (
        "sale_ticket_no_delete",
        "sale",
        "DELETE",
        None,
        "OLD.ticket_number IS NOT NULL",
        "a numbered ticket is never deleted",
    ),
    (
        "sale_line_ticket_no_update",
        "sale_line",
        "UPDATE",
        (
            "site_id",
            "sale_id",
            "product_id",
            "quantity_milli",
            "unit_price_cents",
            "vat_rate_bp",
            "total_cents",
        ),
        f"EXISTS {_NUMBERED_SALE}",
        "a numbered ticket is never changed",
    ),
    (
        "sale_line_ticket_no_delete",
        "sale_line",
        "DELETE",
        None,
        f"EXISTS {_NUMBERED_SALE}",
        "a numbered ticket is never deleted",
    ),
    (
        "payment_ticket_no_update",
        "payment",
        "UPDATE",
        ("site_id", "sale_id", "amount_cents", "method", "paid_on"),
        f"OLD.sale_id IS NOT NULL AND EXISTS {_NUMBERED_SALE}",
        "a numbered ticket is never changed",
    ),
    (
        "payment_ticket_no_delete",
        "payment",
        "DELETE",
        None,
        f"OLD.sale_id IS NOT NULL AND EXISTS {_NUMBERED_SALE}",
        "a numbered ticket is never deleted",
    ),
    (
        "invoice_issued_no_update",
        "invoice",
        "UPDATE",
        (
            "site_id",
            "kind",
            "status",
            "number",
            "year",
            "seq",
            "client_id",
            "subject",
            "issued_on",
            "due_on",
            "service_from",
            "service_to",
            "quote_id",
            "credits_id",
            "total_net_cents",
            "total_vat_cents",
            "total_cents",
            "seller",
            "buyer",
            "issued_by",
        ),
        "OLD.number IS NOT NULL AND OLD.kind <> 'quote'",
        "an issued invoice is never changed",
    ),
    (
        "invoice_issued_no_delete",
        "invoice",
        "DELETE",
        None,
        "OLD.number IS NOT NULL AND OLD.kind <> 'quote'",
        "an issued invoice is never deleted",
    ),
    (
        "invoice_line_issued_no_update",
        "invoice_line",
        "UPDATE",
        (
            "site_id",
            "invoice_id",
            "description",
            "quantity_milli",
            "unit",
            "unit_price_cents",
            "vat_rate_bp",
            "total_net_cents",
        ),
        f"EXISTS {_ISSUED_INVOICE}",
        "an issued invoice is never changed",
    ),
    (
        "invoice_line_issued_no_delete",
        "invoice_line",
        "DELETE",
        None,
        f"EXISTS {_ISSUED_INVOICE}",
        "an issued invoice is never deleted",
    ),
    (
        "donation_receipt_no_update",
        "donation",
        "UPDATE",
        (
            "site_id",
            "donor",
            "amount_cents",
            "received_on",
            "method",
            "form",
            "description",
            "receipt_number",
            "receipt_year",
            "receipt_seq",
            "receipt_issued_on",
        ),
        "OLD.receipt_number IS NOT NULL",
        "a donation whose receipt is issued is never changed",
    ),
    (
        "donation_receipt_no_delete",
        "donation",
        "DELETE",
        None,
        "OLD.receipt_number IS NOT NULL",
        "a donation whose receipt is issued is never deleted",
    ),
]


def _condition(columns: tuple[str, ...] | None, protected: str, ne: str) -> str:
    if not columns:
        return protected
    changed = " OR ".join(f"OLD.{c} {ne} NEW.{c}" for c in columns)
    return f"({protected}) AND ({changed})"


def sqlite_trigger(name: str) -> str:
    """The CREATE TRIGGER statement of a guard on SQLite (also what the verifier expects)."""
    for guard, table, event, columns, protected, message in GUARDS:
        if guard == name:
            condition = _condition(columns, protected, "IS NOT")
            return (
                f"CREATE TRIGGER {guard} BEFORE {event} ON {table} WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    raise KeyError(name)


#: PostgreSQL's statement triggers against TRUNCATE (row triggers never see it).
TRUNCATE_GUARDED = ("till_journal", "till_closure")


def postgres_guard(name: str) -> tuple[str, str]:
    """The CREATE FUNCTION and CREATE TRIGGER statements of a guard on PostgreSQL, the
    ``…_no_truncate`` ones included (also what the verifier expects)."""
    for table in TRUNCATE_GUARDED:
        if name == f"{table}_no_truncate":
            return (
                f"CREATE FUNCTION {table}_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate()",
            )
    for guard, table, event, columns, protected, message in GUARDS:
        if guard == name:
            condition = _condition(columns, protected, "IS DISTINCT FROM")
            return (
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF {condition} THEN RAISE EXCEPTION '{message}'; END IF; "
                f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()",
            )
    raise KeyError(name)
