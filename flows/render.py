"""Turning an interrupt payload into what a person reads: short messages and quick replies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flows.locale import t
from flows.municipality import JST
from flows.questions import QUESTIONS


@dataclass(frozen=True)
class Context:
    """What the wording needs to know about the city and the hour, computed by the service."""

    city: str
    hours: str
    staffed_now: bool
    next_staffed: dt.datetime | None
    resources: tuple[str, ...] = ()  # local places to go (居場所, 家族会, センター), one line each


def when(locale: str, moment: dt.datetime) -> str:
    local = moment.astimezone(JST)
    weekday = t(locale, "fmt.weekdays").split(",")[local.weekday()]
    return t(
        locale,
        "fmt.when",
        month=local.month,
        day=local.day,
        weekday=weekday,
        hour=local.hour,
        minute=f"{local.minute:02d}",
    )


def staffing(locale: str, ctx: Context) -> str:
    if ctx.staffed_now:
        return t(locale, "afterhours.now")
    if ctx.next_staffed is None:
        return t(locale, "afterhours.none")
    return t(locale, "afterhours.next", when=when(locale, ctx.next_staffed))


def label(locale: str, code: str) -> str:
    kind, _, rest = code.partition(":")
    if kind == "a":
        qid, _, value = rest.partition(":")
        if qid == "primary":
            return t(locale, f"opt.concerns.{value}")
        if qid in ("fix_pick", "remove_pick"):
            return t(locale, "opt.pick.cancel" if value == "cancel" else f"section.{value}")
        return t(locale, f"opt.{qid}.{value}")
    return t(locale, f"opt.{kind}.{rest}")


def label_match(raw: str, options: list[str], locale: str) -> str | None:
    """Typed text that is exactly an offered button's label counts as pressing it."""
    from flows.intake import fold

    folded = fold(raw).strip("。.!！")
    for code in options:
        if fold(label(locale, code)) == folded:
            return code
    return None


def question_text(locale: str, qid: str, family: bool, ctx: Context) -> str:
    q = QUESTIONS[qid]
    if q.family_wording:
        return t(locale, f"q.{qid}.{'family' if family else 'self'}")
    if qid == "intro":
        return t(locale, "q.intro", hours=ctx.hours)
    if qid == "consent":
        text = t(locale, "q.consent", city=ctx.city)
        return f"{text}\n{t(locale, 'consent.family_note')}" if family else text
    return t(locale, f"q.{qid}")


def say_text(locale: str, item: dict[str, Any], ctx: Context) -> str:
    key, params = item["key"], dict(item.get("params") or {})
    if key == "multi.added":
        params["option"] = label(locale, params["option"])
    elif key == "summary.removed":
        params["section"] = t(locale, f"section.{params['section']}")
    elif key == "handed.over":
        params["next_staffed"] = staffing(locale, ctx)
    elif key == "consent.declined" and ctx.resources:
        listing = "\n".join(f"・{line}" for line in ctx.resources)
        return f"{t(locale, key)}\n{t(locale, 'consent.resources')}\n{listing}"
    return t(locale, key, **params)


def preview_text(locale: str, items: list[dict[str, Any]]) -> str:
    lines = [t(locale, "summary.heading")]
    for item in items:
        section = item["section"]
        if section == "notes":
            body = " / ".join(item["texts"])
        elif section == "declined":
            body = "、".join(t(locale, f"label.{qid}") for qid in item["qids"])
        else:
            parts = []
            for part in item["parts"]:
                qid = part["q"]
                if part.get("unknown"):
                    values = t(locale, "label.unknown")
                else:
                    shown = []
                    for value in part["values"]:
                        text = label(locale, f"a:{qid}:{value}")
                        if qid == "concerns":  # the form's own category names, ◎ for the main one
                            mark = "◎" if value == item.get("primary") else "○"
                            text = mark + t(locale, f"form.{value}")
                        shown.append(text)
                    values = "、".join(shown)
                if qid == "primary":
                    continue
                parts.append(f"{t(locale, f'label.{qid}')}: {values}")
            body = " / ".join(parts)
        if body:
            lines.append(f"・{t(locale, f'section.{section}')} — {body}")
    if len(lines) == 1:
        lines.append(t(locale, "summary.empty"))
    return "\n".join(lines)


def render(
    payload: dict[str, Any], locale: str, ctx: Context
) -> tuple[list[str], list[tuple[str, str]]]:
    """Messages (at most three bubbles) and quick replies (code, label) for one interrupt."""
    messages: list[str] = []
    said = [say_text(locale, item, ctx) for item in payload.get("say", [])]
    if said:
        messages.append("\n".join(said))
    if payload.get("preview") is not None:
        messages.append(preview_text(locale, payload["preview"]))
    if not payload.get("paused"):
        messages.append(question_text(locale, payload["q"], bool(payload.get("family")), ctx))
    options = [(code, label(locale, code)) for code in payload.get("options", [])]
    return messages, options


def dynamic_keys() -> set[str]:
    """Keys the code builds from question ids, option values and sections (for the locale checks)."""
    from flows.questions import COMMANDS, SECTIONS

    keys: set[str] = {"fmt.when", "fmt.weekdays", "opt.pick.cancel", "label.unknown"}
    keys |= {"opt.safety.yes", "opt.safety.no", "opt.safety.unsure"}  # bot.crisis.SAFETY_OPTIONS
    keys |= {f"form.{code}" for code in QUESTIONS["concerns"].values}
    for q in QUESTIONS.values():
        if q.family_wording:
            keys |= {f"q.{q.id}.self", f"q.{q.id}.family"}
        else:
            keys.add(f"q.{q.id}")
        if q.id not in ("primary", "fix_pick", "remove_pick"):
            keys |= {f"opt.{q.id}.{value}" for value in q.values}
        if q.section:
            keys.add(f"label.{q.id}")
    keys |= {f"section.{s}" for s in (*SECTIONS, "notes", "declined")}
    for code in (*COMMANDS, "m:done", "m:more"):
        kind, _, rest = code.partition(":")
        if kind in ("u", "m") or rest in (
            "resume",
            "restart",
            "delete",
            "withdraw",
            "danger",
            "staff",
        ):
            keys.add(f"opt.{kind}.{rest}")
    return keys
