"""Index parts by manufacturer part number

Revision ID: 3cb9a1d5f0e2
Revises: 27c6a30d7c24
Create Date: 2021-07-01 11:20:44.830554

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3cb9a1d5f0e2'
down_revision = '27c6a30d7c24'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_part_manufacturer_mpn", "part", ["manufacturer", "mpn"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_part_manufacturer_mpn", table_name="part")
