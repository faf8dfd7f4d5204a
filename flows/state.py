"""The intake's state, who a conversation is about, which questions it meets, and the summary
preview as codes: pure functions of the state, shared by the graph (``flows.intake``) and the
rendering."""

from __future__ import annotations

from typing import Any, TypedDict

from flows import listening
from flows.preview import parent_health_applies
from flows.questions import INTAKE_ORDER, QUESTIONS, SECTIONS

# the consent wording in locales/ (consent.essentials, consent.privacy, consent.family_note.*)
CONSENT_VERSION = "consent-2026-12-v3"  # v3: the scope choice (まとめだけ / まとめと会話の記録)
NOTE_LIMIT = 200
HISTORY_LIMIT = 40
FAMILY = ("child", "sibling", "parent", "spouse", "other")
EXCLUSIVE = ("none", "alone")  # a multi-select choice that stands alone
FAMILY_WISHES = ("how_to_relate", "after_parents")  # 接し方, 親亡き後: not offered about oneself


class IntakeState(TypedDict, total=False):
    locale: str
    status: str  # intake | consented | handed (closed by staff) | declined | stopped | deleted
    answers: dict[str, Any]  # question id -> option value or list of values
    declined: list[str]  # questions answered 答えたくない (or removed from the summary)
    unknown: list[str]  # questions answered わからない
    notes: dict[str, str]  # question id -> redacted free text, at most NOTE_LIMIT characters
    history: list[str]
    say: list[dict[str, Any]]  # lines to say before the next question: {"key", "params"}
    paused: bool
    page: int
    fix_section: str | None
    stopped_at: str | None
    delete_from: str | None
    consent: dict[str, Any] | None
    places_asked: list[str]  # kinds of place asked for by name (居場所, 家族会; flows/resources.py)
    brief: bool  # answer with the said lines only (no summary or question repeated)
    confirming: str | None  # an exclusive choice (ひとり暮らし) waiting for a second press
    meant: list[str] | None  # this turn only: the answer read from the words before redaction
    transfer_agency: str  # the agency a caseworker proposes passing the case to (its name)
    transfer_back: str | None  # the question to return to after the transfer question
    transfer_answer: str | None  # yes | no: the answer, acted on by bot.casework


def initial_state(
    locale: str = "ja", opening_note: str | None = None, meant: list[str] | None = None
) -> IntakeState:
    state: IntakeState = {
        "locale": locale,
        "status": "intake",
        "answers": {},
        "declined": [],
        "unknown": [],
        "notes": {},
        "history": [],
        "say": [],
        "paused": False,
        "page": 0,
        "fix_section": None,
        "stopped_at": None,
        "delete_from": None,
        "consent": None,
        "brief": False,
        "confirming": None,
    }
    if opening_note:
        state["say"] = opening(state, opening_note, meant)
        who = state.get("answers", {}).get("relationship")
        if listening.meaningful(opening_note, [who] if who else []):
            state["notes"] = {"opening": opening_note[:NOTE_LIMIT]}
    return state


def opening(state: IntakeState, text: str, meant: list[str] | None = None) -> list[dict[str, Any]]:
    """The first words reflected back; who it is about is taken as the answer to N1."""
    words = listening.snippet(text)
    who = meant or listening.interpret("relationship", text, QUESTIONS["relationship"].values)
    if listening.REDACTED in words:
        words = listening.snippet(text.split(listening.REDACTED)[0]) or "…"
    if who:
        state["answers"] = {**state.get("answers", {}), "relationship": who[0]}
        return [say("ack.took", words=words, option=f"a:relationship:{who[0]}")]
    return [say("ack.opening", words=words)]


def is_family(state: IntakeState) -> bool:
    return state.get("answers", {}).get("relationship") in FAMILY


def concerns(state: IntakeState) -> list[str]:
    value = state.get("answers", {}).get("concerns") or []
    return list(value)


def applies(qid: str, state: IntakeState) -> bool:
    """Whether a question is asked in this conversation (DOMAIN.md §6 conditions)."""
    answers = state.get("answers", {})
    if qid == "consultant_role":
        return answers.get("relationship") == "child"
    if qid == "primary":
        return len(concerns(state)) > 1
    if qid in ("outing", "duration"):
        return "hikikomori_futoko" in concerns(state)
    if qid in ("aware", "wants_support", "consultant_age"):
        return is_family(state)
    if qid in ("parent_health", "father_health", "mother_health"):
        return parent_health_applies(qid, answers)
    if qid == "care_cert":  # an elderly parent who needs care: 要介護認定 (DOMAIN.md §8)
        health = (answers.get(k) for k in ("parent_health", "father_health", "mother_health"))
        return any(h in ("needs_care", "inpatient") for h in health)
    return True


def next_question(state: IntakeState, after: str) -> str:
    fix = state.get("fix_section")
    order: tuple[str, ...] = SECTIONS[fix] if fix else INTAKE_ORDER
    start = order.index(after) + 1 if after in order else 0
    for qid in order[start:]:
        if applies(qid, state):
            return qid
    return "summary"


def say(key: str, **params: Any) -> dict[str, Any]:
    return {"key": key, "params": params}


# ---------------------------------------------------------------------------- preview


def preview(state: IntakeState) -> list[dict[str, Any]]:
    """The summary the person approves, section by section, as codes (rendered per locale)."""
    answers = state.get("answers", {})
    items: list[dict[str, Any]] = []
    for section, qids in SECTIONS.items():
        parts: list[dict[str, Any]] = []
        for qid in qids:
            if qid in answers:
                value = answers[qid]
                parts.append(
                    {"q": qid, "values": list(value) if isinstance(value, list) else [value]}
                )
            elif qid in state.get("unknown", []):
                parts.append({"q": qid, "values": [], "unknown": True})
        if parts:
            items.append({"section": section, "parts": parts, "primary": answers.get("primary")})
    notes = [v for k, v in state.get("notes", {}).items() if v]
    if notes:
        items.append({"section": "notes", "texts": notes})
    if state.get("declined"):
        items.append({"section": "declined", "qids": list(state["declined"])})
    return items
