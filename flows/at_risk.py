"""Who is at risk in a crisis message, so the bot offers the lines meant for them (DOMAIN.md §3,
§4): an elderly parent harmed by an adult child is not a case for the child-abuse line (189),
a partner's violence is one for DV相談＋, a child's for 189, the writer's own distress for
よりそい / いのちの電話.

Pure: reads the raw text once inside the turn and returns a code, never the text. Audiences
are the values a city's hotline may list under ``for:``."""

from __future__ import annotations

import re
import unicodedata

AUDIENCES = ("self", "family", "elder", "child", "partner")
"""self: the writer; family: another (adult) family member; elder: an older parent or
grandparent harmed at home; child: a minor; partner: a spouse or partner (DV)."""

HARM = ("violence_now", "violence_home", "harm_others", "neglect")
"""Categories where the victim may be someone other than the writer."""

_PARTNER = re.compile(
    r"夫|妻|旦那|だんな|主人|嫁|彼氏|彼女|かれし|パートナー|配偶者|交際相手|恋人"
    r"|husband|wife|boyfriend|girlfriend|partner"
)
_CHILD = re.compile(
    r"小学|中学|高校生|幼稚園|保育園|赤ちゃん|乳児|幼児|児童|孫|まだ\d+歳|[1-9]歳の(?:子|息子|娘)"
    r"|(?<![0-9])1[0-7]歳|\bkids?\b|\bbaby\b|\bchild\b|\btoddler\b"
)
# an adult child named as the one who does harm (息子が / 娘に / 長男から …): the victim is the parent
_KID = r"(?:息子|娘|長男|次男|三男|長女|次女|むすこ|むすめ|子ども|子供|こども)"
_ADULT_CHILD_DOES = re.compile(
    _KID + r"(?:に|から)|" + _KID + r"(?:が|は)(?!.{0,6}(?:殴られ|叩かれ|蹴られ|いじめられ))"
)
_ELDER = re.compile(r"高齢|年金|介護|認知症|[6-9]0代|[6-9]\d歳|老|じいちゃん|ばあちゃん|祖父|祖母")
_PARENT_HARMED = re.compile(r"(?:母|父|親|はは|ちち|おや)(?:を|に|の(?:年金|通帳|お金))")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def at_risk(text: str | None, category: str | None, *, third_party: bool) -> str:
    """The audience whose lines to show for this message (``third_party``: triage read the
    danger as someone else's)."""
    folded = _fold(text or "")
    if category == "elder_abuse":
        return "elder"
    if category in HARM:
        if _CHILD.search(folded):
            return "child"
        if _PARTNER.search(folded):
            return "partner"
        if _ADULT_CHILD_DOES.search(folded) or _PARENT_HARMED.search(folded):
            return "elder"
        if _ELDER.search(folded):
            return "elder"
        return "family" if third_party else "self"
    if third_party:
        return "child" if _CHILD.search(folded) else "family"
    return "self"
