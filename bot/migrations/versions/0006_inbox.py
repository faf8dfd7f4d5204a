"""durable LINE inbox: events stored before the webhook answers, per-resident claims

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", text(length=64), nullable=False),
        sa.Column("user_key", text(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("address_enc", text(), nullable=False),
        sa.Column("kind", text(length=16), nullable=False),
        sa.Column("detail", text(length=16), nullable=False),
        sa.Column("code", text(length=64), nullable=True),
        sa.Column("text", text(), nullable=True),
        sa.Column("entity_types", text(length=200), nullable=False),
        sa.Column("assessment", text(length=600), nullable=True),
        sa.Column("audience", text(length=16), nullable=False),
        sa.Column("contact_enc", text(), nullable=True),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("reply_token", text(length=255), nullable=True),
        sa.Column("sent_at", sa.Float(), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.Column("state", text(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.Column("last_error", text(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_user_key", ["user_key"], unique=False)
        batch_op.create_index("ix_inbox_state", ["state"], unique=False)
        batch_op.create_index("ix_inbox_due", ["state", "next_at"], unique=False)
    op.create_table(
        "inboxclaim",
        sa.Column("user_key", text(length=64), nullable=False),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.Column("worker", text(length=64), nullable=True),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("user_key"),
    )


def downgrade() -> None:
    op.drop_table("inboxclaim")
    op.drop_table("inbox")
