"""The pieces of the PDF activity report: fonts, styles, the page frame (page numbers and
generation date), the cover with the EU publicity block, charts and tables.

Everything here imports reportlab at module level, so nothing but :mod:`tiers_lieu.reports.pdf`
may import this package, and that module only from inside ``render_pdf`` (start-up time).
"""
