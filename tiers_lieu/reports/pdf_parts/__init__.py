"""The pieces of the PDF activity report: fonts, styles, the page frame (page numbers and
generation date), the cover with the EU publicity block, charts and tables.

Everything here imports reportlab at module level, so only the PDF writers import this package
(:mod:`tiers_lieu.reports.pdf`, :mod:`tiers_lieu.reports.documents`), and only from inside
the functions that write (start-up time); the documents use :mod:`.fonts` alone.
"""
