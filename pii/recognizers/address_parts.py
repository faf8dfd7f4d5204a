"""ADDRESS pieces that hang on no lot number of their own: 字 names, buildings and rooms (also on the
next line), a kana town after its municipality, and lot numbers given alone in an address context.

Grammar, not lists of places: 字 + name (+ number) after a place; a building word (ハイツ, コーポ,
荘/そう, 団地…) with its name and room; ``<city 市/区> <kana town ちょう/まち/むら>``; a bare
``12の3`` / ``14-6`` / ``405号室`` only when the message talks about where someone lives.
"""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import HIRA, KANJI, KATA, Hit, tok_index_at

_NAME = f"[{KANJI}{KATA}ノヶケ]"
# 字 right after a place (北谷町字美浜, 大岩字宮ノ下1078, 大字金木町字朝日山): its name and lot number
_AZA = re.compile(rf"(?:大)?字{_NAME}{{1,8}}(?: ?\d{{1,5}}(?:[-の]\d{{1,5}}){{0,3}}(?:番地?)?)?")
_BLD = (
    "ハイツ|コーポ|メゾン|ハイム|レジデンス|パレス|マンション|アパート|ビル|荘|そう|寮|住宅|団地|だんち"
    "|ヒルズ|コート|ハウス|テラス|プラザ|タワー|シャトー|カーサ|ヴィラ|ガーデン"
)
_ROOM = r"(?:[A-Z]-?)?\d{1,5}(?:-\d{1,5})?(?: ?(?:号室|ごうしつ|号|階|かい|F))?"
# a building and its room: グリーンハイツ 303 / コーポ葵 203 / ときわそう 102 / メゾン大手町⏎502
_BUILDING = re.compile(
    rf"(?P<b>(?:[{KATA}{KANJI}A-Za-z・]{{0,10}}?|[{HIRA}]{{2,6}})(?:{_BLD})[{KATA}{KANJI}A-Za-z・]{{0,6}}"
    rf"(?:第?[0-9]{{1,3}}(?:号棟|棟|号館))?)(?:[ \n]?(?P<r>{_ROOM}))?(?![\d\-])"
)
_BLD_START = re.compile(rf"(?:^|(?<=[\s、。:：は]))(?=[{KATA}{KANJI}{HIRA}A-Za-z])")
_TOWN = rf"[{HIRA}{KATA}]{{2,8}}?(?:ちょう|まち|むら|チョウ|マチ|ムラ)(?![{HIRA}{KATA}])"
_KANA_TOWN = re.compile(
    rf"[{KANJI}]{{1,6}}[市区郡] ?{_TOWN}|(?<=[市区郡] ){_TOWN}|(?<=[市区郡]){_TOWN}"
)
# what a building without a room must follow to be part of an address: a lot number
_AFTER_LOT = re.compile(r"(?:\d|番地?|号|丁目|ちょうめ)[ \n]?$")
_BARE_LOT = re.compile(
    r"(?<![\d\-./:])\d{1,4}(?:[-の]\d{1,4}){1,2}(?![\d\-./:年月日時分歳才円万人件回個%])"
    r"|(?<![\d\-])\d{1,5}(?:号室|ごうしつ)"
)
_CONTEXT = re.compile(r"住所|じゅうしょ|番地|ばんち|住んで|すんで|在住|実家|アパート|address", re.I)
_LOT_CUE = re.compile(r"(?:番地|ばんち|住所|じゅうしょ|続き|つづき|号室|部屋)[^\n。]{0,8}[\n ]*$")


def _aza(art: SudachiArtifacts) -> list[Hit]:
    t, toks = art.text, art.toks
    out: list[Hit] = []
    if "字" not in t:
        return out
    for m in _AZA.finditer(t):
        k = tok_index_at(toks, m.start())
        # 字 must begin a token (数字, 文字, 赤字 are one word) and follow a place or a town
        if k >= len(toks) or toks[k].start != m.start() or k == 0:
            continue
        prev = toks[k - 1]
        if prev.end != m.start() or not (prev.is_place or prev.surface[-1:] in "町村市郡区大"):
            continue
        # the place before it belongs to the address too (五所川原市|大字…, 北谷町|字…)
        start = m.start()
        while k > 0 and toks[k - 1].end == start and toks[k - 1].is_place:
            k -= 1
            start = toks[k].start
        out.append(("ADDRESS", start, m.end(), 0.78))
    return out


