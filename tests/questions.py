"""The answers a window test gives to ``QMessageBox.question`` (fixture ``questions`` in
``tests/ui/conftest.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QMessageBox


@dataclass
class Questions:
    """The questions a test provoked (their texts, in ``asked``), answered from ``answers`` in
    order, « Oui » once none is left."""

    answers: list[QMessageBox.StandardButton] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
