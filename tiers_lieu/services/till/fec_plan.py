"""The vocabulary of the accountant's export: the 18 columns of the FEC (art. A47 A-1), its
journals (``CA`` caisse, ``VT`` ventes, ``EN`` encaissements), the :class:`AccountPlan` (account
numbers by role: plan comptable général and règlement ANC 2018-06 for an association's 756
and 7541), the accounts' and payment methods' French labels, and the small look-ups on them
(a rate as « 5,5 % », an account's role).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

#: The 18 columns of art. A47 A-1 (VII, 1° to 18°), in their order, as the header names them.
COLUMNS: tuple[str, ...] = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)

#: Journals: code → label (the labels are the file's, in French whatever the language).
JOURNALS: dict[str, str] = {
    "CA": "Caisse (Z quotidiens)",
    "VT": "Ventes (factures et avoirs)",
    "EN": "Encaissements",
}
CASH_JOURNAL, SALES_JOURNAL, RECEIPTS_JOURNAL = "CA", "VT", "EN"


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """Account numbers by role. Defaults: plan comptable général, and règlement ANC 2018-06
    for an association's own resources (756, 7541)."""

    cash: str = "530"
    cheque: str = "5112"
    card: str = "5115"
    voucher: str = "5117"
    transfer: str = "512"
    clients: str = "411"
    services: str = "706"
    goods: str = "707"
    vat: str = "44571"
    memberships: str = "756"
    donations: str = "7541"
    suspense: str = "471"

    def for_method(self, method: str) -> str | None:
        """The account a payment ``method`` lands on, ``None`` for a method unknown here."""
        return {
            "cash": self.cash,
            "cheque": self.cheque,
            "card": self.card,
            "voucher": self.voucher,
            "transfer": self.transfer,
        }.get(method)


ACCOUNT_KEYS: tuple[str, ...] = tuple(f.name for f in fields(AccountPlan))

#: Account labels (``CompteLib``) by the default numbers' roles.
ACCOUNT_LABELS: dict[str, str] = {
    "cash": "Caisse",
    "cheque": "Chèques à encaisser",
    "card": "Cartes bancaires à encaisser",
    "voucher": "Bons à encaisser",
    "transfer": "Banque",
    "clients": "Clients",
    "services": "Prestations de services",
    "goods": "Ventes de marchandises",
    "vat": "TVA collectée",
    "memberships": "Cotisations",
    "donations": "Dons manuels",
    "suspense": "Compte d'attente",
}

#: Method words in the entries' labels (the file's language is French).
METHOD_WORDS: dict[str, str] = {
    "cash": "espèces",
    "cheque": "chèque",
    "card": "carte",
    "voucher": "bon",
    "transfer": "virement",
}


def _rate_text(rate_bp: int) -> str:
    """« 5,5 % », « 20 % »: the rate in the file's labels (French, whatever the language)."""
    whole, part = divmod(rate_bp, 100)
    return f"{whole},{part:02d}".rstrip("0").rstrip(",") + " %"


def _word(method: str) -> str:
    return METHOD_WORDS.get(method, method)


def _index(order: list[str], method: str) -> int:
    return order.index(method) if method in order else len(order)


def _role(plan: AccountPlan, account: str) -> str:
    """The role (field of :class:`AccountPlan`) an account number stands for."""
    for key in ACCOUNT_KEYS:
        if getattr(plan, key) == account:
            return key
    return "suspense"
