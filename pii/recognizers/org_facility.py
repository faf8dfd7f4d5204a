"""ORG helpers: facility type + proper name, kana word + の + facility, legal-entity type + name groups."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts, Tok
from pii.recognizers._base import HIRA, KANA_RE, KANJI, KATA, Hit, tok_index_at
from pii.recognizers.address import ADDR_BAD_START
from pii.recognizers.lexicon import (
    BANKISH,
    HONORIFICS,
    KANA_STOP,
    KIN,
    LEAD_STOP,
    NOT_NAME,
    ORG_GENERIC,
)
from pii.recognizers.org_words import ORG_SUFFIXES, orgish

_FACILITY_NAMED = re.compile(
    r"(?:特別養護老人ホーム|介護老人保健施設|サービス付き高齢者向け住宅|有料老人ホーム|グループホーム|デイサービス|デイケア"
    r"|ケアハウス|小規模多機能(?:型居宅介護)?|訪問看護ステーション|ショートステイ|特養|老健|サ高住) ?"
    rf"(?P<n>[{HIRA}{KATA}{KANJI}]{{1,10}}?(?:の[里郷丘家森杜園苑荘]|[がケヶノ][丘谷崎原関浜島尾森岡])?)"
    r"(?=は|が|に|を|で|へ|と|も|の|や|から|まで|、|。|,|\s|$|（|\(|\)|）|です|」)"
)
_KANA_NO_SUFFIX = frozenset(
    {
        "クリニック",
        "医院",
        "作業所",
        "工房",
        "苑",
        "荘",
        "学園",
        "保育園",
        "こども園",
        "幼稚園",
        "ステーション",
        "の里",
        "の郷",
    }
)


def typed_facility_names(art: SudachiArtifacts) -> list[Hit]:
    """特別養護老人ホーム 松風園 / サービス付き高齢者向け住宅 ひかりの丘: facility type + its proper name."""
    t, toks = art.text, art.toks
    out: list[Hit] = []
    for m in _FACILITY_NAMED.finditer(t):
        ns, ne = m.start("n"), m.end("n")
        name = t[ns:ne]
        if name in ORG_GENERIC or name in KANA_STOP or BANKISH.search(name):
            continue
        inner = [tk for tk in toks if tk.start >= ns and tk.end <= ne]
        if not inner or inner[0].start != ns or inner[-1].end != ne:
            continue
        if inner[0].pos[0] in ("助詞", "助動詞", "動詞", "形容詞", "副詞", "補助記号"):
            continue
        if any(tk.pos[0] in ("動詞", "形容詞", "助動詞", "補助記号") for tk in inner):
            continue
        if any(tk.pos[0] == "助詞" and tk.surface not in ("の", "が") for tk in inner):
            continue
        if inner[0].pos[2] in ("サ変可能", "副詞可能"):
            continue
        out.append(("ORG", m.start(), ne, 0.8))
    return out


# a facility or shop type (a compound ending in one of these heads) followed by its own name:
# 訪問介護事業所 ほほえみ, 地域活動支援センター ひだまり, 作業所ぽけっと, 喫茶こはる, 理容タチバナ
_TYPE_HEAD = (
    "事業所|作業所|宅老所|支援センター|センター|ステーション|施設|ホーム|教室|学童|スクール|サービス"
    "|団体|塾|喫茶|居酒屋|ホテル|カフェ|食堂|料理|麺屋|どんぶり屋|理容|美容室|薬局|ドラッグストア|ショップ"
    "|こども園|ようちえん|お好み焼き|たこ焼き|回転寿司|寿司|カラオケ|ラーメン|焼肉|弁当|家族会|遺族会"
    "|工房|保育|入浴|スナック|バー|パブ|クラブ|商店|書店|旅館|湯元|温泉|整骨院|接骨院|鍼灸院|ストア|マート"
    "|スーパー|ベーカリー|パン屋|雑貨|古着|リサイクル|サポート校|フリースクール|の会|者の会|屋|亭"
)
_TYPED_NAME = re.compile(
    rf"(?P<t>[{KANJI}{KATA}]{{0,12}}(?:{_TYPE_HEAD}))(?P<sp> ?)(?=[{HIRA}{KATA}{KANJI}])"
)
_NAME_STOP = ("助詞", "助動詞", "補助記号", "空白", "接尾辞")
_SCRIPT = (HIRA, KATA, KANJI)
_PLACE_SUFFIX = tuple("寮舎軒園苑荘亭堂屋庵")
# marks inside a kana name (ゆ〜とぴあ, ほっと・ステーション)
_NAME_MARKS = ("〜", "~", "ー", "・")


def _in_name(tok: Tok, inside: bool) -> bool:
    """A token that can continue a facility's name (a suffix only after its first token: 福来|軒)."""
    if tok.pos[0] == "接尾辞":
        return inside and not tok.surface.startswith(HONORIFICS)
    if tok.surface in _NAME_MARKS:
        return inside
    return tok.pos[0] not in _NAME_STOP


