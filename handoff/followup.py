"""Follow-up after closing (アウトリーチ / 継続的につながる): a caseworker may write to a resident
whose handoff is closed only when the resident answered はい to 「また様子をうかがってもいいですか」,
and only within the city's ``followup_days`` of the close. Pure: the console asks, this answers."""

from __future__ import annotations

import datetime as dt

from handoff.models import Handoff, HandoffState
from handoff.summary import Summary


def opted_in(handoff: Handoff) -> bool:
    try:
        return Summary.model_validate_json(handoff.summary_json).preferences.followup is True
    except ValueError:
        return False


def until(handoff: Handoff, days: int) -> dt.datetime | None:
    """The last moment a caseworker may write after closing; None when follow-up is not offered
    (open, no opt-in, withdrawn, or the conversation is gone)."""
    if handoff.state != HandoffState.CLOSED or handoff.closed_at is None:
        return None
    if handoff.conversation_id is None or handoff.withdrawn_at is not None:
        return None
    if not opted_in(handoff):
        return None
    closed = handoff.closed_at
    if closed.tzinfo is None:
        closed = closed.replace(tzinfo=dt.UTC)
    return closed + dt.timedelta(days=days)


def refusal(handoff: Handoff, days: int, now: dt.datetime) -> str | None:
    """Why a follow-up message may not be sent now (None: it may)."""
    last = until(handoff, days)
    if handoff.state != HandoffState.CLOSED:
        return "終了していない引き継ぎには、通常の返信を使ってください"
    if last is None:
        return "相談者は終了後の声かけに同意していません"
    if now > last:
        return f"声かけの期間（終了から{days}日）を過ぎています"
    return None
