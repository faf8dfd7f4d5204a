"""The handoff summary (DOMAIN.md §8): a versioned model built from the intake state.

It carries option codes, age bands and redacted text only; names, exact ages and contact
details never enter it (contact details, when given, travel encrypted beside it)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, Field

from flows import hints

SCHEMA_VERSION = "1.0"
SUMMARY_TEXT_LIMIT = 400

# A票 ご相談の内容 (codes → the form's 16 labels, in the form's order)
A_CATEGORIES: dict[str, str] = {
    "health_disability": "病気や健康、障害のこと",
    "housing": "住まいについて",
    "income_living": "収入・生活費のこと",
    "rent_loan": "家賃やローンの支払いのこと",
    "tax_utilities": "税金や公共料金等の支払いについて",
    "debt": "債務について",
    "job_search": "仕事探し、就職について",
    "work_trouble": "仕事上の不安やトラブル",
    "community": "地域との関係について",
    "family_relations": "家族との関係について",
    "childcare": "子育てのこと",
    "care": "介護のこと",
    "hikikomori_futoko": "ひきこもり・不登校",
    "dv_abuse": "DV・虐待",
    "no_food": "食べるものがない",
    "other": "その他",
}
AGE_BAND_LABELS = {
    "10s": "10代", "20s": "20代", "30s": "30代", "40s": "40代",
    "50s": "50代", "60s": "60代", "70s": "70代", "80s_plus": "80代以上",
}  # fmt: skip
RELATIONSHIP = {
    "self": "本人",
    "sibling": "きょうだい",
    "parent": "子",
    "spouse": "配偶者",
    "other": "その他",
}
ROLE = {"father": "父", "mother": "母", "spouse": "配偶者", "sibling": "きょうだい", "child": "子",
        "grandparent": "祖父母", "other": "その他"}  # fmt: skip
HEALTH = {"well": "元気", "outpatient": "通院", "needs_care": "要介護", "inpatient": "入院"}
ARREARS = {"rent": "家賃", "utilities": "公共料金", "tax": "税", "nhi": "国保"}
CHANNEL_OF = {"line": "LINE", "web": "web", "cli": "cli", "walk_in": "walk_in", "phone": "phone"}
# B票 住居 (housing): codes as the staff form and the summary carry them
HOUSING_TYPES = {"owned": "持家", "rented": "借家", "public": "公営住宅", "company": "会社寮・借上げ住宅",
                 "homeless": "野宿", "other": "その他"}  # fmt: skip
CARE_CERT = {"support": "要支援", "care": "要介護", "applying": "申請中", "none": "未申請"}
# インテーク 相談経路: who referred the family (関係機関・関係者からの紹介)
REFERRALS = {"welfare_office": "福祉事務所", "houkatsu": "地域包括支援センター",
             "shakyo": "社会福祉協議会", "hello_work": "ハローワーク", "minsei": "民生委員",
             "medical": "医療機関", "school": "学校", "other": "その他"}  # fmt: skip
MEDIA = {"walk_in": "来所（窓口）", "phone": "電話"}
FLAG_OF_CATEGORY = {
    "suicide_imminent": "A", "suicidal_ideation": "A", "self_harm": "B", "violence_home": "C",
    "violence_now": "C", "elder_abuse": "D", "neglect": "E", "medical_emergency": "F",
    "lifeline": "G", "harm_others": "H", "despair": "I",
}  # fmt: skip


class Consent(BaseModel):
    handoff: bool = True
    at: dt.datetime
    scope: Literal["summary_only", "summary_and_transcript"] = "summary_only"
    contact_shared: bool = False
    on_behalf_of_family: bool = False
    text_version: str


class Route(BaseModel):
    相談経路: Literal["本人自ら連絡", "家族・知人から連絡"]
    media: str = "SNS/チャット(匿名窓口)"
    referral_from: str | None = None


class Urgency(BaseModel):
    level: Literal["P0", "P1", "P2", "P3"]
    flags: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    first_detected_at: dt.datetime | None = None
    resources_shown: list[str] = Field(default_factory=list)


class ConsultantPart(BaseModel):
    relationship: str | None = None
    age_band: str | None = None
    wellbeing: str | None = None


class SubjectPart(BaseModel):
    age_band: str | None = None
    gender: str | None = None
    lives_with_consultant: bool | None = None


class Concerns(BaseModel):
    selected: list[str] = Field(default_factory=list)
    primary: str | None = None
    summary_text: str = Field(default="", max_length=SUMMARY_TEXT_LIMIT)


class Hikikomori(BaseModel):
    outing_level: int | Literal["unknown"] | None = None
    duration_band: str | None = None
    subject_aware: str | None = None
    subject_wants_support: str | None = None
    family_only_contact: bool | None = None


class Member(BaseModel):
    role: str
    age_band: str | None = None
    cohabiting: bool = True
    health: str = "不明"
    care_cert: str = "不明"


class Household(BaseModel):
    members: list[Member] = Field(default_factory=list)
    lives_alone: bool | None = None


class Income(BaseModel):
    sources: list[str] = Field(default_factory=list)
    pension_only: bool = False
    arrears: list[str] = Field(default_factory=list)
    debt: Literal["有", "無", "不明"] = "不明"


class Housing(BaseModel):
    type: str = "unknown"
    at_risk: bool = False


class ImmediateNeeds(BaseModel):
    food: bool = False
    utilities: bool = False
    housing_tonight: bool = False
    money_this_month: bool = False
    medical: bool = False


class Violence(BaseModel):
    present: bool = False
    direction: str | None = None


class Safety(BaseModel):
    suicidal: Literal["none", "past", "current", "unknown"] = "unknown"
    self_harm: bool = False
    violence: Violence = Field(default_factory=Violence)
    elder_abuse_suspected: bool = False
    third_party_risk: bool = False


class Preferences(BaseModel):
    wants: list[str] = Field(default_factory=list)
    contact_method: str | None = None
    preferred_times: str | None = None
    language: str = "ja"
    # 「こちらから声をかけてもいいですか」: True lets a caseworker write after closing, and the
    # bot checks in once ``followup_after_days`` after the close (handoff.checkins)
    followup: bool | None = None
    followup_after_days: int | None = None


# the follow-up question's options: days after the close until the one check-in
FOLLOWUP_AFTER = {"2w": 14, "1m": 30}


class Meta(BaseModel):
    declined: list[str] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)
    bot_confidence: str = "rule-based intake; answers chosen by the person"


class Summary(BaseModel):
    schema_version: str = SCHEMA_VERSION
    handoff_id: str
    created_at: dt.datetime
    municipality_code: str
    channel: Literal["LINE", "web", "cli", "walk_in", "phone"]  # walk_in/phone: staff-entered
    consent: Consent
    route: Route
    urgency: Urgency
    consultant: ConsultantPart
    subject: SubjectPart
    concerns: Concerns
    hikikomori: Hikikomori
    household: Household
    income: Income
    housing: Housing
    immediate_needs: ImmediateNeeds
    safety: Safety
    preferences: Preferences
    meta: Meta

    def digest(self) -> str:
        """SHA-256 of the approved content (the consent record pins it)."""
        return summary_hash(self)


def summary_hash(summary: Summary) -> str:
    # What the person saw and approved: the contact step after consent (preferences, the
    # contact_shared flag) may be added later without breaking the pinned hash.
    content = summary.model_dump_json(
        exclude={"handoff_id", "created_at", "consent", "preferences"}
    )
    return hashlib.sha256(content.encode()).hexdigest()


def _band(value: str | None) -> str | None:
    return AGE_BAND_LABELS.get(value) if value else None


def _consultant_relationship(answers: dict[str, Any]) -> str | None:
    """The consultant as the form names them: 母 / 父 / 親 for a parent, else the relationship."""
    relationship = answers.get("relationship")
    if relationship == "child":
        return {"mother": "母", "father": "父"}.get(answers.get("consultant_role", ""), "親")
    return RELATIONSHIP.get(relationship) if relationship else None


def _concerns(state: dict[str, Any], immediate: set[str]) -> Concerns:
    answers: dict[str, Any] = state.get("answers", {})
    selected = [c for c in A_CATEGORIES if c in (answers.get("concerns") or [])]
    if "food" in immediate and "no_food" not in selected:
        selected.append("no_food")
    primary = answers.get("primary") or (selected[0] if len(selected) == 1 else None)
    notes = [v for v in (state.get("notes") or {}).values() if v]
    summary_text = " / ".join(notes)[:SUMMARY_TEXT_LIMIT]
    return Concerns(selected=selected, primary=primary, summary_text=summary_text)


def _members(answers: dict[str, Any], family: bool, consultant_rel: str | None) -> list[Member]:
    household_roles: list[str] = list(answers.get("household") or [])
    members = (
        [Member(role="本人", age_band=_band(answers.get("subject_age")), cohabiting=True)]
        if family
        else []
    )
    for role in household_roles:
        if role == "alone":
            continue
        member = Member(role=ROLE.get(role, "その他"), cohabiting=True)
        if role in ("father", "mother"):
            # asked per parent when both live at home, else once (flows.preview)
            answer = answers.get(f"{role}_health") or answers.get("parent_health", "")
            member.health = HEALTH.get(answer, "不明")
            if member.health in ("要介護", "入院"):  # 要介護認定, asked for such a parent
                member.care_cert = CARE_CERT.get(answers.get("care_cert", ""), "不明")
            if consultant_rel == ROLE[role]:
                member.age_band = _band(answers.get("consultant_age"))
        members.append(member)
    return members


def _urgency(
    categories: list[str],
    immediate: set[str],
    crisis_level: str | None,
    crisis_first_at: dt.datetime | None,
) -> Urgency:
    flags = sorted({FLAG_OF_CATEGORY[c] for c in categories if c in FLAG_OF_CATEGORY})
    level: Literal["P0", "P1", "P2", "P3"]
    if crisis_level == "P0":
        level = "P0"
    elif crisis_level == "P1" or immediate - {"none"}:
        level = "P1"
    else:
        level = "P2"
    return Urgency(
        level=level, flags=flags, categories=categories, first_detected_at=crisis_first_at
    )  # type: ignore[arg-type]


def _hikikomori(state: dict[str, Any], family: bool) -> Hikikomori:
    answers: dict[str, Any] = state.get("answers", {})
    outing = answers.get("outing")
    return Hikikomori(
        outing_level=int(outing)
        if outing
        else ("unknown" if "outing" in state.get("unknown", []) else None),
        duration_band=answers.get("duration"),
        subject_aware=answers.get("aware"),
        subject_wants_support=answers.get("wants_support"),
        family_only_contact=family or None,
    )


def _income(answers: dict[str, Any]) -> Income:
    sources = list(answers.get("income") or [])
    arrears_codes = list(answers.get("arrears") or [])
    return Income(
        sources=sources,
        pension_only=sources == ["pension"],
        arrears=[ARREARS[a] for a in arrears_codes if a in ARREARS],
        debt="有" if "debt" in arrears_codes else ("無" if "none" in arrears_codes else "不明"),
    )


def _immediate_needs(immediate: set[str], categories: list[str]) -> ImmediateNeeds:
    return ImmediateNeeds(
        food="food" in immediate,
        utilities="utilities" in immediate,
        housing_tonight="eviction" in immediate,
        money_this_month="money_month" in immediate,
        medical="medical_emergency" in categories,
    )


def _route(state: dict[str, Any], family: bool, channel: str) -> Route:
    """相談経路; who sent them: entered by staff, or said in the person's own (approved) words."""
    answers: dict[str, Any] = state.get("answers", {})
    referral = answers.get("referral_from") or hints.referral(_notes(state))
    return Route(
        相談経路="家族・知人から連絡" if family else "本人自ら連絡",
        media=MEDIA.get(channel, "SNS/チャット(匿名窓口)"),
        referral_from=REFERRALS.get(referral or ""),
    )