_HAS_BLD = re.compile(_BLD)


def _buildings(art: SudachiArtifacts, context: bool) -> list[Hit]:
    """A building with a room number, or after an address on the same or the next line."""
    t = art.text
    out: list[Hit] = []
    if not _HAS_BLD.search(t):
        return out
    for s in _BLD_START.finditer(t):
        m = _BUILDING.match(t, s.start())
        if not m or not m.group("b"):
            continue
        name = m.group("b")
        if len(name) < 3 or re.fullmatch(f"(?:{_BLD})", name):
            continue
        if not (m.group("r") or (context and _AFTER_LOT.search(t, 0, m.start()))):
            continue
        # a kana name must be more than a word + そう (だそう, いそう): a building word ends it
        if name.endswith("そう") and not re.fullmatch(f"[{HIRA}]{{2,6}}そう", name):
            continue
        out.append(("ADDRESS", m.start(), m.end(), 0.91 if m.group("r") else 0.6))
    return out


def _kana_towns(t: str) -> list[Hit]:
    return [("ADDRESS", m.start(), m.end(), 0.7) for m in _KANA_TOWN.finditer(t)]


def _bare_lots(t: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _BARE_LOT.finditer(t):
        line_start = t.rfind("\n", 0, m.start()) + 1
        line_end = t.find("\n", m.end())
        line = t[line_start : len(t) if line_end < 0 else line_end]
        alone = line.strip() in (m.group(), m.group() + "です", m.group() + "です。")
        if alone or _LOT_CUE.search(t, max(0, m.start() - 16), m.start()):
            out.append(("ADDRESS", m.start(), m.end(), 0.55))
    return out


_MUNI = ("市", "区", "郡")
_LOT_AFTER_NO = re.compile(r"の[0-9〇一二三四五六七八九十百千]+(?:丁目|番地)")


def _token_towns(art: SudachiArtifacts) -> list[Hit]:
    """A town over tokens, with its municipality: 佐世保市|俵|町, 若松|町, 奄美市|名瀬入舟町, and a
    place + の + lot number (緑が丘の二十一番地)."""
    toks = art.toks
    out: list[Hit] = []
    for k, tok in enumerate(toks):
        glued_before = k > 0 and toks[k - 1].end == tok.start
        muni = glued_before and toks[k - 1].is_place and toks[k - 1].surface.endswith(_MUNI)
        if tok.surface in ("町", "村") and glued_before:
            prev = toks[k - 1]
            two_back = k > 1 and toks[k - 2].end == prev.start and toks[k - 2].is_place
            kanji_noun = prev.pos[0] == "名詞" and re.fullmatch(f"[{KANJI}]{{1,3}}", prev.surface)
            if (prev.is_place and not prev.surface.endswith(_MUNI)) or (kanji_noun and two_back):
                start = toks[k - 2].start if two_back else prev.start
                out.append(("ADDRESS", start, tok.end, 0.7))
        elif tok.is_place and muni and tok.surface.endswith(("町", "村")):
            out.append(("ADDRESS", toks[k - 1].start, tok.end, 0.7))
        if tok.is_place and (lot := _LOT_AFTER_NO.match(art.digits, tok.end)):
            out.append(("ADDRESS", tok.start, lot.end(), 0.78))
    return out


def address_parts(art: SudachiArtifacts) -> list[Hit]:
    t = art.text
    context = bool(_CONTEXT.search(t))
    out = _aza(art) + _buildings(art, context) + _kana_towns(t) + _token_towns(art)
    if context:
        out += _bare_lots(t)
    return out
