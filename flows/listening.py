"""Reading what a person wrote in their own words: which answer it is, or whether it is noise.

A frightened parent writes 「むすこ」 to 「どなたのことで」 or 「へやから でてこない」 to the
concerns list; a wary man writes 「別に」. The intake takes the first as the answer, adds the
second to the list, and keeps the third out of the summary a caseworker reads (issue 13).
Everything here reads redacted text only and is pure, so the graph stays deterministic.
"""

from __future__ import annotations

import re
import unicodedata

REDACTED = "〔"  # how pii.redact marks what it took out (〔氏名〕, 〔電話番号〕)
SNIPPET = 16  # characters of the person's own words quoted back in an acknowledgement
KEEP_OVER = 15  # words read as an answer are kept as a note too only when longer than this


def _pattern(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives))


# question -> (value, words that mean it), first match wins for single-choice questions.
_WORDS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "relationship": (
        (
            "child",
            _pattern(
                r"息子|娘|子ども|子供|こども|長男|次男|三男|長女|次女|むすこ|むすめ",
                r"\bsons?\b|daughter|\bmy (kid|child)",
            ),
        ),
        ("sibling", _pattern(r"兄|弟|姉|妹|きょうだい|あに|おとうと|brother|sister|sibling")),
        ("spouse", _pattern(r"夫|妻|主人|旦那|だんな|嫁|husband|wife|partner")),
        ("parent", _pattern(r"父|母|親|ちち|はは|mother|father|\bmom\b|\bdad\b|parent")),
        ("self", _pattern(r"自分|じぶん|わたし自身|私自身|僕自身|本人です|myself|about me")),
    ),
    "consultant_role": (
        ("mother", _pattern(r"母|はは|ママ|まま|mother|\bmom\b|\bmum\b")),
        ("father", _pattern(r"父|ちち|パパ|ぱぱ|father|\bdad\b")),
    ),
    "concerns": (
        (
            "hikikomori_futoko",
            _pattern(
                r"部屋|へや|出てこな|でてこな|出られな|でられな|出ない|でない|ひきこも|引きこも",
                r"閉じこも|とじこも|不登校|ふとうこう|学校に行",
                r"\broom\b|leave the house|go out|goes out|shut (himself|herself) in",
            ),
        ),
        ("income_living", _pattern(r"お金|おかね|生活費|収入|しゅうにゅう|money|income")),
        ("care", _pattern(r"介護|かいご|caring for|caregiv")),
        ("health_disability", _pattern(r"病気|びょうき|障害|しょうがい|体調|health|illness")),
        (
            "family_relations",
            _pattern(r"親が|おやが|家族と|かぞくと|けんか|喧嘩|うるさい|口論", r"nag|argu|fight"),
        ),
        ("debt", _pattern(r"借金|しゃっきん|借りた|かりた|debt|loan")),
        ("housing", _pattern(r"住まい|すまい|住む|すむところ|housing|somewhere to live")),
        ("job_search", _pattern(r"仕事探|しごとさが|仕事がない|しごとがない|find work|a job")),
        ("no_food", _pattern(r"食べ物がない|たべものがない|食べるものがない|no food")),
    ),
    "immediate": (
        ("food", _pattern(r"食べ物|たべもの|食べる|たべる|food")),
        ("utilities", _pattern(r"電気|でんき|ガス|水道|すいどう|power|gas|water")),
        ("eviction", _pattern(r"出され|だされ|追い出|おいだ|evict")),
        ("money_month", _pattern(r"お金が足り|おかねがたり|今月|こんげつ|money this month")),
        (
            "none",
            _pattern(r"^(特に|とくに|別に|べつに)?(ない|ないです|ありません)$|^(nothing|none|no)$"),
        ),
    ),
    "outing": (
        ("8", _pattern(r"部屋から|へやから|自室|じしつ|(his|her|their) room")),
        ("7", _pattern(r"家の中|いえのなか|うちのなか|in the house")),
        ("6", _pattern(r"コンビニ|こんびに|近所|きんじょ|convenience|local shop")),
    ),
    "aware": (
        ("not_know", _pattern(r"知らな|しらな|知りません|しりません|doesn'?t know|does not know")),
        ("cannot_talk", _pattern(r"話せな|はなせな|can'?t talk|cannot talk")),
        ("knows", _pattern(r"知って|しって|知っ|knows")),
    ),
    "wants_support": (
        ("no", _pattern(r"望んでいな|のぞんでいな|嫌が|いやが|いらない|doesn'?t want|refuses")),
        ("yes", _pattern(r"望んで|のぞんで|助けてほしい|たすけてほしい|wants help")),
    ),
    "household": (
        ("alone", _pattern(r"ひとり|一人|独り|alone|by (him|her)self|on (his|her|my) own")),
        ("grandparent", _pattern(r"祖父|祖母|おじいちゃん|おばあちゃん|grandparent|grandm|grandf")),
        ("father", _pattern(r"(?<!祖)父|ちち|おとうさん|father|\bdad\b")),
        ("mother", _pattern(r"(?<!祖)母|はは|おかあさん|mother|\bmom\b|\bmum\b")),
        ("spouse", _pattern(r"夫|妻|つま|おっと|wife|husband|partner")),
        ("sibling", _pattern(r"兄|弟|姉|妹|きょうだい|brother|sister")),
        ("child", _pattern(r"子ども|こども|息子|娘|むすこ|むすめ|\bsons?\b|daughter|children")),
    ),
    "parent_health": (
        ("inpatient", _pattern(r"入院|にゅういん|in (the )?hospital")),
        ("needs_care", _pattern(r"介護|かいご|needs care")),
        ("outpatient", _pattern(r"通院|つういん|病院|びょういん|通って|かよって|doctor")),
        ("well", _pattern(r"元気|げんき|\bwell\b|\bfine\b")),
    ),
    "income": (
        ("pension", _pattern(r"年金|ねんきん|pension")),
        ("welfare", _pattern(r"生活保護|せいかつほご|welfare")),
        ("allowance", _pattern(r"手当|てあて|allowance|benefit")),
        ("savings", _pattern(r"貯金|ちょきん|貯え|たくわえ|savings")),
        (
            "none",
            _pattern(r"収入はない|収入がない|しゅうにゅうはない|しゅうにゅうがない|no income"),
        ),
        ("work", _pattern(r"仕事|しごと|給料|きゅうりょう|パート|バイト|\bwork|\bjob|salary|wage")),
    ),
    "arrears": (
        ("rent", _pattern(r"家賃|やちん|\brent\b")),
        ("utilities", _pattern(r"電気|でんき|ガス|水道|すいどう|光熱|utilit")),
        ("tax", _pattern(r"税|ぜいきん|\btax")),
        ("nhi", _pattern(r"国保|国民健康保険|こくほ|health insurance")),
        ("debt", _pattern(r"借金|しゃっきん|ローン|ろーん|debt|loan")),
        (
            "none",
            _pattern(r"^(特に|とくに|別に|べつに)?(ない|ないです|ありません)$|^(nothing|none|no)$"),
        ),
    ),
    "wellbeing": (
        ("cannot_sleep", _pattern(r"眠れ|ねむれ|つらい|辛い|can'?t sleep|cannot sleep")),
        ("tired", _pattern(r"疲れ|つかれ|くたくた|tired|exhausted|worn out")),
        ("outpatient", _pattern(r"通院|つういん|病院|びょういん|doctor")),
        ("ok", _pattern(r"^(大丈夫|だいじょうぶ|元気|げんき|fine|ok|okay|i'?m fine)(です)?$")),
    ),
    "wants": (
        ("listen", _pattern(r"聞いて|きいて|話を|はなしを|listen|talk to someone")),
        ("info", _pattern(r"情報|じょうほう|知りたい|しりたい|information")),
        ("talk_staff", _pattern(r"窓口|まどぐち|相談員|そうだんいん|staff|a person")),
        ("how_to_relate", _pattern(r"接し方|せっしかた|どう接|how to (deal|talk|relate|treat)")),
        ("after_parents", _pattern(r"亡き後|なきあと|亡くなった|死んだ後|after (we|i)'?re gone")),
    ),
}
_WORDS["primary"] = _WORDS["concerns"]

