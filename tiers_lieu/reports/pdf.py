"""The PDF activity report (LEADER-ready): cover with the EU publicity block, summary, one part
per section with tables and charts, results, annex; page numbers and generation date on every
page; DejaVu Sans embedded.

reportlab is imported only when a PDF is made (start-up time of the desk's old laptop): this
module imports :mod:`tiers_lieu.reports.pdf_parts` inside :func:`render_pdf`, and nothing
imports it at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tiers_lieu.i18n import _, format_date, to_place_time
from tiers_lieu.reports.model import ReportData

Progress = Callable[[int, int], None]


def render_pdf(data: ReportData, path: Path, *, progress: Progress | None = None) -> None:
    """Write the report of ``data`` to ``path`` (overwritten)."""
    # reportlab and the parts that use it: imported here, not at module level (start-up time).
    from reportlab.platypus import Flowable, PageBreak

    from tiers_lieu.reports.pdf_parts.cover import cover, cover_title
    from tiers_lieu.reports.pdf_parts.fonts import register_fonts
    from tiers_lieu.reports.pdf_parts.page import footer_lines, make_document, numbered_canvas
    from tiers_lieu.reports.pdf_parts.sections import annex, body
    from tiers_lieu.reports.pdf_parts.styles import Styles
    from tiers_lieu.reports.pdf_parts.text import period_text

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total)

    register_fonts()
    styles = Styles()
    sites = ", ".join(data.site_names)
    period = period_text(data.period_start, data.period_end)
    title = cover_title(data)
    footer = _("Rapport d'activité — {sites} — {period}").format(sites=sites, period=period)
    generated = format_date(to_place_time(data.generated_at, data.zone).date(), "short")
    lines = footer_lines(footer, generated)
    parts = body(data, styles)
    total_steps = len(parts) + 3
    step(1, total_steps)
    story: list[Flowable] = cover(data, styles)
    story.append(PageBreak())
    for index, part in enumerate(parts, start=2):
        story += part
        step(index, total_steps)
    story += annex(data, styles)
    doc = make_document(
        str(path),
        title=_("Rapport d'activité — {title}").format(title=title),
        subject=period,
        footer_lines=len(lines),
    )
    step(total_steps - 1, total_steps)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.build(story, canvasmaker=numbered_canvas(lines, generated))
    step(total_steps, total_steps)
