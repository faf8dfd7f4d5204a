"""ADDRESS: street-level addresses, from the town down to building and room, in Japanese and English order."""

from __future__ import annotations

import re
from collections.abc import Callable

from pii.nlp import SudachiArtifacts, Tok
from pii.recognizers._base import HIRA, HIRA_RE, KANJI, KATA, Hit, Recognizer, tok_index_at
from pii.recognizers.account import find_accounts
from pii.recognizers.address_parts import address_parts
from pii.recognizers.address_romaji import EN_ADDR, romaji_runs
from pii.recognizers.email import find_emails
from pii.recognizers.lexicon import ADDR_LABELS
from pii.recognizers.my_number import find_my_numbers
from pii.recognizers.phone import find_phones
from pii.recognizers.postal_code import find_postal
from pii.recognizers.url import find_urls

_KNUM = "0-9十百千"
# the lot-number grammar: digits (ASCII or kanji) + a unit, in kanji or kana (2丁目5番地の3, 2ちょうめ 4ばん
# 7ごう, 第8地割), units joined by -/の or a space, or a bare run of dashed digits (4-17-2)
_UNIT = "丁目|ちょうめ|チョウメ|番地|ばんち|バンチ|地割|号棟|号室|ごうしつ|ゴウシツ|番|ばん|バン|号|ごう|ゴウ|丁|条"
_ADDR_ANCHOR = re.compile(
    rf"[{_KNUM}]+(?:{_UNIT})(?:[-の]?[{_KNUM}]+(?:{_UNIT})?| [{_KNUM}]+(?:{_UNIT}))*(?:-\d+)*"
    r"|(?<![A-Za-z\-\d])\d+(?:[-の]\d+){1,3}(?![\d])"
)
_ADDR_SUFFIX_END = re.compile(
    r"(?:都|道|府|県|市|区|町|村|郡|字|台|丘|條|条|団地|だんち|ちょう|まち|むら|し|く|ぐん|けん|丁目)$"
)
# a room: 302, A-104, 2-B; after a block or floor another room may follow (5号棟 207, 5階 501)
_ROOM = r"(?:[A-Z]-?)?\d{1,5}(?:-(?:\d{1,5}|[A-Z](?![A-Za-z])))?"
_BUILDING_RE = re.compile(
    rf"(?:の\d+)?(?: ?(?P<b>[{KATA}{KANJI}{HIRA}A-Za-z・]{{1,20}}?)? ?(?P<r>{_ROOM}(?:(?:号棟|号館|棟|階|F) ?{_ROOM}(?:号室|号)?|号室|ごうしつ|号|F|階)?)(?![\d\-人歳才年月日時回件個万円名]))?"
)
_PARTICLES_END = re.compile(r"(?:は|が|を|に|で|と|も|へ|の|や|から|まで|より)$")


def _addressy(tok: Tok) -> bool:
    p = tok.pos
    if tok.surface in ADDR_LABELS:
        return False
    if p[0] in ("名詞", "接尾辞", "接頭辞") or tok.oov:
        return True
    return (
        bool(re.fullmatch(f"[{HIRA}{KATA}{KANJI}ヶケ]+", tok.surface))
        and p[0] not in ("助詞", "助動詞", "補助記号", "空白")
        and not (p[0] in ("動詞", "形容詞", "感動詞", "代名詞") and HIRA_RE.match(tok.surface))
    )


def _structured(art: SudachiArtifacts) -> list[Hit]:
    key = "structured"
    if key not in art.cache:
        art.cache[key] = (
            find_phones(art)
            + find_postal(art)
            + find_my_numbers(art)
            + find_accounts(art)
            + find_emails(art)
            + find_urls(art)
        )
    hits: list[Hit] = art.cache[key]
    return hits


_PLACEY = re.compile(
    r"都|道|府|県|市|区|町|村|郡|字|台|丘|団地|だんち|ちょう|まち|むら|ぐん|けん|条|丁目"
    r"|チョウ|マチ|ムラ|ダンチ|[ぁ-ゖ]し$|[ぁ-ゖ]し |[ぁ-ゖ]く |[ァ-ヺ]シ |[ァ-ヺ]ク "
)
_KANA_WORD_BEFORE = re.compile(f"([{HIRA}{KATA}{KANJI}]{{2,12}}) $")
_KANA_ADDR_END = re.compile(
    r"(?:し|く|ちょう|まち|むら|ぐん|けん|と|ふ|どう|だんち|ちょうめ|シ|ク|チョウ|マチ|ムラ|[都道府県市区町村郡])$"
)
ADDR_BAD_START = re.compile(r"^(?:の|に|で|は|が|を|へ|と|から|まで|も|や|です|ます)")
_ADDR_NUM_ONLY = re.compile(
    rf"(?<=[{KANJI}{HIRA}{KATA}])\d{{1,5}}(?:-\d{{1,5}})*"
    r"(?![\d\-.,/:年月日時歳才円万千人件回個分%度割倍号室階名])"
)


