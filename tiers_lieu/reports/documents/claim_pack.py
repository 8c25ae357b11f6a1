"""The LEADER payment-claim pack (issue 20 § 2): every document a claim for a period needs,
written into one new folder ``Dossier-demande-paiement-<numéro ou période>/`` with a contents
page, and a zip of that folder beside it.

The pieces are the kinds of ``tiers-lieu export`` (:data:`PIECES`: kind, format, file name in
the pack, title on the contents page), written by the same functions as the command line and
the « Exports » tab; the activity report (PDF and XLSX) is written by the report's own
service. What the pack does on its own:

- **Nothing half-written.** Every piece is written into ``<dossier>.partiel``; the contents
  page last (it counts the pages of the others); the folder then takes its name and the zip
  is written beside it (whole, through :mod:`tiers_lieu.private_files`). Any failure removes
  the partial folder (or the folder, if only the zip failed) and re-raises. The folder must be
  new: it may hold what the user added (signed scans), so it is never replaced; an existing
  zip of that name is, as every export replaces its file.
- **Missing is not failing.** A piece that has nothing for the period (no workshop: no
  attendance sheet; no time kept: no time sheet) is left out and named on the contents page
  with the reason. A piece that cannot be written because something is not filled in (the
  operation, a logo file that has gone) stops the pack with the French message of that
  piece, prefixed by its title: a claim goes to the GAL complete or not at all.
- The operation must exist with its file number and description (the contents page and the
  poster show them): checked before anything is written.

Cheap pieces come first (poster, notice, sheets), the report last, so that a refusal comes
before the long part. The folder and the zip are the user's documents (the umask's mode).
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tiers_lieu.errors import ComptoirError, ConflictError, ValidationError
from tiers_lieu.i18n import N_, _, place_today
from tiers_lieu.reports.documents.claim_contents import PackContents, PackEntry, write_contents
from tiers_lieu.services.readmodels import SiteInfo

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest

Progress = Callable[[int, int], None]

REPORT = "rapport"
"""The activity report: not a kind of ``tiers-lieu export`` (it is ``tiers-lieu report``)."""
CONTENTS_FILE = "00-sommaire.pdf"
FOLDER_PREFIX = "Dossier-demande-paiement-"
PARTIAL_SUFFIX = ".partiel"


@dataclass(frozen=True)
class Piece:
    """One document of the pack: the export kind writing it, its format, its file name in
    the pack (the number is its place on the contents page) and its title (an ``N_`` id)."""

    kind: str
    fmt: str
    file_name: str
    title: str

    @property
    def number(self) -> int:
        return int(self.file_name.split("-", 1)[0])


PIECES: tuple[Piece, ...] = (
    Piece(REPORT, "pdf", "01-rapport-activite.pdf", N_("Rapport d'activité et indicateurs")),
    Piece(REPORT, "xlsx", "02-rapport-activite.xlsx", N_("Rapport d'activité, tableaux (XLSX)")),
    Piece("feuilles-temps", "pdf", "03-feuilles-de-temps.pdf", N_("Feuilles de temps")),
    Piece("emargement", "pdf", "04-feuilles-emargement.pdf", N_("Feuilles d'émargement")),
    Piece("affiche", "pdf", "05-affiche-A3.pdf", N_("Affiche A3 de l'opération")),
    Piece("notice", "pdf", "06-notice-A4.pdf", N_("Notice A4 de l'opération")),
)
WRITING_ORDER = ("affiche", "notice", "emargement", "feuilles-temps", REPORT)
"""Quick pieces first: a refusal (a logo missing) comes before the report's long write."""


@dataclass(frozen=True)
class ClaimPack:
    """The pack written: its folder, its zip and its contents."""

    folder: Path
    zip_path: Path
    contents: PackContents


# -- names ---------------------------------------------------------------------------------
def folder_name(claim_number: str, start: date, end: date) -> str:
    """``Dossier-demande-paiement-DP1``, or ``…-2026-01-01_2026-06-30`` without a number: the
    number in letters, digits, ``.``, ``_`` and ``-`` (accents dropped, the rest as ``-``)."""
    plain = unicodedata.normalize("NFKD", claim_number).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^0-9A-Za-z._-]+", "-", plain).strip("-.")
    return FOLDER_PREFIX + (slug or f"{start.isoformat()}_{end.isoformat()}")


def folder_of(zip_path: Path) -> Path:
    """The pack's folder for the zip ``zip_path``: beside it, its name without ``.zip``."""
    if zip_path.suffix.lower() != ".zip" or not zip_path.stem:
        raise ValidationError("--out", _("le nom de l'archive doit finir par .zip"))
    return zip_path.with_name(zip_path.stem)


