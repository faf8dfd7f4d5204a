"""ACCOUNT: bank accounts, ゆうちょ 記号-番号, insurance-card and pension numbers, card numbers (by cue words)."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import Hit, Recognizer, before

_CARD_RE = re.compile(r"(?<![\d\-])\d{4}([ \-]?)\d{4}\1\d{4}\1\d{2,4}(?!\d)")
_ACCOUNT_NUM_RE = re.compile(
    r"(?<![\d\-.,/])\d{1,16}(?:[ \-]\d{1,10}){0,2}(?![\d,./:])"
    r"(?![ 　]?(?:円|万|千|歳|才|さい|年|月|日|時|分|秒|人|件|回|か月|ヶ月|階|号|番(?!号)|%|％|cm|kg))"
)
_ACCOUNT_WORDS = re.compile(
    r"(?P<neg>(?:受付|整理|管理|会員|注文|申請|予約|問い合わせ|郵便)(?:番号|No\.?)?|〒|品番|型番|No\.?|receipt|電話|TEL|携帯|FAX|でんわ|番号札)"
    r"|(?P<pos>口座|普通|当座|貯蓄|記号|番号|被保険者|保険証|年金|手帳|通帳|振込|カード|account|card|insurance|insured)",
    re.I,
)
# a cue written after the number: 1234567 が口座番号です, 7654321（口座番号）, 0293746（普通）
_AFTER_CUE = re.compile(
    r"[ ]?[(（]?[ ]?(?:が|は|って|の)?[ ]?(?:口座|普通|当座|貯蓄|記号|被保険者|保険証|年金番号|基礎年金|カード番号)"
)
# an insurance card's 記号 may begin with a place or letters (記号 熊本 4102 番号 38, 記号 ひ-12)
_SYMBOL_RE = re.compile(
    r"記号[ :：は]{0,3}(?!番号|の)(?P<n>[一-龥ぁ-ゖァ-ヺA-Za-z]{1,4}[ \-]?\d{1,8}(?:-\d{1,8})?)(?![\d])"
)


def _short_cue(d: str, start: int, n: int) -> bool:
    """A 1–5-digit number is an account part only right after its own cue word."""
    return bool(
        (n >= 3 and re.search(r"記号[ :：は]{0,3}$", before(d, start, 8)))
        or re.search(r"記号.{1,16}番号[ :：は]{0,3}$", before(d, start, 24))
        or (n >= 3 and re.search(r"(?:口座番号|口座)[ :：は]{0,3}$", before(d, start, 8)))
    )


def find_accounts(art: SudachiArtifacts) -> list[Hit]:
    d = art.digits
    out: list[Hit] = []
    for m in _CARD_RE.finditer(d):
        if sum(c.isdigit() for c in m.group()) >= 14:
            out.append(("ACCOUNT", m.start(), m.end(), 0.92))
    for m in _ACCOUNT_NUM_RE.finditer(d):
        s = m.group().rstrip(" -")
        n = sum(c.isdigit() for c in s)
        # short parts only right after their cue (記号 34-0812 番号 1157, 店番 038)
        if not (6 <= n <= 16 or _short_cue(d, m.start(), n)):
            continue
        # digits glued to 丁目/番地 are the rest of a lot number (5丁目3-17-604), not an account
        if re.search(r"(?:丁目|番地|地割)$", before(d, m.start(), 3)):
            continue
        window = before(d, m.start(), 28)
        last = None
        for w in _ACCOUNT_WORDS.finditer(window):
            last = w
        after = _AFTER_CUE.match(d, m.start() + len(s))
        if (last is None or last.group("neg")) and not (after and n >= 6):
            continue
        out.append(("ACCOUNT", m.start(), m.start() + len(s), 0.7))
    for m in _SYMBOL_RE.finditer(d):
        if re.search(r"[A-Za-z一-龥ぁ-ゖァ-ヺ]", m.group("n")):
            out.append(("ACCOUNT", m.start("n"), m.end("n"), 0.7))
    return out


RECOGNIZER = Recognizer("JaAccountRecognizer", "ACCOUNT", find_accounts)
