"""Crisis triage (危機トリアージ) on the raw text of one inbound message.

Runs before the conversation graph. Pure: no I/O, no logging, standard library only.
The caller may log `level`, `category`, `rule_id` and `flags` of the result, never the text.

Levels follow DOMAIN.md §9 (P0 緊急, P1 高, P2 中, P3 情報); categories follow CRISIS.md;
flags are the DOMAIN.md §4 letters (A, A+, B, C, H, D, E, F, G, I).

How a message is read:

1. Normalised twice: `normalise_ja` (NFKC, lower case, spaces and emoji removed, katakana
   turned into hiragana, タヒ/氏/市 read as 死 before にたい etc.) cut into sentences, and
   `normalise_en` (lower case, apostrophes dropped, spaces kept). A message with line breaks
   is also read joined up (死に⏎たい), keeping that reading only where it is more severe.
2. The named rules in `flows.triage_rules.RULES` (most severe first) are tried on every
   sentence. A rule has an anchor pattern, patterns it `requires` nearby, and `unless`
   patterns that cancel it.
3. Each hit is then read in context: quoted drama/news, negation right after the signal,
   distant past (昔は, 子供の頃) and whether the message says it is over (今は元気).
   These lower or cancel the hit as the rule says; they never raise it.
4. The most severe hit wins; ties go to the rule listed first.

Negation choice: 「死にたいわけじゃない」 stays P1. DOMAIN §4 asks to "still ask gently once",
which is exactly the P1 script (a direct, kind question); people often minimise, and a wrong
P1 costs one question while a missed one costs far more. A denied *plan* (「死ぬつもりはない」,
「方法を考えてるわけじゃない」) lowers P0 to P1. 「死にたくない」 itself is not a signal.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flows import triage_meta, triage_model
from flows.triage_rules import (
    HYPO_AFTER,
    HYPO_BEFORE,
    KATA_TO_HIRA,
    KEEP,
    LISTED_AFTER,
    MEDIA,
    MENTION_AFTER,
    NEG_AFTER,
    ONGOING,
    PAST_AFTER,
    PAST_DISTANT,
    PAST_REF,
    PERSON,
    RESOLVED,
    RULES,
    SELF,
    WORK_CONTENT,
    Outcome,
    Rule,
    rx,
)
from flows.triage_units import sentences

LEVEL_ORDER: tuple[str, ...] = ("P0", "P1", "P2", "P3")
"""Levels from most to least severe; `None` (nothing to act on) ranks below all of them."""

FLAG_ORDER: tuple[str, ...] = ("A", "A+", "B", "C", "H", "D", "E", "F", "G", "I")

CATEGORY_FLAG: dict[str, str] = {
    "suicide_imminent": "A+",
    "suicidal_ideation": "A",
    "self_harm": "B",
    "violence_now": "C",
    "violence_home": "C",
    "harm_others": "H",
    "elder_abuse": "D",
    "neglect": "E",
    "medical_emergency": "F",
    "lifeline": "G",
    "despair": "I",
}


CATEGORY_LABELS: dict[str, str] = {
    "suicide_imminent": "自殺の危険（差し迫った）",
    "harm_others": "他害・心中の危険",
    "medical_emergency": "救急の可能性",
    "violence_now": "暴力（いま）",
    "self_report": "「いま危ない」が押された",
    "suicidal_ideation": "希死念慮",
    "self_harm": "自傷",
    "violence_home": "家庭内の暴力",
    "elder_abuse": "高齢者への虐待の疑い",
    "neglect": "安否の心配",
    "lifeline": "生活の危機（食事・電気等）",
}
"""How staff read a category (alert cards, on-call alerts): never resident words."""


def level_rank(level: str | None) -> int:
    """0 for P0 … 3 for P3; anything else (None, an unknown code) ranks after them."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def max_level(a: str | None, b: str | None) -> str | None:
    """The more severe of two levels (P0 > P1 > P2 > P3 > None)."""
    return a if level_rank(a) <= level_rank(b) else b


