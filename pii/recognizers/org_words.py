"""Organisation vocabulary: facility types, legal forms and name suffixes, and what may sit inside a name."""

from __future__ import annotations

import re

from pii.nlp import Tok
from pii.recognizers._base import KANA_RE, KATA_RE

ORG_SUFFIXES = (
    "病院",
    "クリニック",
    "医院",
    "歯科",
    "心療内科",
    "医療センター",
    "小学校",
    "中学校",
    "高校",
    "高等学校",
    "中学",
    "大学",
    "専門学校",
    "学園",
    "高等部",
    "中等部",
    "学院",
    "保育園",
    "保育所",
    "幼稚園",
    "こども園",
    "作業所",
    "薬局",
    "ステーション",
    "苑",
    "荘",
    "工業",
    "運輸",
    "物流",
    "精機",
    "精電",
    "工務店",
    "商事",
    "産業",
    "建設",
    "製作所",
    "株式会社",
    "有限会社",
    "合同会社",
    "店",
    "しょうがっこう",
    "ちゅうがっこう",
    "こうこう",
    "びょういん",
    "だいがく",
    "の里",
    "の郷",
    "電機",
    "電子",
    "食品",
    "商店",
    "ホテル",
    "会館",
    "学校",
    "工房",
    "板金",
    "ファイナンス",
    "クレジット",
    "キャッシング",
    "金融",
    "ローンズ",
    "商会",
    "製菓",
    "塗装",
    "鉄工",
    "興業",
    "不動産",
    "交通",
    "石油",
    "運送",
    "タクシー",
    "ケミカル",
    "相談室",
)


def orgish(tok: Tok) -> bool:
    p = tok.pos
    if p[0] in ("名詞", "接頭辞", "接尾辞") or tok.oov:
        return True
    if p[0] in ("副詞", "形状詞", "形容詞") and KANA_RE.match(tok.surface):
        return True
    if tok.surface == "・":
        return True
    return bool(KATA_RE.match(tok.surface))


ORG_SINGLE_SUFFIX = frozenset({"里", "郷", "苑", "荘", "店"})


ORG_PREFIXES = (
    "株式会社",
    "有限会社",
    "合同会社",
    "医療法人",
    "社会福祉法人",
    "特養",
    "老健",
    "デイサービス",
    "デイケア",
    "グループホーム",
    "ケアプランセンター",
    "特別養護老人ホーム",
    "介護老人保健施設",
    "サービス付き高齢者向け住宅",
    "サ高住",
    "有料老人ホーム",
    "カフェ",
    "スーパー",
    "ベーカリー",
    "居酒屋",
    "ホスト",
    "クラブ",
)


FACILITY_TYPE = re.compile(
    r"(?:特別養護老人ホーム|介護老人保健施設|サービス付き高齢者向け住宅|有料老人ホーム|医療法人\S{1,8}?会|社会福祉法人\S{1,8}?会"
    r"|株式会社|有限会社) ?$"
)


SUFFIX_RE = re.compile("(?:" + "|".join(x for x in ORG_SUFFIXES if len(x) > 1) + ")$")


LEGAL_PREFIX_RE = re.compile("^(?:" + "|".join(ORG_PREFIXES[:4]) + ").")


def is_suffix(tok: Tok) -> bool:
    s = tok.surface
    if s in ORG_SINGLE_SUFFIX or (s == "園" and tok.pos[0] == "接尾辞"):
        return True
    return SUFFIX_RE.search(s) is not None and s not in ("大学生", "中学生", "高校生", "小学生")


def is_prefix(tok: Tok) -> bool:
    s = tok.surface
    return s in ORG_PREFIXES or LEGAL_PREFIX_RE.match(s) is not None


PREFIX_RE = re.compile("|".join(sorted(ORG_PREFIXES, key=len, reverse=True)))


PLACE_TAIL = frozenset("丘谷崎原関浜島尾森岡")
