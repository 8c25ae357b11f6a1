"""The body of the report: one part per section of :data:`reports.model.SECTIONS`, in order,
each with its totals, charts and breakdown tables, then the annex.

What is charted is decided per indicator code here (the data contract only says what the
figures are): visits per month, service, commune and age band; assistance per organisme and
theme; coworking hours booked against bookable; health slots offered against taken; baskets
per type. Other breakdowns are short and read best as tables.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from tiers_lieu.i18n import _
from tiers_lieu.reports.model import DEFINITIONS, INDICATORS, SECTION_CODES, SECTIONS, ReportData
from tiers_lieu.reports.pdf_parts.charts import horizontal_bars, month_bars, no_data
from tiers_lieu.reports.pdf_parts.styles import BAR, BAR_LIGHT, CONTENT_WIDTH, Styles
from tiers_lieu.reports.pdf_parts.tables import (
    annex_table,
    breakdown_table,
    key_figures_table,
    label_of,
    month_grid,
    unit_of,
)
from tiers_lieu.reports.pdf_parts.text import format_value, top_with_others

CHARTED = {
    "visits.by_service",
    "visits.by_commune",
    "visits.by_age_band",
    "assistance.by_operator",
    "assistance.by_theme",
    "health.by_specialty",
    "amap.baskets_by_type",
}
TOP_COMMUNES = 10
#: Breakdowns read as a list of names (each counts 1), not as a table of shares.
NAME_LISTS = {"results.communes_unknown_population"}


def section_story(
    data: ReportData, number: int, key: str, title: str, codes: list[str], styles: Styles
) -> list[Flowable]:
    totals = [c for c in codes if c in INDICATORS and not INDICATORS[c].breakdown]
    breakdowns = [c for c in codes if c in INDICATORS and INDICATORS[c].breakdown]
    heading = Paragraph(
        escape(_("{number}. {title}").format(number=number, title=_(title))), styles.h1
    )
    # The results are what a funder looks for first: they get a page of their own.
    opener = PageBreak() if key == "results" else CondPageBreak(70 * mm)
    story: list[Flowable] = [opener, heading]
    if totals:
        story.append(key_figures_table(data, totals, styles))
    story += _section_charts(data, key, styles)
    for code in breakdowns:
        story += _breakdown(data, code, styles)
    story += _notes(key, styles)
    story.append(Spacer(1, 6 * mm))
    return story


def _breakdown(data: ReportData, code: str, styles: Styles) -> list[Flowable]:
    title = Paragraph(escape(label_of(data, code)), styles.h2)
    series = data.series(code)
    if code in NAME_LISTS:
        if not series:
            return []
        names = ", ".join(dimension for dimension, _value in series)
        return [KeepTogether([title, Paragraph(escape(names), styles.body)])]
    if code == "visits.by_month":
        parts: list[Flowable] = [title, month_bars(series, CONTENT_WIDTH)]
        grid = month_grid(data, code)
        if grid is not None:
            parts += [Spacer(1, 3 * mm), grid]
        return [KeepTogether(parts)]
    note: Flowable | None = None
    colors = None
    grouped = top_with_others(series, TOP_COMMUNES, _("Autres communes"))
    if code == "visits.by_commune" and len(grouped) < len(series):
        series = grouped
        colors = [BAR] * TOP_COMMUNES + [BAR_LIGHT, BAR]
        note = Paragraph(
            escape(
                _(
                    "Les {n} communes les plus représentées ; les autres sont regroupées "
                    "(liste complète en annexe)."
                ).format(n=TOP_COMMUNES)
            ),
            styles.muted,
        )
    if not series:
        return [KeepTogether([title, _empty(styles)])]
    parts = [title]
    if note is not None:
        parts.append(note)
    if code in CHARTED:
        # The bars carry value and share: a table beside them would only repeat it (every
        # figure is also in the annex).
        chart = horizontal_bars(
            series, CONTENT_WIDTH, unit_of(data, code), colors=colors, shares=True
        )
        return [KeepTogether([*parts, chart])]
    table = breakdown_table(data, code, styles, series=series)
    if len(series) <= 14:
        return [KeepTogether([*parts, table])]
    return [KeepTogether(parts), table]


def _section_charts(data: ReportData, key: str, styles: Styles) -> list[Flowable]:
    """The comparisons a section is judged on, drawn under its totals."""
    if key == "coworking":
        booked = data.value("coworking.hours_booked")
        bookable = data.value("coworking.hours_bookable")
        pairs = [
            (label_of(data, "coworking.hours_bookable"), bookable),
            (label_of(data, "coworking.hours_booked"), booked),
        ]
        title = _("Occupation du coworking : {rate}").format(
            rate=format_value(data.value("coworking.occupancy_rate"), "percent")
        )
        return _pair_chart(title, pairs, "hours", styles)
    if key == "health":
        pairs = [
            (label_of(data, "health.slots_offered"), data.value("health.slots_offered")),
            (label_of(data, "health.slots_taken"), data.value("health.slots_taken")),
        ]
        return _pair_chart(_("Créneaux proposés et pris"), pairs, "count", styles)
    return []


def _pair_chart(
    title: str, pairs: list[tuple[str, int | float]], unit: str, styles: Styles
) -> list[Flowable]:
    chart = horizontal_bars(pairs, CONTENT_WIDTH, unit, colors=[BAR_LIGHT, BAR])
    return [KeepTogether([Paragraph(escape(title), styles.h2), chart])]


def _notes(key: str, styles: Styles) -> list[Flowable]:
    """The definitions of the section's funder indicators (R.37, R.41, R.42…), under it."""
    codes = set(SECTION_CODES.get(key, []))
    found = [d for d in DEFINITIONS if codes.intersection(d.codes)]
    if not found:
        return []
    story: list[Flowable] = [Spacer(1, 2 * mm)]
    for definition in found:
        story += [_definition(definition.title, definition.text, styles.muted), Spacer(1, 1.5 * mm)]
    return story


def _definition(title: str, text: str, style: ParagraphStyle) -> Paragraph:
    """The title in bold, the text under it."""
    return Paragraph(f"<b>{escape(_(title))}</b><br/>{escape(_(text))}", style)


def _empty(styles: Styles) -> Flowable:
    return no_data(CONTENT_WIDTH)


def body(data: ReportData, styles: Styles) -> list[list[Flowable]]:
    """The story of each section, in order (a list per section, for progress reporting)."""
    return [
        section_story(data, number, key, title, codes, styles)
        for number, (key, title, codes) in enumerate(SECTIONS, start=1)
    ]


def annex(data: ReportData, styles: Styles) -> list[Flowable]:
    return [
        PageBreak(),
        Paragraph(escape(_("Annexe : tableau des indicateurs")), styles.h1),
        Paragraph(
            escape(
                _(
                    "Toutes les valeurs du rapport, telles qu'elles figurent dans les exports "
                    "CSV et XLSX (une ligne par indicateur et par catégorie)."
                )
            ),
            styles.muted,
        ),
        Spacer(1, 3 * mm),
        annex_table(data, styles),
        CondPageBreak(40 * mm),
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Définitions des indicateurs")), styles.h2),
        # Each definition whole on one page: a reader (or a search) finds it in one piece.
        *[
            KeepTogether(
                [_definition(definition.title, definition.text, styles.small), Spacer(1, 2 * mm)]
            )
            for definition in DEFINITIONS
        ],
    ]
