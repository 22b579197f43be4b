"""Move manufacturers to suppliers

A data migration: every manufacturer named on a part becomes a supplier,
and each part points at it.

Revision ID: 5e2f7a9c3b81
Revises: 4d0e8f6b2a17
Create Date: 2021-08-09 15:30:22.615940

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e2f7a9c3b81'
down_revision = '4d0e8f6b2a17'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "INSERT INTO supplier (name) "
        "SELECT DISTINCT manufacturer FROM part "
        "WHERE manufacturer IS NOT NULL ORDER BY manufacturer"
    )
    op.execute(
        "UPDATE part SET supplier_id = "
        "(SELECT id FROM supplier WHERE supplier.name = part.manufacturer)"
    )


def downgrade() -> None:
    op.execute("UPDATE part SET supplier_id = NULL")
    op.execute("DELETE FROM supplier WHERE name IN (SELECT manufacturer FROM part)")
