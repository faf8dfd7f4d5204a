"""Cases a caseworker records from a walk-in (来所・窓口) or a phone call (電話): the same A票
fields the bot asks, entered by staff, so the figures count every door. The answers are checked
against the intake's own option codes (``flows.questions``) and become the same §8 summary
(``handoff.summary.build_summary``); the B票/インテーク items the chat does not ask — 紹介元,
住居, 要介護認定 — can be entered here too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flows.questions import INTAKE_ORDER, QUESTIONS
from flows.render import label
from handoff.summary import A_CATEGORIES, CARE_CERT, HOUSING_TYPES, REFERRALS

CHANNELS = {"walk_in": "来所（窓口）", "phone": "電話"}

# the intake questions a caseworker fills in, in the intake's own order: all but the per-parent
# health follow-ups (the form asks parent_health once), 要介護認定 (an extra field below) and the
# summary step
NOT_ON_FORM = frozenset({"father_health", "mother_health", "care_cert", "summary"})
INTAKE_FIELDS = tuple(q for q in INTAKE_ORDER if q not in NOT_ON_FORM)
# items of the B票 / インテーク that the chat does not ask
EXTRA_FIELDS: dict[str, tuple[str, dict[str, str]]] = {
    "referral_from": ("紹介元", REFERRALS),
    "housing_type": ("住居", HOUSING_TYPES),
    "care_cert": ("親の要介護認定", CARE_CERT),
}
FIELD_LABELS = {
    "relationship": "相談の対象（相談者から見て）",
    "consultant_role": "相談者（親の場合）",
    "concerns": "相談内容（A票・いくつでも）",
    "primary": "いちばんの相談内容（◎）",
    "immediate": "今日・明日の困りごと",
    "outing": "外出の様子",
    "duration": "期間",
    "aware": "本人は相談を知っているか",
    "wants_support": "本人の支援希望",
    "household": "同居の家族",
    "subject_age": "本人の年代",
    "consultant_age": "相談者の年代",
    "parent_health": "親の健康",
    "income": "主な収入",
    "arrears": "滞納・借入",
    "wellbeing": "相談者の体調",
    "wants": "希望する手助け",
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    options: list[tuple[str, str]]  # value, label
    multi: bool


def _options(qid: str) -> list[tuple[str, str]]:
    if qid in ("concerns", "primary"):
        return list(A_CATEGORIES.items())
    return [(v, label("ja", QUESTIONS[qid].code(v))) for v in QUESTIONS[qid].values]


def form_fields() -> list[Field]:
    """The staff form: every field optional, as in the chat (答えたくない / わからない)."""
    fields = [
        Field(q, FIELD_LABELS[q], _options(q), QUESTIONS[q].multi and q != "primary")
        for q in INTAKE_FIELDS
    ]
    fields += [Field(k, name, list(m.items()), False) for k, (name, m) in EXTRA_FIELDS.items()]
    return fields


def answers_from(raw: dict[str, Any]) -> dict[str, Any]:
    """The entered answers as the intake state holds them; ValueError names a field whose value
    is not one of its options. Empty values are left out (not asked / not known)."""
    allowed = {f.name: f for f in form_fields()}
    answers: dict[str, Any] = {}
    for name, value in raw.items():
        field = allowed.get(name)
        if field is None:
            raise ValueError(name)
        values = [v for v in (value if isinstance(value, list) else [value]) if v not in ("", None)]
        if not values:
            continue
        codes = {code for code, _ in field.options}
        if any(not isinstance(v, str) or v not in codes for v in values):
            raise ValueError(name)
        answers[name] = list(dict.fromkeys(values)) if field.multi else values[0]
    concerns = answers.get("concerns") or []
    if answers.get("primary") and answers["primary"] not in concerns:
        answers["concerns"] = [*concerns, answers["primary"]]
    return answers
