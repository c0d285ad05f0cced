"""The body of a reporting migration that adds read-model tables.

0002 creates every read-model table from the current metadata, so a database created from scratch
has them already; a later revision that adds tables creates only those a database created before it
lacks, and drops them again on downgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def add_read_models(*names: str) -> None:
    """Creates the named read-model tables (``readmodel.TABLES``) the database does not have yet."""
    from services.reporting.adapters import readmodel

    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    readmodel.metadata.create_all(bind, tables=[readmodel.TABLES[name] for name in names if name not in existing])


def drop_read_models(*names: str) -> None:
    """Drops the named read-model tables, the last named first."""
    for name in reversed(names):
        op.drop_table(name)
