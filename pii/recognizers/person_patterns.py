"""PERSON patterns around a name: 名前は X, X って呼んで, 妹たち（A と B）, readings in brackets,
katakana names with ・, 娘は X っていいます, a quoted handle name."""

from __future__ import annotations

import re
from collections.abc import Callable

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import HIRA, KANA_RE, KANJI, KATA
from pii.recognizers.lexicon import KANA_STOP, KIN, KIN_ALT, NOT_NAME, kana_ok
from pii.recognizers.person_context import CALLED_RE, NICK_CONTEXT, QUOTED_NAME_RE
from pii.recognizers.person_relation import NAME_LABEL_RE

Add = Callable[[int, int, float], None]

# "X って名前" / "Xという名前"
_NAMED = re.compile(
    rf"(?:^|(?<=[はがの、。\s]))(?P<n>[{HIRA}{KATA}{KANJI}]{{1,6}}?)(?:って|という|っていう)(?:名前|なまえ)"
)
# 七夕と書いてなゆと読みます / 雲母と書いてキララ: a name and its reading
_WRITTEN_READ = re.compile(
    rf"(?:^|(?<=[はがの、。\s「]))(?P<k>[{KANJI}]{{1,4}})と書いて(?P<r>[{HIRA}]{{2,8}}|[{KATA}ー]{{2,8}})"
    r"(?=と読|って読|です|と呼|。|、)"
)
# ニコ（ハンドルネーム）/ ミナト（仮名）: a name followed by what kind of name it is
_NAME_KIND = re.compile(
    rf"(?P<n>[{HIRA}{KATA}{KANJI}ー]{{2,8}})[(（](?:ハンドルネーム|ニックネーム|仮名|偽名|あだ名|呼び名)[)）]"
)
# ひまり、小4です / ゆうと、18です: a name, then an age, opening a sentence
_NAME_AGE = re.compile(
    rf"(?:^|(?<=[\n。!！]))(?P<n>[{HIRA}ー]{{2,6}}|[{KATA}ー]{{2,8}}|[{KANJI}]{{1,4}})、 ?"
    r"(?:\d{1,2}(?:歳|才|さい)?|[小中高]\d)(?:です|でーす|だよ|の)"
)
# ここではミナトと名乗ります / ぽてとって名乗らせて
_GO_BY = re.compile(
    rf"(?:ここでは|以下では|以下)(?P<n>[{HIRA}ー]{{2,6}}|[{KATA}ー]{{2,8}})(?:って|と)名乗"
)
# "X って呼んで" / "Xと呼んで"
_CALL_ME = re.compile(rf"(?:^|(?<=[\n。、 ]))(?P<n>[{HIRA}{KATA}{KANJI}]{{1,6}})(?:って|と)呼んで")
# 妹たち（ひまりとゆな） / 子ども（A、B）
_KIN_PAIR = re.compile(
    rf"(?:{KIN_ALT})(?:たち|達|ら)?[(（](?P<a>[{HIRA}{KATA}{KANJI}]{{1,6}}?)(?:と|、|,)"
    rf"(?P<b>[{HIRA}{KATA}{KANJI}]{{1,6}})[)）]"
)
# 1歳の X と / 小6の X と
_AGED = re.compile(
    rf"(?:\d+(?:歳|才|さい)|[小中高]\d)の(?P<n>[{HIRA}{KATA}]{{2,5}})(?=と|が|は|を|、|（|\(|も|に)"
)
# kana reading in brackets after a name: 百目鬼 透（どうめき とおる） / 四月一日（わたぬき）
_READING = re.compile(
    r"(?:^|(?<=[\n：: ]))(?:(?:"
    + KIN_ALT
    + ") )?(?P<k>[一-龥々]{1,5}(?: [一-龥々]{1,4})?)[(（](?P<r>[ぁ-ゖ]{1,8}(?: [ぁ-ゖ]{1,8})?)[)）]"
)
# katakana foreign names with ・ (グエン・ティ・ハー)
_DOTTED_KATA = re.compile(f"(?<![{KATA}])[{KATA}]{{2,}}(?:・[{KATA}]{{1,}}){{1,3}}(?![{KATA}])")
_NOT_LABELLED = re.compile(r"\d|わから|分から|わかる|分かる|ない|ません|言い|いい|けど|けれど")
_VERB_END = re.compile(r"(?:だ|よ|ね|した|った|ない|たい|の)$")


def labelled_names(art: SudachiArtifacts, add: Add) -> None:
    """Names after a label or inside a naming phrase or bracket."""
    t, engine = art.text, art.nlp
    for m in NAME_LABEL_RE.finditer(t):  # 名前は X / なまえ： X / ハンドルネーム X
        name = m.group("n")
        if name not in KANA_STOP and name not in NOT_NAME and not _NOT_LABELLED.search(name):
            add(m.start("n"), m.end("n"), 0.85)
    for m in _NAMED.finditer(t):
        if m.group("n") not in KIN and m.group("n") not in NOT_NAME:
            add(m.start("n"), m.end("n"), 0.8)
    for m in _CALL_ME.finditer(t):
        if m.group("n") not in KIN and m.group("n") not in KANA_STOP:
            add(m.start("n"), m.end("n"), 0.8)
    for m in _KIN_PAIR.finditer(t):
        parts = [m.group("a"), m.group("b")]
        if all((KANA_RE.match(x) and kana_ok(x)) or engine.name_capable(x) for x in parts):
            for g in ("a", "b"):
                add(m.start(g), m.end(g), 0.8)
    for m in _AGED.finditer(t):
        if kana_ok(m.group("n")):
            add(m.start("n"), m.end("n"), 0.7)
    for m in _READING.finditer(t):
        add(m.start("k"), m.end("k"), 0.8)
        add(m.start("r"), m.end("r"), 0.8)
    for m in _DOTTED_KATA.finditer(t):
        add(m.start(), m.end(), 0.55)
    for m in _WRITTEN_READ.finditer(t):
        add(m.start("k"), m.end("k"), 0.8)
        add(m.start("r"), m.end("r"), 0.8)
    for rx in (_NAME_KIND, _NAME_AGE, _GO_BY):
        for m in rx.finditer(t):
            name = m.group("n")
            if name not in KIN and name not in NOT_NAME and name not in KANA_STOP:
                add(m.start("n"), m.end("n"), 0.8)


def called_names(art: SudachiArtifacts, add: Add) -> None:
    """娘は ひなた っていいます / 息子は けんと と言います; じゃあ「ひつじ」で。 after the writer
    asked about a handle name or nickname."""
    t, toks = art.text, art.toks
    for m in CALLED_RE.finditer(t):
        ns, ne = m.span("n")
        inner = [tk for tk in toks if tk.start >= ns and tk.end <= ne]
        name = m.group("n")
        if (
            inner
            and kana_ok(name)
            and name not in KIN
            and name not in NOT_NAME
            and all(tk.pos[0] == "名詞" or tk.oov or tk.is_name for tk in inner)
            and not _VERB_END.search(name)
        ):
            add(ns, ne, 0.8)
    for m in QUOTED_NAME_RE.finditer(t):
        name = m.group("n")
        if (
            NICK_CONTEXT.search(t, max(0, m.start() - 80), m.start())
            and name not in KANA_STOP
            and name not in KIN
            and name not in NOT_NAME
            and kana_ok(name)
        ):
            add(m.start("n"), m.end("n"), 0.8)
