"""Importing the spreadsheets sites kept before Comptoir, from the windows: one dialog that the
Visites and Démarches sections open with their kind of file."""

from __future__ import annotations

from tiers_lieu.ui.imports.dialog import ImportDialog, ImportKind

__all__ = ["ImportDialog", "ImportKind"]
