"""The intake graph: a deterministic LangGraph state machine, one question per ``interrupt()``.

Each question is a node that asks (``interrupt``), then moves with ``Command(goto=...)``. Nodes
are pure functions of state: the wording comes from ``locales/`` at render time, the time of day
arrives with the answer, and only redacted text and option codes ever enter the state.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from flows import listening, resources
from flows.intake_routes import destinations
from flows.preview import consent_scope, drop_notes, pickable_sections
from flows.questions import (  # fold, command_for: reading input, re-exported
    DONE,
    INTAKE_ORDER,
    LANGUAGES,
    MORE,
    QUESTIONS,
    SECTIONS,
    SKIP,
    UNKNOWN,
    Question,
    command_for,
    fold,
)
from flows.state import (
    CONSENT_VERSION,
    EXCLUSIVE,
    FAMILY,
    FAMILY_WISHES,
    HISTORY_LIMIT,
    NOTE_LIMIT,
    IntakeState,
    applies,
    concerns,
    initial_state,
    is_family,
    next_question,
    opening,
    preview,
    say,
)

RESUME, DANGER = "c:resume", "c:danger"  # いま危ない: on every question (DOMAIN.md §6)

__all__ = ["IntakeState", "build_graph", "command_for", "fold", "initial_state", "next_question"]


def options_for(q: Question, state: IntakeState) -> list[str]:
    answers = state.get("answers", {})
    if q.id == "primary":
        values: list[str] = concerns(state)[:9]
    elif q.id == "wants" and not is_family(state):
        values = [v for v in q.values if v not in FAMILY_WISHES]
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
    if q.id == "intro":  # the language switch, offered where everyone sees it
        here = state.get("locale", "ja")
        return [q.code(v) for v in values] + [f"c:lang:{x}" for x in LANGUAGES if x != here]
    return [q.code(v) for v in values] + list(q.universal)


# ---------------------------------------------------------------------------- the nodes


def prompt(q: Question, state: IntakeState) -> dict[str, Any]:
    """What the node asks: the payload of its ``interrupt`` (JSON, rendered by flows.render)."""
    if state.get("paused"):
        return {"q": q.id, "say": state.get("say", []), "options": [RESUME, DANGER], "paused": True}
    payload: dict[str, Any] = {
        "q": q.id,
        "say": state.get("say", []),
        "options": [*options_for(q, state), DANGER],
        "family": is_family(state),
        "places": resources.offer(q.id, dict(state)),
        "multi": q.multi,
        "chosen": list(state.get("answers", {}).get(q.id) or []) if q.multi else [],
        "relationship": state.get("answers", {}).get("relationship"),
        "brief": bool(state.get("brief")),
    }
    if q.id == "summary" and not state.get("brief"):
        payload["preview"] = preview(state)
    if q.id == "transfer":
        payload["agency"] = state.get("transfer_agency", "")
    return payload


def _moved(state: IntakeState, frm: str, to: str, **update: Any) -> Command[str]:
    history = (
        [*state.get("history", []), frm][-HISTORY_LIMIT:] if frm != to else state.get("history", [])
    )
    base: dict[str, Any] = {
        "history": history,
        "page": 0,
        "say": [],
        "paused": False,
        "brief": False,
        "confirming": None,
    }
    base.update(update)
    return Command(goto=to, update=base)


def _stay(q: Question, **update: Any) -> Command[str]:
    base: dict[str, Any] = {"say": [], "paused": False, "brief": False, "confirming": None}
    base.update(update)
    return Command(goto=q.id, update=base)


def _after(q: Question, state: IntakeState, answers: dict[str, Any], **update: Any) -> Command[str]:
    merged: IntakeState = {**state, "answers": answers}  # type: ignore[typeddict-item]
    merged.update(update)  # type: ignore[typeddict-item]
    target = next_question(merged, q.id)
    if target == "summary" and state.get("fix_section"):
        update["fix_section"] = None
    return _moved(state, q.id, target, answers=answers, **update)


def _fresh(state: IntakeState, key: str) -> Command[str]:
    """A new conversation from the start, saying ``key`` first."""
    return Command(
        goto="intro", update={**initial_state(state.get("locale", "ja")), "say": [say(key)]}
    )


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

    if code == "sys:transfer":  # a caseworker's proposal; then back to where the person was
        back = state.get("transfer_back") if q.id == "transfer" else q.id
        agency = str(given.get("agency") or "")[:80]
        asked = {"transfer_back": back, "transfer_agency": agency, "transfer_answer": None}
        return _moved(state, q.id, "transfer", **asked)
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
        return _fresh(state, "restart.ack")
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
    if code in ("sys:closed", "sys:closed_ask"):  # _ask: the follow-up question comes too
        return Command(
            goto="followup" if code == "sys:closed_ask" else "closed",
            update={"status": "handed", "say": [say("closed.by_staff")], "paused": False},
        )
    if code == "sys:checkin":  # the one check-in after closing (bot.checkins)
        if state.get("status") in ("consented", "handed"):
            return _fresh(state, "checkin.hello")
        return _stay(q, say=[say("checkin.hello")])
    if code == "c:withdraw" and q.id != "handed_over":
        return _stay(q, say=[say("withdraw.nothing")])
    if code == "u:later":
        return _stay(q, paused=True, say=[say("later.ack")])
    if code == "u:stop":
        return _moved(
            state, q.id, "closed", status="stopped", stopped_at=q.id, say=[say("stop.ack")]
        )
    return resources.on_request(q.id, dict(state), code)  # 「居場所」「家族会」, else None


def _answer(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    """An ordinary question's answer: an option, 答えたくない / わからない, more / done, or text."""
    if code in (SKIP, UNKNOWN):
        if q.multi and answers.get(q.id):  # earlier picks are what they meant: keep them
            return _after(q, state, answers, say=[say("multi.kept", options=_codes(q, answers))])
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
        if q.multi:
            return _pick_one(q, state, value, answers)
        valid = options_for(q, {**state, "page": 0})  # type: ignore[typeddict-item]
        if code not in valid and value not in q.values:
            return _stay(q, say=[say("input.unclear")])
        return _take(q, state, [value], answers, [])
    if text:
        return _text(q, state, text, answers)
    return _stay(q, say=[say("input.unclear")])