# -- what the pack checks and leaves out ---------------------------------------------------
def _operation_checked(app: Comptoir, site: SiteInfo) -> tuple[str, str, str]:
    """The operation's title, file number and GAL, or the refusal naming what to fill in."""
    operation = app.organisation.get_operation(site.id)
    where = _("dans Rapports, onglet « Opération LEADER »")
    if operation is None:
        raise ComptoirError(
            _(
                "Aucune opération LEADER n'est renseignée pour « {place} » : décrivez-la "
                "{where}, avant de préparer le dossier de demande de paiement."
            ).format(place=site.name, where=where)
        )
    lacking = [
        label
        for label, value in (
            (_("N° de dossier"), operation.file_number),
            (_("Description (affiche)"), operation.description),
        )
        if not value.strip()
    ]
    if lacking:
        raise ComptoirError(
            _(
                "Opération LEADER : renseignez {fields} {where}, avant de préparer le dossier "
                "de demande de paiement."
            ).format(fields=", ".join(f"« {label} »" for label in lacking), where=where)
        )
    return operation.title, operation.file_number, operation.gal_name


def _nothing_for(app: Comptoir, piece: Piece, site: SiteInfo, start: date, end: date) -> str:
    """Why ``piece`` has nothing for the period ("" when it has something to write)."""
    if piece.kind == "emargement" and not app.events.attendance_sheets(site.id, start, end):
        return _("Aucun atelier sur la période : pas de feuille d'émargement.")
    if piece.kind == "feuilles-temps" and not app.time_sheets.month_totals(site.id, start, end):
        return _("Aucun temps de travail saisi sur la période : pas de feuille de temps.")
    return ""


def _not_available(piece: Piece) -> str:
    from tiers_lieu.cli.export import KINDS

    if piece.kind == REPORT or piece.kind in KINDS:
        return ""
    return _("Cette version de Comptoir ne produit pas encore cette pièce.")