@dataclass(frozen=True)
class Assessment:
    level: str | None = None
    category: str | None = None
    rule_id: str | None = None
    third_party: bool = False
    flags: tuple[str, ...] = ()
    ask: bool = False  # unsure: ask one gentle safety question before going on
    span: tuple[int, int] | None = None  # offsets of the deciding unit, never its text

    @property
    def is_crisis(self) -> bool:
        """P0 or P1: the crisis script runs and the handoff gets a priority flag."""
        return self.level in ("P0", "P1")


# --------------------------------------------------------------------------- normalisation

_DROP_CATEGORIES = {"So", "Sk", "Cf", "Co", "Cs", "Cn", "Mn", "Me"}
_QUOTES = str.maketrans({"『": "「", "』": "」", "“": "「", "”": "」", "«": "「", "»": "」"})
_SENTENCE_END = re.compile(r"[\n。.!?]+")
# Net-slang spellings of 死, only where the next kana make the reading certain.
_VARIANTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"タヒ(?=[にぬねんのっ]|ニ|ヌ|ネ|ン)"), "死"),
    (re.compile(r"[氏市](?=にた[いくぃ](?!して|する|し[、,]))"), "死"),
    (re.compile(r"[氏市](?=んじゃいたい|んでしまいたい|にてえ)"), "死"),
)


class _SymbolTable(dict[int, int | None]):
    """`str.translate` table that drops emoji, marks and other symbols: each code point's
    Unicode category is looked up once, then remembered."""

    def __missing__(self, code: int) -> int | None:
        keep: int | None = None if unicodedata.category(chr(code)) in _DROP_CATEGORIES else code
        if len(self) < 65536:
            self[code] = keep
        return keep


_SYMBOLS = _SymbolTable()


def _strip_symbols(text: str) -> str:
    return text.translate(_SYMBOLS)


def normalise_ja(text: str) -> str:
    """The Japanese matching form: sentences joined by 「。」, no spaces, hiragana for katakana."""
    s = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    s = _SENTENCE_END.sub("。", s)
    s = re.sub(r"\s+", "", _strip_symbols(s))
    for pattern, replacement in _VARIANTS:
        s = pattern.sub(replacement, s)
    s = s.translate(KATA_TO_HIRA)
    return s.replace("たぃ", "たい").replace("ぃ。", "い。")


def lemma_form(text: str) -> str:
    """The form the lemmatiser reads: NFKC and net-slang 死, kanji and kana kept as written."""
    s = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    for pattern, replacement in _VARIANTS:
        s = pattern.sub(replacement, s)
    return s


def normalise_en(text: str) -> str:
    """The English matching form: sentences joined by '. ', single spaces, no apostrophes."""
    s = unicodedata.normalize("NFKC", text).lower()
    s = s.replace("’", "").replace("‘", "").replace("'", "").replace("`", "")
    s = _SENTENCE_END.sub(". ", _strip_symbols(s))
    return re.sub(r"[ \t\r\f\v]+", " ", s).strip()


# --------------------------------------------------------------------------- matching

