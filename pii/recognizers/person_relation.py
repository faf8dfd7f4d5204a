"""PERSON after a kin or label word: 母：松本 キヨ, 息子の浩一（, 主人は勝、, 名前はれおん."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pii.nlp import SudachiArtifacts, SudachiNlpEngine, Tok
from pii.recognizers._base import HIRA, HIRA_RE, KANA_RE, KANJI, KATA, KATA_RE, ROMAJI_RE
from pii.recognizers.lexicon import HONORIFICS, KIN, NOT_NAME, PERSON_HAS, kana_ok, words
from pii.recognizers.person_tokens import chunk, strong_name

SELF_INTRO_RE = re.compile(
    r"(?:^|(?<=[\n。、!！?？])|(?<=ております)|(?<=ています)|(?<=の)|(?<=の ))[ ]*"
    r"(?:(?:わたし|私|ぼく|僕|あたし)(?:は|の名前は|の なまえは) ?)?"
    r"(?P<n>[^\s、。\n!！?？:：()（）]{1,8}(?: [^\s、。\n!！?？:：()（）]{1,6})?) ?"
    r"(?=です|と申します|ともうします|といいます|と いいます|と言います|でございます)"
)
_AFTER_NO = re.compile(r"^(?:が|は|と|も|を|に|の|、|。|,|\(|（|\)|）|ちゃん|くん|君|です|\n|$| )")
_AFTER_WA = re.compile(
    r"^(?: ?(?:です|でした|だよ|って|っていう|という|と申|といい|でいい|でお願い|で大丈夫|ちゃん|くん|君|さん)"
    r"|で[、, ]|、|。|,|\(|（|\)|）|\n|$| (?=\S))"
)
_AFTER_LABEL = re.compile(
    r"^(?:\s|$|、|。|,|\(|（|\)|）|です|で[、, ]|が|は|と|も|を|に|の|ちゃん|くん|君|さん|\d)"
)
_NAME_LABELS = frozenset(
    {
        "名前",
        "なまえ",
        "お名前",
        "氏名",
        "ハンドルネーム",
        "名",
        "通称",
        "愛称",
        "あだ名",
        "あだな",
        "ニックネーム",
        "旧姓",
    }
)
NAME_LABEL_RE = re.compile(
    r"(?:名前|なまえ|お名前|氏名|ハンドルネーム|ニックネーム|あだ名|あだな)(?:は|:|：| )[ ]*"
    r"(?P<n>[^\s、。,!?()（）「」:：]{1,8}?(?: [^\s、。,!?()（）「」:：]{1,6}?)?)(?=って|っていう|でいい|でお願い|です|で[、。 ]|で$|で\n|、|。|\n|$|\(|（| [(（]| \d)"
)
_HIRA_RUN = re.compile(
    f"[{HIRA}ー]{{2,5}}(?=が|は|を|に|も|の|と|で[、, ]|です|、|。|\\(|\\)|（|）|ちゃん|くん|君|って|\n|$)"
)


# family words after which a name may follow with no particle: 息子ゆうまは, 母和子が, 祖母ウメが
_FAMILY_DIRECT = words(
    """
    母 父 母親 父親 息子 娘 兄 姉 弟 妹 夫 妻 主人 長男 次男 三男 長女 次女 三女 孫 祖母 祖父 義母
    義父 叔母 叔父 伯母 伯父 甥 姪
    """
)
_DIRECT_RUN = re.compile(
    f"(?:[{KATA}]{{2,6}}|[{HIRA}]{{2,5}}|[{KANJI}]{{1,2}})"
    r"(?=は|が|も|と|の|に|を|、|。|\(|（|ちゃん|くん|君| ?\d{1,2}歳|\n)"
)
_PARTICLE_START = tuple("はがもをにとでへのやしか")


def direct_name(art: SudachiArtifacts, engine: SudachiNlpEngine, i: int) -> tuple[int, int] | None:
    """A family word followed directly by a name, no particle: 息子ゆうまは / 母和子が / 祖母ウメが."""
    t, toks = art.text, art.toks
    tok = toks[i]
    if tok.surface not in _FAMILY_DIRECT or i + 1 >= len(toks) or toks[i + 1].start != tok.end:
        return None
    m = _DIRECT_RUN.match(t, tok.end)
    if not m:
        return None
    run = m.group()
    inner = [tk for tk in toks[i + 1 :] if tk.start < m.end()]
    if inner[-1].end != m.end() or run in NOT_NAME or run in KIN or run in PERSON_HAS:
        return None
    common = engine.known_common(run) and not engine.name_capable(run)
    if HIRA_RE.match(run):
        if run.startswith(_PARTICLE_START) or run.startswith(HONORIFICS) or not kana_ok(run):
            return None
        if common:
            return None
    elif KATA_RE.match(run):
        if common:
            return None
    else:  # kanji: one dictionary token that can be a name (母和子が, 兄光は)
        if len(inner) != 1 or not (inner[0].is_name or engine.name_capable(run)):
            return None
        if inner[0].pos[2] in ("サ変可能", "副詞可能", "助数詞可能") or inner[0].pos[0] != "名詞":
            return None
    return m.start(), m.end()


@dataclass(frozen=True)
class _Link:
    """How a name hangs on the kin or label word before it: 息子（X）, 母：X, 息子、X, 息子のX, 主人はX."""

    form: str  # bracket | label | comma | no | wa | direct
    j: int  # the first token of the name
    label: bool  # the word before is a name label (名前, ニックネーム…)
    spaced: bool  # むすこの X が (easy Japanese spacing)


def _link(art: SudachiArtifacts, engine: SudachiNlpEngine, i: int) -> _Link | None:
    toks = art.toks
    n = len(toks)
    tok = toks[i]
    j = i + 1
    if j >= n or toks[j].start != tok.end:
        return None
    sep = toks[j].surface
    label = tok.surface in _NAME_LABELS
    spaced = False
    if sep in ("（", "(") and not label:
        form = "bracket"
        j += 1
    elif sep in ("：", ":") or toks[j].pos[0] == "空白":
        form = "label"
        j += 1
        while j < n and toks[j].pos[0] == "空白":
            j += 1
    elif sep == "、":
        form = "comma"
        j += 1
    elif sep == "の":
        form = "no"
        j += 1
        if j + 1 < n and toks[j].surface == " " and HIRA_RE.match(toks[j + 1].surface):
            spaced = True
            j += 1
    elif sep == "は":
        form = "wa"
        j += 1
        while j < n and toks[j].pos[0] == "空白":
            j += 1
    elif strong_name(engine, toks[j]) and toks[j].is_name:
        form = "direct"
    else:
        return None
    return _Link(form, j, label, spaced) if j < n else None


def _hiragana_run(
    art: SudachiArtifacts,
    engine: SudachiNlpEngine,
    link: _Link,
    add: Callable[[int, int, float], None],
) -> bool:
    """After の / は Sudachi splits hiragana names oddly: take the hiragana run up to a particle.
    True when the run decided the case (added or not)."""
    t, toks = art.text, art.toks
    first = toks[link.j]
    if link.form not in ("no", "wa") or not (first.start == toks[link.j - 1].end or link.spaced):
        return False
    m = _HIRA_RUN.match(t, first.start)
    if not (
        m
        and HIRA_RE.match(first.surface)
        and kana_ok(m.group())
        and len(m.group()) >= len(first.surface)
        and (link.form == "no" or _AFTER_WA.match(t[m.end() : m.end() + 6]))
    ):
        return False
    known = engine.known_common(m.group()) and not engine.name_capable(m.group())
    # after の an ordinary word is fine (りく, ひなた) unless it is long (かかりつけ)
    if (link.form == "no" and len(m.group()) < 5 and not link.spaced) or link.label or not known:
        add(m.start(), m.end(), 0.7)
    return True


def _common_word(engine: SudachiNlpEngine, tk: Tok) -> bool:
    return engine.known_common(tk.surface) and not engine.name_capable(tk.surface)


def _fits(
    art: SudachiArtifacts, engine: SudachiNlpEngine, link: _Link, span: tuple[int, int]
) -> bool:
    """Whether the tokens of ``span`` read as a name in this form, given what follows them."""
    t, toks = art.text, art.toks
    cand = [tk for tk in toks[link.j :] if tk.end <= span[1] and tk.pos[0] != "空白"]
    strong = any(strong_name(engine, tk) for tk in cand)
    kana = all(KANA_RE.match(tk.surface) for tk in cand) and kana_ok(t[span[0] : span[1]])
    all_kata = all(KATA_RE.match(tk.surface) for tk in cand)
    katakana_ok = all_kata and not any(_common_word(engine, tk) for tk in cand)
    after = t[span[1] : span[1] + 6]
    form = link.form
    if form == "bracket":
        return any(tk.is_name for tk in cand) and bool(re.match(r"^[)）]", after))
    if form in ("no", "comma", "direct"):
        if not _AFTER_NO.match(after):
            return False
        if not (strong or (kana and (not all_kata or katakana_ok))):
            return False
        return form != "comma" or strong
    if form == "wa":
        if not _AFTER_WA.match(after) or (after.startswith(" ") and not strong):
            return False
        return (
            strong
            or link.label
            or katakana_ok
            or (kana and all(tk.pos[0] == "名詞" or tk.oov for tk in cand))
        )
    # label
    if not _AFTER_LABEL.match(after):
        return False
    romaji = all(ROMAJI_RE.match(tk.surface) for tk in cand)
    if strong or kana or romaji or link.label:
        return True
    return (
        re.match(r"^ ?(?:\n|$| \d|\d|[(（、,]|です)", t[span[1] : span[1] + 4]) is not None
        and all(tk.pos[0] == "名詞" for tk in cand)
        and not any(_common_word(engine, tk) and len(tk.surface) > 1 for tk in cand)
    )


def relation_name(
    art: SudachiArtifacts, engine: SudachiNlpEngine, i: int, add: Callable[[int, int, float], None]
) -> None:
    """KIN/label word followed by a name: 母：松本 キヨ / 息子の浩一（ / 主人は勝、/ 名前はれおん"""
    link = _link(art, engine, i)
    if link is None or _hiragana_run(art, engine, link, add):
        return
    t, toks = art.text, art.toks
    first = toks[link.j]
    if first.pos[1] == "数詞" or first.surface in KIN or first.surface in NOT_NAME:
        return
    if (
        link.form == "no"
        and first.surface in PERSON_HAS
        and not first.is_name
        and t[first.end : first.end + 1] != " "
    ):
        return
    span = chunk(engine, toks, link.j, lenient=True)
    if not span and link.label and first.pos[0] == "名詞":
        span = (first.start, first.end)
    if span and _fits(art, engine, link, span):
        add(span[0], span[1], 0.8)
