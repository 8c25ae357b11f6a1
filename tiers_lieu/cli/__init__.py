"""The ``tiers-lieu`` command line, one module per command.

:mod:`~tiers_lieu.cli.commands` builds the whole parser from each module's ``add_*_parser``;
every sub-command names the function that runs it with ``set_defaults(run=...)`` (the
window, :func:`tiers_lieu.cli.gui.run_gui`, when there is none) and ``tiers_lieu.__main__``
calls ``args.run(args)``. :mod:`~tiers_lieu.cli.parser` holds what every command shares: the
global options, French usage and errors, argparse's French catalog (``argparse_fr.po``
beside it). Every module stays light to import (the window starts through here): services,
SQLAlchemy and :mod:`tiers_lieu.app` are imported inside the ``run_*`` functions only.
"""
