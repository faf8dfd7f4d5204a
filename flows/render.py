"""Turning an interrupt payload into what a person reads: short messages and quick replies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flows import resources
from flows.locale import t
from flows.municipality import JST, Agency, Resource
from flows.questions import QUESTIONS

# The longest message a phone shows without scrolling: ~120 Japanese characters; Latin letters
# are about half as wide, so English gets more letters for the same screen (locales/README.md).
MESSAGE_LIMIT = {"ja": 120, "ja-easy": 120, "en": 200}
NOTE_SHOWN = 30  # characters of a written note shown back in the summary


@dataclass(frozen=True)
class Context:
    """What the wording needs to know about the city and the hour, computed by the service."""

    city: str
    hours: str
    staffed_now: bool
    next_staffed: dt.datetime | None
    resources: tuple[str, ...] = ()  # local places to go (居場所, 家族会, センター), one line each
    places: tuple[Resource, ...] = ()  # the same places in full (flows.resources)
    agency: Agency | None = None  # the agency a visit or call goes to
    office: tuple[dt.time, dt.time] | None = None  # weekday opening and closing, shown per locale


def limit(locale: str) -> int:
    return MESSAGE_LIMIT.get(locale, MESSAGE_LIMIT["ja"])


def clock(locale: str, moment: dt.time | dt.datetime) -> str:
    """A time of day as the locale writes it (8:30, 午後5時15分, 5:15 p.m.), one way everywhere."""
    half = t(locale, "fmt.ampm").split(",")[moment.hour >= 12]
    return t(
        locale,
        "fmt.clock",
        hour=moment.hour,
        hour12=(moment.hour - 1) % 12 + 1,
        minute=f"{moment.minute:02d}",
        ampm=half,
    )


def hours(locale: str, ctx: Context) -> str:
    if ctx.office is None:
        return ctx.hours
    return t(
        locale, "fmt.hours", start=clock(locale, ctx.office[0]), end=clock(locale, ctx.office[1])
    )


def when(locale: str, moment: dt.datetime) -> str:
    local = moment.astimezone(JST)
    weekday = t(locale, "fmt.weekdays").split(",")[local.weekday()]
    return t(
        locale,
        "fmt.when",
        month=local.month,
        month_name=t(locale, "fmt.months").split(",")[local.month - 1],
        day=local.day,
        weekday=weekday,
        time=clock(locale, local),
    )


def staffing(locale: str, ctx: Context) -> str:
    if ctx.staffed_now:
        return t(locale, "afterhours.now")
    if ctx.next_staffed is None:
        return t(locale, "afterhours.none")
    return t(locale, "afterhours.next", when=when(locale, ctx.next_staffed))


def label(locale: str, code: str) -> str:
    kind, _, rest = code.partition(":")
    if rest.startswith("lang:"):  # each language's button in its own language
        return t(locale, f"opt.lang.{rest[5:]}")
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


def question_text(locale: str, payload: dict[str, Any], ctx: Context) -> list[str]:
    """The question, in one or more messages (the consent in two or three, essentials first)."""
    qid, family = payload["q"], bool(payload.get("family"))
    q = QUESTIONS[qid]
    if qid == "parent_health" and payload.get("relationship") == "child":
        return [t(locale, "q.parent_health.carer")]  # a parent writing: their own health
    if q.family_wording:
        return [t(locale, f"q.{qid}.{'family' if family else 'self'}")]
    if qid == "intro":
        return [t(locale, "intro.hello"), t(locale, "q.intro", hours=hours(locale, ctx))]
    if qid == "consent":  # the scope choice beside the question (flows.preview.consent_scope)
        ask = f"{t(locale, 'consent.scope')}\n{t(locale, 'q.consent')}"
        if family:  # said plainly, right beside the question
            who = "child" if payload.get("relationship") == "child" else "other"
            ask = f"{t(locale, f'consent.family_note.{who}')}\n{ask}"
        return [t(locale, "consent.essentials", city=ctx.city), t(locale, "consent.privacy"), ask]
    if qid == "transfer":
        return [t(locale, "q.transfer", agency=payload.get("agency") or "")]
    return [t(locale, f"q.{qid}")]


def say_text(locale: str, item: dict[str, Any], ctx: Context) -> str:
    key, params = item["key"], dict(item.get("params") or {})
    if "option" in params:
        params["option"] = label(locale, params["option"])
    if "options" in params:
        quoted = [quote(locale, label(locale, c)) for c in params["options"]]
        params["options"] = t(locale, "fmt.and").join(quoted)
    if key == "noise.what":
        params["city"] = ctx.city
    elif key == "summary.removed":
        params["section"] = t(locale, f"section.{params['section']}")
    elif key == "handed.over":
        params["next_staffed"] = staffing(locale, ctx)
    elif key == "places.heading":
        return resources.listing(locale, params["kinds"], ctx.places) or t(locale, "places.none")
    elif key == "consent.declined" and ctx.resources:
        listing = "\n".join(f"・{line}" for line in ctx.resources)
        return f"{t(locale, key)}\n{t(locale, 'consent.resources')}\n{listing}"
    return t(locale, key, **params)


def _part(locale: str, part: dict[str, Any], primary: str | None, family: bool) -> str | None:
    """One answer in the person's own words: the labels they pressed, ◎ for the main concern."""
    qid = part["q"]
    if qid == "primary":
        return None
    if part.get("unknown"):
        values = t(locale, "label.unknown")
    else:
        shown = []
        for value in part["values"]:
            text = label(locale, f"a:{qid}:{value}")
            if qid == "concerns":
                text = ("◎" if value == primary else "○") + text
            shown.append(text)
        values = t(locale, "fmt.and").join(shown)
    return f"{t(locale, _label_key(qid, family))}: {values}"


