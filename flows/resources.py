"""Places to go (参加支援): when the city's resources (居場所, 家族会, ひきこもり地域支援センター)
are offered, and how they and the agency's own address are written out.

Pure functions of the intake state: the graph puts the kinds that fit into its prompt
(``offer``), the renderer writes them out from the city's list (``listing``), and the summary
records what was shown (``shown``) — the same rule everywhere, so the record cannot drift from
what the person read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langgraph.types import Command

from flows.locale import t
from flows.municipality import Agency, Resource

ALL_KINDS = ("ibasho", "family_group", "hikikomori_center", "other")
# what a person's wish (N10 希望) calls for
FOR_WANTS: dict[str, tuple[str, ...]] = {
    "info": ALL_KINDS,
    "how_to_relate": ("family_group", "hikikomori_center"),
    "after_parents": ("family_group", "hikikomori_center"),
}
AFTER_HANDOFF_SELF = ("ibasho", "hikikomori_center")
AFTER_HANDOFF_FAMILY = ("family_group", "hikikomori_center")
AGENCY = "agency"  # the agency's own address, phone and hours
CONTACT_STEPS = ("contact", "contact_phone", "contact_time", "followup")
REQUEST = "c:places:"


def _family(state: dict[str, Any]) -> bool:
    return (state.get("answers") or {}).get("relationship") not in (None, "self")


def for_wants(state: dict[str, Any]) -> list[str]:
    wants = (state.get("answers") or {}).get("wants") or []
    return [k for k in ALL_KINDS if any(k in FOR_WANTS.get(w, ()) for w in wants)]


def after_handoff(state: dict[str, Any]) -> list[str]:
    return list(AFTER_HANDOFF_FAMILY if _family(state) else AFTER_HANDOFF_SELF)


def offer(qid: str, state: dict[str, Any]) -> list[str]:
    """The kinds of place to show above question ``qid`` (and ``agency`` for the agency's
    address): right after the wishes were answered, and on arriving at 引き継ぎ済み."""
    if state.get("brief"):  # a short answer on the same question: said once is enough
        return []
    history = state.get("history") or []
    last = history[-1] if history else None
    if last == "wants" and qid != "wants":
        return for_wants(state)
    if qid == "handed_over" and last in CONTACT_STEPS:
        contact = (state.get("answers") or {}).get("contact")
        extra = [AGENCY] if contact in ("visit_office", "phone") else []
        return extra + after_handoff(state)
    return []


def on_request(qid: str, state: dict[str, Any], code: str | None) -> Command[str] | None:
    """「居場所」/「家族会」 typed anywhere (``c:places:<kind>``): the places of that kind, then
    the same question; None for any other code."""
    if not code or not code.startswith(REQUEST):
        return None
    kind = code[len(REQUEST) :]
    asked = [*(state.get("places_asked") or []), kind]
    return Command(
        goto=qid,
        update={
            "places_asked": list(dict.fromkeys(asked)),
            "say": [{"key": "places.heading", "params": {"kinds": [kind]}}],
            "paused": False,
        },
    )


def shown(state: dict[str, Any], resources: Sequence[Resource]) -> list[str]:
    """Names of the places this conversation has been shown (``urgency.resources_shown``)."""
    kinds = set(for_wants(state)) | set(state.get("places_asked") or [])
    if "contact_time" in (state.get("history") or []):  # 引き継ぎ済み was reached
        kinds |= set(after_handoff(state))
    return [r.name for r in resources if r.kind in kinds]


def _place(r: Resource) -> str:
    lines = [f"・{r.name}"]
    lines += [f"　{part}" for part in (r.description, r.hours, r.contact, r.web) if part]
    return "\n".join(lines)


def listing(locale: str, kinds: Sequence[str], resources: Sequence[Resource]) -> str:
    places = [r for r in resources if r.kind in kinds]
    if not places:
        return ""
    return "\n".join([t(locale, "places.heading"), *(_place(r) for r in places)])


def offer_text(
    locale: str,
    kinds: Sequence[str],
    resources: Sequence[Resource],
    agency: Agency | None,
    hours: str,
) -> str:
    """What ``offer`` asked for, written out (empty when the city lists nothing that fits)."""
    parts = []
    if AGENCY in kinds and agency is not None:
        parts.append(agency_text(locale, agency, hours))
    places = listing(locale, kinds, resources)
    if places:
        parts.append(places)
    return "\n".join(parts)


def agency_text(locale: str, agency: Agency, hours: str) -> str:
    return t(
        locale,
        "places.agency",
        name=agency.name,
        address=agency.address,
        phone=agency.phone,
        hours=hours,
    )