_NUMBER = re.compile(r"(\d{1,3})")
_YEARS = re.compile(r"(\d{1,2}|半)\s*(年|ねん|years?)")
_MONTHS = re.compile(r"(\d{1,2})\s*(か月|ヶ月|カ月|かげつ|months?)")

# Words that carry no answer; kept out of the summary (issue 13: 「なにこれ」「別に」「9」).
_WHAT = re.compile(
    r"^(なにこれ|何これ|なんだこれ|なんですか?これ|これなに|これは?何|whatisthis|what\?*)$"
)
_SHRUG = re.compile(
    r"^(別に|べつに|べつにー*|なんでも|なんでもいい|whatever|meh|idk|\?+|？+|…+|\.+)$"
)
_FILLER = re.compile(r"^(test|テスト|てすと|あ+|え+|は[?？]*|w+|笑|草|ok|おk|うん|はい|いいえ)$")


def fold(text: str) -> str:
    """NFKC, lower case, inner spaces kept single (English needs them), ends trimmed."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(text.split()).strip("。.!！ ")


def _tight(text: str) -> str:
    return fold(text).replace(" ", "")


def snippet(text: str) -> str:
    """The person's words as quoted back: short, one line."""
    line = " ".join(text.split())
    return line if len(line) <= SNIPPET else line[: SNIPPET - 1] + "…"


