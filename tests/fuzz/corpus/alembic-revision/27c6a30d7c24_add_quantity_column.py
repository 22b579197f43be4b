"""Add quantity column

Revision ID: 27c6a30d7c24
Revises: ae1027a6acf4
Create Date: 2021-06-14 18:03:55.402131

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "27c6a30d7c24"
down_revision: Union[str, None] = "ae1027a6acf4"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column(
        "part",
        sa.Column("quantity", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("part", "quantity")
