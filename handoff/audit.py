"""The audit log: every view and action in the console, who and when.

Details hold codes, ids and the reasons caseworkers type for viewing a transcript; never resident
text or contact details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff.models import AuditLog

DETAIL_LIMIT = 500

# action code -> Japanese label shown on the audit page
ACTIONS = {
    "login": "ログイン",
    "login_failed": "ログイン失敗",
    "login_locked": "ロック中のログイン試行",
    "logout": "ログアウト",
    "token_issued": "APIトークン発行",
    "queue_view": "一覧の閲覧",
    "handoff_view": "引き継ぎの閲覧",
    "handoff_first_open": "引き継ぎの初回閲覧",
    "transcript_view": "会話記録の閲覧",
    "transcript_refused": "会話記録の閲覧拒否（理由なし）",
    "contact_view": "連絡先の閲覧",
    "claim": "担当",
    "live": "チャット開始",
    "message": "メッセージ送信",
    "return_to_bot": "ボットに戻す",
    "close": "終了",
    "note": "メモ追加",
    "export": "書き出し",
    "audit_view": "監査ログの閲覧",
    "figures_view": "集計の閲覧",
    "figures_export": "集計の書き出し",
    "staff_view": "職員一覧の閲覧",
    "staff_add": "職員の追加",
    "staff_update": "職員の変更",
    "staff_password": "パスワード再設定",
}


async def record(
    session: AsyncSession,
    actor: str,
    action: str,
    handoff_id: str | None = None,
    detail: str = "",
) -> None:
    session.add(
        AuditLog(
            actor=actor[:64],
            action=action[:64],
            handoff_id=handoff_id,
            detail=detail[:DETAIL_LIMIT],
        )
    )


async def entries(
    session: AsyncSession,
    *,
    actor: str | None = None,
    handoff_id: str | None = None,
    action: str | None = None,
    before: dt.datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> tuple[Sequence[AuditLog], int]:
    """Newest first, with the total count for paging."""
    query = select(AuditLog)
    count = select(func.count()).select_from(AuditLog)
    conditions = []
    if actor:
        conditions.append(col(AuditLog.actor) == actor)
    if handoff_id:
        conditions.append(col(AuditLog.handoff_id) == handoff_id)
    if action:
        conditions.append(col(AuditLog.action) == action)
    if before is not None:
        conditions.append(col(AuditLog.at) < before)
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    query = (
        query.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc()).offset(offset).limit(limit)
    )
    rows = (await session.exec(query)).all()
    total = int((await session.exec(count)).one())
    return rows, total
