"""French labels of the closed vocabularies of :mod:`tiers_lieu.models.enums`.

Marked with ``N_`` for extraction and translated with ``_()`` when shown.
"""

from __future__ import annotations

from tiers_lieu.i18n import N_, _
from tiers_lieu.models.enums import Role

ROLE_LABELS = {
    Role.ADMIN: N_("Administration"),
    Role.COORDINATOR: N_("Coordination"),
    Role.HOST: N_("Agent d'accueil"),
    Role.MEDIATOR: N_("Médiation / France Services"),
    Role.VOLUNTEER: N_("Bénévole"),
}


def role_label(role: str) -> str:
    return _(ROLE_LABELS.get(Role(role), role))
