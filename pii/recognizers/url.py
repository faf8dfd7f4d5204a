"""URL: personal blog/SNS URLs; official and municipal hosts are not identifying."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import Hit, Recognizer

_URL_RE = re.compile(r"https?://[^\s<>\"'「」（）()、。]+", re.I)
_OFFICIAL_HOST = re.compile(
    r"(^|\.)(city|pref|town|vill|metro)\.|\.(lg|go)\.jp$|\.gov$|\.ac\.jp$", re.I
)


def find_urls(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    for m in _URL_RE.finditer(art.text):
        s = m.group().rstrip(".,;:!?")
        host = re.sub(r"^https?://", "", s, flags=re.I).split("/", 1)[0].split(":")[0]
        if _OFFICIAL_HOST.search(host):
            continue
        out.append(("URL", m.start(), m.start() + len(s), 0.96))
    return out


RECOGNIZER = Recognizer("JaUrlRecognizer", "URL", find_urls)
