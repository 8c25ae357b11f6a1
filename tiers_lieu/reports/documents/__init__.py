"""The documents other than the activity report, each written from a read model a service
computed: the Z de caisse, the GDPR notice, register and person's copy, the blank tally sheet,
the agenda's sheets, the AMAP distribution sheet and the assistance exports.

The services compute (and audit) what a document says; these writers only turn it into a
file and touch no database. reportlab and openpyxl are imported inside the writers, never at
module level, so that a screen may import a writer at start (start-up time of the desk's old
laptop); ``tests/unit/test_layering.py`` checks that opening the window loads neither.
"""