_PERSON_SUBJECT = re.compile(
    rx(PERSON).pattern + r"(?:が|は|も|って|ったら|、|(?=息|意識|倒れ)"
    r"|の(?:腕|手首|体|からだ|足|顔|部屋|机|ベッド|スマホ|携帯|ノート|日記|鞄|かばん|荷物|検索履歴))"
)
_SELF_SUBJECT = rx(SELF)
_VICTIM = re.compile(
    rx(PERSON).pattern
    + r"(?:を|のこと|の(?:首|顔|頭|腕|体|からだ|髪|お腹|足)|に(?:対して)?(?:暴力|手を|暴言)|(?:が|は).{0,12}(?:られ|かれ))"
)
_SAY_AFTER = rx(
    r"^[」\"]?(?:と|って|っと)(?:言|い|書|か|話|はな|口|叫|さけ|つぶや|メール|line|ライン|ぽつり|泣)"
)
_EN_OTHER = re.compile(
    r"\b(?:my|his|her|our) (?:son|daughter|brother|sister|mom|mother|dad|father|husband|wife|partner|boyfriend|girlfriend"
    r"|grandma|grandmother|grandpa|grandfather|friend|kid|child|parents?|uncle|aunt|neighbou?r)\b|^(?:he|she|they)\b|\. (?:he|she)\b"
)
_EN_SELF = re.compile(r"\bi\b|\bim\b|\bme\b|\bmyself\b")
_MEDIA = rx(MEDIA)
_CHARACTER = rx(r"主人公|キャラ|登場人物|俳優|芸能人|有名人|推し")
_WORK_BEFORE = re.compile(
    rx(WORK_CONTENT).pattern + r"(?:の中|に|で|は|も|が|って)?[、,]?[^。てた]{0,6}$"
)
_LISTED_AFTER = rx(LISTED_AFTER)
_PAST = rx(PAST_DISTANT)
_PAST_AFTER = re.compile(PAST_AFTER)
_PAST_REF = re.compile(PAST_REF)
_HYPO_BEFORE = rx(HYPO_BEFORE)
_CONDITIONAL = re.compile(r"(?:た|だ)ら|れば|場合|とき|時")
_RESOLVED = rx(RESOLVED)
_ONGOING = rx(ONGOING)
_EN_NEG_BEFORE = re.compile(r"(?:dont|do not|not|never|no longer) (?:really )?(?:\w+ )?$")


@dataclass(frozen=True)
class _Text:
    text: str
    starts: tuple[int, ...]  # start offset of each sentence

    @classmethod
    def split(cls, text: str, sep: str) -> _Text:
        starts = [0]
        i = text.find(sep)
        while i != -1:
            starts.append(i + len(sep))
            i = text.find(sep, i + len(sep))
        return cls(text, tuple(starts))

    def sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def span(self, index: int, scope: int = 0) -> tuple[int, int]:
        lo = max(0, index - scope)
        hi = min(len(self.starts) - 1, index + scope)
        end = self.starts[hi + 1] if hi + 1 < len(self.starts) else len(self.text)
        return self.starts[lo], end


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    level: str
    category: str
    rule_id: str
    third_party: bool


def _inside_quote(sentence: str, pos: int) -> bool:
    before = sentence[:pos]
    return before.count("「") > before.count("」") or before.count('"') % 2 == 1


def _quoted_report(sentence: str, start: int, end: int) -> bool:
    """The signal is inside quotes that are followed by 'said/wrote': someone else's words."""
    if not _inside_quote(sentence, start):
        return False
    close = sentence.find("」", end)
    if close == -1:
        close = sentence.find('"', end)
    return close != -1 and bool(_SAY_AFTER.search(sentence[close : close + 8]))


def _third_party(rule: Rule, sentence: str, start: int, end: int) -> bool:
    if rule.who in ("always", "never"):
        return rule.who == "always"
    before = sentence[:start]
    if rule.lang == "en":
        other = list(_EN_OTHER.finditer(before))
        if not other:
            return False
        return not _EN_SELF.search(before[other[-1].end() :])
    if rule.who == "victim":
        return bool(_VICTIM.search(sentence[: end + 12]))
    if (
        rule.who == "patient"
        and not _PERSON_SUBJECT.search(before)
        and not _SELF_SUBJECT.search(sentence)
    ):
        # 「薬を大量に飲んだみたいで母がぐったり」: for a medical signal the patient may come later.
        return bool(_PERSON_SUBJECT.search(sentence[end:]))
    quoted = _quoted_report(sentence, start, end)
    people = list(_PERSON_SUBJECT.finditer(before))
    selves = list(_SELF_SUBJECT.finditer(before))
    last_person = people[-1].end() if people else -1
    last_self = selves[-1].end() if selves else -1
    if quoted:
        opener = max(before.rfind("「"), before.rfind('"'))
        return not (last_self > last_person and last_self <= opener)
    return last_person > last_self