def _notes(state: dict[str, Any]) -> list[str]:
    return [v for v in (state.get("notes") or {}).values() if v]


def _housing(state: dict[str, Any], immediate: set[str], arrears: list[str]) -> Housing:
    kind = state.get("answers", {}).get("housing_type") or hints.housing(_notes(state))
    return Housing(
        type=kind if kind in HOUSING_TYPES else "unknown",
        at_risk="eviction" in immediate or "rent" in arrears,
    )


def _safety(categories: list[str], third_party_risk: bool) -> Safety:
    return Safety(
        suicidal="current"
        if {"suicide_imminent", "suicidal_ideation"} & set(categories)
        else "unknown",
        self_harm="self_harm" in categories,
        violence=Violence(present=bool({"violence_home", "violence_now"} & set(categories))),
        elder_abuse_suspected="elder_abuse" in categories,
        third_party_risk=third_party_risk,
    )


def build_summary(
    state: dict[str, Any],
    *,
    handoff_id: str,
    created_at: dt.datetime,
    municipality_code: str,
    channel: str,
    crisis_level: str | None = None,
    crisis_categories: list[str] | None = None,
    crisis_first_at: dt.datetime | None = None,
    third_party_risk: bool = False,
    contact_shared: bool = False,
    resources_shown: list[str] | None = None,
) -> Summary:
    """The §8 summary of an intake state (pure: the same state gives the same summary)."""
    answers: dict[str, Any] = state.get("answers", {})
    family = answers.get("relationship") not in (None, "self")
    consultant_rel = _consultant_relationship(answers)
    household_roles: list[str] = list(answers.get("household") or [])
    immediate = set(answers.get("immediate") or [])
    arrears_codes = list(answers.get("arrears") or [])
    categories = list(crisis_categories or [])
    consent = state.get("consent") or {}

    return Summary(
        handoff_id=handoff_id,
        created_at=created_at,
        municipality_code=municipality_code,
        channel=CHANNEL_OF.get(channel, "web"),  # type: ignore[arg-type]
        consent=Consent(
            at=_parse_time(consent.get("at")) or created_at,
            contact_shared=contact_shared,
            on_behalf_of_family=family,
            text_version=consent.get("version", ""),
            scope=consent.get("scope") or "summary_only",
        ),
        route=_route(state, family, channel),
        urgency=_urgency(categories, immediate, crisis_level, crisis_first_at).model_copy(
            update={"resources_shown": list(resources_shown or [])}
        ),
        consultant=ConsultantPart(
            relationship=consultant_rel,
            age_band=_band(answers.get("consultant_age") if family else answers.get("subject_age")),
            wellbeing=answers.get("wellbeing"),
        ),
        subject=SubjectPart(
            age_band=_band(answers.get("subject_age")),
            lives_with_consultant=(
                (consultant_rel in [ROLE.get(r) for r in household_roles])
                if family and household_roles
                else None
            ),
        ),
        concerns=_concerns(state, immediate),
        hikikomori=_hikikomori(state, family),
        household=Household(
            members=_members(answers, family, consultant_rel),
            lives_alone="alone" in household_roles or None,
        ),
        income=_income(answers),
        housing=_housing(state, immediate, arrears_codes),
        immediate_needs=_immediate_needs(immediate, categories),
        safety=_safety(categories, third_party_risk),
        preferences=Preferences(
            wants=list(answers.get("wants") or []),
            contact_method=answers.get("contact"),
            preferred_times=answers.get("contact_time"),
            followup=_followup(answers.get("followup")),
            followup_after_days=FOLLOWUP_AFTER.get(answers.get("followup", "")),
            language=state.get("locale", "ja"),
        ),
        meta=Meta(
            declined=list(state.get("declined") or []), unknown=list(state.get("unknown") or [])
        ),
    )


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _followup(value: str | None) -> bool | None:
    if value in FOLLOWUP_AFTER or value == "yes":  # "yes": asked before the dates were offered
        return True
    return False if value == "no" else None
