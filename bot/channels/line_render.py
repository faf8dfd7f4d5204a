"""Rendering a `Reply` as LINE messages within LINE's limits.

LINE accepts 1-5 messages per reply or push, text up to 5,000 UTF-16 code units, 13 quick-reply
items, and quick-reply labels up to 20 characters. Long text is split at paragraph, line or
sentence ends; surplus bubbles are merged; a label that does not fit is never cut: the option
gets a numbered button and its full wording is listed in the message above it."""

from __future__ import annotations

from dataclasses import dataclass

from linebot.v3.messaging import (
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from bot.messages import Option, Reply

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_DISPLAY_TEXT = 300
MAX_DATA = 300
NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬"
# Where a long text may be split, best first.
BREAKS = ("\n\n", "\n", "。", "！", "？", ". ", "、", " ")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, limit: int) -> int:
    """The number of code points of the longest prefix of ``text`` within ``limit`` UTF-16 units."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` UTF-16 units, at natural breaks."""
    pieces: list[str] = []
    while utf16_len(text) > limit:
        end = _prefix_within(text, limit)
        cut = end
        for sep in BREAKS:
            at = text.rfind(sep, end // 2, end)
            if at != -1:
                cut = at + len(sep)
                break
        pieces.append(text[:cut].rstrip("\n") or text[:cut])
        text = text[cut:].lstrip("\n")
    if text:
        pieces.append(text)
    return pieces


def pack(texts: list[str], slots: int = MAX_MESSAGES, limit: int = MAX_TEXT) -> list[str]:
    """Merge neighbouring texts (blank line between) until they fit in ``slots`` bubbles, when
    they can; otherwise return them all (the caller sends them in several batches)."""
    texts = [t for t in texts if t]
    while len(texts) > slots:
        best: int | None = None
        for i in range(len(texts) - 1):
            joined = utf16_len(texts[i]) + 2 + utf16_len(texts[i + 1])
            if joined <= limit and (
                best is None or joined < utf16_len(texts[best]) + 2 + utf16_len(texts[best + 1])
            ):
                best = i
        if best is None:
            break
        texts[best : best + 2] = [texts[best] + "\n\n" + texts[best + 1]]
    return texts


@dataclass(frozen=True)
class Rendered:
    batches: list[list[Message]]  # each batch is one reply or push call (1-5 messages)
    dropped_options: int = 0  # options beyond LINE's 13 quick-reply items
    numbered_options: int = 0  # options whose label did not fit and got a numbered button


def _label(option: Option) -> str | None:
    """The option's label if it fits LINE's limit; a shorter wording when the service gave one."""
    if 0 < utf16_len(option.label) <= MAX_LABEL:
        return option.label
    short = getattr(option, "short_label", None) or getattr(option, "short", None)
    if isinstance(short, str) and 0 < utf16_len(short) <= MAX_LABEL:
        return short
    return None


def quick_reply(options: list[Option]) -> tuple[QuickReply | None, str, int, int]:
    """Quick-reply items for ``options``, the text listing numbered options, and counts of dropped
    and numbered options."""
    kept = [o for o in options if o.code and len(o.code) <= MAX_DATA][:MAX_QUICK_REPLIES]
    dropped = len(options) - len(kept)
    items: list[QuickReplyItem] = []
    listing: list[str] = []
    for i, option in enumerate(kept):
        label = _label(option)
        if label is None:
            label = NUMBERS[i]
            listing.append(f"{label} {option.label}")
        display = option.label if utf16_len(option.label) <= MAX_DISPLAY_TEXT else label
        items.append(
            QuickReplyItem(
                action=PostbackAction(label=label, data=option.code, displayText=display)
            )
        )
    return (QuickReply(items=items) if items else None), "\n".join(listing), dropped, len(listing)


def render(reply: Reply) -> Rendered:
    texts: list[str] = []
    for message in reply.messages:
        texts.extend(split_text(message))
    qr, listing, dropped, numbered = quick_reply(list(reply.options))
    if listing:
        texts.append(listing)
    if not texts and qr is not None:
        # Quick replies need a message to ride on; LINE rejects empty text.
        texts.append("…")
    texts = pack(texts)
    messages: list[Message] = [TextMessage(text=t) for t in texts]
    if qr is not None and messages:
        last = messages[-1]
        assert isinstance(last, TextMessage)
        messages[-1] = TextMessage(text=last.text, quickReply=qr)
    batches = [messages[i : i + MAX_MESSAGES] for i in range(0, len(messages), MAX_MESSAGES)]
    return Rendered(batches=batches, dropped_options=dropped, numbered_options=numbered)
