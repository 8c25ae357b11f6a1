"""The « Accueil » section: the desk's one-key visit counter and today at a glance.

Split by job: ``buttons`` (the service pad), ``activity_date`` (when the visits happened),
``details`` (completing the last visit), ``glance`` (today's figures), ``entries`` (what a key
press records: sent, kept while the server is away, completed, taken back) and ``section``,
which assembles the screen on ``entries``.
"""

from __future__ import annotations

from tiers_lieu.ui.accueil.section import AccueilSection

__all__ = ["AccueilSection"]
