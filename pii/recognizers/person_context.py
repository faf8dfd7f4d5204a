"""PERSON context rules: 息子の海が, dialect and kana 'X っていいます', readings in brackets, every occurrence."""

from __future__ import annotations

import re
from collections.abc import Callable

from pii.nlp import SudachiArtifacts, SudachiNlpEngine, Tok
from pii.recognizers._base import HIRA, HIRA_RE, KANJI, KANJI_RE, KATA, KATA_RE, Hit
from pii.recognizers.lexicon import (
    FAMILY_ALT,
    KANA_STOP,
    KIN,
    KIN_ALT,
    NOT_NAME,
    PERSON_HAS,
    kana_ok,
)

# 弟の病院は / 娘の保険証が: two-kanji words for places and papers are things a person has
_HAS_SUFFIX = re.compile(f"^[{KANJI}][院所園校先室場局館科費料代金書票証帳表額名号]$")
_KIN_NO_WORD = re.compile(
    rf"(?:{FAMILY_ALT})の(?P<n>[{KANJI}]{{1,2}}(?:\([{HIRA}]{{2,8}}\))?)"
    r"(?=が|は|も|と|に|って|のこと|ちゃん|くん|君|さん|、|\()"
)
_DIALECT_CALLED = re.compile(
    rf"(?:^|(?<=[\n。、]))(?P<n>[{KANJI}]{{1,3}}|[{KATA}ー]{{2,6}})(?:いうて|いうねん|いうんや|いいます|言います|いうもん)"
)
_KANA_CALLED = re.compile(
    rf"(?:^|(?<=[\n。、の「]))(?P<n>[{HIRA}ー]{{2,6}}|[{KATA}ー]{{2,8}})(?:って|と)(?:いいます|言います|申します|もうします"
    r"|名乗|なの[っ]|呼ばれ)"
)
_NICK_SUFFIX = re.compile(
    rf"(?:{KIN_ALT})の(?P<n>[{HIRA}ー]{{2,5}}?)(?:っち|っちゃん|ちゃん|くん|たん)"
)
_MAIDEN = re.compile(
    rf"旧姓[:： ]?(?P<n>[{KANJI}]{{1,4}}|[{HIRA}{KATA}ー]{{2,8}})(?=[)）、。,\n ]|$)"
)
_ROLE_NO_INTRO = re.compile(
    rf"(?:^|(?<=[\n。]))[^\n。、]{{1,30}}?の(?P<n>[{KANJI}]{{1,3}}|[{KATA}ー]{{2,8}})(?=です[。、\n!！]|です$|と申します)"
)


def context_names(
    art: SudachiArtifacts, engine: SudachiNlpEngine, add: Callable[[int, int, float], None]
) -> None:
    """Names given away by their context rather than by the dictionary (息子の海が, 誠いうてな, あおいっていいます)."""
    t, toks = art.text, art.toks

    def tok_at(pos: int, end: int) -> list[Tok]:
        return [tk for tk in toks if tk.start >= pos and tk.end <= end]

    for m in _KIN_NO_WORD.finditer(t):
        ns, ne = m.span("n")
        inner = tok_at(ns, ne)
        if len(inner) != 1 or inner[0].start != ns or inner[0].end != ne:
            continue
        tk = inner[0]
        word = tk.surface.split("(")[0]
        if "(" not in tk.surface and (
            word in PERSON_HAS
            or word in KIN
            or word in NOT_NAME
            or _HAS_SUFFIX.match(word)
            or tk.pos[0] != "名詞"
            or tk.pos[1] == "数詞"
            or tk.pos[2] in ("サ変可能", "副詞可能", "助数詞可能")
            or (len(word) > 1 and not (tk.is_name or tk.oov or engine.name_capable(word)))
        ):
            continue
        add(ns, ne, 0.75)
    for rx in (_DIALECT_CALLED, _KANA_CALLED):
        for m in rx.finditer(t):
            ns, ne = m.span("n")
            name = m.group("n")
            if name in KIN or name in NOT_NAME or name in KANA_STOP or not kana_ok(name):
                continue
            inner = tok_at(ns, ne)
            if rx is _DIALECT_CALLED and not (
                len(inner) == 1 and (inner[0].is_name or engine.name_capable(name))
            ):
                continue
            if (
                rx is _KANA_CALLED
                and KATA_RE.match(name)
                and engine.known_common(name)
                and not engine.name_capable(name)
            ):
                continue
            add(ns, ne, 0.75)
    for m in _NICK_SUFFIX.finditer(t):
        if kana_ok(m.group("n")):
            add(m.start("n"), m.end("n"), 0.75)
    for m in _MAIDEN.finditer(t):
        add(m.start("n"), m.end("n"), 0.8)
    for m in _ROLE_NO_INTRO.finditer(t):
        ns, ne = m.span("n")
        inner = tok_at(ns, ne)
        if len(inner) != 1 or inner[0].start != ns or inner[0].end != ne:
            continue
        tk = inner[0]
        if (
            tk.surface in KIN
            or tk.surface in NOT_NAME
            or tk.surface in PERSON_HAS
            or tk.pos[0] != "名詞"
        ):
            continue
        if tk.is_name or engine.name_capable(tk.surface) or tk.oov:
            add(ns, ne, 0.7)