def _script(ch: str) -> int:
    return next((k for k, cls in enumerate(_SCRIPT) if re.match(f"[{cls}]", ch)), -1)


def typed_names(art: SudachiArtifacts) -> list[Hit]:
    """<facility/shop type> (space) <name>: the name is kana, a proper noun, or ends in 寮/軒/園…."""
    t, toks = art.text, art.toks
    out: list[Hit] = []
    for m in _TYPED_NAME.finditer(t):
        ts, ns = m.start("t"), m.end()
        k = tok_index_at(toks, ns)
        if k >= len(toks) or toks[k].start != ns:
            continue
        # a kana shop name ending in 屋/亭/堂 whatever Sudachi made of it (もったいない屋)
        shop_m = _KANA_SHOP.match(t, ns)
        # after a type and a space, a kana name whatever Sudachi made of it (居酒屋 はなまる)
        end = shop_m.end() if shop_m else (_spaced_kana_name(t, ns) if m.group("sp") else None)
        if end is not None:
            out.append(("ORG", _type_start(toks, ts, m.end("t")), end, 0.75))
            continue
        j = k
        while j < len(toks) and j - k < 4 and _in_name(toks[j], j > k):
            j += 1
        if j == k or (j < len(toks) and _in_name(toks[j], True)):
            continue
        ne = toks[j - 1].end
        name = t[ns:ne]
        if name in ORG_GENERIC or name in KANA_STOP or name in NOT_NAME or BANKISH.search(name):
            continue
        # without a space, the name must change script at the boundary (作業所|ぽけっと, not ホテル暮らし)
        if len(name) < 2 or (not m.group("sp") and _script(t[ns - 1]) == _script(t[ns])):
            continue
        inner = toks[k:j]
        shop = len(inner) > 1 and name.endswith(_PLACE_SUFFIX)
        # a kana name may be a verb's noun form (ほほえみ), not a finite verb or an adjective
        if not shop and any(
            tk.pos[0] in ("形容詞", "副詞", "連体詞", "感動詞", "代名詞")
            or (
                tk.pos[0] == "動詞" and not (KANA_RE.match(name) and tk.pos[5].startswith("連用形"))
            )
            for tk in inner
        ):
            continue
        # デイサービス 利用中: a verbal noun opening the "name" is what happens there, not its name
        if inner[0].pos[2] in ("サ変可能", "副詞可能", "助数詞可能") or any(
            tk.pos[1] == "数詞" for tk in inner
        ):
            continue
        if re.search(f"[{KANJI}]", name) and not (
            any(tk.pos[1] == "固有名詞" or tk.oov for tk in inner) or name.endswith(_PLACE_SUFFIX)
        ):
            continue
        out.append(("ORG", _type_start(toks, ts, m.end("t")), ne, 0.75))
    return out


_SPACED_KANA = re.compile(rf"[{HIRA}{KATA}〜・]{{2,10}}")
_CUT = re.compile(rf"(?:で|に|を|へ|です|から|まで)|の(?=[{KATA}])")
_PARTICLE_TAIL = re.compile(r"(?:の|で|に|が|は|を|と|も|へ|や|から|まで|って|より|です|でした)$")
_NOT_A_NAME = re.compile(
    r"^(?:の|に|で|を|へ|と|から|まで|も|や|です|ます|って)|(?:た|だ|て|ない|ます|ません|たい|よう|ろう|れる|ている|てる)$"
)


def _spaced_kana_name(t: str, ns: int) -> int | None:
    """End of a kana name written after a facility type and a space, its particle cut off; one
    kanji may close it (ささえ愛)."""
    m = _SPACED_KANA.match(t, ns)
    if not m:
        return None
    name = m.group()
    # a particle that names never hold ends the name (ぽんた|でバイト), as does の before a katakana
    # role word (ふれあい|のケアマネ)
    cut = _CUT.search(name, 2)
    if cut:
        name = name[: cut.start()]
    while (tail := _PARTICLE_TAIL.search(name)) and tail.start() >= 2:
        name = name[: tail.start()]
    if len(name) < 2 or _NOT_A_NAME.search(name) or name in ORG_GENERIC or name in KANA_STOP:
        return None
    end = ns + len(name)
    if name == m.group() and re.match(f"[{KANJI}](?![{KANJI}])", t[end : end + 2]):
        end += 1
    return end


_KANA_SHOP = re.compile(rf"[{HIRA}{KATA}〜]{{2,8}}[屋亭堂庵軒](?![{KANJI}{HIRA}])")


def _type_start(toks: list[Tok], ts: int, type_end: int) -> int:
    """The type starts at a token boundary."""
    h = tok_index_at(toks, ts)
    if h < len(toks) and toks[h].start != ts:
        ts = toks[h].end if toks[h].end <= type_end else ts
    return ts