def _left_extend(art: SudachiArtifacts, a_start: int) -> tuple[int, list[Tok]]:
    """Walk left from an address anchor over place-like tokens; return the new start."""
    t, toks = art.text, art.toks
    i = tok_index_at(toks, a_start)
    start = a_start
    parts: list[Tok] = []
    # 本町三丁目 as one token: the anchor starts inside a place token
    if i < len(toks) and toks[i].start < a_start < toks[i].end and toks[i].is_place:
        start = toks[i].start
        parts.append(toks[i])
    i -= 1
    while i >= 0:
        tok = toks[i]
        if tok.end != start:
            break
        if tok.pos[0] == "空白":
            break
        if not _addressy(tok):
            if (
                tok.surface in ("が", "ヶ", "ケ", "ノ", "の")
                and parts
                and parts[-1].surface[:1] in "丘谷崎原関浜島尾森岡"
            ):
                parts.append(tok)
                start = tok.start
                i -= 1
                continue
            # さかえ町 / ひばり台: a kana town name before 町・村・台… whatever Sudachi took it for
            if (
                parts
                and parts[-1].surface[:1] in "町村台丘条"
                and re.fullmatch(f"[{HIRA}{KATA}]{{2,8}}", tok.surface)
                and tok.pos[0] not in ("助詞", "助動詞")
            ):
                parts.append(tok)
                start = tok.start
                i -= 1
                continue
            break
        # 三ツ屋 / 六ケ所 / 五ノ坪: a kanji numeral inside a place name
        in_name = (
            bool(parts)
            and parts[-1].surface in ("ツ", "ケ", "ヶ", "ノ", "つ")
            and not tok.surface.isascii()
        )
        if not in_name and (
            (tok.pos[1] == "数詞" and not re.fullmatch(r"[0-9]+", tok.surface))
            or (tok.pos[1] == "数詞" and t[tok.end : tok.end + 1] not in "条")
        ):
            break
        parts.append(tok)
        start = tok.start
        i -= 1
    # space-separated words (やさしい日本語: かわぐちし さかえちょう 2-8-5)
    first = True
    while True:
        m = (
            _KANA_WORD_BEFORE.search(t, max(0, start - 14), start)
            if start > 0 and t[start - 1] == " "
            else None
        )
        if not m or m.end() != start:
            break
        word = m.group(1)
        ws = m.start(1)
        for tok in art.toks[tok_index_at(art.toks, ws) : tok_index_at(art.toks, start)]:
            # a particle before kanji (住所は|川口市), not inside a kana name (かな|や|ちょう)
            kanji_next = re.match(f"[{KANJI}{KATA}]", t[tok.end : tok.end + 1])
            if tok.start >= ws and ((tok.is_particle and kanji_next) or tok.surface in ADDR_LABELS):
                ws = tok.end
        word = t[ws:start].strip()
        if not word or word in ADDR_LABELS or word.endswith(("じゅうしょ", "ところ", "住所")):
            break
        if not (_KANA_ADDR_END.search(word) or (first and start == a_start)):
            break
        start = ws
        first = False
    return start, parts


_AZA_NO_NUM = re.compile(rf"(?<=字)[{KANJI}]{{1,4}}の[〇一二三四五六七八九十百千]+(?![{KANJI}])")
_ADDR_NO_NUM = re.compile(rf"の(?:[0-9]|[〇一二三四五六七八九十百千]+(?![{KANJI}]))")
_SUBDIVIDED = re.compile(
    f"^[{KANJI}{KATA}{HIRA}]+?[市区郡][{KANJI}{KATA}{HIRA}]+?[町村][{KANJI}{KATA}{HIRA}]{{2,}}$"
)

# a municipality with a town after it in one Sudachi place token (柏市豊四季, 北区赤羽台); a ward after
# a city (川崎市中原区) is not a town
_CITY_TOWN = re.compile(f"^[{KANJI}{KATA}{HIRA}]+?[市区][{KANJI}{KATA}{HIRA}]{{2,}}(?<![市区郡])$")

# a kana neighbourhood name before 団地/台/が丘 (くすのき団地, みたけ台, しらとりだいだんち)
_KANA_ESTATE = re.compile(
    f"(?<![{HIRA}{KATA}])(?P<n>[{HIRA}{KATA}]{{3,8}}?)(?:団地|だんち|台|ヶ丘|が丘|ケ丘|ニュータウン)"
    r"(?=[はがをにでともへのや、。\s]|$|\d)"
)


Overlaps = Callable[[int, int], bool]


