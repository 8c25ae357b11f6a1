"""At start, offer the purge the retention periods make due (the CNIL expects retention to
be applied, not only written down). Nothing is done without the user's confirmation."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import place_today
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.people.retention import confirm_and_purge


def offer_purge_at_start(app: Comptoir, site: SiteInfo, parent: QWidget | None) -> None:
    """If something is due, a dialog lists it and offers to purge; silent otherwise."""
    from tiers_lieu.services.access import Permission

    if not app.access.allows(Permission.PEOPLE_EXPORT):
        return  # the next coordination sign-in is offered it
    try:
        due = app.privacy.purge(site.id, dry_run=True, today=place_today(site.zone))
    except Exception:  # never block the start of the day on this; the log says why
        logging.getLogger(__name__).exception("purge check failed")
        return
    if due.anything:
        confirm_and_purge(parent, app, site)
