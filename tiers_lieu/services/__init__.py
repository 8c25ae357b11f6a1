"""Business logic per area. Plain Python: nothing here imports PySide6.

Each service takes a unit-of-work factory, does one call's work inside one ``with uow:``
block, commits explicitly, and returns frozen read models, never live ORM rows.
"""