def _anchors(art: SudachiArtifacts) -> list[tuple[int, int, bool]]:
    """Lot numbers an address hangs on: (start, end, dashed: a bare digit run needing a place)."""
    t, d = art.text, art.digits
    anchors: list[tuple[int, int, bool]] = []
    for m in _ADDR_ANCHOR.finditer(d):
        a_start, a_end = m.start(), m.end()
        # "本町3丁目5番地の五十嵐さん": の + kanji digit is not a house number
        # but 八番地の三 (の + kanji numeral ending the address) is
        k = t.find("の", a_start, a_end)
        while k >= 0 and _ADDR_NO_NUM.match(t, k):
            k = t.find("の", k + 1, a_end)
        if k >= 0:
            a_end = k
        dashed = bool(re.search("[-の]", t[a_start:a_end])) and not re.search(
            "丁目|番|号|丁|条|バン|ゴウ", t[a_start:a_end]
        )
        anchors.append((a_start, a_end, dashed))
    for m in _ADDR_NUM_ONLY.finditer(t):
        anchors.append((m.start(), m.end(), True))
    # 古仁屋字大湊の二三: 字 + name + の + kanji numerals (a lot number without 番地)
    for m in _AZA_NO_NUM.finditer(t):
        anchors.append((m.start(), m.end(), False))
    return sorted(set(anchors))


def _right_extend(t: str, a_end: int) -> int:
    """Extend an address over a building name and room after its lot number."""
    end = a_end
    b = _BUILDING_RE.match(t, a_end)
    if b and b.group("r"):
        bname = b.group("b") or ""
        if not bname or (
            re.search(f"[{KATA}{KANJI}A-Za-z]", bname)
            and not ADDR_BAD_START.match(bname)
            and not re.search("から|まで|です|ます|ので|けど|じゃ|なく|って|に|で|を", bname)
        ):
            end = b.end()
    elif b and (lot := re.match(r"の\d+", b.group())):
        end = a_end + len(lot.group())
    return end


def _from_anchor(art: SudachiArtifacts, a_start: int, a_end: int, dashed: bool) -> Hit | None:
    t, d = art.text, art.digits
    if (a_start > 0 and d[a_start - 1] in "-./:") or re.search(
        r"[A-Za-z]-?$", d[max(0, a_start - 2) : a_start]
    ):
        return None
    start, parts = _left_extend(art, a_start)
    left = t[start:a_start].strip()
    if dashed:
        if not left or not (any(p.is_place for p in parts) or _PLACEY.search(left + " ")):
            return None
    elif not left and not re.search("番地|丁目|号棟", t[a_start:a_end]):
        return None
    end = _right_extend(t, a_end)
    while end > start and t[end - 1] == " ":
        end -= 1
    return ("ADDRESS", start, end, 0.8)


def _towns(art: SudachiArtifacts, overlaps: Overlaps) -> list[Hit]:
    """Neighbourhood names (町名) tagged by Sudachi: 桜新町 / 中山町 alone, or a municipality with a
    subdivision after it in one token (…市…町…)."""
    out: list[Hit] = []
    t = art.text
    for tok in art.toks:
        if (
            tok.is_place
            and len(tok.surface) >= 3
            and (
                tok.surface.endswith("町")
                or _SUBDIVIDED.match(tok.surface)
                or _CITY_TOWN.match(tok.surface)
            )
            and not overlaps(tok.start, tok.end)
            and not t[tok.end : tok.end + 2].startswith(("役場", "役所", "駅", "長"))
        ):
            out.append(("ADDRESS", tok.start, tok.end, 0.5))
    return out


def _estates(t: str, overlaps: Overlaps) -> list[Hit]:
    out: list[Hit] = []
    for m in _KANA_ESTATE.finditer(t):
        name = m.group("n")
        if name.endswith(("の", "な", "た", "る")) or (
            name.endswith("い") and not name.endswith("だい")
        ):
            continue
        if not overlaps(m.start(), m.end()):
            out.append(("ADDRESS", m.start(), m.end(), 0.6))
    return out


def find_addresses(art: SudachiArtifacts) -> list[Hit]:
    t = art.text
    taken = _structured(art)

    def overlaps(s: int, e: int) -> bool:
        return any(s < he and hs < e for _, hs, he, _ in taken)

    out: list[Hit] = []
    for a_start, a_end, dashed in _anchors(art):
        if not overlaps(a_start, a_end) and (hit := _from_anchor(art, a_start, a_end, dashed)):
            out.append(hit)
    out.extend(_towns(art, overlaps))
    for m in EN_ADDR.finditer(t):
        if not overlaps(m.start(), m.end()):
            out.append(("ADDRESS", m.start(), m.end(), 0.8))
    out.extend(_estates(t, overlaps))
    for s, e in romaji_runs(t):
        if not overlaps(s, e):
            out.append(("ADDRESS", s, e, 0.82))
    out.extend(h for h in address_parts(art) if not overlaps(h[1], h[2]))
    return out


RECOGNIZER = Recognizer("JaAddressRecognizer", "ADDRESS", find_addresses)
