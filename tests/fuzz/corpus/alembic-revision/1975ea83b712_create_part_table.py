"""Create maker-hub parts table

Revision ID: 1975ea83b712
Revises: 
Create Date: 2021-05-29 21:12:31.941787

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1975ea83b712'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "part",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, index=True),
        sa.Column("description", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False,
                  server_default=sa.func.current_timestamp()),
        sa.Column("updated_at", sa.DateTime(), nullable=False,
                  server_default=sa.func.current_timestamp()),
        sa.Column("footprint", sa.String(50)),
        sa.Column("manufacturer", sa.String(100)),
        sa.Column("mpn", sa.String(100)),
        sa.Column("notes", sa.Text()),
    )
    # Keep updated_at true without asking every writer to remember it.
    op.execute(
        """
        CREATE TRIGGER part_touch AFTER UPDATE ON part
        WHEN NEW.updated_at = OLD.updated_at
        BEGIN
            UPDATE part SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
        END
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER part_touch")
    op.drop_index(op.f("ix_part_name"), table_name="part")
    op.drop_table("part")