_KANA_READING = f"[{HIRA}{KATA}]{{1,8}}(?: [{HIRA}{KATA}]{{1,8}})?"
# what kind of name it is, not its reading: ニコ（ハンドルネーム）
_NAME_KINDS = frozenset({"ハンドルネーム", "ニックネーム", "かめい", "あだな", "よびな"})
_READING_AFTER = re.compile(rf" ?[(（](?P<r>{_KANA_READING})[)）]")
_WITH_READING = re.compile(rf"^(?P<k>[^(（]+?) ?[(（](?P<r>{_KANA_READING})[)）]$")
CALLED_RE = re.compile(
    rf"(?:{KIN_ALT}|名前|なまえ)(?:は|の名前は|の なまえは) ?(?P<n>[{HIRA}{KATA}{KANJI}ー]{{1,8}}?) ?"
    r"(?:って|と) ?(?:いいます|言います|いう名前|いう子|呼んで|呼ばれ|よばれ|よんで|申します|もうします)"
)
QUOTED_NAME_RE = re.compile(
    rf"[「『](?P<n>[{HIRA}{KATA}{KANJI}ー]{{1,8}}|[A-Za-z][A-Za-z0-9_.]{{1,15}})[」』]"
    r" ?(?:で(?:[。、!！.]|$|\n|お願い|いい|大丈夫|呼んで)|って呼んで|と呼んで|にします)"
)
NICK_CONTEXT = re.compile(
    r"ハンドルネーム|ニックネーム|ペンネーム|あだ名|あだな|呼び名|仮名|偽名|匿名|名前|なまえ|呼んで"
)


def split_readings(t: str, out: list[Hit]) -> None:
    """大空（おおぞら）: the name and its kana reading are two spans; a reading after a found name is a name."""
    for idx, (etype, s, e, score) in enumerate(list(out)):
        m = _WITH_READING.match(t[s:e])
        if m:
            out[idx] = (etype, s, s + m.end("k"), score)
            out.append((etype, s + m.start("r"), s + m.end("r"), score))
            continue
        m = _READING_AFTER.match(t, e)
        if m and m.group("r") not in _NAME_KINDS:
            out.append((etype, m.start("r"), m.end("r"), score))


PLACE_AFTER = re.compile(r" ?(?:支店|出張所|営業所|支所|駅|銀行|信金|店(?!長|員))")
NAME_TAIL = re.compile(r" ?(?:です|さん|くん|君|ちゃん|様|さま|先生|せんせい)$")
_AGAIN_AFTER = re.compile(
    r"(?:さん|くん|君|ちゃん|様|先生|が|は|も|を|に|の|と|へ|で|や|って|、|。|,|!|！|\?|？|（|\(|）|\)|\s|$)"
)
_AGAIN_AFTER_1 = re.compile(
    r"(?:さん|くん|君|ちゃん|様|先生|は|が|も|って|、|（|\(|の(?:母|父|兄|姉|弟|妹|妻|夫|子))"
)


def _script(ch: str) -> str:
    if KANJI_RE.match(ch):
        return "kanji"
    if HIRA_RE.match(ch):
        return "hira"
    if KATA_RE.match(ch):
        return "kata"
    return "ascii" if ch.isalnum() else ""


def propagate(t: str, out: list[Hit]) -> None:
    """A name found once is redacted wherever else it is written in the message (GUIDE: every occurrence)."""
    names: set[str] = set()
    for _, s, e, _ in out:
        name = t[s:e].strip()
        names.add(name)
        names.update(p for p in name.split(" ") if p)
    covered = [(s, e) for _, s, e, _ in out]
    for name in names:
        if not name or name.isascii() or name in KIN or name in NOT_NAME or name in KANA_STOP:
            continue
        after_re = _AGAIN_AFTER_1 if len(name) == 1 else _AGAIN_AFTER
        start = 0
        while True:
            k = t.find(name, start)
            if k < 0:
                break
            start = k + 1
            e = k + len(name)
            if any(k < ce and cs < e for cs, ce in covered):
                continue
            if k > 0 and _script(t[k - 1]) and _script(t[k - 1]) == _script(name[0]):
                continue
            if not after_re.match(t, e):
                continue
            out.append(("PERSON", k, e, 0.6))
            covered.append((k, e))
