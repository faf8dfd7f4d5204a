"""The intake questions of DOMAIN.md §6 (N0–N13): ids, the state field each fills, option codes.

Option codes travel as quick-reply data: ``a:<question>:<value>`` for answers, ``u:<what>`` for
the choices every question offers, ``c:<command>`` for commands, ``m:<what>`` for multi-select
paging. Wording lives in ``locales/`` under ``q.<question>`` and ``opt.<question>.<value>``."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# A票 ご相談の内容: the 16 boxes, in the form's order (DOMAIN.md §1, §8).
A_CATEGORIES: tuple[str, ...] = (
    "health_disability",
    "housing",
    "income_living",
    "rent_loan",
    "tax_utilities",
    "debt",
    "job_search",
    "work_trouble",
    "community",
    "family_relations",
    "childcare",
    "care",
    "hikikomori_futoko",
    "dv_abuse",
    "no_food",
    "other",
)

# The order the boxes are offered in the chat: the concerns this door exists for come first
# (the summary keeps the form's order).
CONCERNS_OFFERED: tuple[str, ...] = (
    "hikikomori_futoko",
    "income_living",
    "care",
    "health_disability",
    "family_relations",
    "dv_abuse",
    "no_food",
    "debt",
    "housing",
    "rent_loan",
    "tax_utilities",
    "job_search",
    "work_trouble",
    "community",
    "childcare",
    "other",
)

AGE_BANDS = ("10s", "20s", "30s", "40s", "50s", "60s", "70s", "80s_plus")
PARENT_HEALTH = ("well", "outpatient", "needs_care", "inpatient")

UNIVERSAL = ("u:skip", "u:unknown", "u:later", "u:stop")
SKIP, UNKNOWN, LATER, STOP = UNIVERSAL
DONE, MORE = "m:done", "m:more"


@dataclass(frozen=True)
class Question:
    id: str
    field: str
    values: tuple[str, ...] = ()
    multi: bool = False
    # multi-select pages: 6 items + more + done + 4 universal + いま危ない = 13 (LINE's limit)
    page_size: int = 6
    free_text: bool = False
    family_wording: bool = False  # q.<id>.self / q.<id>.family instead of one q.<id>
    universal: tuple[str, ...] = UNIVERSAL
    section: str | None = None  # summary section it belongs to (for 直す / 消す)

    def code(self, value: str) -> str:
        return f"a:{self.id}:{value}"


QUESTIONS: dict[str, Question] = {
    q.id: q
    for q in (
        Question("intro", "intro", ("start", "about"), universal=()),
        Question(
            "relationship",
            "relationship",
            ("self", "child", "sibling", "parent", "spouse", "other"),
            section="consultant",
        ),
        Question(
            "consultant_role",
            "consultant_role",
            ("mother", "father", "other"),
            section="consultant",
        ),
        Question(
            "concerns",
            "concerns",
            CONCERNS_OFFERED,
            multi=True,
            family_wording=True,
            section="concerns",
        ),
        Question("primary", "primary", A_CATEGORIES, section="concerns"),
        Question(
            "immediate",
            "immediate",
            ("food", "utilities", "eviction", "money_month", "none"),
            multi=True,
            section="immediate",
        ),
        Question(
            "outing",
            "outing",
            ("1", "2", "3", "4", "5", "6", "7", "8"),
            family_wording=True,
            section="hikikomori",
        ),
        Question(
            "duration",
            "duration",
            ("lt6m", "6m_1y", "1_3y", "3_5y", "5_10y", "10y_plus"),
            section="hikikomori",
        ),
        Question("aware", "aware", ("knows", "not_know", "cannot_talk"), section="hikikomori"),
        Question("wants_support", "wants_support", ("yes", "no", "unsure"), section="hikikomori"),
        Question(
            "household",
            "household",
            ("alone", "father", "mother", "spouse", "sibling", "child", "grandparent", "other"),
            multi=True,
            family_wording=True,
            section="household",
        ),
        Question("subject_age", "subject_age", AGE_BANDS, family_wording=True, section="household"),
        Question("consultant_age", "consultant_age", AGE_BANDS, section="household"),
        Question(
            "parent_health",
            "parent_health",
            PARENT_HEALTH,
            family_wording=True,
            section="household",
        ),
        # both parents at home: asked per parent (flows.preview.parent_health_applies)
        Question("father_health", "father_health", PARENT_HEALTH, section="household"),
        Question("mother_health", "mother_health", PARENT_HEALTH, section="household"),
        # 要介護認定: asked when a parent needs care or is in hospital (flows.state.applies)
        Question(
            "care_cert", "care_cert", ("support", "care", "applying", "none"), section="household"
        ),
        Question(
            "income",
            "income",
            ("work", "pension", "welfare", "allowance", "savings", "none"),
            multi=True,
            section="money",
        ),
        Question(
            "arrears",
            "arrears",
            ("rent", "utilities", "tax", "nhi", "debt", "none"),
            multi=True,
            section="money",
        ),
        Question(
            "wellbeing",
            "wellbeing",
            ("ok", "tired", "cannot_sleep", "outpatient"),
            family_wording=True,
            section="wellbeing",
        ),
        Question(
            "wants",
            "wants",
            ("listen", "info", "talk_staff", "how_to_relate", "after_parents", "not_sure"),
            multi=True,
            section="wants",
        ),
        Question("summary", "summary", ("ok", "fix", "remove"), universal=("u:later", "u:stop")),
        Question("fix_pick", "fix_pick", (), universal=()),
        Question("remove_pick", "remove_pick", (), universal=()),
        Question(
            "consent",
            "consent",
            ("agree", "agree_transcript", "fix", "decline"),
            universal=("u:later",),
        ),
        Question(
            "contact",
            "contact",
            ("this_chat", "phone", "visit_office", "home_visit"),
            universal=("u:skip",),
        ),
        Question("contact_phone", "contact_phone", (), free_text=True, universal=("u:skip",)),
        Question(
            "contact_time",
            "contact_time",
            ("morning", "afternoon", "evening", "anytime"),
            universal=("u:skip",),
        ),
        # 「こちらから声をかけてもいいですか」: when the bot checks in once after closing
        # (opt-in; a caseworker may write meanwhile); after the contact step and at the close
        Question("followup", "followup", ("2w", "1m", "no"), universal=("u:skip",)),
        # a caseworker proposes passing the case on: may the summary go to that agency?
        Question("transfer", "transfer", ("yes", "no"), universal=()),
        Question("handed_over", "handed_over", (), universal=()),
        Question("closed", "closed", (), universal=()),
        Question("confirm_delete", "confirm_delete", ("yes", "no"), universal=()),
    )
}

# The order of the intake; ``flows.intake.applies`` decides which of them a conversation meets.
INTAKE_ORDER: tuple[str, ...] = (
    "relationship",
    "consultant_role",
    "concerns",
    "primary",
    "immediate",
    "outing",
    "duration",
    "aware",
    "wants_support",
    "household",
    "subject_age",
    "consultant_age",
    "parent_health",
    "father_health",
    "mother_health",
    "care_cert",
    "income",
    "arrears",
    "wellbeing",
    "wants",
    "summary",
)

# Summary sections a person can correct or remove from the preview, with the questions in each.
SECTIONS: dict[str, tuple[str, ...]] = {
    "consultant": ("relationship", "consultant_role"),
    "concerns": ("concerns", "primary"),
    "immediate": ("immediate",),
    "hikikomori": ("outing", "duration", "aware", "wants_support"),
    "household": (
        "household",
        "subject_age",
        "consultant_age",
        "parent_health",
        "father_health",
        "mother_health",
        "care_cert",
    ),
    "money": ("income", "arrears"),
    "wellbeing": ("wellbeing",),
    "wants": ("wants",),
}

COMMANDS = {
    "c:back": ("戻る", "もどる", "back"),
    "c:restart": ("はじめから", "最初から", "さいしょから", "restart", "start over"),
    "c:delete": ("削除", "さくじょ", "消して", "けして", "delete", "delete my data"),
    "c:staff": (
        "相談員と話したい",
        "そうだんいんとはなしたい",
        "人と話したい",
        "talk to staff",
        "talk to a person",
    ),
    "c:danger": (
        "いま危ない",
        "今危ない",
        "いまあぶない",
        "i am in danger",
        "i'm in danger",
        "im in danger",
        "あぶない",
        "たすけて",
    ),
    "c:withdraw": ("取り消す", "とりけす", "同意を取り消す", "withdraw"),
    # the follow-up opt-in withdrawn (no check-in, no caseworker message after closing)
    "c:quiet": (
        "連絡はもう大丈夫です",
        "連絡はもう大丈夫",
        "れんらくはもうだいじょうぶです",
        "連絡不要",
        "no more contact",
    ),
    # places to go on request (flows/resources.py)
    "c:places:ibasho": ("居場所", "いばしょ", "drop-in place"),
    "c:places:family_group": ("家族会", "かぞくかい", "family association"),
    "c:lang:ja": ("日本語", "にほんご"),
    "c:lang:ja-easy": ("やさしい日本語", "やさしいにほんご", "easy japanese"),
    "c:lang:en": ("english", "英語"),
    "c:resume": ("続き", "つづき", "続きから", "continue"),
    "u:later": ("あとで", "後で", "later"),
    "u:stop": ("やめる", "止める", "stop"),
    "u:skip": ("答えたくない", "こたえたくない", "skip", "prefer not to say"),
    "u:unknown": ("わからない", "分からない", "don't know", "dont know"),
}
LANGUAGES = ("ja", "ja-easy", "en")


def fold(text: str) -> str:
    """Text as compared with command words and button labels (NFKC, lower case, no spaces)."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split()).strip("。.!！?？")


_COMMAND_WORDS = {fold(word): code for code, words in COMMANDS.items() for word in words}


def command_for(text: str) -> str | None:
    """A typed command word (戻る, 削除, あとで, English…) recognised anywhere."""
    return _COMMAND_WORDS.get(fold(text))
