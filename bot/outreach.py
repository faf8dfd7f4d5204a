"""The follow-up check-in (アウトリーチ): a resident who chose 「2週間後」 or 「1か月後」 hears from
the bot once, that many days after the close — a neutral line that never says what the
consultation was about (a LINE push shows on the lock screen), with a 「連絡はもう大丈夫です」
button. On LINE it is pushed; on the widget it is a bot turn shown when the chat is reopened.
The conversation then goes on with the bot from the start (``sys:checkin``).

Run by the app's periodic job (``bot.app``, every 15 minutes); safe with any number of
workers: each due check-in is claimed by one conditional UPDATE (``handoff.checkins.claim_due``)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from bot import casework
from handoff import audit, checkins

if TYPE_CHECKING:
    from bot.service import ConversationService

log = logging.getLogger("tobira.outreach")


async def send_due(svc: ConversationService, now: dt.datetime) -> int:
    """Send every check-in due by ``now`` that no worker has claimed; returns how many arrived."""
    sent = 0
    for row in await checkins.claim_due(svc.db, now):
        try:
            arrived = await casework.system_turn(
                svc, row.conversation_id, {"code": "sys:checkin"}, extra=("c:quiet",)
            )
        except Exception:
            log.exception("check-in failed handoff=%s", row.handoff_id[:8])
            arrived = False
        async with svc.db.session() as s:
            detail = f"after_days={row.after_days}" + ("" if arrived else " not_delivered")
            await audit.record(s, "bot", "followup_checkin", row.handoff_id, detail)
        sent += int(arrived)
    if sent:
        log.info("outreach: %d check-ins sent", sent)
    return sent
