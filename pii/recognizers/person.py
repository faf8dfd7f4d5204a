"""PERSON: personal names from Sudachi name tags, honorifics, kin and label words, context and propagation."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import (
    HIRA,
    HIRA_RE,
    KANA_RE,
    KANJI,
    KANJI_RE,
    KATA,
    KATA_RE,
    Hit,
    Recognizer,
)
from pii.recognizers.lexicon import (
    ADDR_LABELS,
    HONORIFICS,
    KANA_STOP,
    KIN,
    KIN_ALT,
    NOT_NAME,
    kana_ok,
)
from pii.recognizers.person_context import (
    CALLED_RE,
    NAME_TAIL,
    NICK_CONTEXT,
    PLACE_AFTER,
    QUOTED_NAME_RE,
    context_names,
    propagate,
    split_readings,
)
from pii.recognizers.person_english import english_names
from pii.recognizers.person_intro import intro_names, vocative_names
from pii.recognizers.person_relation import NAME_LABEL_RE, direct_name, relation_name
from pii.recognizers.person_tokens import BOUNDARY_AFTER, chunk, name_like


def find_persons(art: SudachiArtifacts) -> list[Hit]:
    engine = art.nlp
    t, toks = art.text, art.toks
    n = len(toks)
    out: list[Hit] = []

    def add(s: int, e: int, score: float) -> None:
        tail = NAME_TAIL.search(t, s, e)
        if tail and tail.start() > s:
            e = tail.start()
        if e > s:
            name = t[s:e].strip()
            if (
                not name
                or name in NOT_NAME
                or name in KIN
                or name in KANA_STOP
                or PLACE_AFTER.match(t, e)
                # a Latin letter glued to a number is an era or a code (S14/11/22, A-104)
                or (len(name) == 1 and name.isascii() and t[e : e + 1].isdigit())
            ):
                return
            out.append(("PERSON", s, e, score))

    def boundary_ok(pos: int) -> bool:
        return bool(BOUNDARY_AFTER.match(t[pos : pos + 6]))

    for i, tok in enumerate(toks):
        s = tok.surface
        # (1) Sudachi personal-name tags
        if (
            tok.is_name
            and s not in NOT_NAME
            and not s.isascii()
            and not (HIRA_RE.match(s) and len(s) <= 2)
        ):
            prev = toks[i - 1] if i > 0 else None
            nxt = toks[i + 1] if i + 1 < n else None
            # a lone hiragana/katakana "name" glued into a longer word is usually noise
            glued = (
                prev is not None
                and prev.end == tok.start
                and prev.pos[0] in ("名詞",)
                and not prev.is_name
                and prev.surface not in KIN
                and KANA_RE.match(s) is not None
            )
            if (
                nxt is not None
                and nxt.start == tok.end
                and nxt.pos[0] == "名詞"
                and not nxt.is_name
                and nxt.surface not in HONORIFICS
            ):
                glued = glued or (
                    nxt.pos[1] in ("普通名詞",)
                    and nxt.surface not in KIN
                    and KANA_RE.match(s) is not None
                )
            if not glued:
                span = chunk(engine, toks, i, lenient=True)
                if span:
                    add(span[0], span[1], 0.6 if tok.pos[3] in ("姓", "名") else 0.5)
                # 星 ヨシ: a surname that is also an ordinary word, written before a given name
                if (
                    span
                    and tok.pos[3] == "名"
                    and i >= 2
                    and toks[i - 1].surface == " "
                    and (toks[i - 2].end == toks[i - 1].start)
                ):
                    sur = toks[i - 2]
                    before = t[sur.start - 1 : sur.start] if sur.start else ""
                    if (
                        KANJI_RE.match(sur.surface)
                        and len(sur.surface) <= 3
                        and sur.pos[0] == "名詞"
                        and (
                            engine.name_capable(sur.surface)
                            or sur.pos[1] in ("固有名詞", "普通名詞")
                        )
                        and sur.pos[1] != "数詞"
                        and sur.surface not in ADDR_LABELS
                        and sur.surface not in KIN
                        and sur.surface not in NOT_NAME
                        and not KANJI_RE.match(before or "a")
                    ):
                        add(sur.start, sur.end, 0.6)
        # (2) honorific after a name
        if s in HONORIFICS or (s.startswith(("さん", "ちゃん", "くん")) and tok.pos[0] == "接尾辞"):
            j = i - 1
            if j >= 0 and toks[j].end == tok.start:
                # take up to two tokens back, as long as they are name-like
                k = j
                while (
                    k - 1 >= 0
                    and toks[k - 1].end == toks[k].start
                    and name_like(engine, toks[k - 1])
                    and (k - 1 >= j - 1)
                    and toks[k - 1].surface not in KIN
                    and toks[k - 1].pos[1] != "数詞"
                ):
                    k -= 1
                cand = toks[k : j + 1]
                text_c = "".join(c.surface for c in cand)
                last = toks[j]
                if (
                    text_c not in NOT_NAME
                    and last.surface not in NOT_NAME
                    and last.surface not in KIN
                    and last.pos[1] != "数詞"
                    and last.pos[0] not in ("助詞", "助動詞", "補助記号", "動詞", "空白")
                ):
                    good = name_like(engine, last) or KANA_RE.match(last.surface) is not None
                    if (
                        last.pos[1] == "普通名詞"
                        and not engine.name_capable(last.surface)
                        and not KATA_RE.match(last.surface)
                        and not HIRA_RE.match(last.surface)
                    ):
                        good = False
                    if good:
                        # include a surname written before with a space (大野 さん is rare; 田村 翔さん)
                        add(cand[0].start, last.end, 0.85)
        # (3) relation / label + name
        if s in KIN or re.fullmatch(r"(?:小|中|高)\d", s):
            relation_name(art, engine, i, add)
            direct = direct_name(art, engine, i)
            if direct:
                add(direct[0], direct[1], 0.75)
    intro_names(art, add)
    vocative_names(art, add)
    # 名前は X / なまえ： X / ハンドルネーム X
    for m in NAME_LABEL_RE.finditer(t):
        name = m.group("n")
        if (
            name not in KANA_STOP
            and name not in NOT_NAME
            and not re.search(r"\d|わから|ない|ません|言い|いい", name)
        ):
            add(m.start("n"), m.end("n"), 0.85)
    # "X って名前" / "Xという名前"
    for m in re.finditer(
        rf"(?<=[はがの、。\s])(?P<n>[{HIRA}{KATA}{KANJI}]{{1,6}}?)(?:って|という|っていう)(?:名前|なまえ)",
        t,
    ):
        if m.group("n") not in KIN and m.group("n") not in NOT_NAME:
            add(m.start("n"), m.end("n"), 0.8)
    # "X って呼んで" / "Xと呼んで"
    for m in re.finditer(
        rf"(?:^|(?<=[\n。、 ]))(?P<n>[{HIRA}{KATA}{KANJI}]{{1,6}})(?:って|と)呼んで", t
    ):
        if m.group("n") not in KIN and m.group("n") not in KANA_STOP:
            add(m.start("n"), m.end("n"), 0.8)
    # 妹たち（ひまりとゆな） / 子ども（A、B）
    for m in re.finditer(
        rf"(?:{KIN_ALT})(?:たち|達|ら)?[(（](?P<a>[{HIRA}{KATA}{KANJI}]{{1,6}}?)(?:と|、|,)"
        rf"(?P<b>[{HIRA}{KATA}{KANJI}]{{1,6}})[)）]",
        t,
    ):
        parts = [m.group("a"), m.group("b")]
        if all((KANA_RE.match(x) and kana_ok(x)) or engine.name_capable(x) for x in parts):
            for g in ("a", "b"):
                add(m.start(g), m.end(g), 0.8)
    # 1歳の X と / 小6の X と
    for m in re.finditer(
        rf"(?:\d+(?:歳|才|さい)|[小中高]\d)の(?P<n>[{HIRA}{KATA}]{{2,5}})(?=と|が|は|を|、|（|\(|も|に)",
        t,
    ):
        if kana_ok(m.group("n")):
            add(m.start("n"), m.end("n"), 0.7)
    # (6) kana reading in brackets after a name: 百目鬼 透（どうめき とおる） / 四月一日（わたぬき）
    for m in re.finditer(
        r"(?:^|(?<=[\n：: ]))(?:(?:"
        + KIN_ALT
        + ") )?(?P<k>[一-龥々]{1,5}(?: [一-龥々]{1,4})?)[(（](?P<r>[ぁ-ゖ]{1,8}(?: [ぁ-ゖ]{1,8})?)[)）]",
        t,
    ):
        add(m.start("k"), m.end("k"), 0.8)
        add(m.start("r"), m.end("r"), 0.8)
    # (7) katakana foreign names with ・ (グエン・ティ・ハー)
    for m in re.finditer(f"(?<![{KATA}])[{KATA}]{{2,}}(?:・[{KATA}]{{1,}}){{1,3}}(?![{KATA}])", t):
        add(m.start(), m.end(), 0.55)
    # (8) English names
    out.extend(english_names(t))
    # 娘は ひなた っていいます / 息子は けんと と言います
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
            and not re.search(r"(?:だ|よ|ね|した|った|ない|たい|の)$", name)
        ):
            add(ns, ne, 0.8)
    # じゃあ「ひつじ」で。 after the writer asked about a handle name / nickname
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
    context_names(art, engine, add)
    split_readings(t, out)
    propagate(t, out)
    return out


RECOGNIZER = Recognizer("JaPersonRecognizer", "PERSON", find_persons)