def _next_sentence(doc: _Text, index: int) -> str:
    if index + 1 >= len(doc.starts):
        return ""
    lo, hi = doc.span(index + 1, 0)
    return doc.text[lo:hi]


def _hypothetical(before: str, after: str) -> bool:
    """Only a condition or a worry about the future: 倒れたら, もし暴れたら, 私が死んだら追い出される."""
    return bool(HYPO_AFTER.search(after)) or bool(_HYPO_BEFORE.search(before))


def _mentioned(sentence: str, start: int, after: str) -> bool:
    """A quoted word talked about in a condition: 「死にたい」という言葉を子どもが口にしたら."""
    return (
        _inside_quote(sentence, start)
        and bool(MENTION_AFTER.search(after))
        and bool(_CONDITIONAL.search(after))
    )


def _media_excluded(sentence: str, start: int, end: int) -> bool:
    """Quoted drama/news, a character as the subject, or words listed as what a song or
    story is about (「歌詞、死とか消えたいとかばっかり」): not the writer's own situation."""
    if not _MEDIA.search(sentence):
        return False
    if _inside_quote(sentence, start) or bool(_CHARACTER.search(sentence[:start])):
        return True
    return bool(_WORK_BEFORE.search(sentence[:start])) and bool(
        _LISTED_AFTER.search(sentence[end:])
    )


def _apply(outcome: Outcome, rule: Rule, suffix: str) -> tuple[str | None, str | None, str]:
    if outcome == KEEP:
        return rule.level, rule.category, rule.id + suffix
    return outcome[0], outcome[1], rule.id + suffix


def _judge(rule: Rule, doc: _Text, message: str, m: re.Match[str]) -> _Hit | None:
    index = doc.sentence_of(m.start())
    lo, hi = doc.span(index, rule.scope)
    window = doc.text[lo:hi]
    s_lo, s_hi = doc.span(index, 0)
    sentence = doc.text[s_lo:s_hi]
    start, end = m.start() - s_lo, m.end() - s_lo

    if any(not p.search(window) for p in rule.requires):
        return None
    if any(p.search(window) for p in rule.unless):
        return None
    if rule.lang == "ja" and rule.media_check and _media_excluded(sentence, start, m.end() - s_lo):
        return None

    level: str | None = rule.level
    category: str | None = rule.category
    rule_id = rule.id
    after = sentence[end:]
    if rule.level in ("P0", "P1") and rule.lang == "ja" and _mentioned(sentence, start, after):
        return _Hit(rule, "P2", "despair", rule.id + ":mention", False)
    if rule.lang == "ja":
        negated = bool(NEG_AFTER.search(after))
    else:
        negated = bool(_EN_NEG_BEFORE.search(sentence[max(0, start - 24) : start]))
    negated = negated or any(p.search(window) for p in rule.softened_by)
    if negated:
        level, category, rule_id = _apply(rule.negated, rule, ":negated")
    elif rule.lang == "ja" and rule.hypothetical != KEEP and _hypothetical(sentence[:start], after):
        level, category, rule_id = _apply(rule.hypothetical, rule, ":hypothetical")
    else:
        markers = rule.past_markers or _PAST
        before = sentence[:start]
        past = bool(markers.search(before)) or (
            rule.past_markers is None
            and rule.lang == "ja"
            and (
                bool(_PAST_AFTER.search(after))
                or bool(_PAST.search(after))
                or bool(_PAST_REF.search(_next_sentence(doc, index)))
            )
        )
        if past and rule.lang == "ja" and rule.past != KEEP:
            ongoing = bool(_ONGOING.search(message))
            if ongoing:
                pass
            elif _RESOLVED.search(message):
                distant = rule.distant_resolved is not None and bool(_PAST.search(before))
                outcome = rule.distant_resolved if distant else rule.resolved
                assert outcome is not None
                level, category, rule_id = _apply(outcome, rule, ":resolved")
            else:
                level, category, rule_id = _apply(rule.past, rule, ":past")
    if level is None or category is None:
        return None
    return _Hit(rule, level, category, rule_id, _third_party(rule, sentence, start, end))