def _settled(state: IntakeState, qid: str) -> dict[str, Any]:
    return {
        "declined": _without(state.get("declined", []), qid),
        "unknown": _without(state.get("unknown", []), qid),
    }


def _codes(q: Question, answers: dict[str, Any]) -> list[str]:
    return [q.code(v) for v in answers.get(q.id) or []]


def _pick_one(
    q: Question,
    state: IntakeState,
    value: str,
    answers: dict[str, Any],
    lead: tuple[dict[str, Any], ...] = (),
) -> Command[str]:
    """One press in a multi-select list; 「ひとり暮らし」 or 「特にない」 after other picks is
    checked gently (a second press confirms) instead of silently replacing them."""
    chosen = list(answers.get(q.id) or [])
    exclusive = value in EXCLUSIVE
    if value in chosen or value not in q.values:
        return _stay(q, say=[say("input.unclear")])
    if exclusive and chosen and state.get("confirming") != value:
        return _stay(
            q,
            confirming=value,
            say=[*lead, say("multi.check", options=_codes(q, answers), option=q.code(value))],
        )
    chosen = [value] if exclusive else [c for c in chosen if c not in EXCLUSIVE] + [value]
    answers[q.id] = chosen
    update = _settled(state, q.id)
    if exclusive or len(chosen) >= len(q.values):
        return _after(q, state, answers, say=list(lead), **update)
    return _stay(
        q, answers=answers, page=0, say=[say("multi.added", option=q.code(value))], **update
    )


def _take(
    q: Question,
    state: IntakeState,
    values: list[str],
    answers: dict[str, Any],
    said: list[dict[str, Any]],
    **update: Any,
) -> Command[str]:
    """A single-choice answer, from a button or read from the person's words."""
    answers[q.id] = values[0]
    return _after(
        q, state, answers, say=[*said, *_ack(q.id, values[0])], **_settled(state, q.id), **update
    )


def _text(q: Question, state: IntakeState, text: str, answers: dict[str, Any]) -> Command[str]:
    """Free text: taken as the answer when it is one, reflected back in its own words, kept as a
    note only when it says more than the answer, kept out of the summary when it is noise."""
    values = q.values if q.id != "primary" else tuple(concerns(state))
    if q.id == "wants" and not is_family(state):
        values = tuple(v for v in q.values if v not in FAMILY_WISHES)
    hint = state.get("meant")
    meant = [v for v in hint if v in values] if hint is not None else []
    meant = meant or listening.interpret(q.id, text, values)
    words = listening.snippet(text)
    if listening.REDACTED in words and meant:  # the words were a name to the redactor
        words = ""
    notes = dict(state.get("notes", {}))
    if listening.meaningful(text, meant):
        notes[q.id] = text[:NOTE_LIMIT]
    if not meant:
        kind = listening.noise(text)
        if kind is not None:
            return _stay(q, say=[say(f"noise.{kind}", words=words)])
        if q.multi:
            return _stay(q, notes=notes, say=[say("ack.noted_multi", words=words)])
        return _after(q, state, answers, notes=notes, say=[say("ack.noted", words=words)])
    if not q.multi:
        said = [_took(words, q.code(meant[0]))]
        return _take(q, state, meant, answers, said, notes=notes)
    chosen = [c for c in answers.get(q.id) or [] if c not in EXCLUSIVE]
    added = [v for v in meant if v not in chosen and v not in EXCLUSIVE]
    if not added:  # 「ない」 or 「ひとり」 in words: the same as pressing the button
        return _pick_one(q, state, meant[0], answers, lead=(_took(words, q.code(meant[0])),))
    answers[q.id] = chosen + added
    codes = [q.code(v) for v in added]
    line = say("ack.added", words=words, options=codes) if words else _took("", codes[0])
    return _stay(q, answers=answers, notes=notes, page=0, say=[line], **_settled(state, q.id))


