"""Merge pricing and storage

Revision ID: 8c6e3a0f1b25
Revises: 6a4c1e8d9f03, 7b5d2f9e0a14
Create Date: 2021-09-12 08:15:00.331702

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8c6e3a0f1b25'
down_revision = ('6a4c1e8d9f03', '7b5d2f9e0a14')
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE VIEW part_stock AS
        SELECT part.id, part.name, part.mpn, part.location, part.quantity,
               min(part_price.unit_price_cents) AS best_price_cents
        FROM part LEFT JOIN part_price ON part_price.part_id = part.id
        GROUP BY part.id
        """
    )


def downgrade() -> None:
    op.execute("DROP VIEW part_stock")
