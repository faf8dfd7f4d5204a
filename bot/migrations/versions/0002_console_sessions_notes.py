"""console sessions, notes, handoff timestamps

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:21:14.797416
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handoffnote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handoffnote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoffnote_handoff_id"), ["handoff_id"], unique=False)

    op.create_table(
        "staffsession",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("staffsession", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staffsession_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_staffsession_staff_id"), ["staff_id"], unique=False)

    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("live_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("live_since")
        batch_op.drop_column("claimed_at")

    with op.batch_alter_table("staffsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staffsession_staff_id"))
        batch_op.drop_index(batch_op.f("ix_staffsession_expires_at"))

    op.drop_table("staffsession")
    with op.batch_alter_table("handoffnote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoffnote_handoff_id"))

    op.drop_table("handoffnote")
