"""The accountant's export as files, from the read models of
:mod:`tiers_lieu.services.till.fec`:

- the **FEC** (``tiers-lieu export fec``): a flat text file as art. A47 A-1 du LPF describes
  it: the first line names the 18 fields (``JournalCode`` … ``Idevise``), then one line per
  accounting line; fields separated by a tab (or ``|``, the other separator the text allows),
  records by CR LF; dates ``AAAAMMJJ``; amounts with a decimal comma, no thousands separator,
  two decimals, ``Debit`` and ``Credit`` both filled (one of them ``0,00``); ``Montantdevise``
  and ``Idevise`` empty (everything is in euros). Encoded in ISO 8859-15, one of the three
  character sets the article allows (ASCII, ISO 8859-15, EBCDIC), the one that keeps French
  names whole (« œ », « € » included); a character it lacks is written « ? ». The official
  name is
  ``<SIREN>FEC<AAAAMMJJ>.txt``, AAAAMMJJ the last day of the period: :func:`fec_file_name`;
  when ``--out`` is a folder the file takes that name there. Free text (labels, names) is
  neutralised like a spreadsheet cell (:mod:`tiers_lieu.reports.cells`): the file is often
  opened in a spreadsheet too.
- the **Z totals** (``tiers-lieu export clotures``): one row per day Z (number, day, tickets,
  reversals, total, per payment method, per VAT rate HT / TVA / TTC, perpetual grand total)
  and a total row, as CSV (the house dialect: UTF-8 with BOM, ``;``, decimal comma) or XLSX
  (real numbers in euros, real dates). openpyxl is imported when an XLSX is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.models.enums import PaymentMethod
from tiers_lieu.reports.cells import put, safe_text, save_workbook, write_bytes, write_csv
from tiers_lieu.services.grocery.labels import method_label, vat_label
from tiers_lieu.services.till.fec import COLUMNS, FecExport, FecLine, ZTotals

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest
    from tiers_lieu.services.readmodels import SiteInfo

SEPARATORS = ("\t", "|")
LINE_END = "\r\n"
FEC_ENCODING = "iso-8859-15"
PLACEHOLDER_SIREN = "000000000"
"""The file's SIREN while the place's SIRET is not filled in (a warning says so)."""
EURO_FORMAT = "#,##0.00 €"
DATE_FORMAT = "dd/mm/yyyy"


# -- the FEC --------------------------------------------------------------------------------
def fec_amount(cents: int) -> str:
    """``1234,56``: a decimal comma, two decimals, no thousands separator."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole},{part:02d}"


def fec_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%Y%m%d")


def _text(value: str, separator: str) -> str:
    """A text field: one line, no separator inside, never a formula in a spreadsheet."""
    cleaned = " ".join(value.replace(separator, " ").split())
    return safe_text(cleaned) if cleaned else ""


def fec_fields(line: FecLine, separator: str = "\t") -> list[str]:
    """The 18 fields of ``line``, in the order of :data:`COLUMNS`."""
    return [
        line.journal_code,
        _text(line.journal_label, separator),
        str(line.entry_number),
        fec_date(line.entry_date),
        line.account,
        _text(line.account_label, separator),
        line.aux_account,
        _text(line.aux_label, separator),
        _text(line.piece_ref, separator),
        fec_date(line.piece_date),
        _text(line.label, separator),
        fec_amount(line.debit_cents),
        fec_amount(line.credit_cents),
        line.lettering,
        fec_date(line.lettering_date),
        fec_date(line.valid_date),
        "",
        "",
    ]


def fec_text(export: FecExport, separator: str = "\t") -> str:
    if separator not in SEPARATORS:
        raise ComptoirError(_("Séparateur du FEC : une tabulation ou « | »."))
    lines = [separator.join(COLUMNS)]
    lines.extend(separator.join(fec_fields(line, separator)) for line in export.lines)
    return LINE_END.join(lines) + LINE_END


def fec_file_name(export: FecExport) -> str:
    """``123456789FEC20261231.txt``: the SIREN, « FEC », the period's last day."""
    return f"{export.siren or PLACEHOLDER_SIREN}FEC{export.end:%Y%m%d}.txt"


def write_fec(export: FecExport, path: Path, separator: str = "\t") -> Path:
    """Write the FEC to ``path`` (or under its official name when ``path`` is a folder);
    returns the file written."""
    target = path / fec_file_name(export) if path.is_dir() else path
    write_bytes(target, fec_text(export, separator).encode(FEC_ENCODING, "replace"))
    return target


# -- the Z totals ---------------------------------------------------------------------------
def z_header(totals: ZTotals) -> list[str]:
    header = [_("N° de Z"), _("Date"), _("Tickets"), _("Annulations"), _("Total TTC")]
    header += [method_label(m) if _known(m) else m for m in totals.methods]
    for rate in totals.rates:
        label = vat_label(rate)
        header += [
            _("HT {rate}").format(rate=label),
            _("TVA {rate}").format(rate=label),
            _("TTC {rate}").format(rate=label),
        ]
    header.append(_("Grand total perpétuel"))
    return header


def _known(method: str) -> bool:
    return method in {m.value for m in PaymentMethod}


