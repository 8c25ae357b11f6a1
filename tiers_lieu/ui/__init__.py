"""Qt widgets, one sub-package per area. The only layer that imports PySide6."""