def kana_no_facility(art: SudachiArtifacts) -> list[Hit]:
    """こころのクリニック(桜坂) / ひだまりの作業所: a kana word + の + facility type is a name."""
    t, toks = art.text, art.toks
    out: list[Hit] = []
    for i in range(2, len(toks)):
        tk, no, w = toks[i], toks[i - 1], toks[i - 2]
        if (
            tk.surface not in _KANA_NO_SUFFIX
            or no.surface != "の"
            or not (w.end == no.start and no.end == tk.start)
        ):
            continue
        if (
            not KANA_RE.match(w.surface)
            or len(w.surface) < 2
            or w.pos[0] != "名詞"
            or w.pos[2] == "副詞可能"
            or w.surface in LEAD_STOP
            or w.surface in KANA_STOP
            or w.surface in ORG_GENERIC
            or w.surface in KIN
            or w.surface in NOT_NAME
        ):
            continue
        if (
            i >= 3
            and toks[i - 3].end == w.start
            and toks[i - 3].pos[0] in ("名詞", "接頭辞", "連体詞", "代名詞")
        ):
            continue
        end = i
        while (
            end + 1 < len(toks)
            and toks[end + 1].start == toks[end].end
            and (toks[end + 1].pos[1] == "固有名詞" or toks[end + 1].oov)
            and toks[end + 1].pos[1] != "数詞"
        ):
            end += 1
        if end > i and t[toks[end].end : toks[end].end + 2].startswith(HONORIFICS):
            end = i
        out.append(("ORG", w.start, toks[end].end, 0.8))
    return out


_FACILITY_TYPE_END = re.compile(
    r"(?:特別養護老人ホーム|介護老人保健施設|有料老人ホーム|グループホーム|デイサービス|デイケア|ケアハウス|ショートステイ"
    r"|訪問看護ステーション|小規模多機能型居宅介護|障害者支援施設|就労継続支援[AB]型|児童養護施設|保育園|こども園)$"
)
_LEGAL_TYPE_RE = re.compile(
    r"(?:社会医療法人|医療法人(?:社団|財団)?|社会福祉法人|学校法人|宗教法人|(?:一般|公益)(?:社団|財団)法人"
    r"|特定非営利活動法人|NPO法人|株式会社|有限会社|合同会社|合資会社|合名会社)"
)
RUN_RE = re.compile(r"[^\s、。,!?()「」『』【】\[\]<>:;\"'／/]+")
_NAME_END_RE = re.compile(
    "(?:"
    + "|".join(sorted((re.escape(x) for x in ORG_SUFFIXES if len(x) > 1), key=len, reverse=True))
    + r"|会|の家|ホーム|ハウス|スクール|センター|ケア|塾|教室)"
)
_AFTER_NAME = re.compile(
    r"(?:は|が|を|に|で|と|も|へ|の|や|から|まで|より|です|でした|だ|って|さん|様)"
)


def name_group(art: SudachiArtifacts, p: int, need_suffix: bool) -> int:
    """End of an organisation name written from ``p`` (up to a space or punctuation), or ``p`` if none."""
    t, toks = art.text, art.toks
    run = RUN_RE.match(t, p)
    if not run:
        return p
    best = -1
    for m in _NAME_END_RE.finditer(run.group()):
        rest = run.group()[m.end() :]
        if m.start() > 0 and (not rest or _AFTER_NAME.match(rest)):
            best = m.end()
    first = tok_index_at(toks, p)
    if first < len(toks) and toks[first].start == p and toks[first].pos[0] in ("助詞", "助動詞"):
        return p
    if best > 0:
        return p + best
    if need_suffix:
        return p
    i = tok_index_at(toks, p)
    end = p
    while (
        i < len(toks)
        and toks[i].start == end
        and (
            toks[i].surface == "・"
            or (orgish(toks[i]) and toks[i].pos[0] not in ("助詞", "助動詞", "補助記号", "空白"))
        )
    ):
        end = toks[i].end
        i += 1
    return end


def legal_entity_orgs(art: SudachiArtifacts) -> list[Hit]:
    """医療法人社団 X会 Yクリニック / 有限会社 X板金 / 社会福祉法人 X会: legal type + name group(s)."""
    t = art.text
    out: list[Hit] = []
    for m in _LEGAL_TYPE_RE.finditer(t):
        p = m.end() + (1 if t[m.end() : m.end() + 1] == " " else 0)
        end = name_group(art, p, need_suffix=False)
        hira = re.match(f"[{HIRA}ー]{{2,12}}", t[p:])
        if hira:
            run = re.sub(r"(?:の|が|は|に|で|を|と|へ|も|や)$", "", hira.group())
            if len(run) >= 2 and run not in KANA_STOP and not ADDR_BAD_START.match(run):
                end = max(end, p + len(run))
        if end <= p or t[p:end] in ORG_GENERIC or re.fullmatch(r"[0-9]+", t[p:end]):
            continue
        # 医療法人 X会 Y病院: the facility written after the corporation's name
        while t[end : end + 1] == " " and (
            t[end - 1 : end] == "会" or _FACILITY_TYPE_END.search(t, 0, end)
        ):
            nxt = name_group(art, end + 1, need_suffix=t[end - 1 : end] == "会")
            if nxt <= end + 1:
                break
            end = nxt
        out.append(("ORG", m.start(), end, 0.85))
    return out
