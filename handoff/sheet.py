"""The summary laid out like the 相談受付・申込票 (A票): one view model, three renderings.

``sheet(summary)`` turns a §8 Summary into rows of caseworker-facing Japanese labels; the console
template renders it as HTML (autoescaped), ``to_text`` as plain text to paste into the agency's own
system, and ``to_json`` as the §8 JSON itself."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from handoff.summary import A_CATEGORIES, HOUSING_TYPES, Summary

JST = ZoneInfo("Asia/Tokyo")
TEMPLATES = Path(__file__).resolve().parent / "templates"
NONE = "—"

LEVELS = {"P0": "P0 緊急", "P1": "P1 高", "P2": "P2 中", "P3": "P3 情報"}
FLAGS = {
    "A": "希死念慮",
    "B": "自傷",
    "C": "家庭内暴力",
    "D": "高齢者虐待の疑い",
    "E": "ネグレクト・安否",
    "F": "医療緊急",
    "G": "困窮・ライフライン",
    "H": "他害・心中",
    "I": "絶望・孤立",
}
CHANNELS = {
    "LINE": "LINE",
    "web": "Webチャット",
    "cli": "CLI",
    "walk_in": "来所（窓口）",
    "phone": "電話",
}
# 外出頻度 (内閣府・こども家庭庁調査の8区分; 5 = 準ひきこもり, 6–8 = 狭義のひきこもり)
OUTING = {
    1: "1 仕事や学校で平日は毎日外出",
    2: "2 仕事や学校で週に3〜4日外出",
    3: "3 遊び等で頻繁に外出",
    4: "4 人づきあいのためにときどき外出",
    5: "5 趣味の用事のときだけ外出（準ひきこもり）",
    6: "6 近所のコンビニなどには出かける（狭義）",
    7: "7 自室からは出るが家からは出ない（狭義）",
    8: "8 自室からほとんど出ない（狭義）",
}
DURATION = {
    "lt6m": "6か月未満",
    "6m_1y": "6か月〜1年",
    "1_3y": "1〜3年",
    "3_5y": "3〜5年",
    "5_10y": "5〜10年",
    "10y_plus": "10年以上",
}
AWARE = {"knows": "知っている", "not_know": "知らない", "cannot_talk": "話せる状態でない"}
WANTS_SUPPORT = {"yes": "望んでいる様子", "no": "望んでいない様子", "unsure": "はっきりしない"}
WELLBEING = {
    "ok": "大丈夫",
    "tired": "疲れている",
    "cannot_sleep": "眠れない・つらい",
    "outpatient": "通院中",
}
INCOME = {
    "work": "就労収入",
    "pension": "年金",
    "welfare": "生活保護",
    "allowance": "手当",
    "savings": "貯金の取り崩し",
    "none": "収入なし",
}
WANTS = {
    "listen": "話を聞いてほしい",
    "info": "情報がほしい",
    "talk_staff": "窓口の人と話したい",
    "how_to_relate": "接し方を知りたい",
    "after_parents": "親亡き後が心配",
    "not_sure": "まだわからない",
}
CONTACT_METHOD = {
    "this_chat": "このチャット（LINE/Web）で",
    "phone": "電話",
    "visit_office": "窓口に行く",
    "home_visit": "家に来てほしい",
}
CONTACT_TIME = {
    "morning": "午前",
    "afternoon": "午後",
    "evening": "夕方以降",
    "anytime": "いつでも",
}
HOUSING = {"unknown": "不明", **HOUSING_TYPES}
SUICIDAL = {"none": "なし", "past": "過去にあり", "current": "現在あり", "unknown": "不明"}
LANGUAGE = {"ja": "日本語", "ja-easy": "やさしい日本語", "en": "英語"}
# question ids (meta.declined / meta.unknown) → what the caseworker reads
FIELDS = {
    "relationship": "ご相談の対象",
    "consultant_role": "来談者の続柄",
    "concerns": "ご相談の内容",
    "primary": "いちばん困っていること",
    "immediate": "今日・明日の困りごと",
    "outing": "外出の様子",
    "duration": "期間",
    "aware": "本人が相談を知っているか",
    "wants_support": "本人の支援希望",
    "household": "同居の家族",
    "subject_age": "本人の年代",
    "consultant_age": "来談者の年代",
    "parent_health": "親の体調",
    "income": "収入",
    "arrears": "滞納",
    "wellbeing": "来談者の体調",
    "wants": "希望",
    "contact": "連絡方法",
    "contact_time": "希望時間帯",
    "consultant": "ご相談者（まとめから削除）",
    "money": "くらしのお金（まとめから削除）",
    "notes": "書いてくださったこと",
}


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Box:
    code: str
    label: str
    mark: str  # "◎" primary, "○" selected, "" not selected


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[Row]
    level: str
    boxes: list[Box]
    concern_text: str
    sections: list[Section]
    family_without_consent: bool


def _yes_no(value: bool | None) -> str:
    return NONE if value is None else ("はい" if value else "いいえ")


def _label(mapping: dict[Any, str], value: Any) -> str:
    if value is None or value == "":
        return NONE
    return mapping.get(value, str(value))


def _labels(mapping: dict[Any, str], values: list[Any]) -> str:
    return "、".join(_label(mapping, v) for v in values) if values else NONE


def when(value: dt.datetime | None) -> str:
    if value is None:
        return NONE
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def load(summary_json: str) -> Summary:
    return Summary.model_validate_json(summary_json)


def _header(s: Summary, received_by: str | None, after_hours: bool) -> list[Row]:
    header = [
        Row("ID", s.handoff_id),
        Row("受付日", when(s.created_at)),
        Row("受付者", received_by or "（未担当）"),
        Row("相談経路", f"{s.route.相談経路}（{s.route.media}）"),
        Row("媒体", CHANNELS.get(s.channel, s.channel)),
        Row("時間外受付", "はい" if after_hours else "いいえ"),
    ]
    if s.route.referral_from:
        header.append(Row("紹介元", s.route.referral_from))
    return header


def _boxes(s: Summary) -> list[Box]:
    return [
        Box(
            code,
            label,
            "◎" if code == s.concerns.primary else ("○" if code in s.concerns.selected else ""),
        )
        for code, label in A_CATEGORIES.items()
    ]


def _urgency(s: Summary) -> list[Row]:
    return [
        Row("緊急度", LEVELS.get(s.urgency.level, s.urgency.level)),
        Row("検知したサイン", _labels({k: f"{k} {v}" for k, v in FLAGS.items()}, s.urgency.flags)),
        Row("初回検知", when(s.urgency.first_detected_at)),
        Row("案内した窓口", "、".join(s.urgency.resources_shown) or NONE),
    ]


def _basic(s: Summary) -> list[Row]:
    return [
        Row(
            "氏名・住所・電話",
            "匿名（提供なし）"
            if not s.consent.contact_shared
            else "連絡先あり（担当者のみ閲覧可）",
        ),
        Row("本人の年代", _label({}, s.subject.age_band)),
        Row("本人の性別", _label({}, s.subject.gender)),
        Row("来談者と同居", _yes_no(s.subject.lives_with_consultant)),
    ]


def _consultant(s: Summary) -> list[Row]:
    return [
        Row("本人との関係", _label({}, s.consultant.relationship)),
        Row("来談者の年代", _label({}, s.consultant.age_band)),
        Row("来談者の体調・気持ち", _label(WELLBEING, s.consultant.wellbeing)),
    ]


def _hikikomori(s: Summary) -> list[Row]:
    h = s.hikikomori
    outing = "わからない" if h.outing_level == "unknown" else _label(OUTING, h.outing_level)
    return [
        Row("外出の様子", outing),
        Row("期間", _label(DURATION, h.duration_band)),
        Row("本人が相談を知っているか", _label(AWARE, h.subject_aware)),
        Row("本人の支援希望", _label(WANTS_SUPPORT, h.subject_wants_support)),
        Row("家族のみの相談", _yes_no(h.family_only_contact)),
    ]


def _household(s: Summary) -> list[Row]:
    household = [
        Row(
            m.role,
            "／".join(
                [
                    m.age_band or "年代不明",
                    "同居" if m.cohabiting else "別居",
                    f"健康: {m.health}",
                    f"介護認定: {m.care_cert}",
                ]
            ),
        )
        for m in s.household.members
    ]
    if s.household.lives_alone:
        household.insert(0, Row("世帯", "ひとり暮らし"))
    if not household:
        household.append(Row("世帯", NONE))
    return household


def _money(s: Summary) -> list[Row]:
    return [
        Row("主な収入", _labels(INCOME, s.income.sources)),
        Row("年金のみ", _yes_no(s.income.pension_only)),
        Row("滞納", "、".join(s.income.arrears) or NONE),
        Row("債務", s.income.debt),
        Row("住居", _label(HOUSING, s.housing.type)),
        Row("住まいを失うおそれ", _yes_no(s.housing.at_risk)),
    ]


def _safety(s: Summary) -> list[Row]:
    n = s.immediate_needs
    urgent_needs = [
        label
        for flag, label in (
            (n.food, "食べるものがない"),
            (n.utilities, "電気・ガス・水道が止まる"),
            (n.housing_tonight, "住まいを出される"),
            (n.money_this_month, "今月のお金が足りない"),
            (n.medical, "医療が必要"),
        )
        if flag
    ]
    return [
        Row("今日・明日の困りごと", "、".join(urgent_needs) or "なし"),
        Row("希死念慮", _label(SUICIDAL, s.safety.suicidal)),
        Row("自傷", _yes_no(s.safety.self_harm)),
        Row(
            "暴力",
            ("あり" + (f"（{s.safety.violence.direction}）" if s.safety.violence.direction else ""))
            if s.safety.violence.present
            else "なし",
        ),
        Row("高齢者虐待の疑い", _yes_no(s.safety.elder_abuse_suspected)),
        Row("本人以外の危険", _yes_no(s.safety.third_party_risk)),
    ]


def _wishes(s: Summary) -> list[Row]:
    p = s.preferences
    return [
        Row("希望する手助け", _labels(WANTS, p.wants)),
        Row("連絡方法", _label(CONTACT_METHOD, p.contact_method)),
        Row("希望時間帯", _label(CONTACT_TIME, p.preferred_times)),
        Row("言語", _label(LANGUAGE, p.language)),
    ]


def _gaps(s: Summary) -> list[Row]:
    return [
        Row("答えたくない／まとめから削除", _labels(FIELDS, s.meta.declined)),
        Row("わからない", _labels(FIELDS, s.meta.unknown)),
    ]


def _consent(s: Summary) -> list[Row]:
    return [
        Row("同意日時", when(s.consent.at)),
        Row(
            "範囲",
            "まとめのみ（会話の記録は含まない）"
            if s.consent.scope == "summary_only"
            else "まとめと会話の記録（個人情報除去済み）",
        ),
        Row("同意文の版", s.consent.text_version or NONE),
        Row("連絡先の提供", _yes_no(s.consent.contact_shared)),
        Row(
            "家族からの相談",
            "はい（本人同意なし）" if s.consent.on_behalf_of_family else "いいえ（本人から）",
        ),
    ]


def sheet(summary: Summary, *, received_by: str | None = None, after_hours: bool = False) -> Sheet:
    """The A票 view model: the header, the concern boxes, then one section per part of the form."""
    s = summary
    family = s.consent.on_behalf_of_family
    sections = [
        Section("緊急性", _urgency(s)),
        Section("■基本情報（書ける範囲で）", _basic(s)),
        Section("来談者", _consultant(s)),
        Section("ひきこもりの状況（課題と背景要因：社会的孤立）", _hikikomori(s)),
        Section("世帯状況", _household(s)),
        Section("収入・住まい", _money(s)),
        Section("急ぎの困りごと・安全", _safety(s)),
        Section("ご支援にあたっての希望", _wishes(s)),
        Section("答えなかったこと・わからないこと", _gaps(s)),
        Section("■相談申込み（同意）", _consent(s)),
    ]
    title = "相談受付・申込票（A票）" + ("【本人同意なし】" if family else "【本人同意あり】")
    return Sheet(
        title=title,
        header=_header(s, received_by, after_hours),
        level=s.urgency.level,
        boxes=_boxes(s),
        concern_text=s.concerns.summary_text,
        sections=sections,
        family_without_consent=family,
    )


def to_text(sheet: Sheet) -> str:
    """Plain text to paste into the agency's own case system."""
    lines = [sheet.title, "（SNS/チャット匿名窓口からの引き継ぎ）", ""]
    lines += [f"{row.label}: {row.value}" for row in sheet.header]
    lines += ["", "■ご相談の内容（○＝該当、◎＝いちばん困っていること）"]
    lines += [f"{box.mark or '　'} {box.label}" for box in sheet.boxes]
    lines += [
        "",
        "ご相談されたいこと（本人等の記入・個人情報除去済み）:",
        sheet.concern_text or NONE,
    ]
    for section in sheet.sections:
        lines += ["", section.title if section.title.startswith("■") else f"■{section.title}"]
        lines += [f"{row.label}: {row.value}" for row in section.rows]
    return "\n".join(lines) + "\n"


def to_json(summary: Summary) -> dict[str, Any]:
    """The §8 schema as JSON-ready data."""
    data: dict[str, Any] = json.loads(summary.model_dump_json())
    return data


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


# The export page's only style, allowed by its hash in EXPORT_CSP (no inline script, nothing fetched).
EXPORT_STYLE = """
body{font-family:sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;margin:.5em 0 1.2em}
th,td{border:1px solid #888;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eee;font-weight:normal;white-space:nowrap}
.mark{width:2em;text-align:center}
"""
EXPORT_CSP = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(EXPORT_STYLE.encode()).digest()).decode()
    + "'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def to_html_document(sheet: Sheet) -> str:
    """A standalone HTML page of the sheet (export / print); resident text is escaped.
    Serve it with ``EXPORT_CSP``."""
    return environment().get_template("sheet_export.html").render(sheet=sheet, style=EXPORT_STYLE)
