"""Follow-up after closing (アウトリーチ / 継続的につながる): a caseworker may write to a resident
whose handoff is closed only when the resident answered はい to 「また様子をうかがってもいいですか」,
and only within the city's ``followup_days`` of the close. Pure: the console asks, this answers."""

from __future__ import annotations

import datetime as dt

from handoff.models import Checkin, Handoff, HandoffState
from handoff.summary import Summary


def opted_in(handoff: Handoff) -> bool | None:
    """The resident's answer in the summary: True (a date chosen), False, None (not chosen)."""
    try:
        return Summary.model_validate_json(handoff.summary_json).preferences.followup
    except ValueError:
        return False


def until(handoff: Handoff, days: int, checkin: Checkin | None = None) -> dt.datetime | None:
    """The last moment a caseworker may write after closing; None when follow-up is not offered
    (open, no opt-in, opt-in withdrawn — ``checkin`` is the handoff's row of handoff.checkins —,
    consent withdrawn, or the conversation is gone)."""
    if handoff.state != HandoffState.CLOSED or handoff.closed_at is None:
        return None
    if handoff.conversation_id is None or handoff.withdrawn_at is not None:
        return None
    if checkin is not None and checkin.withdrawn_at is not None:
        return None
    if opted_in(handoff) is not True:
        return None
    closed = handoff.closed_at
    if closed.tzinfo is None:
        closed = closed.replace(tzinfo=dt.UTC)
    return closed + dt.timedelta(days=days)


def refusal(
    handoff: Handoff, days: int, now: dt.datetime, checkin: Checkin | None = None
) -> str | None:
    """Why a follow-up message may not be sent now (None: it may)."""
    last = until(handoff, days, checkin)
    if handoff.state != HandoffState.CLOSED:
        return "終了していない引き継ぎには、通常の返信を使ってください"
    if checkin is not None and checkin.withdrawn_at is not None:
        return "相談者は終了後の連絡を断りました（連絡はもう大丈夫です）"
    if last is None:
        return "相談者は終了後の声かけに同意していません"
    if now > last:
        return f"声かけの期間（終了から{days}日）を過ぎています"
    return None
