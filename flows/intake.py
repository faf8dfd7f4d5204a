"""The intake graph: a deterministic LangGraph state machine, one question per ``interrupt()``.

Each question is a node that asks (``interrupt``), then moves with ``Command(goto=...)``. Nodes
are pure functions of state: the wording comes from ``locales/`` at render time, the time of day
arrives with the answer, and only redacted text and option codes ever enter the state.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from flows.intake_routes import destinations
from flows.preview import (
    consent_scope,
    drop_notes,
    parent_health_applies,
    pickable_sections,
    preview,
)
from flows.questions import (
    COMMANDS,
    DONE,
    INTAKE_ORDER,
    LANGUAGES,
    MORE,
    QUESTIONS,
    SECTIONS,
    SKIP,
    UNKNOWN,
    Question,
)

CONSENT_VERSION = "consent-2026-12-v2"
NOTE_LIMIT = 200
HISTORY_LIMIT = 40
FAMILY = ("child", "sibling", "parent", "spouse", "other")


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


def initial_state(locale: str = "ja", opening_note: str | None = None) -> IntakeState:
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
    }
    if opening_note:
        state["notes"] = {"opening": opening_note[:NOTE_LIMIT]}
    return state


# ---------------------------------------------------------------------------- who is who


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
    return True


def next_question(state: IntakeState, after: str) -> str:
    fix = state.get("fix_section")
    order: tuple[str, ...] = SECTIONS[fix] if fix else INTAKE_ORDER
    start = order.index(after) + 1 if after in order else 0
    for qid in order[start:]:
        if applies(qid, state):
            return qid
    return "summary"


# ---------------------------------------------------------------------------- reading input


def fold(text: str) -> str:
    """Text as compared with command words and button labels (NFKC, lower case, no spaces)."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split()).strip("。.!！?？")


_COMMAND_WORDS = {fold(word): code for code, words in COMMANDS.items() for word in words}


def command_for(text: str) -> str | None:
    """A typed command word (戻る, 削除, あとで, English…) recognised anywhere."""
    return _COMMAND_WORDS.get(fold(text))


