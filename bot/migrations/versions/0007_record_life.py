"""record life: consent scope, withdrawal kept on the agency's record, detachable conversation

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("withdrawn_via", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True)
        )
        batch_op.alter_column(
            "conversation_id",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
            nullable=True,
        )
        batch_op.create_index("ix_handoff_closed_at", ["closed_at"], unique=False)
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "scope",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="summary_only",
            )
        )
        batch_op.alter_column(
            "conversation_id",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
            nullable=True,
        )
    with op.batch_alter_table("handoffnote", schema=None) as batch_op:
        batch_op.create_index("ix_handoffnote_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoffnote", schema=None) as batch_op:
        batch_op.drop_index("ix_handoffnote_at")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_column("scope")
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_index("ix_handoff_closed_at")
        batch_op.drop_column("withdrawn_via")
        batch_op.drop_column("withdrawn_at")
