"""city: transfers of a handoff to another agency, with the resident's consent

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("from_agency", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("to_agency", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("asked_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("asked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        batch_op.create_index("ix_transfer_handoff_id", ["handoff_id"], unique=False)
        batch_op.create_index("ix_transfer_from_agency", ["from_agency"], unique=False)
        batch_op.create_index("ix_transfer_to_agency", ["to_agency"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        batch_op.drop_index("ix_transfer_to_agency")
        batch_op.drop_index("ix_transfer_from_agency")
        batch_op.drop_index("ix_transfer_handoff_id")
    op.drop_table("transfer")