def options_for(q: Question, state: IntakeState) -> list[str]:
    answers = state.get("answers", {})
    if q.id == "primary":
        values: list[str] = concerns(state)[:9]
    elif q.id in ("fix_pick", "remove_pick"):
        values = [*pickable_sections(state), "cancel"]
    else:
        values = list(q.values)
    if q.multi:
        chosen = set(answers.get(q.id) or [])
        remaining = [v for v in values if v not in chosen]
        page = state.get("page", 0)
        pages = max(1, -(-len(remaining) // q.page_size))
        page = page % pages
        codes = [q.code(v) for v in remaining[page * q.page_size : (page + 1) * q.page_size]]
        if pages > 1:
            codes.append(MORE)
        codes.append(DONE)
        return codes + list(q.universal)
    if q.id == "handed_over":
        return ["c:withdraw", "c:delete"]
    if q.id == "closed":
        return ["c:resume", "c:restart", "c:delete"]
    return [q.code(v) for v in values] + list(q.universal)


# ---------------------------------------------------------------------------- the nodes


def prompt(q: Question, state: IntakeState) -> dict[str, Any]:
    """What the node asks: the payload of its ``interrupt`` (JSON, rendered by flows.render)."""
    if state.get("paused"):
        return {"q": q.id, "say": state.get("say", []), "options": ["c:resume"], "paused": True}
    payload: dict[str, Any] = {
        "q": q.id,
        "say": state.get("say", []),
        "options": options_for(q, state),
        "family": is_family(state),
        "multi": q.multi,
        "chosen": list(state.get("answers", {}).get(q.id) or []) if q.multi else [],
    }
    if q.id in ("summary", "consent"):
        payload["preview"] = preview(state)
    return payload


def say(key: str, **params: Any) -> dict[str, Any]:
    return {"key": key, "params": params}


def _moved(state: IntakeState, frm: str, to: str, **update: Any) -> Command[str]:
    history = (
        [*state.get("history", []), frm][-HISTORY_LIMIT:] if frm != to else state.get("history", [])
    )
    base: dict[str, Any] = {"history": history, "page": 0, "say": [], "paused": False}
    base.update(update)
    return Command(goto=to, update=base)


def _stay(q: Question, **update: Any) -> Command[str]:
    base: dict[str, Any] = {"say": [], "paused": False}
    base.update(update)
    return Command(goto=q.id, update=base)


def _after(q: Question, state: IntakeState, answers: dict[str, Any], **update: Any) -> Command[str]:
    merged: IntakeState = {**state, "answers": answers}  # type: ignore[typeddict-item]
    merged.update(update)  # type: ignore[typeddict-item]
    target = next_question(merged, q.id)
    if target == "summary" and state.get("fix_section"):
        update["fix_section"] = None
    return _moved(state, q.id, target, answers=answers, **update)


def _without(items: list[str], qid: str) -> list[str]:
    return [i for i in items if i != qid]


def advance(q: Question, state: IntakeState, given: dict[str, Any]) -> Command[str]:
    code: str | None = given.get("code")
    text: str | None = given.get("text")
    if text and not code:
        code = command_for(text)
    answers = dict(state.get("answers", {}))

    if state.get("paused") and not (
        code and (code in options_for(q, state) or code.startswith("c:"))
    ):
        return _stay(q, say=[say("resume.continue")])

    command = _command(q, state, code)
    if command is not None:
        return command
    handler = _SPECIAL.get(q.id)
    if handler is not None:
        return handler(q, state, code, text, answers)
    return _answer(q, state, code, text, answers)


def _command(q: Question, state: IntakeState, code: str | None) -> Command[str] | None:
    """The commands recognised at every node (戻る, 最初から, 削除, language, …), and the
    caseworker's side passed in by the service; None when ``code`` is none of them."""
    if code == "c:back":
        history = list(state.get("history", []))
        if not history:
            return _stay(q, say=[say("back.none")])
        return Command(
            goto=history[-1],
            update={"history": history[:-1], "say": [], "page": 0, "paused": False},
        )
    if code == "c:restart":
        fresh = initial_state(state.get("locale", "ja"))
        fresh["say"] = [say("restart.ack")]
        return Command(goto="intro", update=dict(fresh))
    if code == "c:delete" and q.id != "confirm_delete":
        return Command(
            goto="confirm_delete", update={"delete_from": q.id, "say": [], "paused": False}
        )
    if code and code.startswith("c:lang:") and code[7:] in LANGUAGES:
        return _stay(q, locale=code[7:], say=[say("lang.changed")])
    if code in ("c:resume", "c:danger"):
        return _stay(q, say=[say("resume.continue")] if code == "c:resume" else [])
    if code == "c:staff":
        if state.get("status") == "consented":
            return _stay(q, say=[say("staff.already")])
        return _moved(state, q.id, "summary", fix_section=None, say=[say("staff.jump")])
    # the caseworker's side, passed in by the service
    if code == "sys:returned":
        return _stay(q, say=[say("returned.to_bot")])
    if code == "sys:closed":
        return Command(
            goto="closed",
            update={"status": "handed", "say": [say("closed.by_staff")], "paused": False},
        )
    if code == "c:withdraw" and q.id != "handed_over":
        return _stay(q, say=[say("withdraw.nothing")])
    if code == "u:later":
        return _stay(q, paused=True, say=[say("later.ack")])
    if code == "u:stop":
        return _moved(
            state, q.id, "closed", status="stopped", stopped_at=q.id, say=[say("stop.ack")]
        )
    return None


def _answer(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    """An ordinary question's answer: an option, 答えたくない / わからない, more / done, or text."""
    if code in (SKIP, UNKNOWN):
        bucket = "declined" if code == SKIP else "unknown"
        other = "unknown" if code == SKIP else "declined"
        lists: dict[str, list[str]] = {
            "declined": state.get("declined", []),
            "unknown": state.get("unknown", []),
        }
        mine, theirs = lists[bucket], lists[other]
        update = {bucket: [*_without(mine, q.id), q.id], other: _without(theirs, q.id)}
        answers.pop(q.id, None)
        return _after(q, state, answers, **update)
    if q.multi and code == MORE:
        return _stay(q, page=state.get("page", 0) + 1)
    if q.multi and code == DONE:
        return _after(q, state, answers)
    if code and code.startswith(f"a:{q.id}:"):
        value = code.split(":", 2)[2]
        valid = options_for(q, {**state, "page": 0} if not q.multi else state)  # type: ignore[typeddict-item]
        if q.multi:
            chosen = list(answers.get(q.id) or [])
            if value not in chosen and value in q.values:
                exclusive = value in ("none", "alone")
                chosen = (
                    [value]
                    if exclusive
                    else [c for c in chosen if c not in ("none", "alone")] + [value]
                )
            answers[q.id] = chosen
            update = {
                "declined": _without(state.get("declined", []), q.id),
                "unknown": _without(state.get("unknown", []), q.id),
            }
            if value in ("none", "alone") or len(chosen) >= len(q.values):
                return _after(q, state, answers, **update)
            return _stay(
                q, answers=answers, page=0, say=[say("multi.added", option=code)], **update
            )
        if code not in valid and value not in q.values:
            return _stay(q, say=[say("input.unclear")])
        answers[q.id] = value
        return _after(
            q,
            state,
            answers,
            declined=_without(state.get("declined", []), q.id),
            unknown=_without(state.get("unknown", []), q.id),
            say=_ack(q.id, value),
        )
    if text:
        notes = {**state.get("notes", {}), q.id: text[:NOTE_LIMIT]}
        if q.multi:
            return _stay(q, notes=notes, say=[say("free.noted_multi")])
        inferred = infer_relationship(text) if q.id == "relationship" else None
        if inferred is not None:
            answers[q.id] = inferred
            return _after(
                q, state, answers, notes=notes, say=[say("free.noted"), *_ack(q.id, inferred)]
            )
        return _after(q, state, answers, notes=notes, say=[say("free.noted")])
    return _stay(q, say=[say("input.unclear")])


_RELATIONSHIP_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "child",
        re.compile(
            r"息子|娘|子ども|子供|こども|長男|次男|三男|長女|次女|むすこ|むすめ|\bsons?\b|daughter"
        ),
    ),
    ("sibling", re.compile(r"兄|弟|姉|妹|きょうだい|brother|sister")),
    ("spouse", re.compile(r"夫|妻|主人|旦那|だんな|嫁|husband|wife")),
    ("parent", re.compile(r"父|母|親|ちち|はは|mother|father|\bmom\b|\bdad\b")),
    ("self", re.compile(r"自分|わたし自身|私自身|僕自身|本人です|myself")),
)


def infer_relationship(text: str) -> str | None:
    """Who a freely written answer to 「どなたのことですか」 is about (息子 → child, …)."""
    lowered = text.lower()
    for value, pattern in _RELATIONSHIP_WORDS:
        if pattern.search(lowered):
            return value
    return None


def _ack(qid: str, value: str) -> list[dict[str, Any]]:
    """Short acknowledgements where DOMAIN.md §6 asks for one (family reaching out, carers' health)."""
    if qid == "relationship" and value in FAMILY:
        return [say("ack.family")]
    if qid == "wellbeing" and value in ("tired", "cannot_sleep", "outpatient"):
        return [say("ack.carer")]
    if qid == "duration" and value in ("5_10y", "10y_plus"):
        return [say("ack.long")]
    return []


# ---------------------------------------------------------------------------- special nodes


def _intro(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    if code == "a:intro:about":
        return _stay(q, say=[say("about.body")])
    if code == "a:intro:start":
        return _moved(state, q.id, "relationship")
    if text:
        notes = {**state.get("notes", {}), "opening": text[:NOTE_LIMIT]}
        return _moved(state, q.id, "relationship", notes=notes, say=[say("ack.opening")])
    return _stay(q, say=[say("input.unclear")])


def _summary(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    if code == "a:summary:ok":
        return _moved(state, q.id, "consent")
    if code == "a:summary:fix":
        return _moved(state, q.id, "fix_pick")
    if code == "a:summary:remove":
        return _moved(state, q.id, "remove_pick")
    if text:
        notes = {**state.get("notes", {}), "summary": text[:NOTE_LIMIT]}
        return _stay(q, notes=notes, say=[say("summary.noted")])
    return _stay(q, say=[say("input.unclear")])


def _pick(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    section = code.split(":", 2)[2] if code and code.startswith(f"a:{q.id}:") else None
    if section == "notes":
        return _moved(state, q.id, "summary", **drop_notes(state, fixing=q.id == "fix_pick"))
    if section not in SECTIONS:
        return _moved(state, q.id, "summary")
    if q.id == "remove_pick":
        removed = [
            qid for qid in SECTIONS[section] if qid in answers or qid in state.get("unknown", [])
        ]
        for qid in SECTIONS[section]:
            answers.pop(qid, None)
        notes = {k: v for k, v in state.get("notes", {}).items() if k not in SECTIONS[section]}
        declined = [d for d in state.get("declined", []) if d not in removed] + removed
        unknown = [u for u in state.get("unknown", []) if u not in removed]
        return _moved(
            state,
            q.id,
            "summary",
            answers=answers,
            notes=notes,
            declined=declined,
            unknown=unknown,
            say=[say("summary.removed", section=section)],
        )
    first = next((qid for qid in SECTIONS[section] if applies(qid, state)), None)
    if first is None:
        return _moved(state, q.id, "summary")
    return _moved(state, q.id, first, fix_section=section)


def _consent(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    if code in ("a:consent:agree", "a:consent:agree_transcript"):
        consent = {"version": CONSENT_VERSION, "at": state.get("now") or "", **consent_scope(code)}
        return _moved(
            state, q.id, "contact", status="consented", consent=consent, say=[say("consent.thanks")]
        )
    if code == "a:consent:fix":
        return _moved(state, q.id, "fix_pick")
    if code == "a:consent:decline":
        return _moved(
            state,
            q.id,
            "closed",
            status="declined",
            stopped_at="summary",
            say=[say("consent.declined")],
        )
    return _stay(q, say=[say("input.unclear")])


def _contact(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    if q.id == "contact_phone":
        if text or code == SKIP:
            if text:
                answers["contact_phone"] = "given"
            return _moved(state, q.id, "contact_time", answers=answers)
        return _stay(q, say=[say("input.unclear")])
    value = code.split(":", 2)[2] if code and code.startswith(f"a:{q.id}:") else None
    if code == SKIP or value in q.values:
        if value:
            answers[q.id] = value
        if q.id == "contact":
            return _moved(
                state,
                q.id,
                "contact_phone" if value == "phone" else "contact_time",
                answers=answers,
            )
        return _moved(state, q.id, "handed_over", answers=answers, say=[say("handed.over")])
    if text:
        notes = {**state.get("notes", {}), q.id: text[:NOTE_LIMIT]}
        return _stay(q, notes=notes, say=[say("free.noted_multi")])
    return _stay(q, say=[say("input.unclear")])


def _handed_over(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    if code == "sys:withdrawn":
        return _moved(
            state, q.id, "summary", status="intake", consent=None, say=[say("withdraw.done")]
        )
    return _stay(q, say=[say("handed.waiting")])


def _closed(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    if state.get("status") == "handed":  # the caseworker closed the handoff: a new conversation
        fresh = initial_state(state.get("locale", "ja"))
        fresh["say"] = [say("welcome.back")]
        return Command(goto="intro", update=dict(fresh))
    target = state.get("stopped_at") or "intro"
    return _moved(
        state, q.id, target, status="intake", stopped_at=None, say=[say("resume.continue")]
    )


def _confirm_delete(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    if code == "a:confirm_delete:yes":
        return Command(goto=END, update={"status": "deleted", "say": []})
    return Command(
        goto=state.get("delete_from") or "intro",
        update={"say": [say("delete.kept")], "delete_from": None},
    )


_SPECIAL = {
    "intro": _intro,
    "summary": _summary,
    "fix_pick": _pick,
    "remove_pick": _pick,
    "consent": _consent,
    "contact": _contact,
    "contact_phone": _contact,
    "contact_time": _contact,
    "handed_over": _handed_over,
    "closed": _closed,
    "confirm_delete": _confirm_delete,
}


# ---------------------------------------------------------------------------- assembly


def _node(q: Question) -> Any:
    def run(state: IntakeState) -> Command[str]:
        given = interrupt(prompt(q, state))
        if not isinstance(given, dict):
            given = {"text": str(given)}
        return advance(q, {**state, "now": given.get("at", "")}, given)  # type: ignore[typeddict-unknown-key]

    run.__name__ = q.id
    return run


def build_graph(checkpointer: Any = None) -> Any:
    builder = StateGraph(IntakeState)
    routes = destinations({qid for qid in INTAKE_ORDER if not applies(qid, {})})
    for q in QUESTIONS.values():
        builder.add_node(q.id, _node(q), destinations=routes[q.id])
    builder.add_edge(START, "intro")
    return builder.compile(checkpointer=checkpointer)


if __name__ == "__main__":
    from flows.intake_routes import main

    raise SystemExit(main())
