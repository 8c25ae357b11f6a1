"""A tab's sheet handed out as a PDF, « Imprimer… » or « Enregistrer le PDF… », each ending
with a line in the tab's status label.

The sheet is written by a ``write_pdf(target)`` of the tab's own; printing goes through
:func:`tiers_lieu.ui.printing.print_sheet`, saving through :func:`tiers_lieu.ui.ops.run_op`
(off the GUI thread, behind a progress dialog; a failure is shown in the usual error dialog).
Asking where to save stays with the tab (its suggested name and folder).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from tiers_lieu.ui.common import StatusLabel
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.printing import print_sheet, printed_text


def print_confirmed(
    parent: QWidget,
    status: StatusLabel,
    write_pdf: Callable[[Path], object],
    *,
    title: str,
    label: str,
) -> None:
    """Print the sheet (:func:`print_sheet`, ``title`` and ``label`` as there); ``status``
    then says how many pages went to the printer."""
    print_sheet(
        parent,
        write_pdf,
        title=title,
        label=label,
        on_printed=lambda pages: status.confirm(printed_text(pages)),
    )


def save_confirmed(
    parent: QWidget,
    status: StatusLabel,
    write_pdf: Callable[[Path], object],
    target: Path,
    *,
    label: str,
    saved: str,
) -> None:
    """Write the sheet to ``target`` off the GUI thread, behind a progress dialog saying
    ``label``; ``status`` then confirms ``saved`` (a translated text whose ``{path}`` is
    what ``write_pdf`` returned: the file written)."""
    run_op(
        parent,
        lambda _progress: write_pdf(target),
        lambda written: status.confirm(saved.format(path=written)),
        label=label,
    )