def page_count(path: Path) -> int:
    """The pages of the PDF at ``path`` (PDFium reads its page tree, nothing is drawn)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


# -- the pack ------------------------------------------------------------------------------
def _partial_folder(folder: Path) -> Path:
    """``<dossier>.partiel``, new and empty. One a killed run left is removed when it holds
    only files named as the pack's (or their own partials); anything else in it is refused,
    never deleted."""
    partial = folder.with_name(folder.name + PARTIAL_SUFFIX)
    if os.path.lexists(partial):
        names = {CONTENTS_FILE, *(p.file_name for p in PIECES)}
        ours = names | {n + PARTIAL_SUFFIX for n in names}
        if (
            partial.is_symlink()
            or not partial.is_dir()
            or any(
                not entry.is_file(follow_symlinks=False) or entry.name not in ours
                for entry in os.scandir(partial)
            )
        ):
            raise ConflictError(
                _(
                    "« {path} » est là et ne vient pas d'un dossier interrompu : déplacez-le, "
                    "puis recommencez. Rien n'a été écrit."
                ).format(path=partial)
            )
        shutil.rmtree(partial)
    os.mkdir(partial)
    return partial


def _write_zip(folder: Path, zip_path: Path, names: list[str]) -> None:
    """The pack's files under a folder of the pack's name in a deflated zip, whole."""
    from tiers_lieu.private_files import writing_whole

    with (
        writing_whole(zip_path, mode=None) as handle,
        zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for name in names:
            archive.write(folder / name, f"{folder.name}/{name}")


def write_claim_pack(
    app: Comptoir,
    site: SiteInfo,
    start: date,
    end: date,
    zip_path: Path,
    *,
    claim_number: str = "",
    progress: Progress | None = None,
) -> ClaimPack:
    """Write the pack of ``site`` for ``start``–``end`` into the new folder beside
    ``zip_path`` (its name without ``.zip``) and the zip; ``claim_number`` goes on the
    report's cover and the contents page. ``progress(done, total)`` after each document.
    Raises :class:`ComptoirError` with nothing left behind."""
    from tiers_lieu.cli.export import KINDS, ExportRequest
    from tiers_lieu.reports.documents.publicity import place_text

    if end < start:
        raise ValidationError(_("Période"), _("la fin précède le début"))
    folder = folder_of(zip_path)
    if os.path.lexists(folder):
        raise ConflictError(
            _(
                "Le dossier « {path} » existe déjà : déplacez-le ou choisissez un autre "
                "emplacement (il n'est jamais remplacé). Rien n'a été écrit."
            ).format(path=folder)
        )
    title, file_number, gal_name = _operation_checked(app, site)
    total = len(PIECES) + 2  # the pieces, the contents page, the zip
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    partial = _partial_folder(folder)
    renamed = False
    try:
        reasons: dict[str, str] = {}
        report = None
        for kind in WRITING_ORDER:
            for piece in (p for p in PIECES if p.kind == kind):
                reason = _not_available(piece) or _nothing_for(app, piece, site, start, end)
                if reason:
                    reasons[piece.file_name] = reason
                elif kind == REPORT:
                    if report is None:
                        report = app.reports.compute(
                            period_start=start,
                            period_end=end,
                            site_ids=[site.id],
                            claim_number=claim_number,
                        )
                    app.reports.write(
                        report,
                        fmt="pdf" if piece.fmt == "pdf" else "xlsx",
                        path=partial / piece.file_name,
                        site_id=site.id,
                    )
                else:
                    request = ExportRequest(
                        start=start,
                        end=end,
                        site=site,
                        fmt=piece.fmt,
                        out=partial / piece.file_name,
                    )
                    try:
                        KINDS[piece.kind].load()(app, request)
                    except ComptoirError as exc:
                        raise ComptoirError(
                            _(
                                "{piece} : {message} Le dossier de demande de paiement n'a pas "
                                "été écrit."
                            ).format(piece=_(piece.title), message=exc.message.rstrip())
                        ) from exc
                step()
        entries = tuple(
            PackEntry(
                number=piece.number,
                title=_(piece.title),
                file_name=piece.file_name,
                pages=(
                    page_count(partial / piece.file_name)
                    if piece.fmt == "pdf" and piece.file_name not in reasons
                    else None
                ),
                reason=reasons.get(piece.file_name, ""),
            )
            for piece in PIECES
        )
        contents = PackContents(
            operation_title=title,
            file_number=file_number,
            gal_name=gal_name,
            claim_number=claim_number,
            start=start,
            end=end,
            place_name=site.name,
            place_text=place_text(site),
            made_on=place_today(site.zone),
            entries=entries,
        )
        write_contents(contents, partial / CONTENTS_FILE)
        step()
        names = [CONTENTS_FILE, *(e.file_name for e in contents.documents)]
        os.rename(partial, folder)  # refused if a folder of that name came meanwhile
        renamed = True
        from tiers_lieu.private_files import sync_folder

        sync_folder(folder.parent)
        _write_zip(folder, zip_path, names)
        step()
    except BaseException:
        shutil.rmtree(folder if renamed else partial, ignore_errors=True)
        raise
    return ClaimPack(folder=folder, zip_path=zip_path, contents=contents)


def claim_number_of(app: Comptoir, site: SiteInfo, start: date, end: date) -> str:
    """The number of the place's payment claim covering exactly ``start``–``end``, or ""."""
    for claim in app.organisation.list_claims(site.id):
        if claim.period_start == start and claim.period_end == end:
            return claim.number
    return ""


def pack_site(app: Comptoir, site: SiteInfo | None) -> SiteInfo:
    """The place of a pack: the one asked, or the base's only place (several: refused with
    their names, as every command asking for one place)."""
    return site if site is not None else app.sites.resolve(None)


def summary_line(pack: ClaimPack) -> str:
    """What the command line prints and the window shows once the pack is written."""
    from tiers_lieu.i18n import ngettext

    documents = len(pack.contents.documents)
    line = ngettext(
        "Dossier de demande de paiement écrit dans {folder} ({n} pièce et le sommaire) et {zip}.",
        "Dossier de demande de paiement écrit dans {folder} ({n} pièces et le sommaire) et {zip}.",
        documents,
    ).format(folder=pack.folder, n=documents, zip=pack.zip_path)
    missing = pack.contents.missing
    if missing:
        line += " " + _("Manquant : {pieces}.").format(
            pieces=" ; ".join(f"{e.title} ({e.reason.rstrip('.')})" for e in missing)
        )
    return line


def export_claim_pack(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export dossier-paiement --from --to [--site] --out DOSSIER.zip``: the
    pack of the period, the folder beside the zip; the claim number is the recorded claim
    whose period is exactly that one, if any."""
    assert request.start is not None and request.end is not None  # a period kind
    folder_of(request.out)  # a name that is not a zip is refused before anything opens
    site = pack_site(app, request.site)
    number = claim_number_of(app, site, request.start, request.end)
    pack = write_claim_pack(app, site, request.start, request.end, request.out, claim_number=number)
    return summary_line(pack)