def _took(words: str, code: str) -> dict[str, Any]:
    """「「むすこ」ですね。「子どものこと」と受け取りました。」, or without the quote when the
    words did not survive redaction."""
    return say("ack.took", words=words, option=code) if words else say("ack.heard", option=code)


def _ack(qid: str, value: str) -> list[dict[str, Any]]:
    """Short acknowledgements where DOMAIN.md §6 asks for one (family reaching out, carers' health)."""
    if qid == "relationship" and value in FAMILY:
        return [say("ack.family")]
    if qid == "wellbeing" and value in ("tired", "cannot_sleep", "outpatient"):
        return [say("ack.carer")]
    if qid == "duration" and value in ("5_10y", "10y_plus"):
        return [say("ack.long")]
    return []


def _first_open(state: IntakeState) -> str:
    """Where 「話してみる」 leads: past who it is about when the opening words answered it (and
    nothing else is answered yet, so 戻る then 話してみる still reaches N1 in a later visit)."""
    if set(state.get("answers", {})) == {"relationship"}:
        return next_question(state, "relationship")
    return "relationship"


# ---------------------------------------------------------------------------- special nodes


def _intro(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    if code == "a:intro:about":
        return _stay(q, say=[say("about.body")])
    if code == "a:intro:start":
        return _moved(state, q.id, _first_open(state))
    if text:
        kind = listening.noise(text)
        if kind is not None:
            return _stay(q, say=[say(f"noise.{kind}", words=listening.snippet(text))])
        opened: IntakeState = {**state, "answers": answers}  # type: ignore[typeddict-item]
        lines = opening(opened, text, state.get("meant"))
        answers = opened.get("answers", answers)
        notes = dict(state.get("notes", {}))
        who = answers.get("relationship")
        if listening.meaningful(text, [who] if who else []):
            notes["intro" if "opening" in notes else "opening"] = text[:NOTE_LIMIT]
        return _moved(state, q.id, _first_open(opened), answers=answers, notes=notes, say=lines)
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
    if text and listening.noise(text) is None and len(text.strip()) > 8:
        notes = {**state.get("notes", {}), "summary": text[:NOTE_LIMIT]}
        words = listening.snippet(text)
        return _stay(q, notes=notes, brief=True, say=[say("summary.noted", words=words)])
    # 「わからない」, a stray word: one plain line, never the whole summary again
    return _stay(q, brief=True, say=[say("summary.unsure")])


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
    return _stay(q, brief=True, say=[say("consent.unsure")])


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
        if q.id == "contact_time":
            return _moved(state, q.id, "followup", answers=answers)
        if q.id == "followup" and state.get("status") == "handed":  # asked at the close
            done = "followup.ack" if value in ("2w", "1m") else "followup.declined"
            return _moved(state, q.id, "closed", answers=answers, say=[say(done)])
        return _moved(state, q.id, "handed_over", answers=answers, say=[say("handed.over")])
    if text and state.get("status") == "handed":  # writing instead of answering, after the close
        return _moved(state, q.id, "closed", say=[say("closed.by_staff")])
    if text:
        notes = {**state.get("notes", {}), q.id: text[:NOTE_LIMIT]}
        return _stay(q, notes=notes, say=[say("free.noted_multi")])
    return _stay(q, say=[say("input.unclear")])


def _transfer(
    q: Question, state: IntakeState, code: str | None, text: str | None, answers: dict[str, Any]
) -> Command[str]:
    """The answer to a caseworker's proposal to share the summary with another agency: kept as
    ``transfer_answer`` for the service to act on (bot.casework); nothing moves without はい."""
    value = code.split(":", 2)[2] if code and code.startswith("a:transfer:") else None
    if value not in ("yes", "no"):
        return _stay(q, say=[say("input.unclear")])
    agency = state.get("transfer_agency") or ""
    back = state.get("transfer_back") or "handed_over"
    line = say(f"transfer.{value}", agency=agency)
    return _moved(state, q.id, back, transfer_answer=value, say=[line])


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
        return _fresh(state, "welcome.back")
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
    "followup": _contact,
    "transfer": _transfer,
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
        # "meant": option values the service read from the words before redaction (codes only)
        extra = {"now": given.get("at", ""), "meant": given.get("meant")}
        return advance(q, {**state, **extra}, given)  # type: ignore[typeddict-item]

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