def noise(text: str) -> str | None:
    """'what' (a question about the bot), 'short' (one character, a lone number) or 'shrug'
    ('別に'), or None when the text may carry meaning."""
    tight = _tight(text)
    if _WHAT.match(tight):
        return "what"
    if _SHRUG.match(tight):
        return "shrug"
    if len(tight) <= 1 or tight.isdigit() or _FILLER.match(tight):
        return "short"
    return None


def _age_band(text: str, values: tuple[str, ...]) -> list[str]:
    match = _NUMBER.search(_tight(text))
    if not match:
        return []
    years = int(match.group(1))
    if years < 10:
        return []
    band = "80s_plus" if years >= 80 else f"{years // 10 * 10}s"
    return [band] if band in values else []


def _duration(text: str) -> list[str]:
    tight = _tight(text)
    months: float | None = None
    if m := _YEARS.search(tight):
        months = 6 if m.group(1) == "半" else int(m.group(1)) * 12
    elif m := _MONTHS.search(tight):
        months = int(m.group(1))
    if months is None:
        return []
    for limit, value in ((6, "lt6m"), (12, "6m_1y"), (36, "1_3y"), (60, "3_5y"), (120, "5_10y")):
        if months < limit:
            return [value]
    return ["10y_plus"]


def interpret(qid: str, text: str, values: tuple[str, ...]) -> list[str]:
    """The option values of question ``qid`` that ``text`` means, best first (may be empty)."""
    if qid in ("subject_age", "consultant_age"):
        return _age_band(text, values)
    if qid == "duration":
        return _duration(text)
    folded, tight = fold(text), _tight(text)
    found: list[str] = []
    for value, pattern in _WORDS.get(qid, ()):
        if (
            value in values
            and value not in found
            and (pattern.search(folded) or pattern.search(tight))
        ):
            found.append(value)
    return found


def meaningful(text: str, values: list[str]) -> bool:
    """Whether the words say more than the answer they were read as (then they are kept as a
    note): 「こしがいたくて びょういんに かよってます」 yes, 「むすこ」 no."""
    return len(_tight(text)) > KEEP_OVER if values else noise(text) is None


def meaning(qid: str, raw: str) -> list[str]:
    """What the person's words before redaction answer at question ``qid`` (option values only,
    no text: the service passes these to the graph with the redacted words)."""
    from flows.questions import QUESTIONS

    target = "relationship" if qid == "intro" else qid
    question = QUESTIONS.get(target)
    if question is None or not question.values:
        return []
    return interpret(target, raw, question.values)
