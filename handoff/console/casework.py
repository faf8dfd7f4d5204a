"""The console's actions after the first handoff: writing to a resident after closing (only
with their opt-in, within the city's window) and proposing a transfer to another agency (only
the resident's はい moves it). Each is audited; refusals are audited too."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from handoff import audit, checkins, followup, lifecycle, transfers
from handoff.auth import Principal
from handoff.console.actions import MESSAGE_LIMIT, http_errors, load
from handoff.console.deps import Services
from handoff.models import Handoff, Transfer


def _assigned(principal: Principal, handoff: Handoff) -> None:
    if not (handoff.claimed_by == principal.username or principal.at_least("supervisor")):
        raise HTTPException(status_code=403, detail="担当者かスーパーバイザーだけができます")


async def follow_up(svc: Services, principal: Principal, handoff_id: str, text: str) -> Handoff:
    """A caseworker writes to a resident whose handoff is closed (LINE push or the widget)."""
    text = text.strip()
    if not text or len(text) > MESSAGE_LIMIT:
        raise HTTPException(status_code=422, detail=f"1〜{MESSAGE_LIMIT}文字で入力してください")
    handoff = await load(svc, principal, handoff_id)
    _assigned(principal, handoff)
    async with svc.db.session() as s:
        checkin = await checkins.of_handoff(s, handoff_id)
    refused = followup.refusal(handoff, svc.followup_days, svc.clock(), checkin)
    if refused is not None:
        async with svc.db.session() as s:
            await audit.record(s, principal.username, "followup_refused", handoff_id)
        raise HTTPException(status_code=409, detail=refused)
    assert handoff.conversation_id is not None
    delivered = await svc.link.deliver(handoff.conversation_id, [text], staff=principal.username)
    async with svc.db.session() as s:
        detail = f"chars={len(text)}" + ("" if delivered else " not_delivered")
        await audit.record(s, principal.username, "followup_message", handoff_id, detail)
    if not delivered:
        raise HTTPException(status_code=502, detail="相談者に届けられませんでした")
    return handoff


async def followup_until(svc: Services, handoff: Handoff) -> Any:
    """Until when the handoff page offers 「終了後の声かけ」 (None: it does not)."""
    async with svc.db.session() as s:
        checkin = await checkins.of_handoff(s, handoff.id)
    return followup.until(handoff, svc.followup_days, checkin)


async def propose_transfer(
    svc: Services, principal: Principal, handoff_id: str, to_agency: str
) -> Handoff:
    """Propose passing the handoff to another agency of the city: the bot asks the resident
    whether the summary may be shared with it; nothing moves without はい."""
    handoff = await load(svc, principal, handoff_id)  # another agency's: 404 before anything
    _assigned(principal, handoff)
    if to_agency not in svc.agencies:
        raise HTTPException(status_code=422, detail="移管先の機関を選んでください")
    with http_errors():
        handoff = await lifecycle.propose_transfer(
            svc.db, handoff_id, principal.username, svc.visible(principal), to_agency
        )
    assert handoff.conversation_id is not None
    if not await svc.link.ask_transfer(handoff.conversation_id, to_agency):
        raise HTTPException(status_code=502, detail="相談者に確認を届けられませんでした")
    return handoff


def transfer_json(svc: Services, row: Transfer) -> dict[str, Any]:
    return {
        "handoff_id": row.handoff_id,
        "from_agency": row.from_agency,
        "from_agency_name": svc.agencies.get(row.from_agency, row.from_agency),
        "to_agency": row.to_agency,
        "to_agency_name": svc.agencies.get(row.to_agency, row.to_agency),
        "state": row.state,
        "state_label": transfers.STATE_LABELS.get(row.state, row.state),
        "asked_by": row.asked_by,
        "asked_at": row.asked_at.isoformat(),
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
    }


async def transfer_list(svc: Services, principal: Principal) -> list[dict[str, Any]]:
    """Transfers from or to the caller's agency: the sending agency sees each outcome."""
    async with svc.db.session() as s:
        rows = await transfers.of_agencies(s, svc.visible(principal))
        await audit.record(s, principal.username, "list_view", None, f"transfers={len(rows)}")
    return [transfer_json(svc, r) for r in rows]


async def transfers_of(svc: Services, handoff: Handoff) -> list[dict[str, Any]]:
    async with svc.db.session() as s:
        rows = await transfers.of_handoff(s, handoff.id)
    return [transfer_json(svc, r) for r in rows]