def _hits(ja: _Text, en: _Text, only: Callable[[Rule], bool] | None = None) -> Iterable[_Hit]:
    for rule in RULES:
        if only is not None and not only(rule):
            continue
        doc = ja if rule.lang == "ja" else en
        best: _Hit | None = None
        for m in rule.pattern.finditer(doc.text):
            hit = _judge(rule, doc, doc.text, m)
            if hit is not None and (best is None or level_rank(hit.level) < level_rank(best.level)):
                best = hit
                if hit.level == rule.level:
                    break
        if best is not None:
            yield best


def _media_only(doc: _Text) -> bool:
    """A P0/P1 signal was read and set aside as a song, story or news item: the classifier,
    which cannot tell a lyric from a confession, must not bring it back. Only sentences with a
    song, story or news word can be set aside, so only they are read again."""
    media = sorted({doc.sentence_of(m.start()) for m in _MEDIA.finditer(doc.text)})
    for index in media:
        s_lo, s_hi = doc.span(index, 0)
        sentence = doc.text[s_lo:s_hi]
        for rule in _MEDIA_RULES:
            for m in rule.pattern.finditer(doc.text, s_lo, s_hi):
                if _media_excluded(sentence, m.start() - s_lo, m.end() - s_lo):
                    return True
    return False


_MEDIA_RULES = tuple(
    r for r in RULES if r.lang == "ja" and r.media_check and r.level in ("P0", "P1")
)


def _rule_hits(text: str) -> tuple[list[_Hit], _Text]:
    ja = _Text.split(normalise_ja(text), "。")
    en = _Text.split(normalise_en(text), ". ")
    hits = list(_hits(ja, en))
    if "\n" in text:
        # Phone typing breaks lines inside words (死に⏎たい); read the message joined up too
        # and keep the joined reading only where it is more severe.
        # A rule never raises its own level, so only rules above the split reading's best can
        # add anything.
        best_split = min((level_rank(h.level) for h in hits), default=len(LEVEL_ORDER))
        joined = _Text.split(normalise_ja(text.replace("\n", "")), "。")
        if joined.text != ja.text:  # every break after a full stop: the same reading
            extra = _hits(joined, en, lambda r: r.lang == "ja" and level_rank(r.level) < best_split)
            hits += [h for h in extra if level_rank(h.level) < best_split]
    return hits, ja


def rule_reading(text: str) -> tuple[_Hit | None, list[_Hit], _Text]:
    """The rules' most severe hit (P3 left out), every hit, and the Japanese matching form."""
    hits, ja = _rule_hits(text)
    hits = [h for h in hits if h.level != "P3"]
    top = min(hits, key=lambda h: level_rank(h.level)) if hits else None  # earlier rules win ties
    return top, hits, ja


def evidence(
    text: str,
    top: _Hit | None,
    ja: _Text,
    p0: float | None,
    p01: float | None,
    neglect: bool = False,
) -> triage_meta.Evidence:
    """What the final step reads: the rules' verdict and the sentence model's scores (`neglect`:
    the model's most dangerous unit reads as neglect)."""
    return triage_meta.Evidence(
        rule_level=top.level if top else None,
        rule_category=top.category if top else None,
        rule_id=top.rule_id if top else None,
        third_party=top.third_party if top else False,
        model_p0=p0,
        model_p01=p01,
        sentences=len(sentences(text.replace("\n", ""))),  # a line break is not context
        length=len(text),
        media_only=_media_only(ja) if top is not None or (p01 or 0.0) > 0.3 else False,
        model_neglect=neglect,
    )


