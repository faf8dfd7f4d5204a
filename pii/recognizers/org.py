"""ORG: named schools, workplaces, hospitals and care facilities (noun chains ending in a facility suffix)."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts, Tok
from pii.recognizers._base import HIRA, HIRA_RE, KANJI, KANJI_RE, KATA, Hit, Recognizer
from pii.recognizers.lexicon import BANKISH, HONORIFICS, KIN, LEAD_STOP, ORG_GENERIC
from pii.recognizers.org_facility import kana_no_facility, typed_facility_names, typed_names
from pii.recognizers.org_kana import kana_headed_orgs
from pii.recognizers.org_patterns import EN_JA_ORG, EN_ORG, drop_leading_stopwords, extra_orgs
from pii.recognizers.org_words import (
    FACILITY_TYPE,
    ORG_PREFIXES,
    ORG_SUFFIXES,
    PLACE_TAIL,
    PREFIX_RE,
    is_prefix,
    is_suffix,
    orgish,
)

_HIRA_ORG = re.compile(
    f"(?<![{HIRA}])[{HIRA}]{{2,8}}(?:しょうがっこう|ちゅうがっこう|こうこう|びょういん|だいがく|ほいくえん|ようちえん)"
)


def _chain_end(toks: list[Tok], i: int) -> int:
    """Index of the last token of the noun chain starting at i."""
    n = len(toks)
    j = i
    while j + 1 < n:
        nx = toks[j + 1]
        if nx.start != toks[j].end:
            break
        if orgish(nx) and nx.pos[0] != "助詞":
            j += 1
            continue
        if (
            nx.pos[0] == "助動詞"
            and HIRA_RE.match(nx.surface)
            and j + 2 < n
            and orgish(toks[j + 2])
            and (toks[j + 2].start == nx.end)
        ):
            j += 1
            continue
        # みどりが丘 / 桜ケ丘 / 霞ヶ関: が・ケ・ヶ・ノ inside a place-style name
        if (
            nx.surface in ("が", "ケ", "ヶ", "ノ")
            and j + 2 < n
            and toks[j + 2].start == nx.end
            and (toks[j + 2].surface in PLACE_TAIL)
            and toks[j].surface not in KIN
        ):
            j += 2
            continue
        if nx.surface == "の" and j + 2 < n:
            after = toks[j + 2]
            single = len(after.surface) == 1 and KANJI_RE.match(after.surface) is not None
            nxt3 = toks[j + 3] if j + 3 < n else None
            closes = nxt3 is None or not orgish(nxt3) or is_suffix(nxt3) or nxt3.start != after.end
            if (
                single
                and closes
                and re.match(f"^[{HIRA}{KATA}{KANJI}]+$", toks[j].surface)
                and (after.start == nx.end)
            ):
                j += 2
                continue
        break
    return j


def _body(chain: list[Tok], last: int) -> list[str]:
    """What is left of the chain up to its last suffix once types, affixes and generic words go:
    an organisation needs a name of its own (みなと病院, not 病院)."""
    suffix_ks = {k for k, tk in enumerate(chain) if is_suffix(tk)}
    prefix_ks = {k for k, tk in enumerate(chain) if is_prefix(tk)}
    body: list[str] = []
    for k, tk in enumerate(chain[: last + 1]):
        surf = tk.surface
        if k in suffix_ks or k in prefix_ks:
            for aff in ORG_SUFFIXES + ORG_PREFIXES:
                if surf.endswith(aff) and len(surf) > len(aff) and k in suffix_ks:
                    body.append(surf[: -len(aff)])
                    break
                if (
                    surf.startswith(aff)
                    and len(surf) > len(aff)
                    and k in prefix_ks
                    and k not in suffix_ks
                ):
                    body.append(surf[len(aff) :])
                    break
            continue
        if surf in ORG_GENERIC or tk.pos[1] == "数詞" or tk.pos[2] == "副詞可能" or surf in KIN:
            continue
        body.append(surf)
    return [b for b in body if b and b not in ORG_GENERIC]


def _chain_span(t: str, chain: list[Tok]) -> tuple[int, int] | None:
    """The organisation name in a noun chain: up to its last facility suffix (and a proper name
    written after the type: クリニック桜坂 / ホーム松風), or from a prefix (医療法人…) to the end."""
    suffix_ks = [k for k, tk in enumerate(chain) if is_suffix(tk)]
    if suffix_ks and _body(chain, suffix_ks[-1]):
        last = end_k = suffix_ks[-1]
        while (
            end_k + 1 < len(chain)
            and (chain[end_k + 1].pos[1] == "固有名詞" or chain[end_k + 1].oov)
            and chain[end_k + 1].pos[1] != "数詞"
        ):
            end_k += 1
        if end_k > last and t[chain[end_k].end : chain[end_k].end + 2].startswith(HONORIFICS):
            end_k = last
        return chain[0].start, chain[end_k].end
    ctext = t[chain[0].start : chain[-1].end]
    pm = PREFIX_RE.search(ctext)
    if pm is not None:
        rest = ctext[pm.end() :]
        if rest and rest not in ORG_GENERIC and not re.fullmatch(r"[0-9]+", rest):
            return chain[0].start + pm.start(), chain[-1].end
    return None


def _chains(art: SudachiArtifacts) -> list[Hit]:
    """Noun chains ending in a facility suffix (…病院, …作業所) or starting with a legal prefix."""
    t, toks = art.text, art.toks
    out: list[Hit] = []
    n = len(toks)
    i = 0
    while i < n:
        if not orgish(toks[i]) or toks[i].pos[0] == "助動詞":
            i += 1
            continue
        j = _chain_end(toks, i)
        chain = toks[i : j + 1]
        # leading adverbs/adjectives are not part of a name unless the chain is just them + suffix
        while len(chain) > 1 and (chain[0].surface in LEAD_STOP or chain[0].pos[2] == "副詞可能"):
            chain = chain[1:]
        span = _chain_span(t, chain)
        # a kind of place, not one place (ホストクラブ, B型作業所)
        if (
            span is not None
            and not BANKISH.search(t[span[0] : span[1]])
            and t[span[0] : span[1]] not in ORG_GENERIC
        ):
            s, e = span
            ft = FACILITY_TYPE.search(t[max(0, s - 24) : s])
            if ft:
                s = max(0, s - 24) + ft.start()
            out.append(("ORG", s, e, 0.75))
        i = j + 1
    return out


def find_orgs(art: SudachiArtifacts) -> list[Hit]:
    t = art.text
    out = _chains(art)
    for m in _HIRA_ORG.finditer(t):
        out.append(("ORG", m.start(), m.end(), 0.7))
    out.extend(typed_facility_names(art))
    out.extend(kana_no_facility(art))
    out.extend(typed_names(art))
    out.extend(extra_orgs(art))
    out.extend(kana_headed_orgs(art))
    for m in EN_ORG.finditer(t):
        s, words = drop_leading_stopwords(t, m.start(), m.end())
        if len(words) >= 2:
            out.append(("ORG", s, m.end(), 0.8))
    for m in EN_JA_ORG.finditer(t):
        s, words = drop_leading_stopwords(t, m.start(), m.end())
        if words:
            out.append(("ORG", s, m.end(), 0.8))
    return out


RECOGNIZER = Recognizer("JaOrgRecognizer", "ORG", find_orgs)
