"""Facts the chat does not ask about but a person often says in passing, read from their own
(redacted) words kept in the summary's notes: who sent them here (インテーク 相談経路 →
``route.referral_from``) and what kind of home they live in (B票 住居 → ``housing.type``).

The notes are part of the summary the person approved, so nothing here adds what they did not
show. A hint is taken only when the words say it plainly; otherwise the field stays empty."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# someone sent them: the organisation, and a word that says they were pointed here
_SENT = re.compile(
    r"すすめ|勧め|薦め|紹介|言われ|教えて(もら|くれ|いただ)|聞いて|referred|suggested"
)
_REFERRALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("minsei", re.compile(r"民生委員|みんせいいいん")),
    ("houkatsu", re.compile(r"包括|ほうかつ|ケアマネ")),
    ("welfare_office", re.compile(r"福祉事務所|生活保護の(窓口|担当)|ケースワーカー")),
    ("shakyo", re.compile(r"社協|社会福祉協議会")),
    ("hello_work", re.compile(r"ハローワーク|hello ?work")),
    ("medical", re.compile(r"病院|主治医|お医者|医師|クリニック|doctor")),
    ("school", re.compile(r"学校|担任|スクールカウンセラー|school")),
)
_HOUSING: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("public", re.compile(r"(市営|県営|都営|府営|道営|町営|村営|公営)(住宅|の団地|アパート)")),
    ("company", re.compile(r"社宅|会社の寮|借り上げ")),
    ("homeless", re.compile(r"野宿|路上で")),
    ("owned", re.compile(r"持ち家|持家|自宅のローン|家のローン")),
    ("rented", re.compile(r"賃貸|借家|アパート|マンションを借り|家賃")),
)


def _folded(texts: Iterable[str]) -> list[str]:
    return [unicodedata.normalize("NFKC", t).lower() for t in texts if t]


def referral(texts: Iterable[str]) -> str | None:
    """The referral code (``handoff.summary.REFERRALS``) the words name, if they say so."""
    for text in _folded(texts):
        if not _SENT.search(text):
            continue
        for code, pattern in _REFERRALS:
            if pattern.search(text):
                return code
    return None


def housing(texts: Iterable[str]) -> str | None:
    """The B票 住居 code (``handoff.summary.HOUSING_TYPES``) the words name, first match wins."""
    for text in _folded(texts):
        for code, pattern in _HOUSING:
            if pattern.search(text):
                return code
    return None
