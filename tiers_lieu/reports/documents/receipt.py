"""A ticket as a PDF: one page 80 mm wide (a receipt roll), as tall as its content.

What it says is :class:`~tiers_lieu.services.till.receipts.Receipt`, the same read model the
screen and the receipt printer use; here it is set in DejaVu Sans (euro amounts carry narrow
no-break spaces) with amounts right-aligned. reportlab is imported inside the function.
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu import private_files
from tiers_lieu.i18n import _, format_eur, format_number
from tiers_lieu.services.till.receipts import Receipt, rate_text

WIDTH_MM = 80
MARGIN_MM = 4
SIZE = 8.5
LEADING = 11.0
INDENT = 10.0


def write_receipt_pdf(receipt: Receipt, path: Path) -> Path:
    """Write ``receipt`` as a PDF at ``path`` (replaced whole) and return ``path``."""
    import io

    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    width = WIDTH_MM * mm
    margin = MARGIN_MM * mm
    inner = width - 2 * margin
    # Each entry: (kind, left, right, bold); kinds: "center", "left", "sides", "rule", "gap".
    ops: list[tuple[str, str, str, bool]] = []

    def centered(text: str, *, bold: bool = False) -> None:
        for part in simpleSplit(text, BOLD if bold else REGULAR, SIZE, inner):
            ops.append(("center", part, "", bold))

    def wrapped(text: str, *, indent: float = 0, bold: bool = False) -> None:
        for part in simpleSplit(text, BOLD if bold else REGULAR, SIZE, inner - indent):
            ops.append(("left", part, str(indent), bold))

    def sides(left: str, right: str, *, bold: bool = False, indent: bool = False) -> None:
        font = BOLD if bold else REGULAR
        from reportlab.pdfbase.pdfmetrics import stringWidth

        room = inner - stringWidth(right, font, SIZE) - 6 - (INDENT if indent else 0)
        parts = simpleSplit(left, font, SIZE, max(room, inner / 3)) or [""]
        for part in parts[:-1]:
            ops.append(("left", part, "0", bold))
        ops.append(("sides_in" if indent else "sides", parts[-1], right, bold))

    if receipt.duplicate:
        centered(_("DUPLICATA"), bold=True)
    centered(receipt.place_name, bold=True)
    for line in receipt.address_lines:
        centered(line)
    if receipt.siret:
        centered(_("SIRET {siret}").format(siret=receipt.siret))
    ops.append(("rule", "", "", False))
    sides(_("Ticket {number}").format(number=receipt.ticket), receipt.when, bold=True)
    if receipt.host:
        wrapped(_("Servi par : {name}").format(name=receipt.host))
    if receipt.reverses:
        wrapped(_("Annulation du ticket {number}").format(number=receipt.reverses), bold=True)
    ops.append(("rule", "", "", False))
    for item in receipt.lines:
        wrapped(item.product)
        sides(
            _("{quantity} x {price}").format(
                quantity=item.quantity, price=format_eur(item.unit_price_cents)
            ),
            f"{format_eur(item.total_cents)}  {item.vat_code}",
            indent=True,
        )
    ops.append(("rule", "", "", False))
    sides(_("TOTAL TTC"), format_eur(receipt.total_cents), bold=True)
    ops.append(("rule", "", "", False))
    ops.append(("vat", _("Taux"), "|".join((_("HT"), _("TVA"), _("TTC"))), True))
    for vat in receipt.vat:
        amounts = (vat.excluding_cents, vat.vat_cents, vat.including_cents)
        ops.append(
            (
                "vat",
                f"{vat.code}  {rate_text(vat.rate_bp)}",
                "|".join(format_number(a / 100, 2) for a in amounts),
                False,
            )
        )
    if receipt.vat_mention:
        wrapped(receipt.vat_mention)
    ops.append(("rule", "", "", False))
    for payment in receipt.payments:
        sides(payment.label, format_eur(payment.amount_cents))
    if receipt.change_cents:
        sides(_("Rendu"), format_eur(receipt.change_cents))
    if receipt.solidarity:
        wrapped(_("Prix solidaire appliqué"))
    ops.append(("rule", "", "", False))
    if receipt.duplicate:
        centered(
            _("Duplicata n° {n} du ticket {number}").format(
                n=receipt.reprint, number=receipt.ticket
            )
        )
        if receipt.reprinted:
            centered(_("édité le {when}").format(when=receipt.reprinted))
    centered(_("Merci de votre visite"), bold=True)

    rule_height = LEADING * 0.6
    height = 2 * margin + sum(rule_height if op[0] == "rule" else LEADING for op in ops)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(_("Ticket {number}").format(number=receipt.ticket))
    canvas.setAuthor(receipt.place_name)
    y = height - margin
    column = inner / 4
    for kind, left, right, bold in ops:
        if kind == "rule":
            canvas.setLineWidth(0.4)
            canvas.setDash(1, 1.5)
            canvas.line(margin, y - rule_height / 2, width - margin, y - rule_height / 2)
            y -= rule_height
            continue
        y -= LEADING
        base = y + (LEADING - SIZE) / 2
        canvas.setFont(BOLD if bold else REGULAR, SIZE)
        if kind == "center":
            canvas.drawCentredString(width / 2, base, left)
        elif kind == "left":
            canvas.drawString(margin + float(right or 0), base, left)
        elif kind in ("sides", "sides_in"):
            canvas.drawString(margin + (INDENT if kind == "sides_in" else 0), base, left)
            canvas.drawRightString(width - margin, base, right)
        elif kind == "vat":
            canvas.drawString(margin, base, left)
            for index, value in enumerate(right.split("|")):
                canvas.drawRightString(margin + column * (index + 2), base, value)
    canvas.showPage()
    canvas.save()
    path.parent.mkdir(parents=True, exist_ok=True)
    private_files.write_whole(path, buffer.getvalue(), mode=None)
    return path
