"""queue rank: the urgency order stored with the level, and the indexes the paged queue walks
(and the closed list and the crisis alert cards on the same page)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# flows.triage.LEVEL_ORDER at the time of writing (a migration does not import the code it outlives)
RANK = "CASE level WHEN 'P0' THEN 0 WHEN 'P1' THEN 1 WHEN 'P2' THEN 2 WHEN 'P3' THEN 3 ELSE 4 END"


def upgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urgency_rank", sa.Integer(), nullable=False, server_default="3")
        )
    op.execute(f"UPDATE handoff SET urgency_rank = {RANK}")
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handoff_queue", ["agency_id", "state", "urgency_rank", "created_at", "id"]
        )
        batch_op.create_index("ix_handoff_queue_all", ["state", "urgency_rank", "created_at", "id"])
        batch_op.create_index("ix_handoff_closed_list", ["agency_id", "state", "closed_at", "id"])
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_crisis", ["crisis_level", "last_active_at"])


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_crisis")
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_index("ix_handoff_closed_list")
        batch_op.drop_index("ix_handoff_queue_all")
        batch_op.drop_index("ix_handoff_queue")
        batch_op.drop_column("urgency_rank")
