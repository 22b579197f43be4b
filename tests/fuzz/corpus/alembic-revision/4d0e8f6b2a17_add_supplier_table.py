"""Add supplier table

Revision ID: 4d0e8f6b2a17
Revises: 3cb9a1d5f0e2
Create Date: 2021-08-09 14:52:10.007315

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d0e8f6b2a17'
down_revision = '3cb9a1d5f0e2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supplier",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("website", sa.Text()),
    )
    # SQLite cannot add a foreign key to an existing table without a
    # rebuild; the column stays a plain integer with an index.
    op.add_column("part", sa.Column("supplier_id", sa.Integer(), index=True))


def downgrade() -> None:
    op.drop_index("ix_part_supplier_id", table_name="part")
    op.drop_column("part", "supplier_id")
    op.drop_table("supplier")