def preview_lines(locale: str, items: list[dict[str, Any]], family: bool = True) -> list[str]:
    lines = [t(locale, "summary.heading")]
    for item in items:
        section = item["section"]
        if section == "notes":
            body = " / ".join(quote(locale, _shorten(text)) for text in item["texts"])
        elif section == "declined":
            body = t(locale, "fmt.and").join(
                t(locale, _label_key(qid, family)) for qid in item["qids"]
            )
        else:
            parts = [_part(locale, p, item.get("primary"), family) for p in item["parts"]]
            body = " / ".join(p for p in parts if p)
        if body:
            lines.append(f"・{t(locale, f'section.{section}')} — {body}")
    if len(lines) == 1:
        lines.append(t(locale, "summary.empty"))
    return lines


def preview_text(locale: str, items: list[dict[str, Any]], family: bool = True) -> str:
    return "\n".join(preview_lines(locale, items, family))


def quote(locale: str, text: str) -> str:
    """Words quoted as the locale quotes them (「…」, "…")."""
    return t(locale, "fmt.quote", text=text)


def _label_key(qid: str, family: bool) -> str:
    return f"label.{qid}.self" if qid == "subject_age" and not family else f"label.{qid}"


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= NOTE_SHOWN else line[: NOTE_SHOWN - 1] + "…"


def bubbles(text: str, most: int) -> list[str]:
    """``text`` as phone-sized messages: whole lines packed up to ``most`` characters; a longer
    line is cut after a sentence (the locale tests keep every line of the bot's own under it)."""
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > most:
            cut = max(line.rfind(mark, 0, most) for mark in ("。", ". ", "、", " "))
            cut = cut + 1 if cut > 0 else most
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        if line:
            pieces.append(line)
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1]) + 1 + len(piece) <= most:
            out[-1] += "\n" + piece
        else:
            out.append(piece)
    return out


def render(
    payload: dict[str, Any], locale: str, ctx: Context
) -> tuple[list[str], list[tuple[str, str]]]:
    """Messages, none longer than the locale's limit, and quick replies (code, label)."""
    most = limit(locale)
    family = bool(payload.get("family"))
    messages: list[str] = []
    for item in payload.get("say", []):
        messages += bubbles(say_text(locale, item, ctx), most)
    if payload.get("places"):
        offered = resources.offer_text(
            locale, payload["places"], ctx.places, ctx.agency, hours(locale, ctx)
        )
        messages += bubbles(offered, most) if offered else []
    if payload.get("preview") is not None:
        messages += bubbles(preview_text(locale, payload["preview"], family), most)
    if not payload.get("paused") and not payload.get("brief"):
        for text in question_text(locale, payload, ctx):
            messages += bubbles(text, most)
    options = [(code, label(locale, code)) for code in payload.get("options", [])]
    return messages, options


def dynamic_keys() -> set[str]:
    """Keys the code builds from question ids, option values and sections (for the locale checks)."""
    from flows.questions import COMMANDS, LANGUAGES, SECTIONS

    keys: set[str] = {"opt.pick.cancel", "label.unknown", "label.subject_age.self"}
    keys |= {f"fmt.{k}" for k in ("when", "weekdays", "months", "clock", "ampm", "hours")}
    keys |= {"fmt.quote", "fmt.and"}
    keys |= {"opt.safety.yes", "opt.safety.no", "opt.safety.unsure"}  # bot.crisis.SAFETY_OPTIONS
    keys |= {"opt.ideation.yes", "opt.ideation.no", "opt.ideation.unsure"}  # bot.crisis buttons
    keys |= {"opt.crisis.call", "opt.crisis.cannot_call", "opt.crisis.safe"}
    keys |= {f"opt.lang.{x}" for x in LANGUAGES}
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
            "quiet",
        ):
            keys.add(f"opt.{kind}.{rest}")
    return keys