def assess(text: str, *, info: bool = False) -> Assessment:
    """Triage one inbound message. Never raises on odd input; never keeps or logs the text.

    The rules read every sentence; the sentence model reads every sentence in its context; the
    final step (`flows.triage_meta`) weighs both and says P0, P1, or — between "clearly safe"
    and "alarm" — `ask` (the bot then asks one safety question). `span` is the offsets of the
    model's most dangerous unit.

    P3 (a question about services) is only reported with `info=True`: a caller that records
    every non-None level as a crisis (bot/service.py does today) should not see it.
    """
    if not text or not text.strip():
        return Assessment()
    top, hits, ja = rule_reading(text)
    flags: set[str] = set()
    for h in hits:
        if h.level in ("P0", "P1", "P2"):
            flags.add(CATEGORY_FLAG[h.category])
            flags.update(h.rule.extra_flags)
    # a rule P0 in a message too short to doubt stands as it is: the model is not needed
    short = top is not None and top.level == "P0" and len(text) < triage_meta.DOUBT_MIN_LENGTH
    scores = None if short else _model_scores(text, ja)
    model = triage_model.load()
    if model is None or model.meta is None:
        return _rules_only(top, flags, info, text)
    found = (
        evidence(text, top, ja, None, None)
        if scores is None
        else evidence(text, top, ja, scores.p0, scores.p01, scores.reading() == "neglect")
    )
    decision = triage_meta.decide(model.meta, found)
    level, category = _level_and_category(decision.level, top, scores)
    if level is None and info and top is None:
        service_question = _rules_only(None, flags, info, text)  # P3, when asked for
        level, category = service_question.level, service_question.category
    if category in CATEGORY_FLAG:
        flags.add(CATEGORY_FLAG[category])
    rule_id = top.rule_id if top is not None else ("model" if level else None)
    if level in (None, "P2") and top is not None and top.level in ("P0", "P1"):
        rule_id = f"{top.rule_id}:asked"  # the rules fired, the final step is unsure: ask
    return Assessment(
        level=level,
        category=category,
        rule_id=rule_id,
        third_party=top.third_party if top is not None else False,
        flags=tuple(f for f in FLAG_ORDER if f in flags) if level else (),
        ask=decision.ask,
        span=scores.span if scores is not None else None,
    )


def _level_and_category(
    level: str | None, top: _Hit | None, scores: triage_model.Scores | None
) -> tuple[str | None, str | None]:
    """The final level's category: the rule's when it agrees, else the model's best."""
    if level in ("P0", "P1"):
        if top is not None and top.level == level:
            return level, top.category
        allowed = triage_model.P0_CATEGORIES if level == "P0" else triage_model.P1_CATEGORIES
        if scores is not None:
            return level, scores.best_category(allowed)
        return level, top.category if top is not None else allowed[0]
    if top is not None and top.level == "P2":
        return "P2", top.category
    return None, None


def _rules_only(top: _Hit | None, flags: set[str], info: bool, text: str) -> Assessment:
    """Without a model file: the rules alone (P3 only when asked for)."""
    if top is None and info:
        hits, _ = _rule_hits(text)
        p3 = [h for h in hits if h.level == "P3"]
        top = p3[0] if p3 else None
    if top is None:
        return Assessment()
    return Assessment(
        level=top.level,
        category=top.category,
        rule_id=top.rule_id,
        third_party=top.third_party,
        flags=tuple(f for f in FLAG_ORDER if f in flags),
    )


# Character n-grams of a few characters are no evidence: 「特にない」 or 「わからない」 (a typed
# answer) must never read as ideation.
MODEL_MIN_CHARS = 8


def _model_scores(text: str, ja: _Text) -> triage_model.Scores | None:
    if len(ja.text) < MODEL_MIN_CHARS:
        return None
    model = triage_model.load()
    return triage_model.score(text, model) if model is not None else None
