"""ORG: a kana name glued to a kanji trade or department word (わかくさ内科, つばめ学童, ひかり縫製).

Small clinics, nurseries and shops are often named with a soft kana word and the kind of place:
the kana word alone is ordinary (わかくさ, つばめ), the pair is a place a family can be found at.
"""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import HIRA, KANJI, KATA, Hit, tok_index_at
from pii.recognizers.lexicon import KANA_STOP, KIN, NOT_NAME, ORG_GENERIC, kana_ok

# departments of a clinic, and trades whose name is usually a shop's or small firm's own
_HEADS = (
    "心療内科|脳神経外科|整形外科|耳鼻咽喉科|耳鼻科|小児科|皮膚科|婦人科|内科|外科|眼科|歯科"
    "|保育室|学童|縫製|農園|食品工業|食品|製菓|工業|鍼灸院|整骨院|接骨院"
)
_HEAD = re.compile(rf"(?<=[{HIRA}{KATA}ー])(?:{_HEADS})(?![{KANJI}])")
_KANA = re.compile(f"^[{HIRA}{KATA}ー]+$")
_PARTICLE_END = tuple("のにはがをでともへやか")


def _kana_before(art: SudachiArtifacts, pos: int) -> int:
    """Start of the kana words glued before ``pos``, stopping at a particle or an auxiliary."""
    toks = art.toks
    start = pos
    k = tok_index_at(toks, pos) - 1
    while k >= 0 and toks[k].end == start and pos - toks[k].start <= 8:
        tk = toks[k]
        if not _KANA.match(tk.surface) or tk.pos[0] in ("助詞", "助動詞"):
            break
        start = tk.start
        k -= 1
    return start


def kana_headed_orgs(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    engine = art.nlp
    for m in _HEAD.finditer(art.text):
        start = _kana_before(art, m.start())
        name = art.text[start : m.start()]
        if (
            len(name) < 3
            or name.endswith(_PARTICLE_END)
            or not kana_ok(name)
            or name in KANA_STOP
            or name in KIN
            or name in NOT_NAME
            or name in ORG_GENERIC
            # an ordinary word before the department (かかりつけ内科, メンタル…) is not a name
            or (engine.known_common(name) and not engine.name_capable(name) and len(name) > 4)
        ):
            continue
        # scored above an honorific's PERSON guess inside it (おひ|さま小児科)
        out.append(("ORG", start, m.end(), 0.86))
    return out
