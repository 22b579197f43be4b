"""Add part price table

Revision ID: 6a4c1e8d9f03
Revises: 5e2f7a9c3b81
Create Date: 2021-09-03 10:04:51.220817

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a4c1e8d9f03'
down_revision = '5e2f7a9c3b81'
branch_labels = ('pricing',)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "part_price",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("part_id", sa.String(36), sa.ForeignKey("part.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("supplier_id", sa.Integer(), sa.ForeignKey("supplier.id")),
        sa.Column("quantity_break", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False, server_default="EUR"),
        sa.CheckConstraint("unit_price_cents >= 0", name="ck_part_price_unit_price_cents"),
    )


def downgrade() -> None:
    op.drop_index("ix_part_price_part_id", table_name="part_price")
    op.drop_table("part_price")
