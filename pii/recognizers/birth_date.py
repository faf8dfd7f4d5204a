"""BIRTH_DATE: full dates of birth in Japanese era, Western, compact and English notation."""

from __future__ import annotations

import re
from datetime import date

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import Hit, Recognizer, line_before

_ERA = {
    "明治": 1867,
    "大正": 1911,
    "昭和": 1925,
    "平成": 1988,
    "令和": 2018,
    "M": 1867,
    "T": 1911,
    "S": 1925,
    "H": 1988,
    "R": 2018,
    "Meiji": 1867,
    "Taisho": 1911,
    "Showa": 1925,
    "Heisei": 1988,
    "Reiwa": 2018,
}
_NUM = r"(?:\d{1,2}|[0-9十]{1,3})"
_DATE_PATTERNS = [
    re.compile(
        r"(?P<era>明治|大正|昭和|平成|令和) ?(?P<y>\d{1,2}|[0-9十]{1,3}|元) ?年 ?(?P<m>"
        + _NUM
        + r") ?月 ?(?P<d>"
        + _NUM
        + r") ?日"
    ),
    re.compile(
        r"(?<![A-Za-z])(?P<era>[MTSHRmtshr]) ?(?P<y>\d{1,2})[./\-](?P<m>\d{1,2})[./\-](?P<d>\d{1,2})(?![\d])"
    ),
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d{2}) ?(?:年|ねん) ?(?P<m>\d{1,2}) ?(?:月|がつ) ?(?P<d>\d{1,2}) ?(?:日|にち)"
    ),
    re.compile(
        r"(?<![\d\-./])(?P<y>(?:19|20)\d{2})[./\-](?P<m>\d{1,2})[./\-](?P<d>\d{1,2})(?![\d])(?!-\d)"
    ),
    re.compile(r"(?<![\d\-])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![\d\-])"),
    # an era letter with 年月日 (H2年3月3日); a western year with the era in brackets (1948（昭和23）年…)
    re.compile(
        r"(?<![A-Za-z])(?P<era>[MTSHR]) ?(?P<y>\d{1,2}) ?年 ?(?P<m>\d{1,2}) ?月 ?(?P<d>\d{1,2}) ?日"
    ),
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d{2}) ?[(（][^)）\n]{2,8}[)）] ?年 ?(?P<m>\d{1,2}) ?月 ?(?P<d>\d{1,2}) ?日"
    ),
    # a Japanese era in romaji: Showa 7, 5/18 / Heisei 3.4.12
    re.compile(
        r"(?<![A-Za-z])(?P<era>Meiji|Taisho|Showa|Heisei|Reiwa) ?(?P<y>\d{1,2})(?:,? |[./\-])"
        r"(?P<m>\d{1,2})[./\-](?P<d>\d{1,2})(?![\d])"
    ),
]
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_EN_DATE = [
    re.compile(
        r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? (?P<d>\d{1,2})(?:st|nd|rd|th)?,? (?P<y>(?:19|20)\d{2})"
    ),
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)? (?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,? (?P<y>(?:19|20)\d{2})"
    ),
]
_BIRTH_AFTER = re.compile(r"^[ )）]*(?:生|うまれ|誕生)|^[ )）]*\(?(?:born|birth)", re.I)
_BIRTH_BEFORE = re.compile(
    r"(?:生年月日|誕生日|たんじょうび|たんじょう日|誕生|birthday|born|birth|DOB|d\.o\.b)"
    r"[^。\n]{0,8}$",
    re.I,
)


def _kanji_int(s: str) -> int | None:
    if s == "元":
        return 1
    if s.isdigit():
        return int(s)
    if "十" in s:
        a, _, b = s.partition("十")
        tens = int(a) if a else 1
        ones = int(b) if b else 0
        return tens * 10 + ones
    return None


def find_birth_dates(art: SudachiArtifacts) -> list[Hit]:
    d = art.digits
    this_year = date.today().year
    out: list[Hit] = []
    seen: set[int] = set()

    def consider(start: int, end: int, year: int, month: int, day: int, era: str | None) -> None:
        if start in seen or not (1 <= month <= 12 and 1 <= day <= 31) or year > this_year:
            return
        after = d[end : end + 6]
        before = line_before(d, start, 16)
        ctx = bool(_BIRTH_AFTER.match(after) or _BIRTH_BEFORE.search(before))
        old = year <= this_year - 16 or (
            era is not None
            and (
                era.upper() in ("S", "T", "M", "昭和", "大正", "明治")
                or era in ("Showa", "Taisho", "Meiji")
            )
        )
        if ctx or old:
            seen.add(start)
            out.append(("BIRTH_DATE", start, end, 0.85 if ctx else 0.6))

    for i, pat in enumerate(_DATE_PATTERNS):
        for m in pat.finditer(d):
            era = m.groupdict().get("era")
            y, mo, dd = (
                _kanji_int(m.group("y")),
                _kanji_int(m.group("m")),
                _kanji_int(m.group("d")),
            )
            if y is None or mo is None or dd is None:
                continue
            if era:
                y += _ERA[era.upper() if len(era) == 1 else era]
            if i == 4 and not (
                _BIRTH_AFTER.match(d[m.end() : m.end() + 4])
                or _BIRTH_BEFORE.search(line_before(d, m.start(), 10))
            ):
                continue
            consider(m.start(), m.end(), y, mo, dd, era)
    for pat in _EN_DATE:
        for m in pat.finditer(d):
            consider(
                m.start(),
                m.end(),
                int(m.group("y")),
                _MONTHS[m.group("mon")[:3].lower()],
                int(m.group("d")),
                None,
            )
    return out


RECOGNIZER = Recognizer("JaBirthDateRecognizer", "BIRTH_DATE", find_birth_dates)
