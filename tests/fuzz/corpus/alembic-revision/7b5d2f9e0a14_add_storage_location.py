"""Add storage location to parts

Revision ID: 7b5d2f9e0a14
Revises: 5e2f7a9c3b81
Create Date: 2021-09-05 16:47:33.904466

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7b5d2f9e0a14"
down_revision = "5e2f7a9c3b81"
branch_labels = ["storage"]
depends_on = None


def upgrade() -> None:
    op.add_column("part", sa.Column("location", sa.String(20)))
    # Four parts to a drawer, in the order they were added.
    op.execute(
        "UPDATE part SET location = "
        "'Drawer ' || ((rowid - 1) / 4 + 1) || char(64 + (rowid - 1) % 4 + 1)"
    )


def downgrade() -> None:
    op.drop_column("part", "location")