def z_rows(totals: ZTotals) -> list[list[Any]]:
    """The rows as values: counts as ints, amounts in cents, the day as a date; the last row
    is the period's total (no number, no grand total)."""
    rows: list[list[Any]] = []
    for row in totals.rows:
        values: list[Any] = [row.number, row.day, row.tickets, row.reversals, row.total_cents]
        values += [row.by_method.get(m, 0) for m in totals.methods]
        for rate in totals.rates:
            ttc, vat = row.by_vat.get(rate, (0, 0))
            values += [ttc - vat, vat, ttc]
        values.append(row.grand_total_cents)
        rows.append(values)
    if rows:
        width = len(rows[0])
        total: list[Any] = [None, _("Total"), *(sum(r[i] for r in rows) for i in range(2, width))]
        total[-1] = None
        rows.append(total)
    return rows


_AMOUNT_FROM = 4  # columns from « Total TTC » on are euros


def _csv_rows(totals: ZTotals) -> Iterable[Sequence[object]]:
    yield z_header(totals)
    for values in z_rows(totals):
        yield [
            fec_amount(v) if i >= _AMOUNT_FROM and isinstance(v, int) else v
            for i, v in enumerate(values)
        ]


def write_z_csv(totals: ZTotals, path: Path) -> None:
    write_csv(path, _csv_rows(totals))


def write_z_xlsx(totals: ZTotals, path: Path) -> None:
    from openpyxl import Workbook  # imported here: start-up time
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet: Any = book.active
    sheet.title = _("Z quotidiens")[:31]
    header = z_header(totals)
    for column, name in enumerate(header, start=1):
        put(sheet.cell(row=1, column=column), name).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = max(11, min(24, len(name) + 3))
    rows = z_rows(totals)
    for index, values in enumerate(rows, start=2):
        last = index == len(rows) + 1
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            if column - 1 >= _AMOUNT_FROM and isinstance(value, int):
                cell = put(sheet.cell(row=index, column=column), value / 100)
                cell.number_format = EURO_FORMAT
            else:
                cell = put(sheet.cell(row=index, column=column), value)
                if isinstance(value, date):
                    cell.number_format = DATE_FORMAT
            if last:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    save_workbook(book, path)


# -- the command's writers ------------------------------------------------------------------
def _place(app: Comptoir, request: ExportRequest, refusal: str) -> SiteInfo:
    """The place asked for, or the base's only one; ``refusal`` (its ``{names}`` the places)
    otherwise."""
    if request.site is not None:
        return request.site
    sites = app.sites.list_sites()
    if len(sites) == 1:
        return sites[0]
    raise ComptoirError(refusal.format(names=", ".join(s.name for s in sites) or _("aucun lieu")))


def _with_warnings(said: str, warnings: Iterable[str]) -> str:
    return "\n".join([said, *(_("Attention : {warning}").format(warning=w) for w in warnings)])


def export_fec(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export fec``: the place's FEC of the period (``--out`` a file, or a
    folder where it takes its official name); returns what to say, warnings included."""
    assert request.start is not None and request.end is not None  # a period kind
    if request.fmt != "txt":
        raise ComptoirError(
            _("--format : « {value} » n'est pas possible pour cet export (choix : {choices}).")
            .format(value=request.fmt, choices="txt")
        )  # fmt: skip
    place = _place(
        app, request, _("--site : le FEC est celui d'un lieu ; choisissez-en un ({names}).")
    )
    export = app.fec.entries(place.id, start=request.start, end=request.end)
    written = write_fec(export, request.out)
    app.fec.note_export(place.id, export, separator="\t")
    entries = ngettext("{n} écriture", "{n} écritures", export.entries).format(n=export.entries)
    said = _(
        "FEC de {place} du {start} au {end} : {entries}, débit {debit} = crédit {credit}, "
        "écrit dans {path}."
    ).format(
        place=place.name,
        start=format_date(request.start),
        end=format_date(request.end),
        entries=entries,
        debit=fec_amount(export.debit_cents),
        credit=fec_amount(export.credit_cents),
        path=written,
    )
    if written.name != fec_file_name(export):
        said += " " + _("Nom officiel du fichier : {name}.").format(name=fec_file_name(export))
    return _with_warnings(said, export.warnings)


def export_closures(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export clotures``: the day Zs of the period, as XLSX or CSV."""
    assert request.start is not None and request.end is not None  # a period kind
    if request.out.is_dir():
        raise ComptoirError(
            _("--out : « {path} » est un dossier ; donnez le nom du fichier à écrire.").format(
                path=request.out
            )
        )
    place = _place(
        app,
        request,
        _("--site : le tableau des Z est celui d'un lieu ; choisissez-en un ({names})."),
    )
    totals = app.fec.z_totals(place.id, start=request.start, end=request.end)
    if request.fmt == "xlsx":
        write_z_xlsx(totals, request.out)
    elif request.fmt == "csv":
        write_z_csv(totals, request.out)
    else:
        raise ComptoirError(
            _("--format : « {value} » n'est pas possible pour cet export (choix : {choices}).")
            .format(value=request.fmt, choices="xlsx, csv")
        )  # fmt: skip
    count = ngettext("{n} Z quotidien", "{n} Z quotidiens", len(totals.rows)).format(
        n=len(totals.rows)
    )
    said = _("{count} de {place} du {start} au {end} écrits dans {path}.").format(
        count=count,
        place=place.name,
        start=format_date(request.start),
        end=format_date(request.end),
        path=request.out,
    )
    return _with_warnings(said, totals.warnings)
