"""Logo files of an operation read for a document that must show them: a path set but
missing or unreadable is refused with the field's name (« Logo du GAL : … »), so the user
fixes the path instead of printing a poster without the logo a funder checks for. (The
activity report's cover, by contrast, leaves a missing logo out: see ``cover.image_or_none``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _

MAX_LOGO_BYTES = 20 * 1024 * 1024  # a logo is a few hundred KB; a photo of a poster is not


@dataclass(frozen=True)
class Logo:
    """An image file checked readable, with its size in pixels."""

    path: str
    width: int
    height: int

    def fit(self, height: float, max_width: float) -> tuple[float, float]:
        """Its size drawn ``height`` high, narrowed (keeping its shape) to ``max_width``."""
        scale = min(height / self.height, max_width / self.width)
        return self.width * scale, self.height * scale


def checked_logo(path: str | None, field: str) -> Logo | None:
    """``None`` when no file is set; the logo when it can be read; otherwise a
    :class:`ValidationError` naming ``field`` and saying what to do."""
    if not path:
        return None
    from reportlab.lib.utils import ImageReader

    where = Path(path)
    if not where.is_file():
        raise ValidationError(
            field,
            _(
                "le fichier « {path} » est introuvable ; choisissez-le à nouveau dans "
                "Rapports, onglet « Opération LEADER », ou videz ce champ."
            ).format(path=path),
        )
    if where.stat().st_size > MAX_LOGO_BYTES:
        raise ValidationError(
            field,
            _("le fichier « {path} » dépasse {n} Mo : choisissez une image plus légère.").format(
                path=path, n=MAX_LOGO_BYTES // (1024 * 1024)
            ),
        )
    try:
        width, height = ImageReader(str(where)).getSize()
    except Exception as exc:  # any unreadable file: PIL raises many kinds
        raise ValidationError(
            field,
            _("le fichier « {path} » n'est pas une image lisible (PNG ou JPEG).").format(path=path),
        ) from exc
    if not width or not height:
        raise ValidationError(
            field, _("le fichier « {path} » est une image vide.").format(path=path)
        )
    return Logo(str(where), int(width), int(height))
