"""The first-run assistant, one module for the pages and one for the assistant that writes."""

from __future__ import annotations

from tiers_lieu.ui.first_run.assistant import FirstRunAssistant

__all__ = ["FirstRunAssistant"]
