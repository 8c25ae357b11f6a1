"""The one hierarchy of expected errors; each carries a translated message for the user.

Services raise these; the command line prints the message on stderr and exits 2; the UI
shows it through ``ui.errors.show_error``. Anything else is unexpected and logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiers_lieu.i18n import _


class ComptoirError(Exception):
    """An expected failure whose message can be shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ComptoirError):
    """A value a user typed does not fit; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(_("{field} : {message}").format(field=field, message=message))
        self.field = field


class NotFoundError(ComptoirError):
    pass


class ConflictError(ComptoirError):
    pass


class NoSiteError(ComptoirError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Aucun lieu n'est configuré dans cette base. Lancez d'abord "
                "« tiers-lieu init --site NOM » ou ouvrez l'application."
            )
        )


class AmbiguousSiteError(ComptoirError):
    def __init__(self, names: list[str]) -> None:
        super().__init__(
            _("Cette base contient plusieurs lieux ; précisez --site parmi : {names}.").format(
                names=", ".join(names)
            )
        )


class AuthenticationError(ComptoirError):
    pass


@dataclass(frozen=True)
class LineError:
    """A problem on one line of an imported file (line 1 is the header)."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("Ligne {line} : {message}").format(line=self.line, message=self.message)


class ImportFileError(ComptoirError):
    """An import refused as a whole; ``lines`` lists every problem found."""

    def __init__(self, lines: list[LineError]) -> None:
        shown = "\n".join(str(e) for e in lines[:50])
        more = len(lines) - 50
        if more > 0:
            shown += "\n" + _("… et {n} autres erreurs.").format(n=more)
        super().__init__(
            _("Import refusé, rien n'a été enregistré :\n{errors}").format(errors=shown)
        )
        self.lines = lines
