"""The audit log: every view and action in the console, who and when.

Details hold codes, ids and the reasons caseworkers type for viewing a transcript; never resident
text or contact details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff.models import AuditLog, Handoff, Staff, utcnow

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
    "summary_view": "まとめ（A票）の閲覧",
    "list_view": "一覧での閲覧",
    "notes_view": "メモの閲覧",
    "transcript_out_of_scope": "会話記録の閲覧拒否（同意の範囲外）",
    "consent_given": "相談者の同意",
    "consent_withdrawn": "相談者の同意の取り消し",
    "withdrawal_recorded": "チャットで受けた取り消しの記録",
    "withdrawn_kept": "相談者の削除（相談記録として保持）",
    "deleted": "相談者の削除",
    "purged": "保存期間経過による削除",
    "audit_export": "監査ログの書き出し",
    "hotlines_view": "窓口番号の確認状況の閲覧",
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
    "followup_message": "終了後の声かけ（フォローアップ）",
    "followup_refused": "終了後の声かけの拒否",
    "followup_checkin": "終了後の自動の声かけ（チェックイン）",
    "transfer_proposed": "他機関への移管の提案",
    "transfer_accepted": "移管への相談者の同意",
    "transfer_declined": "移管への相談者の不同意",
    "meeting_export": "支援会議用の書き出し",
    "case_entered": "窓口・電話相談の記録",
    "caseload_export": "担当件数の書き出し",
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


async def record_each(
    session: AsyncSession, actor: str, action: str, handoff_ids: Sequence[str], detail: str = ""
) -> None:
    """One record per handoff (a listing shows a little of each), in one INSERT."""
    if not handoff_ids:
        return
    await session.flush()  # after the records added before it, in order
    at = utcnow()
    rows = [
        {
            "at": at,
            "actor": actor[:64],
            "action": action[:64],
            "handoff_id": hid,
            "detail": detail[:DETAIL_LIMIT],
        }
        for hid in handoff_ids
    ]
    await session.exec(insert(AuditLog), params=rows)  # type: ignore[call-overload]


async def entries(
    session: AsyncSession,
    *,
    actor: str | None = None,
    handoff_id: str | None = None,
    action: str | None = None,
    before: dt.datetime | None = None,
    agencies: set[str] | None = None,
    default_agency: str = "",
    limit: int = 200,
    offset: int = 0,
) -> tuple[Sequence[AuditLog], int]:
    """Newest first, with the total count for paging; ``agencies`` (None = all, for admins)
    keeps the entries about those agencies' handoffs and by their staff."""
    query = select(AuditLog)
    count = select(func.count()).select_from(AuditLog)
    conditions: list[Any] = []
    if agencies is not None:
        conditions.append(_within(agencies, default_agency))
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


def _within(agencies: set[str], default_agency: str) -> Any:
    """Entries about a handoff of these agencies, or made by a member of their staff."""
    handoffs = select(Handoff.id).where(col(Handoff.agency_id).in_(agencies))
    staff_agencies = set(agencies) | ({""} if default_agency in agencies else set())
    staff = select(Staff.username).where(col(Staff.agency_id).in_(staff_agencies))
    return or_(
        col(AuditLog.handoff_id).in_(handoffs),
        col(AuditLog.actor).in_(staff),
    )


async def purge(
    session: AsyncSession, *, blank_before: dt.datetime, delete_before: dt.datetime
) -> tuple[int, int]:
    """Retention: typed details (reasons) blanked after ``audit_detail_days``, rows deleted after
    ``audit_retention_days``. Returns (blanked, deleted)."""
    blanked = await session.exec(  # type: ignore[call-overload]
        update(AuditLog)
        .where(col(AuditLog.at) < blank_before, col(AuditLog.detail) != "")
        .values(detail="")
    )
    deleted = await session.exec(  # type: ignore[call-overload]
        delete(AuditLog).where(col(AuditLog.at) < delete_before)
    )
    return int(blanked.rowcount or 0), int(deleted.rowcount or 0)
