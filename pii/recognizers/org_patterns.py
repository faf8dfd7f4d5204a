"""ORG patterns: offices, quoted names, schools with 市立/県立, (株) abbreviations, lenders, English names."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import HIRA, KANJI, KATA, KATA_RE, Hit, line_before
from pii.recognizers.address import ADDR_BAD_START
from pii.recognizers.lexicon import BANKISH, EN_ORG_STOP, KANA_STOP, ORG_GENERIC
from pii.recognizers.org_facility import RUN_RE, legal_entity_orgs, name_group

EN_ORG = re.compile(
    r"(?:(?:[A-Z][A-Za-z&'\-]*|of|and|the) ){0,4}[A-Z][A-Za-z&'\-]* (?:Co\.,? ?Ltd\.?|Inc\.|Corporation|Corp\.|"
    r"School|Kitchen|Home|Hospital|Clinic|Foods|University|College|Center|Centre|Restaurant|Cafe|Bakery|"
    r"Factory|Company|Hotel|Nursery|Kindergarten)"
    r"|(?<![A-Za-z])(?:CLUB|Club|Cafe|Bar|Hotel) [A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?"
)

# Japanese names in romaji: Gyoza no Maruyama, Wakaba-en, Minori-kai; English school types
EN_JA_ORG = re.compile(
    r"(?<![A-Za-z])(?:[A-Z][a-z]+ )*[A-Z][a-z]+ no [A-Z][a-z]+(?:-(?:en|kai|kan|do|tei|ya|so|sha|juku))?"
    r"|(?<![A-Za-z])(?:[A-Z][a-z]+ )*[A-Z][a-z]+-(?:en|kai|kan|tei|ya|so|sha|juku)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?:[A-Z][a-z]+ )+(?:Junior High|Senior High|High|Middle|Elementary|Primary)"
    r"(?: School)?(?![A-Za-z])"
)

_OFFICE_RE = re.compile(
    rf"(?<![{KANJI}{KATA}])(?P<n>[{KANJI}{KATA}]{{1,6}}?)(?:司法書士|行政書士|税理士|弁護士|法律|会計|特許|社会保険労務士"
    r"|社労士)(?:事務所|法人)"
)
_QUOTED_RE = re.compile(r"[「『](?P<n>[^「」『』\n、。!?]{2,24})[」』]")
_FACILITY_WORD = re.compile(
    r"(?:フリースクール|スクール|施設|事業所|作業所|会社|かいしゃ|業者|お店|店|教室|塾|サークル|団体"
    r"|ホーム|デイ|病院|クリニック|学校|居場所|カフェ|法人|勤め先|職場|バイト先|パート先)[はがの]? ?$"
)
_HIRA_ORG_SPACED = re.compile(
    f"(?:しりつ|けんりつ|くりつ|とりつ|ふりつ|こくりつ|ちょうりつ|そんりつ) ?[{HIRA}]{{2,8}} ?"
    "(?:しょうがっこう|ちゅうがっこう|こうこう|こうとうがっこう|ほいくえん|ようちえん|とくべつしえんがっこう)"
)
_EN_CARE = re.compile(
    r"(?<![A-Za-z])(?:[A-Z][A-Za-z&'\-]* ){1,4}(?:Day Care|Daycare|Day Service|Care Center|Care Home|Nursing Home"
    r"|Group Home|Care)(?: [A-Z][a-z]+)?(?![A-Za-z])"
)


_SCHOOL_RE = re.compile(
    rf"(?:(?:[{KANJI}]{{1,4}}|[{HIRA}]{{2,5}})(?=[都道府県市区町村]立))?(?:都立|道立|府立|県立|市立|区立|町立|村立|私立|国立|公立)"
    rf"(?P<n>[{HIRA}{KATA}{KANJI}ー]{{1,10}}?)(?:特別支援学校|義務教育学校|高等学校|中等教育学校|小学校|中学校|高校|学校"
    r"|幼稚園|保育園|保育所|こども園|大学|短大|病院)"
)
_ABBR_CORP_RE = re.compile(
    rf"[(（](?:株|有|合|医|社|財)[)）] ?[{KANJI}{KATA}A-Za-zー・&]{{2,16}}"
    rf"|(?<![{KANJI}{KATA}A-Za-zー])[{KANJI}{KATA}A-Za-zー・&]{{2,16}} ?[(（](?:株|有|合)[)）]"
)
_LENDER_RE = re.compile(
    rf"(?<![{KATA}])(?P<n>[{KATA}ー]{{2,10}})(?:キャッシュ|キャッシング|ローン|ローンズ|ファイナンス|クレジット|マネー|金融)"
    rf"(?![{KATA}])"
)
_LENDER_GENERIC = frozenset(
    {
        "カード",
        "キャッシュ",
        "リボ",
        "オート",
        "マイカー",
        "フリー",
        "ビジネス",
        "ブライダル",
        "サラ",
        "ヤミ",
        "ショッピング",
        "スマホ",
        "ゲーム",
        "ネット",
        "クレジット",
        "ソーシャル",
        "リース",
    }
)
_EN_CARE_WORDS = frozenset(
    {"Day", "Care", "Daycare", "Service", "Center", "Home", "Nursing", "Group", "Adult", "Senior"}
)


def extra_orgs(art: SudachiArtifacts) -> list[Hit]:
    t, toks = art.text, art.toks
    out = legal_entity_orgs(art)
    for m in _OFFICE_RE.finditer(t):
        ns, ne = m.span("n")
        inner = [tk for tk in toks if tk.start >= ns and tk.end <= ne]
        if m.group("n") not in ORG_GENERIC and any(
            tk.is_name or tk.oov or tk.pos[1] == "固有名詞" or KATA_RE.match(tk.surface)
            for tk in inner
        ):
            out.append(("ORG", m.start(), m.end(), 0.85))
    # 「やました工業」/『サクラファイナンス』/ フリースクール「ひだまりの家」
    for m in _QUOTED_RE.finditer(t):
        ns, ne = m.span("n")
        name = m.group("n").strip()
        if name in ORG_GENERIC or name in KANA_STOP or BANKISH.search(name):
            continue
        end = name_group(art, ns, need_suffix=True)
        typed = bool(_FACILITY_WORD.search(line_before(t, m.start(), 12)))
        if end == ne or (
            typed
            and RUN_RE.fullmatch(name)
            and not re.search(r"(?:ます|です|たい|ない|した|ろう|よう|ください)$", name)
        ):
            out.append(("ORG", ns, ne, 0.8))
    for m in _HIRA_ORG_SPACED.finditer(t):
        out.append(("ORG", m.start(), m.end(), 0.75))
    for m in _SCHOOL_RE.finditer(t):
        name = m.group("n")
        lead = re.match(
            f"(?:から|まで|より|は|が|を|に|で|も|と|の|へ)(?=[{HIRA}]{{2}}|[{KANJI}])", m.group()
        )
        if lead:
            out.append(("ORG", m.start() + lead.end(), m.end(), 0.8))
            continue
        if not re.match(f"[{HIRA}]", name) or (len(name) >= 2 and not ADDR_BAD_START.match(name)):
            out.append(("ORG", m.start(), m.end(), 0.8))
    for m in _ABBR_CORP_RE.finditer(t):
        out.append(("ORG", m.start(), m.end(), 0.8))
    for m in _LENDER_RE.finditer(t):
        if m.group("n") not in _LENDER_GENERIC:
            out.append(("ORG", m.start(), m.end(), 0.75))
    for m in _EN_CARE.finditer(t):
        s, words = drop_leading_stopwords(t, m.start(), m.end())
        if len(words) >= 2 and any(w not in _EN_CARE_WORDS for w in words):
            out.append(("ORG", s, m.end(), 0.8))
    return out


def drop_leading_stopwords(t: str, s: int, e: int) -> tuple[int, list[str]]:
    """An English name match without its leading article/preposition words: (new start, words)."""
    words = t[s:e].split(" ")
    while words and words[0] in EN_ORG_STOP:
        s += len(words[0]) + 1
        words = words[1:]
    return s, words
