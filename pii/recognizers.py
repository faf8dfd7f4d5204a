"""Japanese PII recognizers (Presidio ``EntityRecognizer`` subclasses).

Every recognizer reads a :class:`pii.nlp.SudachiArtifacts`: the normalised text (``text``), the
same text with kanji digits as ASCII digits (``digits``) and the Sudachi tokens (``toks``).  All
offsets are on the normalised text; :mod:`pii.analyzer` maps them back to the original.

The rules generalise over patterns, morphology and context words (see ../shared/corpus/GUIDE.md);
no list of names or values is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from pii.nlp import SudachiArtifacts, SudachiNlpEngine, Tok

Hit = tuple[str, int, int, float]

# --------------------------------------------------------------------------------------------
# shared character classes and helpers
# --------------------------------------------------------------------------------------------
HIRA = "ぁ-ゖ"
KATA = "ァ-ヺー"
KANJI = "一-龥々〆ヶ"
_KANA_RE = re.compile(f"^[{HIRA}{KATA}・]+$")
_HIRA_RE = re.compile(f"^[{HIRA}ー]+$")
_KATA_RE = re.compile(f"^[{KATA}・]+$")
_KANJI_RE = re.compile(f"^[{KANJI}]+$")
_ROMAJI_RE = re.compile(r"^[A-Z][a-z]+$")


def _before(text: str, pos: int, n: int) -> str:
    return text[max(0, pos - n) : pos]


def _line_before(text: str, pos: int, n: int) -> str:
    chunk = _before(text, pos, n)
    return chunk.rsplit("\n", 1)[-1]


# --------------------------------------------------------------------------------------------
# numbers: PHONE, POSTAL_CODE, MY_NUMBER, ACCOUNT, BIRTH_DATE
# --------------------------------------------------------------------------------------------
# words after which a number is a reference number, not a phone/postal/My Number
_REF_WORDS = re.compile(r"(受付|整理|管理|会員|注文|お客様|申請|予約|問い合わせ|問合せ)(番号|No\.?|NO\.?)"
                        r"|品番|型番|番号札|No\.?|receipt|reference|ref\.?|order", re.I)

_PHONE_RE = re.compile(
    r"(?<![\d\-+.])(?:"
    r"\+81[ \-]?\(?0?\)?\d{1,4}[ \-]?\d{1,4}[ \-]?\d{3,4}"
    r"|0\d{1,4}\(\d{1,4}\)\d{3,4}"
    r"|\(0\d{1,4}\)[ \-]?\d{1,4}[ \-]\d{3,4}"
    r"|\(0\d{1,4}\)\d{1,4}-\d{3,4}"
    r"|0\d{1,4}[ \-の]?\d{1,4}[ \-の]\d{3,4}"
    r"|0\d{9,10}"
    r")(?![\d])(?!-\d)"
)


def _ref_context(text: str, start: int) -> bool:
    before = _line_before(text, start, 16)
    return bool(_REF_WORDS.search(before))


def find_phones(art: SudachiArtifacts) -> list[Hit]:
    d = art.digits
    out: list[Hit] = []
    for m in _PHONE_RE.finditer(d):
        s = m.group()
        digits = re.sub(r"\D", "", s)
        if s.startswith("+81"):
            rest = digits[2:].lstrip("0")
            if not 9 <= len(rest) <= 10:
                continue
        elif not 10 <= len(digits) <= 11 or digits.startswith("00"):
            continue
        if "の" in s and not any(c in "〇一二三四五六七八九" for c in art.text[m.start() : m.end()]):
            continue
        if _ref_context(d, m.start()):
            continue
        out.append(("PHONE", m.start(), m.end(), 0.9))
    return out


_POSTAL_RE = re.compile(r"(?<![\d\-.])(?:〒 ?)?(\d{3}-\d{4})(?![\d])(?!-\d)|〒 ?(\d{7})(?!\d)")


def find_postal(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    for m in _POSTAL_RE.finditer(art.digits):
        g = 1 if m.group(1) else 2
        if _ref_context(art.digits, m.start()):
            continue
        score = 0.9 if "〒" in m.group() else 0.75
        out.append(("POSTAL_CODE", m.start(g), m.end(g), score))
    return out


_MYNUM_RE = re.compile(r"(?<![\d\-])(\d{4})([ \-]?)(\d{4})\2(\d{4})(?!\d)(?![ \-]\d)")
_MYNUM_CONTEXT = re.compile(r"マイナンバー|個人番号|通知カード|my ?number|individual number", re.I)


def my_number_valid(digits: str) -> bool:
    """Check digit of a 12-digit My Number (個人番号)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(c) for c in digits[:11]][::-1]  # P1..P11 from the right
    r = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(body, start=1)) % 11
    check = 0 if r <= 1 else 11 - r
    return check == int(digits[11])


def find_my_numbers(art: SudachiArtifacts) -> list[Hit]:
    d = art.digits
    out: list[Hit] = []
    for m in _MYNUM_RE.finditer(d):
        digits = m.group(1) + m.group(3) + m.group(4)
        context = _MYNUM_CONTEXT.search(d, max(0, m.start() - 120), min(len(d), m.end() + 40))
        near_ref = _ref_context(d, m.start())
        if near_ref and not (context and _MYNUM_CONTEXT.search(_line_before(d, m.start(), 16))):
            continue
        if context:
            out.append(("MY_NUMBER", m.start(), m.end(), 0.95))
        elif my_number_valid(digits):
            out.append(("MY_NUMBER", m.start(), m.end(), 0.8))
    return out


_CARD_RE = re.compile(r"(?<![\d\-])\d{4}([ \-]?)\d{4}\1\d{4}\1\d{2,4}(?!\d)")
_ACCOUNT_NUM_RE = re.compile(r"(?<![\d\-.,/])\d{1,16}(?:[ \-]\d{1,10}){0,2}(?![\d,./:])"
                             r"(?!\s?(?:円|万|千|歳|才|さい|年|月|日|時|分|秒|人|件|回|か月|ヶ月|階|号|番(?!号)|%|％|cm|kg))")
_ACCOUNT_WORDS = re.compile(
    r"(?P<neg>(?:受付|整理|管理|会員|注文|申請|予約|問い合わせ)(?:番号|No\.?)?|品番|型番|No\.?|receipt|電話|TEL|携帯|FAX|でんわ|番号札)"
    r"|(?P<pos>口座|普通|当座|貯蓄|記号|番号|被保険者|保険証|年金|手帳|通帳|振込|カード|account|card|insurance|insured)",
    re.I)


def find_accounts(art: SudachiArtifacts) -> list[Hit]:
    d = art.digits
    out: list[Hit] = []
    for m in _CARD_RE.finditer(d):
        if sum(c.isdigit() for c in m.group()) >= 14:
            out.append(("ACCOUNT", m.start(), m.end(), 0.92))
    for m in _ACCOUNT_NUM_RE.finditer(d):
        s = m.group().rstrip(" -")
        n = sum(c.isdigit() for c in s)
        if not (6 <= n <= 16 or (n == 5 and re.search(r"記号[ :：は]{0,3}$", _before(d, m.start(), 8)))):
            continue
        window = _before(d, m.start(), 28)
        last = None
        for w in _ACCOUNT_WORDS.finditer(window):
            last = w
        if last is None or last.group("neg"):
            continue
        out.append(("ACCOUNT", m.start(), m.start() + len(s), 0.7))
    return out


_ERA = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018,
        "M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
_NUM = r"(?:\d{1,2}|[0-9十]{1,3})"
_DATE_PATTERNS = [
    re.compile(r"(?P<era>明治|大正|昭和|平成|令和) ?(?P<y>\d{1,2}|[0-9十]{1,3}|元) ?年 ?(?P<m>" + _NUM
               + r") ?月 ?(?P<d>" + _NUM + r") ?日"),
    re.compile(r"(?<![A-Za-z])(?P<era>[MTSHRmtshr]) ?(?P<y>\d{1,2})[./\-](?P<m>\d{1,2})[./\-](?P<d>\d{1,2})(?![\d])"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2}) ?(?:年|ねん) ?(?P<m>\d{1,2}) ?(?:月|がつ) ?(?P<d>\d{1,2}) ?(?:日|にち)"),
    re.compile(r"(?<![\d\-./])(?P<y>(?:19|20)\d{2})[./\-](?P<m>\d{1,2})[./\-](?P<d>\d{1,2})(?![\d])(?!-\d)"),
    re.compile(r"(?<![\d\-])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![\d\-])"),
]
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_EN_DATE = [
    re.compile(r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? (?P<d>\d{1,2})(?:st|nd|rd|th)?,? (?P<y>(?:19|20)\d{2})"),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)? (?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,? (?P<y>(?:19|20)\d{2})"),
]
_BIRTH_AFTER = re.compile(r"^[ )）]*(?:生|うまれ|誕生)|^[ )）]*\(?(?:born|birth)", re.I)
_BIRTH_BEFORE = re.compile(r"(?:生年月日|誕生日|たんじょうび|たんじょう日|誕生|birthday|born|birth|DOB|d\.o\.b)"
                           r"[^。\n]{0,8}$", re.I)


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
        before = _line_before(d, start, 16)
        ctx = bool(_BIRTH_AFTER.match(after) or _BIRTH_BEFORE.search(before))
        old = year <= this_year - 16 or (era is not None and era.upper() in ("S", "T", "M", "昭和", "大正", "明治"))
        if ctx or old:
            seen.add(start)
            out.append(("BIRTH_DATE", start, end, 0.85 if ctx else 0.6))

    for i, pat in enumerate(_DATE_PATTERNS):
        for m in pat.finditer(d):
            era = m.groupdict().get("era")
            y, mo, dd = (_kanji_int(m.group("y")), _kanji_int(m.group("m")), _kanji_int(m.group("d")))
            if y is None or mo is None or dd is None:
                continue
            if era:
                y += _ERA[era.upper() if len(era) == 1 else era]
            if i == 4 and not (_BIRTH_AFTER.match(d[m.end() : m.end() + 4])
                               or _BIRTH_BEFORE.search(_line_before(d, m.start(), 10))):
                continue
            consider(m.start(), m.end(), y, mo, dd, era)
    for pat in _EN_DATE:
        for m in pat.finditer(d):
            consider(m.start(), m.end(), int(m.group("y")), _MONTHS[m.group("mon")[:3].lower()],
                     int(m.group("d")), None)
    return out


# --------------------------------------------------------------------------------------------
# EMAIL, URL, LINE_ID
# --------------------------------------------------------------------------------------------
_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_URL_RE = re.compile(r"https?://[^\s<>\"'「」（）()、。]+", re.I)
_OFFICIAL_HOST = re.compile(r"(^|\.)(city|pref|town|vill|metro)\.|\.(lg|go)\.jp$|\.gov$|\.ac\.jp$", re.I)


def find_emails(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    for m in _EMAIL_RE.finditer(art.text):
        end = m.end()
        while art.text[end - 1] in ".-":
            end -= 1
        out.append(("EMAIL", m.start(), end, 0.97))
    return out


def find_urls(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    for m in _URL_RE.finditer(art.text):
        s = m.group().rstrip(".,;:!?")
        host = re.sub(r"^https?://", "", s, flags=re.I).split("/", 1)[0].split(":")[0]
        if _OFFICIAL_HOST.search(host):
            continue
        out.append(("URL", m.start(), m.start() + len(s), 0.96))
    return out


_HANDLE_AT = re.compile(r"(?<![A-Za-z0-9._%+\-@/])@[A-Za-z0-9_][A-Za-z0-9._\-]{1,29}")
_HANDLE = re.compile(r"(?<![A-Za-z0-9._@/\-])[A-Za-z0-9][A-Za-z0-9._\-]{2,30}(?![A-Za-z0-9@])")
_SNS_CONTEXT = re.compile(r"(?<![A-Za-z])(?:LINE|Line|ID|Id|X|DM|SNS)(?![A-Za-z])|ライン|らいん|インスタ|ティックトック|"
                          r"ツイッター|アカウント|(?i:instagram|insta|tiktok|twitter|account|handle)")
_HANDLE_STOP = re.compile(r"^(?:[A-Z]{1,4}\d{0,2}|\d+[A-Za-z]{0,2}|p\.m|a\.m|e\.g|i\.e|No\.?\d*|Co|Ltd|TEL|FAX)$",
                          re.I)


def find_handles(art: SudachiArtifacts) -> list[Hit]:
    t = art.text
    out: list[Hit] = []
    for m in _HANDLE_AT.finditer(t):
        s = m.group().rstrip(".-")
        out.append(("LINE_ID", m.start(), m.start() + len(s), 0.85))
    for m in _HANDLE.finditer(t):
        s = m.group().rstrip(".-_")
        if len(s) < 3 or _HANDLE_STOP.match(s) or s.isdigit():
            continue
        if not re.search(r"[A-Za-z]", s):
            continue
        handle_like = bool(re.search(r"[\d_]|[A-Za-z][.\-][A-Za-z0-9]", s))
        line_start = t.rfind("\n", 0, m.start()) + 1
        line_end = t.find("\n", m.end())
        line_end = len(t) if line_end < 0 else line_end
        rest_of_line = (t[line_start : m.start()] + t[m.start() + len(s) : line_end])
        alone = not re.search(f"[A-Za-z0-9{HIRA}{KATA}{KANJI}]", re.sub(r"[→←>（）()]", "", rest_of_line))
        prev = t[max(0, m.start() - 40) : m.start()]
        near = _SNS_CONTEXT.search(t[max(0, m.start() - 12) : m.start()])
        ctx = _SNS_CONTEXT.search(prev)
        if _REF_WORDS.search(_line_before(t, m.start(), 12)):
            continue
        if (handle_like and (alone or ctx)) or (near and len(s) >= 4 and s.lower() not in ("line", "id")):
            out.append(("LINE_ID", m.start(), m.start() + len(s), 0.7 if ctx else 0.6))
    return out


# --------------------------------------------------------------------------------------------
# ADDRESS
# --------------------------------------------------------------------------------------------
_KNUM = "0-9十百千"
_ADDR_ANCHOR = re.compile(
    rf"[{_KNUM}]+(?:丁目|番地|地割|番|号棟|号室|号|丁|条)(?:[-の]?[{_KNUM}]+(?:丁目|番地|番|号棟|号室|号|丁)?)*(?:-\d+)*"
    r"|(?<![A-Za-z\-\d])\d+(?:-\d+){1,3}(?![\d])"
)
_ADDR_SUFFIX_END = re.compile(r"(?:都|道|府|県|市|区|町|村|郡|字|台|丘|條|条|団地|だんち|ちょう|まち|むら|し|く|ぐん|けん|丁目)$")
_ADDR_LABELS = frozenset({"住所", "じゅうしょ", "実家", "義実家", "自宅", "住まい", "家", "所在地", "現住所",
                          "ところ", "地区", "担当地区", "連絡先", "電話", "携帯", "番号", "でんわ", "TEL", "郵便番号"})
_BUILDING_RE = re.compile(
    rf"(?:の\d+)?(?: ?(?P<b>[{KATA}{KANJI}{HIRA}A-Za-z・]{{1,20}}?)? ?(?P<r>\d{{1,5}}(?:-\d{{1,5}})?(?:(?:号棟|号館)\d{{1,5}}(?:号室|号)?|号室|ごうしつ|号|F|階)?)(?![\d\-人歳才年月日時回件個万円名]))?")
_EN_ADDR = re.compile(
    r"(?:(?:Room|Apt\.?|Unit|Flat) ?\d+, ?|(?:[A-Z][a-z]+ ){1,3}\d{1,4}, ?)?"
    r"\d{1,4}(?:-\d{1,4}){1,3} [A-Z][A-Za-z]+(?:-[a-z]+)?(?:, ?(?!(?:Apt|Apartment|Room|Rm|Unit|Flat|Suite)\b)[A-Z][A-Za-z]+(?:-[a-z]+)?(?![A-Za-z]| city)){0,3}"
    r"(?:,? (?:Apt\.?|Apartment|Room|Rm\.?|Unit|Flat|Suite|#) ?#?\d{1,5}[A-Z]?(?![\d\-]))?"
    r"|(?:[A-Z][a-z]+ )+Danchi(?: \d+(?:-\d+)?| (?:Building|Bldg\.?|Block|No\.?) ?\d+)?(?:,? (?:Room|Rm\.?|Apt\.?|#) ?\d+)?"
    r"|(?<![A-Za-z])[A-Z][a-z]+(?:-[a-z]+)? \d{1,2}-?(?:chome|choume)(?:[ ,-]+\d{1,4}(?:-\d{1,4}){0,2})?(?![A-Za-z\d])")
_PARTICLES_END = re.compile(r"(?:は|が|を|に|で|と|も|へ|の|や|から|まで|より)$")


def _tok_index_at(toks: list[Tok], pos: int) -> int:
    """Index of the first token that ends after ``pos``."""
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _addressy(tok: Tok) -> bool:
    p = tok.pos
    if tok.surface in _ADDR_LABELS:
        return False
    if p[0] in ("名詞", "接尾辞", "接頭辞") or tok.oov:
        return True
    return bool(re.fullmatch(f"[{HIRA}{KATA}{KANJI}ヶケ]+", tok.surface)) and p[0] not in (
        "助詞", "助動詞", "補助記号", "空白") and not (p[0] in ("動詞", "形容詞", "感動詞", "代名詞")
                                                   and _HIRA_RE.match(tok.surface))


def _structured(art: SudachiArtifacts) -> list[Hit]:
    key = "structured"
    if key not in art.cache:
        art.cache[key] = (find_phones(art) + find_postal(art) + find_my_numbers(art)
                          + find_accounts(art) + find_emails(art) + find_urls(art))
    hits: list[Hit] = art.cache[key]
    return hits


_PLACEY = re.compile(r"都|道|府|県|市|区|町|村|郡|字|台|丘|団地|だんち|ちょう|まち|むら|ぐん|けん|条|丁目|[ぁ-ゖ]し$|[ぁ-ゖ]し |[ぁ-ゖ]く ")
_KANA_WORD_BEFORE = re.compile(f"([{HIRA}{KATA}{KANJI}]{{2,12}}) $")
_KANA_ADDR_END = re.compile(r"(?:し|く|ちょう|まち|むら|ぐん|けん|と|ふ|どう|だんち|ちょうめ|[都道府県市区町村郡])$")
_ADDR_BAD_START = re.compile(r"^(?:の|に|で|は|が|を|へ|と|から|まで|も|や|です|ます)")
_ADDR_NUM_ONLY = re.compile(rf"(?<=[{KANJI}{HIRA}{KATA}])\d{{1,5}}(?:-\d{{1,5}})*"
                            r"(?![\d\-.,/:年月日時歳才円万千人件回個分%度割倍号室階名])")


def _left_extend(art: SudachiArtifacts, a_start: int) -> tuple[int, list[Tok]]:
    """Walk left from an address anchor over place-like tokens; return the new start."""
    t, toks = art.text, art.toks
    i = _tok_index_at(toks, a_start)
    start = a_start
    parts: list[Tok] = []
    # 本町三丁目 as one token: the anchor starts inside a place token
    if i < len(toks) and toks[i].start < a_start < toks[i].end and toks[i].is_place:
        start = toks[i].start
        parts.append(toks[i])
    i -= 1
    while i >= 0:
        tok = toks[i]
        if tok.end != start:
            break
        if tok.pos[0] == "空白":
            break
        if not _addressy(tok):
            if tok.surface in ("が", "ヶ", "ケ", "ノ", "の") and parts and parts[-1].surface[:1] in "丘谷崎原関浜島尾森岡":
                parts.append(tok)
                start = tok.start
                i -= 1
                continue
            break
        # 三ツ屋 / 六ケ所 / 五ノ坪: a kanji numeral inside a place name
        in_name = bool(parts) and parts[-1].surface in ("ツ", "ケ", "ヶ", "ノ", "つ") and not tok.surface.isascii()
        if not in_name and ((tok.pos[1] == "数詞" and not re.fullmatch(r"[0-9]+", tok.surface)) or (
                tok.pos[1] == "数詞" and t[tok.end : tok.end + 1] not in "条")):
            break
        parts.append(tok)
        start = tok.start
        i -= 1
    # space-separated words (やさしい日本語: かわぐちし さかえちょう 2-8-5)
    first = True
    while True:
        m = _KANA_WORD_BEFORE.search(t, max(0, start - 14), start) if start > 0 and t[start - 1] == " " else None
        if not m or m.end() != start:
            break
        word = m.group(1)
        if word in _ADDR_LABELS or word.endswith(("じゅうしょ", "ところ", "住所")):
            break
        if not (_KANA_ADDR_END.search(word) or (first and start == a_start)):
            break
        start = m.start(1)
        first = False
    return start, parts


_AZA_NO_NUM = re.compile(rf"(?<=字)[{KANJI}]{{1,4}}の[〇一二三四五六七八九十百千]+(?![{KANJI}])")
_ADDR_NO_NUM = re.compile(rf"の(?:[0-9]|[〇一二三四五六七八九十百千]+(?![{KANJI}]))")
_SUBDIVIDED = re.compile(f"^[{KANJI}{KATA}{HIRA}]+?[市区郡][{KANJI}{KATA}{HIRA}]+?[町村][{KANJI}{KATA}{HIRA}]{{2,}}$")


def find_addresses(art: SudachiArtifacts) -> list[Hit]:
    t, d, toks = art.text, art.digits, art.toks
    taken = _structured(art)
    out: list[Hit] = []

    def overlaps(s: int, e: int) -> bool:
        return any(s < he and hs < e for _, hs, he, _ in taken)

    anchors: list[tuple[int, int, bool]] = []
    for m in _ADDR_ANCHOR.finditer(d):
        a_start, a_end = m.start(), m.end()
        # "本町3丁目5番地の五十嵐さん": の + kanji digit is not a house number
        # but 八番地の三 (の + kanji numeral ending the address) is
        k = t.find("の", a_start, a_end)
        while k >= 0 and _ADDR_NO_NUM.match(t, k):
            k = t.find("の", k + 1, a_end)
        if k >= 0:
            a_end = k
        dashed = "-" in t[a_start:a_end] and not re.search("丁目|番|号|丁|条", t[a_start:a_end])
        anchors.append((a_start, a_end, dashed))
    for m in _ADDR_NUM_ONLY.finditer(t):
        anchors.append((m.start(), m.end(), True))
    # 古仁屋字大湊の二三: 字 + name + の + kanji numerals (a lot number without 番地)
    for m in _AZA_NO_NUM.finditer(t):
        anchors.append((m.start(), m.end(), False))
    for a_start, a_end, dashed in sorted(set(anchors)):
        if overlaps(a_start, a_end):
            continue
        if (a_start > 0 and d[a_start - 1] in "-./:") or re.search(r"[A-Za-z]-?$", d[max(0, a_start - 2) : a_start]):
            continue
        start, parts = _left_extend(art, a_start)
        left = t[start:a_start].strip()
        if dashed:
            if not left or not (any(p.is_place for p in parts) or _PLACEY.search(left + " ")):
                continue
        elif not left and not re.search("番地|丁目|号棟", t[a_start:a_end]):
            continue
        # extend right over building and room
        end = a_end
        b = _BUILDING_RE.match(t, a_end)
        if b and b.group("r"):
            bname = b.group("b") or ""
            if not bname or (re.search(f"[{KATA}{KANJI}A-Za-z]", bname) and not _ADDR_BAD_START.match(bname)
                             and not re.search("から|まで|です|ます|ので|けど|に|で|を", bname)):
                end = b.end()
        elif b and re.match(r"の\d", b.group()):
            end = a_end + len(re.match(r"の\d+", b.group()).group())  # type: ignore[union-attr]
        while end > start and t[end - 1] == " ":
            end -= 1
        out.append(("ADDRESS", start, end, 0.8))
    # neighbourhood names (町名) tagged by Sudachi: 桜新町 / 中山町 alone, or a municipality with a
    # subdivision after it in one token (…市…町…)
    for tok in toks:
        if tok.is_place and len(tok.surface) >= 3 and (tok.surface.endswith("町") or _SUBDIVIDED.match(tok.surface)) \
                and not overlaps(tok.start, tok.end):
            nxt = t[tok.end : tok.end + 2]
            if nxt.startswith(("役場", "役所", "駅", "長")):
                continue
            out.append(("ADDRESS", tok.start, tok.end, 0.5))
    for m in _EN_ADDR.finditer(t):
        if not overlaps(m.start(), m.end()):
            out.append(("ADDRESS", m.start(), m.end(), 0.8))
    return out


# --------------------------------------------------------------------------------------------
# ORG
# --------------------------------------------------------------------------------------------
_ORG_SUFFIXES = ("病院", "クリニック", "医院", "歯科", "心療内科", "医療センター", "小学校", "中学校", "高校",
                 "高等学校", "中学", "大学", "専門学校", "学園", "高等部", "中等部", "学院", "保育園", "保育所",
                 "幼稚園", "こども園", "作業所", "薬局", "ステーション", "苑", "荘", "工業", "運輸", "物流", "精機",
                 "精電", "工務店", "商事", "産業", "建設", "製作所", "株式会社", "有限会社", "合同会社", "店",
                 "しょうがっこう", "ちゅうがっこう", "こうこう", "びょういん", "だいがく", "の里", "の郷",
                 "電機", "電子", "食品", "商店", "ホテル", "会館", "学校", "工房", "板金", "ファイナンス", "クレジット",
                 "キャッシング", "金融", "ローンズ", "商会", "製菓", "塗装", "鉄工", "興業", "不動産")
_ORG_SINGLE_SUFFIX = frozenset({"里", "郷", "苑", "荘", "店"})
_ORG_PREFIXES = ("株式会社", "有限会社", "合同会社", "医療法人", "社会福祉法人", "特養", "老健", "デイサービス",
                 "デイケア", "グループホーム", "ケアプランセンター", "特別養護老人ホーム", "介護老人保健施設",
                 "サービス付き高齢者向け住宅", "サ高住", "有料老人ホーム", "カフェ", "スーパー", "ベーカリー",
                 "居酒屋", "ホスト", "クラブ")
_FACILITY_TYPE = re.compile(
    r"(?:特別養護老人ホーム|介護老人保健施設|サービス付き高齢者向け住宅|有料老人ホーム|医療法人\S{1,8}?会|社会福祉法人\S{1,8}?会"
    r"|株式会社|有限会社) ?$")
_ORG_GENERIC = frozenset({"県立", "市立", "区立", "町立", "村立", "都立", "府立", "私立", "公立", "国立", "総合", "大学",
                          "地元", "近所", "近く", "同じ", "別", "前", "今", "元", "昔", "精神", "精神科", "専門", "看護",
                          "こども", "子ども", "小児", "地域", "市内", "市", "区", "県", "町", "新しい", "大きな", "通信制",
                          "定時制", "高", "中", "小", "第", "本", "支", "各", "某", "学校", "会社", "ほか", "他", "次",
                          "一般", "普通", "近い", "遠い", "入院", "通院", "老人", "介護", "医療", "福祉", "夜間", "消費者", "闇", "ヤミ", "街", "サラ", "お", "ご", "この", "その", "あの", "どの", "うち", "家", "実家", "近所の", "行きつけ", "かかりつけ"})
_BANKISH = re.compile(r"銀行|信用金庫|信金|信用組合|労働金庫|労金|ゆうちょ|郵便局|農協|JA|役所|役場|事務所|法テラス"
                      r"|保健所|児童相談所|警察|交番|消防|ハローワーク|家族会|社会福祉協議会|社協|包括支援")
_EN_ORG = re.compile(
    r"(?:(?:[A-Z][A-Za-z&'\-]*|of|and|the) ){0,4}[A-Z][A-Za-z&'\-]* (?:Co\.,? ?Ltd\.?|Inc\.|Corporation|Corp\.|"
    r"School|Kitchen|Home|Hospital|Clinic|Foods|University|College|Center|Centre|Restaurant|Cafe|Bakery|"
    r"Factory|Company|Hotel|Nursery|Kindergarten)"
    r"|(?<![A-Za-z])(?:CLUB|Club|Cafe|Bar|Hotel) [A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?")
_EN_ORG_STOP = frozenset({"I", "My", "Our", "The", "A", "An", "Hi", "Hello", "Dear", "We", "He", "She", "His", "Her",
                          "At", "In", "To", "From", "Also", "And", "But", "So", "Japanese", "English"})


def _orgish(tok: Tok) -> bool:
    p = tok.pos
    if p[0] in ("名詞", "接頭辞", "接尾辞") or tok.oov:
        return True
    if p[0] in ("副詞", "形状詞", "形容詞") and _KANA_RE.match(tok.surface):
        return True
    if tok.surface == "・":
        return True
    return bool(_KATA_RE.match(tok.surface))


_SUFFIX_RE = re.compile("(?:" + "|".join(x for x in _ORG_SUFFIXES if len(x) > 1) + ")$")
_LEGAL_PREFIX_RE = re.compile("^(?:" + "|".join(_ORG_PREFIXES[:4]) + ").")


def _is_suffix(tok: Tok) -> bool:
    s = tok.surface
    if s in _ORG_SINGLE_SUFFIX or (s == "園" and tok.pos[0] == "接尾辞"):
        return True
    return _SUFFIX_RE.search(s) is not None and s not in ("大学生", "中学生", "高校生", "小学生")


def _is_prefix(tok: Tok) -> bool:
    s = tok.surface
    return s in _ORG_PREFIXES or _LEGAL_PREFIX_RE.match(s) is not None


_PREFIX_RE = re.compile("|".join(sorted(_ORG_PREFIXES, key=len, reverse=True)))
_LEAD_STOP = frozenset({"もともと", "ずっと", "今", "まだ", "もう", "昔", "実は", "たぶん", "やっぱり", "とても", "すごく",
                        "結構", "ちょっと", "よく", "前", "毎日", "毎週", "いつも", "一度", "最近", "以前", "現在", "今度"})
_HIRA_ORG = re.compile(f"(?<![{HIRA}])[{HIRA}]{{2,8}}(?:しょうがっこう|ちゅうがっこう|こうこう|びょういん|だいがく|ほいくえん|ようちえん)")


_PLACE_TAIL = frozenset("丘谷崎原関浜島尾森岡")


def _chain_end(toks: list[Tok], i: int) -> int:
    """Index of the last token of the noun chain starting at i."""
    n = len(toks)
    j = i
    while j + 1 < n:
        nx = toks[j + 1]
        if nx.start != toks[j].end:
            break
        if _orgish(nx) and nx.pos[0] != "助詞":
            j += 1
            continue
        if nx.pos[0] == "助動詞" and _HIRA_RE.match(nx.surface) and j + 2 < n and _orgish(toks[j + 2]) and (
                toks[j + 2].start == nx.end):
            j += 1
            continue
        # みどりが丘 / 桜ケ丘 / 霞ヶ関: が・ケ・ヶ・ノ inside a place-style name
        if nx.surface in ("が", "ケ", "ヶ", "ノ") and j + 2 < n and toks[j + 2].start == nx.end and (
                toks[j + 2].surface in _PLACE_TAIL) and toks[j].surface not in _KIN:
            j += 2
            continue
        if nx.surface == "の" and j + 2 < n:
            after = toks[j + 2]
            single = len(after.surface) == 1 and _KANJI_RE.match(after.surface) is not None
            nxt3 = toks[j + 3] if j + 3 < n else None
            closes = nxt3 is None or not _orgish(nxt3) or _is_suffix(nxt3) or nxt3.start != after.end
            if single and closes and re.match(f"^[{HIRA}{KATA}{KANJI}]+$", toks[j].surface) and (
                    after.start == nx.end):
                j += 2
                continue
        break
    return j


_FACILITY_NAMED = re.compile(
    r"(?:特別養護老人ホーム|介護老人保健施設|サービス付き高齢者向け住宅|有料老人ホーム|グループホーム|デイサービス|デイケア"
    r"|ケアハウス|小規模多機能(?:型居宅介護)?|訪問看護ステーション|ショートステイ|特養|老健|サ高住) ?"
    rf"(?P<n>[{HIRA}{KATA}{KANJI}]{{1,10}}?(?:の[里郷丘家森杜園苑荘]|[がケヶノ][丘谷崎原関浜島尾森岡])?)"
    r"(?=は|が|に|を|で|へ|と|も|の|や|から|まで|、|。|,|\s|$|（|\(|\)|）|です|」)")
_KANA_NO_SUFFIX = frozenset({"クリニック", "医院", "作業所", "工房", "苑", "荘", "学園", "保育園", "こども園",
                             "幼稚園", "ステーション", "の里", "の郷"})


def _typed_facility_names(art: SudachiArtifacts) -> list[Hit]:
    """特別養護老人ホーム 松風園 / サービス付き高齢者向け住宅 ひかりの丘: facility type + its proper name."""
    t, toks = art.text, art.toks
    out: list[Hit] = []
    for m in _FACILITY_NAMED.finditer(t):
        ns, ne = m.start("n"), m.end("n")
        name = t[ns:ne]
        if name in _ORG_GENERIC or name in _KANA_STOP or _BANKISH.search(name):
            continue
        inner = [tk for tk in toks if tk.start >= ns and tk.end <= ne]
        if not inner or inner[0].start != ns or inner[-1].end != ne:
            continue
        if inner[0].pos[0] in ("助詞", "助動詞", "動詞", "形容詞", "副詞", "補助記号"):
            continue
        if any(tk.pos[0] in ("動詞", "形容詞", "助動詞", "補助記号") for tk in inner):
            continue
        if any(tk.pos[0] == "助詞" and tk.surface not in ("の", "が") for tk in inner):
            continue
        out.append(("ORG", m.start(), ne, 0.8))
    return out


def _kana_no_facility(art: SudachiArtifacts) -> list[Hit]:
    """こころのクリニック(桜坂) / ひだまりの作業所: a kana word + の + facility type is a name."""
    t, toks = art.text, art.toks
    out: list[Hit] = []
    for i in range(2, len(toks)):
        tk, no, w = toks[i], toks[i - 1], toks[i - 2]
        if tk.surface not in _KANA_NO_SUFFIX or no.surface != "の" or not (w.end == no.start and no.end == tk.start):
            continue
        if not _KANA_RE.match(w.surface) or len(w.surface) < 2 or w.pos[0] != "名詞" or w.pos[2] == "副詞可能" \
                or w.surface in _LEAD_STOP or w.surface in _KANA_STOP \
                or w.surface in _ORG_GENERIC or w.surface in _KIN or w.surface in _NOT_NAME:
            continue
        if i >= 3 and toks[i - 3].end == w.start and toks[i - 3].pos[0] in ("名詞", "接頭辞", "連体詞", "代名詞"):
            continue
        end = i
        while end + 1 < len(toks) and toks[end + 1].start == toks[end].end and (
                toks[end + 1].pos[1] == "固有名詞" or toks[end + 1].oov) and toks[end + 1].pos[1] != "数詞":
            end += 1
        if end > i and t[toks[end].end : toks[end].end + 2].startswith(_HONORIFICS):
            end = i
        out.append(("ORG", w.start, toks[end].end, 0.8))
    return out


_FACILITY_TYPE_END = re.compile(
    r"(?:特別養護老人ホーム|介護老人保健施設|有料老人ホーム|グループホーム|デイサービス|デイケア|ケアハウス|ショートステイ"
    r"|訪問看護ステーション|小規模多機能型居宅介護|障害者支援施設|就労継続支援[AB]型|児童養護施設|保育園|こども園)$")
_LEGAL_TYPE_RE = re.compile(
    r"(?:社会医療法人|医療法人(?:社団|財団)?|社会福祉法人|学校法人|宗教法人|(?:一般|公益)(?:社団|財団)法人"
    r"|特定非営利活動法人|NPO法人|株式会社|有限会社|合同会社|合資会社|合名会社)")
_RUN_RE = re.compile(r"[^\s、。,!?()「」『』【】\[\]<>:;\"'／/]+")
_NAME_END_RE = re.compile("(?:" + "|".join(sorted((re.escape(x) for x in _ORG_SUFFIXES if len(x) > 1), key=len,
                                                  reverse=True))
                          + r"|会|の家|ホーム|ハウス|スクール|センター|ケア|塾|教室)")
_AFTER_NAME = re.compile(r"(?:は|が|を|に|で|と|も|へ|の|や|から|まで|より|です|でした|だ|って|さん|様)")


def _name_group(art: SudachiArtifacts, p: int, need_suffix: bool) -> int:
    """End of an organisation name written from ``p`` (up to a space or punctuation), or ``p`` if none."""
    t, toks = art.text, art.toks
    run = _RUN_RE.match(t, p)
    if not run:
        return p
    best = -1
    for m in _NAME_END_RE.finditer(run.group()):
        rest = run.group()[m.end() :]
        if m.start() > 0 and (not rest or _AFTER_NAME.match(rest)):
            best = m.end()
    first = _tok_index_at(toks, p)
    if first < len(toks) and toks[first].start == p and toks[first].pos[0] in ("助詞", "助動詞"):
        return p
    if best > 0:
        return p + best
    if need_suffix:
        return p
    i = _tok_index_at(toks, p)
    end = p
    while i < len(toks) and toks[i].start == end and (toks[i].surface == "・" or (
            _orgish(toks[i]) and toks[i].pos[0] not in ("助詞", "助動詞", "補助記号", "空白"))):
        end = toks[i].end
        i += 1
    return end


def _legal_entity_orgs(art: SudachiArtifacts) -> list[Hit]:
    """医療法人社団 X会 Yクリニック / 有限会社 X板金 / 社会福祉法人 X会: legal type + name group(s)."""
    t = art.text
    out: list[Hit] = []
    for m in _LEGAL_TYPE_RE.finditer(t):
        p = m.end() + (1 if t[m.end() : m.end() + 1] == " " else 0)
        end = _name_group(art, p, need_suffix=False)
        hira = re.match(f"[{HIRA}ー]{{2,12}}", t[p:])
        if hira:
            run = re.sub(r"(?:の|が|は|に|で|を|と|へ|も|や)$", "", hira.group())
            if len(run) >= 2 and run not in _KANA_STOP and not _ADDR_BAD_START.match(run):
                end = max(end, p + len(run))
        if end <= p or t[p:end] in _ORG_GENERIC or re.fullmatch(r"[0-9]+", t[p:end]):
            continue
        # 医療法人 X会 Y病院: the facility written after the corporation's name
        while t[end : end + 1] == " " and (t[end - 1 : end] == "会" or _FACILITY_TYPE_END.search(t, 0, end)):
            nxt = _name_group(art, end + 1, need_suffix=t[end - 1 : end] == "会")
            if nxt <= end + 1:
                break
            end = nxt
        out.append(("ORG", m.start(), end, 0.85))
    return out


_OFFICE_RE = re.compile(
    rf"(?<![{KANJI}{KATA}])(?P<n>[{KANJI}{KATA}]{{1,6}}?)(?:司法書士|行政書士|税理士|弁護士|法律|会計|特許|社会保険労務士"
    r"|社労士)(?:事務所|法人)")
_QUOTED_RE = re.compile(r"[「『](?P<n>[^「」『』\n、。!?]{2,24})[」』]")
_FACILITY_WORD = re.compile(r"(?:フリースクール|スクール|施設|事業所|作業所|会社|かいしゃ|業者|お店|店|教室|塾|サークル|団体"
                            r"|ホーム|デイ|病院|クリニック|学校|居場所|カフェ|法人|勤め先|職場|バイト先|パート先)[はがの]? ?$")
_HIRA_ORG_SPACED = re.compile(
    f"(?:しりつ|けんりつ|くりつ|とりつ|ふりつ|こくりつ|ちょうりつ|そんりつ) ?[{HIRA}]{{2,8}} ?"
    "(?:しょうがっこう|ちゅうがっこう|こうこう|こうとうがっこう|ほいくえん|ようちえん|とくべつしえんがっこう)")
_EN_CARE = re.compile(
    r"(?<![A-Za-z])(?:[A-Z][A-Za-z&'\-]* ){1,4}(?:Day Care|Daycare|Day Service|Care Center|Care Home|Nursing Home"
    r"|Group Home|Care)(?: [A-Z][a-z]+)?(?![A-Za-z])")


_SCHOOL_RE = re.compile(
    rf"(?:(?:[{KANJI}]{{1,4}}|[{HIRA}]{{2,5}})(?=[都道府県市区町村]立))?(?:都立|道立|府立|県立|市立|区立|町立|村立|私立|国立|公立)"
    rf"(?P<n>[{HIRA}{KATA}{KANJI}ー]{{1,10}}?)(?:特別支援学校|義務教育学校|高等学校|中等教育学校|小学校|中学校|高校|学校"
    r"|幼稚園|保育園|保育所|こども園|大学|短大|病院)")
_ABBR_CORP_RE = re.compile(
    rf"[(（](?:株|有|合|医|社|財)[)）] ?[{KANJI}{KATA}A-Za-zー・&]{{2,16}}"
    rf"|(?<![{KANJI}{KATA}A-Za-zー])[{KANJI}{KATA}A-Za-zー・&]{{2,16}} ?[(（](?:株|有|合)[)）]")
_LENDER_RE = re.compile(
    rf"(?<![{KATA}])(?P<n>[{KATA}ー]{{2,10}})(?:キャッシュ|キャッシング|ローン|ローンズ|ファイナンス|クレジット|マネー|金融)"
    rf"(?![{KATA}])")
_LENDER_GENERIC = frozenset({"カード", "キャッシュ", "リボ", "オート", "マイカー", "フリー", "ビジネス", "ブライダル", "サラ",
                             "ヤミ", "ショッピング", "スマホ", "ゲーム", "ネット", "クレジット", "ソーシャル", "リース"})
_EN_CARE_WORDS = frozenset({"Day", "Care", "Daycare", "Service", "Center", "Home", "Nursing", "Group", "Adult", "Senior"})


def _extra_orgs(art: SudachiArtifacts) -> list[Hit]:
    t, toks = art.text, art.toks
    out = _legal_entity_orgs(art)
    for m in _OFFICE_RE.finditer(t):
        ns, ne = m.span("n")
        inner = [tk for tk in toks if tk.start >= ns and tk.end <= ne]
        if m.group("n") not in _ORG_GENERIC and any(tk.is_name or tk.oov or tk.pos[1] == "固有名詞"
                                                    or _KATA_RE.match(tk.surface) for tk in inner):
            out.append(("ORG", m.start(), m.end(), 0.85))
    # 「やました工業」/『サクラファイナンス』/ フリースクール「ひだまりの家」
    for m in _QUOTED_RE.finditer(t):
        ns, ne = m.span("n")
        name = m.group("n").strip()
        if name in _ORG_GENERIC or name in _KANA_STOP or _BANKISH.search(name):
            continue
        end = _name_group(art, ns, need_suffix=True)
        typed = bool(_FACILITY_WORD.search(_line_before(t, m.start(), 12)))
        if end == ne or (typed and _RUN_RE.fullmatch(name) and not re.search(
                r"(?:ます|です|たい|ない|した|ろう|よう|ください)$", name)):
            out.append(("ORG", ns, ne, 0.8))
    for m in _HIRA_ORG_SPACED.finditer(t):
        out.append(("ORG", m.start(), m.end(), 0.75))
    for m in _SCHOOL_RE.finditer(t):
        name = m.group("n")
        lead = re.match(f"(?:から|まで|より|は|が|を|に|で|も|と|の|へ)(?=[{HIRA}]{{2}}|[{KANJI}])", m.group())
        if lead:
            out.append(("ORG", m.start() + lead.end(), m.end(), 0.8))
            continue
        if not re.match(f"[{HIRA}]", name) or (len(name) >= 2 and not _ADDR_BAD_START.match(name)):
            out.append(("ORG", m.start(), m.end(), 0.8))
    for m in _ABBR_CORP_RE.finditer(t):
        out.append(("ORG", m.start(), m.end(), 0.8))
    for m in _LENDER_RE.finditer(t):
        if m.group("n") not in _LENDER_GENERIC:
            out.append(("ORG", m.start(), m.end(), 0.75))
    for m in _EN_CARE.finditer(t):
        s, words = _drop_leading_stopwords(t, m.start(), m.end())
        if len(words) >= 2 and any(w not in _EN_CARE_WORDS for w in words):
            out.append(("ORG", s, m.end(), 0.8))
    return out


def find_orgs(art: SudachiArtifacts) -> list[Hit]:
    t, toks = art.text, art.toks
    out: list[Hit] = []
    n = len(toks)
    i = 0
    while i < n:
        if not _orgish(toks[i]) or toks[i].pos[0] == "助動詞":
            i += 1
            continue
        j = _chain_end(toks, i)
        chain = toks[i : j + 1]
        # leading adverbs/adjectives are not part of a name unless the chain is just them + suffix
        while len(chain) > 1 and (chain[0].surface in _LEAD_STOP or chain[0].pos[2] == "副詞可能"):
            chain = chain[1:]
        ctext = t[chain[0].start : chain[-1].end]
        pm = _PREFIX_RE.search(ctext)
        suffix_ks = [k for k, tk in enumerate(chain) if _is_suffix(tk)]
        prefix_ks = [k for k, tk in enumerate(chain) if _is_prefix(tk)]
        span: tuple[int, int] | None = None
        if suffix_ks:
            last = suffix_ks[-1]
            body: list[str] = []
            for k, tk in enumerate(chain[: last + 1]):
                surf = tk.surface
                if k in suffix_ks or k in prefix_ks:
                    for aff in _ORG_SUFFIXES + _ORG_PREFIXES:
                        if surf.endswith(aff) and len(surf) > len(aff) and k in suffix_ks:
                            body.append(surf[: -len(aff)])
                            break
                        if surf.startswith(aff) and len(surf) > len(aff) and k in prefix_ks and k not in suffix_ks:
                            body.append(surf[len(aff) :])
                            break
                    continue
                if surf in _ORG_GENERIC or tk.pos[1] == "数詞" or tk.pos[2] == "副詞可能" or surf in _KIN:
                    continue
                body.append(surf)
            body = [b for b in body if b and b not in _ORG_GENERIC]
            if body:
                end_k = last
                # a proper name written after the facility type: クリニック桜坂 / ホーム松風
                while (end_k + 1 < len(chain) and (chain[end_k + 1].pos[1] == "固有名詞" or chain[end_k + 1].oov)
                       and chain[end_k + 1].pos[1] != "数詞"):
                    end_k += 1
                if end_k > last and t[chain[end_k].end : chain[end_k].end + 2].startswith(_HONORIFICS):
                    end_k = last
                span = (chain[0].start, chain[end_k].end)
        if span is None and pm is not None:
            rest = ctext[pm.end() :]
            if rest and rest not in _ORG_GENERIC and not re.fullmatch(r"[0-9]+", rest):
                span = (chain[0].start + pm.start(), chain[-1].end)
        if span is not None:
            s, e = span
            if not _BANKISH.search(t[s:e]):
                ft = _FACILITY_TYPE.search(t[max(0, s - 24) : s])
                if ft:
                    s = max(0, s - 24) + ft.start()
                out.append(("ORG", s, e, 0.75))
        i = j + 1
    for m in _HIRA_ORG.finditer(t):
        out.append(("ORG", m.start(), m.end(), 0.7))
    out.extend(_typed_facility_names(art))
    out.extend(_kana_no_facility(art))
    out.extend(_extra_orgs(art))
    for m in _EN_ORG.finditer(t):
        s, words = _drop_leading_stopwords(t, m.start(), m.end())
        if len(words) >= 2:
            out.append(("ORG", s, m.end(), 0.8))
    return out


# --------------------------------------------------------------------------------------------
# PERSON
# --------------------------------------------------------------------------------------------
_HONORIFICS = ("さん", "くん", "君", "ちゃん", "様", "さま", "先生", "氏", "宛", "あて", "殿", "せんせい", "ちゃま")
_KIN = frozenset({
    "母", "父", "お母", "お父", "母親", "父親", "ママ", "パパ", "息子", "娘", "兄", "姉", "弟", "妹", "夫", "妻", "主人",
    "家内", "嫁", "旦那", "長男", "次男", "三男", "長女", "次女", "三女", "孫", "祖母", "祖父", "義母", "義父", "義弟",
    "義妹", "義兄", "義姉", "叔母", "叔父", "伯母", "伯父", "本人", "私", "わたし", "わたくし", "僕", "ぼく", "俺", "おれ",
    "あたし", "自分", "記入者", "氏名", "名前", "なまえ", "お名前", "名", "むすこ", "むすめ", "おっと", "つま", "はは",
    "ちち", "あに", "あね", "おとうと", "いもうと", "まご", "せがれ", "子", "子ども", "こども", "長子", "実母", "実父",
    "姑", "舅", "甥", "姪", "いとこ", "友達", "友人", "彼", "彼女", "相手", "担当", "担任", "相談員", "ケアマネ",
    "利用者", "被保険者", "契約者", "名義", "名義人", "代表者", "申込者", "相談者", "保護者", "世帯主", "入所者",
    "旧姓", "通称", "ハンドルネーム", "愛称", "あだ名", "あだな", "ニックネーム", "兄貴", "姉貴", "おかん", "おとん",
    "じいちゃん", "ばあちゃん", "おばあちゃん", "おじいちゃん", "お兄ちゃん", "お姉ちゃん",
})
_NOT_NAME = frozenset({
    "お母", "お父", "母", "父", "息子", "娘", "兄", "姉", "弟", "妹", "ばあ", "じい", "おばあ", "おじい", "ばあば",
    "じいじ", "お兄", "お姉", "おば", "おじ", "お嬢", "奥", "赤", "坊", "皆", "みな", "みんな", "お客",
    "大家", "店長", "先輩", "後輩", "友達", "お子", "子", "彼", "彼女", "相手", "担任", "担当", "相談員", "ケアマネ",
    "ヘルパー", "看護師", "保健師", "医師", "お医者", "司法書士", "弁護士", "役員", "民生委員", "会長", "社長",
    "部長", "課長", "校長", "教頭", "主任", "学年主任", "お隣", "隣", "近所", "ご近所", "お巡り", "おまわり", "運転手",
    "自治会長", "大屋", "ママ", "パパ", "母ちゃん", "父ちゃん", "息子さん", "娘さん", "おっかあ", "おかん", "おとん",
    "あんちゃん", "ねえちゃん", "にいちゃん", "お嫁", "嫁", "婿", "孫", "叔母", "伯母", "叔父", "伯父", "義母", "義父",
    "スクールカウンセラー", "カウンセラー", "ソーシャルワーカー", "ワーカー", "ケースワーカー", "事務", "受付",
    "お前", "あなた", "私", "自分", "僕", "本人", "ご本人", "皆様", "みなさま", "お客様", "患者", "利用者", "家族",
    "学校", "先生", "こちら", "そちら", "あちら", "どちら", "誰", "だれ", "お店", "お医者さん", "主治医", "担当医",
    "昭和", "平成", "大正", "令和", "明治", "西暦", "年", "月", "日", "歳", "才",
})
_KANA_STOP = frozenset({
    "ひとり", "ふたり", "みんな", "いま", "ずっと", "まだ", "もう", "ここ", "そこ", "どこ", "なに", "だれ", "いつ",
    "ほんと", "たいへん", "げんき", "びょうき", "こと", "ため", "ほう", "ところ", "もの", "せい", "よう", "ほか",
    "でんわ", "じゅうしょ", "なまえ", "メール", "ライン", "ブログ", "インスタ", "パート", "バイト", "しごと", "がっこう",
    "いえ", "へや", "おかね", "ごはん", "せわ", "かいご", "びょういん", "ママ", "パパ", "おかあさん", "おとうさん",
    "ばあちゃん", "じいちゃん", "おばあちゃん", "おじいちゃん", "ちょっと", "すこし", "とても", "やっぱり", "なんか",
    "あと", "まず", "でも", "それ", "これ", "あれ", "どれ", "そう", "こう", "ああ", "はい", "いいえ", "すみません",
    "ありがとう", "よろしく", "おねがい", "ひきこもり", "ニート", "ヤングケアラー", "ケアマネ", "ヘルパー", "デイ",
    "ショートステイ", "サービス", "カード", "ローン", "スマホ", "ゲーム", "ネット", "アカウント", "ハンドルネーム",
    "LINE", "ID", "TEL", "FAX", "メモ", "コピー", "むすこ", "むすめ", "おっと", "つま", "こども", "まご", "はは",
    "ちち", "あに", "あね", "おとうと", "いもうと", "わたし", "ぼく", "あたし", "うち", "じぶん", "ほんにん",
})
_SELF_INTRO = re.compile(r"^ ?(?:です|と申します|ともうします|といいます|と いいます|と言います|でございます|と申す)")
_BOUNDARY_AFTER = re.compile(
    r"^(?: ?(?:です|でした|だ|で[、,。 ]|って|っていう|という|と申|といい|ちゃん|くん|君|さん|が|は|も|と|を|に|の|、|。|,|\.|\(|（|\)|）|!|！|\?|？| \d|\d|生| [(（]|$)|\n| ?$)")


def _name_like(engine: SudachiNlpEngine, tok: Tok) -> bool:
    s = tok.surface
    if s in _NOT_NAME or s in _KANA_STOP or s in _KIN:
        return False
    if tok.is_name or tok.oov:
        return True
    if tok.pos[0] in ("名詞",) and tok.pos[1] in ("固有名詞",) and tok.pos[2] != "地名":
        return True
    if engine.name_capable(s):
        return True
    return bool(_KANA_RE.match(s)) and 1 < len(s) <= 6 and tok.pos[0] in ("名詞", "形状詞", "接頭辞")


def _strong_name(engine: SudachiNlpEngine, tok: Tok) -> bool:
    s = tok.surface
    if s in _NOT_NAME or s in _KIN or s in _KANA_STOP:
        return False
    return tok.is_name or tok.oov or engine.name_capable(s) or (bool(_KATA_RE.match(s)) and not engine.known_common(s))


def _chunk(engine: SudachiNlpEngine, toks: list[Tok], i: int, lenient: bool) -> tuple[int, int] | None:
    """A name starting at token i: up to 3 tokens, optionally one space and up to 3 more tokens."""
    n = len(toks)
    if i >= n:
        return None
    ok = _name_like if lenient else _strong_name
    j = i
    parts = 0
    while j < n and parts < 3 and (j == i or toks[j].start == toks[j - 1].end) and toks[j].pos[0] not in (
            "空白", "補助記号", "助詞", "助動詞") and (
            ok(engine, toks[j]) or (parts > 0 and _name_like(engine, toks[j]) and toks[j].pos[1] != "数詞")
            or (parts > 0 and toks[j].surface in ("子", "美", "江", "代") and _KATA_RE.match(toks[j - 1].surface))
            or (toks[j].surface == "・")):
        if toks[j].pos[1] == "数詞":
            break
        j += 1
        parts += 1
    if parts == 0:
        return None
    if j < n and toks[j].pos[0] == "接尾辞" and toks[j].surface in ("人", "斗", "也", "介", "助", "太", "郎", "子", "美")\
            and toks[j - 1].is_name and toks[j].start == toks[j - 1].end:
        j += 1
    end = j
    # optional second part after a single space (姓 名)
    if j + 1 < n and toks[j].pos[0] == "空白" and toks[j].end - toks[j].start == 1 and toks[j].start == toks[j - 1].end:
        k = j + 1
        p2 = 0
        while k < n and p2 < 3 and toks[k].pos[0] not in ("空白", "補助記号", "助詞", "助動詞") and (_name_like(
                engine, toks[k]) or (p2 > 0 and toks[k].surface in ("子", "美", "江", "代", "恵"))) and toks[
                k].pos[1] != "数詞" and toks[k].start == (toks[k - 1].end):
            k += 1
            p2 += 1
        if p2 and toks[j + 1].surface.isascii() and not toks[i].surface.isascii():
            p2 = 0
        if p2:
            if p2 == 0 and toks[j - 1].is_name and toks[j - 1].pos[3] == "姓" and k < n and _KANJI_RE.match(
                    toks[k].surface) and len(toks[k].surface) <= 3 and toks[k].pos[0] == "名詞" and toks[k].start == toks[j].end:
                k += 1
                p2 = 1
            second = "".join(tk.surface for tk in toks[j + 1 : k])
            if second not in _KIN and len(second) <= 6:
                end = k
    return toks[i].start, toks[end - 1].end


def _kana_ok(s: str) -> bool:
    if s in _KANA_STOP or s.endswith(("です", "ます", "した", "ない")):
        return False
    return not s.startswith(("こと", "もの", "ため", "ところ", "ほう", "よう", "せい", "ぶん", "かわり"))


_KIN_ALT = "|".join(sorted((re.escape(k) for k in _KIN if len(k) >= 1), key=len, reverse=True))
_SELF_INTRO_RE = re.compile(
    r"(?:^|(?<=[\n。、!！?？])|(?<=ております)|(?<=ています)|(?<=の)|(?<=の ))[ ]*"
    r"(?:(?:わたし|私|ぼく|僕|あたし)(?:は|の名前は|の なまえは) ?)?"
    r"(?P<n>[^\s、。\n!！?？:：()（）]{1,8}(?: [^\s、。\n!！?？:：()（）]{1,6})?) ?"
    r"(?=です|と申します|ともうします|といいます|と いいます|と言います|でございます)")
_AFTER_NO = re.compile(r"^(?:が|は|と|も|を|に|の|、|。|,|\(|（|\)|）|ちゃん|くん|君|です|\n|$| )")
_AFTER_WA = re.compile(r"^(?: ?(?:です|でした|だよ|って|っていう|という|と申|といい|でいい|でお願い|で大丈夫|ちゃん|くん|君|さん)"
                       r"|で[、, ]|、|。|,|\(|（|\)|）|\n|$| (?=\S))")
_AFTER_LABEL = re.compile(r"^(?:\s|$|、|。|,|\(|（|\)|）|です|で[、, ]|が|は|と|も|を|に|の|ちゃん|くん|君|さん|\d)")
_NAME_LABELS = frozenset({"名前", "なまえ", "お名前", "氏名", "ハンドルネーム", "名", "通称", "愛称", "あだ名", "あだな",
                          "ニックネーム", "旧姓"})
_NAME_LABEL_RE = re.compile(
    r"(?:名前|なまえ|お名前|氏名|ハンドルネーム|ニックネーム|あだ名|あだな)(?:は|:|：| )[ ]*"
    r"(?P<n>[^\s、。,!?()（）「」:：]{1,8}?(?: [^\s、。,!?()（）「」:：]{1,6}?)?)(?=って|っていう|でいい|でお願い|です|で[、。 ]|で$|で\n|、|。|\n|$|\(|（| [(（]| \d)")
_HIRA_RUN = re.compile(f"[{HIRA}ー]{{2,5}}(?=が|は|を|に|も|の|と|で[、, ]|です|、|。|\\(|\\)|（|）|ちゃん|くん|君|って|\n|$)")


def _relation_name(art: SudachiArtifacts, engine: SudachiNlpEngine, i: int,
                   add: Callable[[int, int, float], None]) -> None:
    """KIN/label word followed by a name: 母：松本 キヨ / 息子の浩一（ / 主人は勝、/ 名前はれおん"""
    t, toks = art.text, art.toks
    n = len(toks)
    tok = toks[i]
    j = i + 1
    if j >= n or toks[j].start != tok.end:
        return
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
        if j + 1 < n and toks[j].surface == " " and _HIRA_RE.match(toks[j + 1].surface):
            spaced = True
            j += 1
    elif sep == "は":
        form = "wa"
        j += 1
        while j < n and toks[j].pos[0] == "空白":
            j += 1
    elif _strong_name(engine, toks[j]) and toks[j].is_name:
        form = "direct"
    else:
        return
    if j >= n:
        return
    first = toks[j]
    if form in ("no", "wa") and (first.start == toks[j - 1].end or spaced):
        # hiragana names are split oddly by Sudachi: take the hiragana run up to a particle
        m = _HIRA_RUN.match(t, first.start)
        if (m and _HIRA_RE.match(first.surface) and _kana_ok(m.group()) and len(m.group()) >= len(first.surface)
                and (form == "no" or _AFTER_WA.match(t[m.end() : m.end() + 6]))):
            known = engine.known_common(m.group()) and not engine.name_capable(m.group())
            # after の an ordinary word is fine (りく, ひなた) unless it is long (かかりつけ)
            if (form == "no" and len(m.group()) < 5 and not spaced) or label or not known:
                add(m.start(), m.end(), 0.7)
            return
    if first.pos[1] == "数詞" or first.surface in _KIN or first.surface in _NOT_NAME:
        return
    if form == "no" and first.surface in _PERSON_HAS and not first.is_name and t[first.end : first.end + 1] != " ":
        return
    span = _chunk(engine, toks, j, lenient=True)
    if not span and label and first.pos[0] == "名詞":
        span = (first.start, first.end)
    if not span:
        return
    cand = [tk for tk in toks[j:] if tk.end <= span[1] and tk.pos[0] != "空白"]
    strong = any(_strong_name(engine, tk) for tk in cand)
    txt = t[span[0] : span[1]]
    kana = all(_KANA_RE.match(tk.surface) for tk in cand) and _kana_ok(txt)
    katakana_ok = all(_KATA_RE.match(tk.surface) for tk in cand) and not any(
        engine.known_common(tk.surface) and not engine.name_capable(tk.surface) for tk in cand)
    romaji = all(_ROMAJI_RE.match(tk.surface) for tk in cand)
    after = t[span[1] : span[1] + 6]
    if form == "bracket":
        if not any(tk.is_name for tk in cand) or not re.match(r"^[)）]", after):
            return
    elif form == "no" or form == "comma" or form == "direct":
        if not _AFTER_NO.match(after):
            return
        if not (strong or (kana and (not all(_KATA_RE.match(tk.surface) for tk in cand) or katakana_ok))):
            return
        if form == "comma" and not strong:
            return
    elif form == "wa":
        if not _AFTER_WA.match(after):
            return
        if after.startswith(" ") and not strong:
            return
        if not (strong or label or katakana_ok or (kana and all(tk.pos[0] == "名詞" or tk.oov for tk in cand))):
            return
    else:  # label
        if not _AFTER_LABEL.match(after):
            return
        if not (strong or kana or romaji or label):
            if not re.match(r"^ ?(?:\n|$| \d|\d|[(（、,]|です)", t[span[1] : span[1] + 4]):
                return
            if any(tk.pos[0] != "名詞" for tk in cand):
                return
            if any(engine.known_common(tk.surface) and not engine.name_capable(tk.surface)
                   and len(tk.surface) > 1 for tk in cand):
                return
    add(span[0], span[1], 0.8)


def find_persons(art: SudachiArtifacts, engine: SudachiNlpEngine) -> list[Hit]:
    t, toks = art.text, art.toks
    n = len(toks)
    out: list[Hit] = []

    def add(s: int, e: int, score: float) -> None:
        tail = _NAME_TAIL.search(t, s, e)
        if tail and tail.start() > s:
            e = tail.start()
        if e > s:
            name = t[s:e].strip()
            if not name or name in _NOT_NAME or name in _KIN or name in _KANA_STOP or _PLACE_AFTER.match(t, e):
                return
            out.append(("PERSON", s, e, score))

    def boundary_ok(pos: int) -> bool:
        return bool(_BOUNDARY_AFTER.match(t[pos : pos + 6]))

    for i, tok in enumerate(toks):
        s = tok.surface
        # (1) Sudachi personal-name tags
        if tok.is_name and s not in _NOT_NAME and not s.isascii() and not (_HIRA_RE.match(s) and len(s) <= 2):
            prev = toks[i - 1] if i > 0 else None
            nxt = toks[i + 1] if i + 1 < n else None
            # a lone hiragana/katakana "name" glued into a longer word is usually noise
            glued = (prev is not None and prev.end == tok.start and prev.pos[0] in ("名詞",) and not prev.is_name
                     and prev.surface not in _KIN and _KANA_RE.match(s) is not None)
            if nxt is not None and nxt.start == tok.end and nxt.pos[0] == "名詞" and not nxt.is_name and nxt.surface not in _HONORIFICS:
                glued = glued or (nxt.pos[1] in ("普通名詞",) and nxt.surface not in _KIN and _KANA_RE.match(s) is not None)
            if not glued:
                span = _chunk(engine, toks, i, lenient=True)
                if span:
                    add(span[0], span[1], 0.6 if tok.pos[3] in ("姓", "名") else 0.5)
                # 星 ヨシ: a surname that is also an ordinary word, written before a given name
                if span and tok.pos[3] == "名" and i >= 2 and toks[i - 1].surface == " " and (
                        toks[i - 2].end == toks[i - 1].start):
                    sur = toks[i - 2]
                    before = t[sur.start - 1 : sur.start] if sur.start else ""
                    if (_KANJI_RE.match(sur.surface) and len(sur.surface) <= 3 and sur.pos[0] == "名詞"
                            and (engine.name_capable(sur.surface) or sur.pos[1] in ("固有名詞", "普通名詞"))
                            and sur.pos[1] != "数詞" and sur.surface not in _ADDR_LABELS
                            and sur.surface not in _KIN and sur.surface not in _NOT_NAME
                            and not _KANJI_RE.match(before or "a")):
                        add(sur.start, sur.end, 0.6)
        # (2) honorific after a name
        if s in _HONORIFICS or (s.startswith(("さん", "ちゃん", "くん")) and tok.pos[0] == "接尾辞"):
            j = i - 1
            if j >= 0 and toks[j].end == tok.start:
                # take up to two tokens back, as long as they are name-like
                k = j
                while k - 1 >= 0 and toks[k - 1].end == toks[k].start and _name_like(engine, toks[k - 1]) and (
                        k - 1 >= j - 1) and toks[k - 1].surface not in _KIN and toks[k - 1].pos[1] != "数詞":
                    k -= 1
                cand = toks[k : j + 1]
                text_c = "".join(c.surface for c in cand)
                last = toks[j]
                if (text_c not in _NOT_NAME and last.surface not in _NOT_NAME and last.surface not in _KIN
                        and last.pos[1] != "数詞" and last.pos[0] not in ("助詞", "助動詞", "補助記号", "動詞", "空白")):
                    good = _name_like(engine, last) or _KANA_RE.match(last.surface) is not None
                    if last.pos[1] == "普通名詞" and not engine.name_capable(last.surface) and not _KATA_RE.match(
                            last.surface) and not _HIRA_RE.match(last.surface):
                        good = False
                    if good:
                        # include a surname written before with a space (大野 さん is rare; 田村 翔さん)
                        add(cand[0].start, last.end, 0.85)
        # (3) relation / label + name
        if s in _KIN or re.fullmatch(r"(?:小|中|高)\d", s):
            _relation_name(art, engine, i, add)
    # (4) self introduction: "X です。" / "Xと申します" at the start of a line or sentence
    for m in _SELF_INTRO_RE.finditer(t):
        ns, ne = m.start("n"), m.end("n")
        name = t[ns:ne]
        if re.search(r"\d|歳|才|年|生|男|女|親|族|者|学|高|中|小|員|職|問題|相談|的|ママ|パパ|じん$|[ァ-ヺ]人$"
                     r"|(?:日本|外国|中国|韓国|台湾|一般|社会|大|老|病|本|個|友|知|他|素)人$", name):
            continue
        span_toks = [tk for tk in toks if tk.start >= ns and tk.end <= ne and tk.pos[0] != "空白"]
        if not span_toks or any(tk.pos[0] in ("助詞", "助動詞", "動詞", "形容詞", "補助記号", "代名詞", "感動詞")
                                and tk.surface != "・" for tk in span_toks):
            continue
        if any(tk.surface in _KIN or tk.surface in _NOT_NAME or tk.surface in _KANA_STOP for tk in span_toks):
            continue
        if any(tk.is_place and not engine.name_capable(tk.surface) for tk in span_toks):
            continue
        if t[max(0, ns - 2) : ns].strip().endswith("の") and not all(tk.is_name or tk.oov or tk.surface == "・"
                                                                     for tk in span_toks):
            continue
        if any(tk.pos[1] == "普通名詞" and not tk.oov and not engine.name_capable(tk.surface)
               and not _HIRA_RE.match(tk.surface) for tk in span_toks):
            continue
        if all(_strong_name(engine, tk) or tk.surface == "・"
               or (_HIRA_RE.match(tk.surface) and tk.pos[1] != "普通名詞") for tk in span_toks):
            add(ns, ne, 0.75)
    # (5) a line that is only a name (signature), optionally followed by age/phone/bracket/address
    line_start = 0
    for line in t.split("\n"):
        ls = line_start
        line_start += len(line) + 1
        body = line.strip()
        if not body or len(body) > 60:
            continue
        off = ls + (len(line) - len(line.lstrip()))
        i0 = _tok_index_at(toks, off)
        if i0 >= n or toks[i0].start != off:
            continue
        span = _chunk(engine, toks, i0, lenient=True)
        if not span:
            continue
        rest = t[span[1] : ls + len(line)]
        if not re.match(r"^(?:\s*$|\s*[(（]|\s+[\d+〇一二三四五六七八九]|\s+\S+@|\s+\S*[都道府県市区町村]|\s*\d)", rest):
            continue
        if re.search(f"[{HIRA}]", re.sub(r"[(（][^)）]*[)）]", "", rest)):
            continue
        cand = [tk for tk in toks if tk.start >= span[0] and tk.end <= span[1] and tk.pos[0] != "空白"]
        if not cand or any(tk.pos[0] not in ("名詞", "接頭辞", "補助記号") and not tk.oov
                           and not _KANA_RE.match(tk.surface) for tk in cand):
            continue
        text_c = t[span[0] : span[1]]
        if text_c.isascii() and not all(_ROMAJI_RE.match(w) for w in text_c.split(" ")):
            continue
        if _KANA_RE.match(text_c) and not re.match(r"^\s*(?:$|[(（])", rest):
            continue
        strong = any(tk.is_name for tk in cand) or all(_strong_name(engine, tk) or _KANA_RE.match(tk.surface)
                                                        or _ROMAJI_RE.match(tk.surface) for tk in cand)
        if not strong or any(tk.surface in _KIN or tk.surface in _NOT_NAME or tk.surface in _KANA_STOP for tk in cand):
            continue
        if any(tk.pos[1] == "数詞" for tk in cand) or _BANKISH.search(text_c):
            continue
        add(span[0], span[1], 0.7)
    # 名前は X / なまえ： X / ハンドルネーム X
    for m in _NAME_LABEL_RE.finditer(t):
        name = m.group("n")
        if name not in _KANA_STOP and name not in _NOT_NAME and not re.search(r"\d|わから|ない|ません|言い|いい", name):
            add(m.start("n"), m.end("n"), 0.85)
    # "X って名前" / "Xという名前"
    for m in re.finditer(rf"(?<=[はがの、。\s])(?P<n>[{HIRA}{KATA}{KANJI}]{{1,6}}?)(?:って|という|っていう)(?:名前|なまえ)", t):
        if m.group("n") not in _KIN and m.group("n") not in _NOT_NAME:
            add(m.start("n"), m.end("n"), 0.8)
    # "X って呼んで" / "Xと呼んで"
    for m in re.finditer(rf"(?:^|(?<=[\n。、 ]))(?P<n>[{HIRA}{KATA}{KANJI}]{{1,6}})(?:って|と)呼んで", t):
        if m.group("n") not in _KIN and m.group("n") not in _KANA_STOP:
            add(m.start("n"), m.end("n"), 0.8)
    # 妹たち（ひまりとゆな） / 子ども（A、B）
    for m in re.finditer(rf"(?:{_KIN_ALT})(?:たち|達|ら)?[(（](?P<a>[{HIRA}{KATA}{KANJI}]{{1,6}}?)(?:と|、|,)"
                         rf"(?P<b>[{HIRA}{KATA}{KANJI}]{{1,6}})[)）]", t):
        parts = [m.group("a"), m.group("b")]
        if all((_KANA_RE.match(x) and _kana_ok(x)) or engine.name_capable(x) for x in parts):
            for g in ("a", "b"):
                add(m.start(g), m.end(g), 0.8)
    # 1歳の X と / 小6の X と
    for m in re.finditer(rf"(?:\d+(?:歳|才|さい)|[小中高]\d)の(?P<n>[{HIRA}{KATA}]{{2,5}})(?=と|が|は|を|、|（|\(|も|に)", t):
        if _kana_ok(m.group("n")):
            add(m.start("n"), m.end("n"), 0.7)
    # (6) kana reading in brackets after a name: 百目鬼 透（どうめき とおる） / 四月一日（わたぬき）
    for m in re.finditer(r"(?:^|(?<=[\n：: ]))(?:(?:" + _KIN_ALT + ") )?(?P<k>[一-龥々]{1,5}(?: [一-龥々]{1,4})?)[(（](?P<r>[ぁ-ゖ]{1,8}(?: [ぁ-ゖ]{1,8})?)[)）]",
                         t):
        add(m.start("k"), m.end("k"), 0.8)
        add(m.start("r"), m.end("r"), 0.8)
    # (7) katakana foreign names with ・ (グエン・ティ・ハー)
    for m in re.finditer(f"(?<![{KATA}])[{KATA}]{{2,}}(?:・[{KATA}]{{1,}}){{1,3}}(?![{KATA}])", t):
        add(m.start(), m.end(), 0.55)
    # (8) English names
    out.extend(_english_names(t))
    # 娘は ひなた っていいます / 息子は けんと と言います
    for m in _CALLED_RE.finditer(t):
        ns, ne = m.span("n")
        inner = [tk for tk in toks if tk.start >= ns and tk.end <= ne]
        name = m.group("n")
        if (inner and _kana_ok(name) and name not in _KIN and name not in _NOT_NAME
                and all(tk.pos[0] == "名詞" or tk.oov or tk.is_name for tk in inner)
                and not re.search(r"(?:だ|よ|ね|した|った|ない|たい|の)$", name)):
            add(ns, ne, 0.8)
    # じゃあ「ひつじ」で。 after the writer asked about a handle name / nickname
    for m in _QUOTED_NAME_RE.finditer(t):
        name = m.group("n")
        if (_NICK_CONTEXT.search(t, max(0, m.start() - 80), m.start()) and name not in _KANA_STOP
                and name not in _KIN and name not in _NOT_NAME and _kana_ok(name)):
            add(m.start("n"), m.end("n"), 0.8)
    _context_names(art, engine, add)
    _split_readings(t, out)
    _propagate(t, out)
    return out


# family words after which "の + word + particle" names a person (息子の海が), and the closed list of
# ordinary things a person has that are written the same way (息子の部屋が)
_FAMILY = ("息子", "娘", "孫", "夫", "妻", "兄", "姉", "弟", "妹", "長男", "次男", "三男", "長女", "次女", "三女", "いとこ",
           "甥", "姪", "主人", "旦那", "嫁", "婿", "子", "子ども", "こども", "末っ子", "上の子", "下の子", "むすこ", "むすめ")
_FAMILY_ALT = "|".join(sorted(_FAMILY, key=len, reverse=True))
_PERSON_HAS = frozenset({
    "部屋", "将来", "仕事", "体調", "様子", "学校", "病気", "件", "事", "話", "声", "顔", "体", "心", "身", "頭", "目",
    "耳", "手", "足", "歯", "薬", "服", "車", "家", "方", "分", "為", "前", "後", "時", "頃", "世話", "面倒", "進路",
    "成績", "勉強", "宿題", "部活", "友人", "友達", "担任", "先生", "学費", "給料", "年金", "収入", "借金", "口座",
    "通帳", "保険", "手帳", "携帯", "電話", "番号", "名前", "性格", "態度", "行動", "言動", "暴力", "暴言", "生活",
    "障害", "症状", "状態", "具合", "調子", "気持ち", "機嫌", "食事", "睡眠", "問題", "代わり", "誕生日", "年齢",
    "学年", "会社", "職場", "彼女", "彼氏", "家族", "荷物", "金", "財布", "貯金", "小遣い", "昼", "夜", "朝", "日",
    "手当", "塾", "悩み", "不安", "希望", "夢", "趣味", "好物", "癖", "嘘", "髪", "肌", "熱", "咳", "傷", "怪我",
    "命", "人生", "友", "仲間", "上司", "同僚", "妻", "夫", "子", "嫁", "孫", "親", "母", "父", "兄", "姉", "弟", "妹",
    "代", "世代", "中", "ほう", "所", "側", "隣", "上", "下", "外", "内", "写真", "動画", "字", "絵", "歌",
    "机", "靴", "鞄", "鍵", "席", "番", "順番", "年", "月", "歳", "才", "頭痛", "腹痛", "気", "気分", "元気",
    "住所", "実家", "自宅", "連絡先", "主治医", "担当", "相手", "施設", "職業", "学歴", "身長", "体重", "血圧", "血液",
    "酒", "米", "犬", "猫", "鳥", "魚", "畑", "田", "庭", "墓", "傘", "喉", "胸", "腰", "腕", "鼻", "口", "首", "肩",
    "腹", "指", "爪", "骨", "血", "尿", "便", "息", "背", "膝", "肺", "胃", "腸", "肝", "脳", "皮", "毛", "眉", "尻",
    "部屋着", "布団", "食欲", "体力", "視力", "聴力", "記憶", "意識", "意見", "意思", "考え", "言葉", "返事",
})
# 弟の病院は / 娘の保険証が: two-kanji words for places and papers are things a person has
_HAS_SUFFIX = re.compile(f"^[{KANJI}][院所園校先室場局館科費料代金書票証帳表額名号]$")
_KIN_NO_WORD = re.compile(
    rf"(?:{_FAMILY_ALT})の(?P<n>[{KANJI}]{{1,2}}(?:\([{HIRA}]{{2,8}}\))?)"
    r"(?=が|は|も|と|に|って|のこと|ちゃん|くん|君|さん|、|\()")
_DIALECT_CALLED = re.compile(
    rf"(?:^|(?<=[\n。、]))(?P<n>[{KANJI}]{{1,3}}|[{KATA}ー]{{2,6}})(?:いうて|いうねん|いうんや|いいます|言います|いうもん)")
_KANA_CALLED = re.compile(
    rf"(?:^|(?<=[\n。、の「]))(?P<n>[{HIRA}ー]{{2,6}}|[{KATA}ー]{{2,8}})(?:って|と)(?:いいます|言います|申します|もうします"
    r"|名乗|なの[っ]|呼ばれ)")
_NICK_SUFFIX = re.compile(rf"(?:{_KIN_ALT})の(?P<n>[{HIRA}ー]{{2,5}}?)(?:っち|っちゃん|ちゃん|くん|たん)")
_MAIDEN = re.compile(rf"旧姓[:： ]?(?P<n>[{KANJI}]{{1,4}}|[{HIRA}{KATA}ー]{{2,8}})(?=[)）、。,\n ]|$)")
_ROLE_NO_INTRO = re.compile(
    rf"(?:^|(?<=[\n。]))[^\n。、]{{1,30}}?の(?P<n>[{KANJI}]{{1,3}}|[{KATA}ー]{{2,8}})(?=です[。、\n!！]|です$|と申します)")


def _context_names(art: SudachiArtifacts, engine: SudachiNlpEngine, add: Callable[[int, int, float], None]) -> None:
    """Names given away by their context rather than by the dictionary (息子の海が, 誠いうてな, あおいっていいます)."""
    t, toks = art.text, art.toks

    def tok_at(pos: int, end: int) -> list[Tok]:
        return [tk for tk in toks if tk.start >= pos and tk.end <= end]

    for m in _KIN_NO_WORD.finditer(t):
        ns, ne = m.span("n")
        inner = tok_at(ns, ne)
        if len(inner) != 1 or inner[0].start != ns or inner[0].end != ne:
            continue
        tk = inner[0]
        word = tk.surface.split("(")[0]
        if "(" not in tk.surface and (word in _PERSON_HAS or word in _KIN or word in _NOT_NAME or _HAS_SUFFIX.match(word)
                                      or tk.pos[0] != "名詞" or tk.pos[1] == "数詞"
                                      or tk.pos[2] in ("サ変可能", "副詞可能", "助数詞可能")
                                      or (len(word) > 1 and not (tk.is_name or tk.oov or engine.name_capable(word)))):
            continue
        add(ns, ne, 0.75)
    for rx in (_DIALECT_CALLED, _KANA_CALLED):
        for m in rx.finditer(t):
            ns, ne = m.span("n")
            name = m.group("n")
            if name in _KIN or name in _NOT_NAME or name in _KANA_STOP or not _kana_ok(name):
                continue
            inner = tok_at(ns, ne)
            if rx is _DIALECT_CALLED and not (len(inner) == 1 and (inner[0].is_name or engine.name_capable(name))):
                continue
            if rx is _KANA_CALLED and _KATA_RE.match(name) and engine.known_common(name) and not engine.name_capable(name):
                continue
            add(ns, ne, 0.75)
    for m in _NICK_SUFFIX.finditer(t):
        if _kana_ok(m.group("n")):
            add(m.start("n"), m.end("n"), 0.75)
    for m in _MAIDEN.finditer(t):
        add(m.start("n"), m.end("n"), 0.8)
    for m in _ROLE_NO_INTRO.finditer(t):
        ns, ne = m.span("n")
        inner = tok_at(ns, ne)
        if len(inner) != 1 or inner[0].start != ns or inner[0].end != ne:
            continue
        tk = inner[0]
        if tk.surface in _KIN or tk.surface in _NOT_NAME or tk.surface in _PERSON_HAS or tk.pos[0] != "名詞":
            continue
        if tk.is_name or engine.name_capable(tk.surface) or tk.oov:
            add(ns, ne, 0.7)


_KANA_READING = f"[{HIRA}{KATA}]{{1,8}}(?: [{HIRA}{KATA}]{{1,8}})?"
_READING_AFTER = re.compile(rf" ?[(（](?P<r>{_KANA_READING})[)）]")
_WITH_READING = re.compile(rf"^(?P<k>[^(（]+?) ?[(（](?P<r>{_KANA_READING})[)）]$")
_CALLED_RE = re.compile(
    rf"(?:{_KIN_ALT}|名前|なまえ)(?:は|の名前は|の なまえは) ?(?P<n>[{HIRA}{KATA}{KANJI}ー]{{1,8}}?) ?"
    r"(?:って|と) ?(?:いいます|言います|いう名前|いう子|呼んで|呼ばれ|よばれ|よんで|申します|もうします)")
_QUOTED_NAME_RE = re.compile(rf"[「『](?P<n>[{HIRA}{KATA}{KANJI}ー]{{1,8}}|[A-Za-z][A-Za-z0-9_.]{{1,15}})[」』]"
                             r" ?(?:で(?:[。、!！.]|$|\n|お願い|いい|大丈夫|呼んで)|って呼んで|と呼んで|にします)")
_NICK_CONTEXT = re.compile(r"ハンドルネーム|ニックネーム|ペンネーム|あだ名|あだな|呼び名|仮名|偽名|匿名|名前|なまえ|呼んで")


def _split_readings(t: str, out: list[Hit]) -> None:
    """大空（おおぞら）: the name and its kana reading are two spans; a reading after a found name is a name."""
    for idx, (etype, s, e, score) in enumerate(list(out)):
        m = _WITH_READING.match(t[s:e])
        if m:
            out[idx] = (etype, s, s + m.end("k"), score)
            out.append((etype, s + m.start("r"), s + m.end("r"), score))
            continue
        m = _READING_AFTER.match(t, e)
        if m:
            out.append((etype, m.start("r"), m.end("r"), score))


_PLACE_AFTER = re.compile(r" ?(?:支店|出張所|営業所|支所|駅|銀行|信金|店(?!長|員))")
_NAME_TAIL = re.compile(r" ?(?:です|さん|くん|君|ちゃん|様|さま|先生|せんせい)$")
_AGAIN_AFTER = re.compile(r"(?:さん|くん|君|ちゃん|様|先生|が|は|も|を|に|の|と|へ|で|や|って|、|。|,|!|！|\?|？|（|\(|）|\)|\s|$)")
_AGAIN_AFTER_1 = re.compile(r"(?:さん|くん|君|ちゃん|様|先生|は|が|も|って|、|（|\(|の(?:母|父|兄|姉|弟|妹|妻|夫|子))")


def _script(ch: str) -> str:
    if _KANJI_RE.match(ch):
        return "kanji"
    if _HIRA_RE.match(ch):
        return "hira"
    if _KATA_RE.match(ch):
        return "kata"
    return "ascii" if ch.isalnum() else ""


def _propagate(t: str, out: list[Hit]) -> None:
    """A name found once is redacted wherever else it is written in the message (GUIDE: every occurrence)."""
    names: set[str] = set()
    for _, s, e, _ in out:
        name = t[s:e].strip()
        names.add(name)
        names.update(p for p in name.split(" ") if p)
    covered = [(s, e) for _, s, e, _ in out]
    for name in names:
        if not name or name.isascii() or name in _KIN or name in _NOT_NAME or name in _KANA_STOP:
            continue
        after_re = _AGAIN_AFTER_1 if len(name) == 1 else _AGAIN_AFTER
        start = 0
        while True:
            k = t.find(name, start)
            if k < 0:
                break
            start = k + 1
            e = k + len(name)
            if any(k < ce and cs < e for cs, ce in covered):
                continue
            if k > 0 and _script(t[k - 1]) and _script(t[k - 1]) == _script(name[0]):
                continue
            if not after_re.match(t, e):
                continue
            out.append(("PERSON", k, e, 0.6))
            covered.append((k, e))


_EN_CUE = re.compile(
    r"(?i:\b(?:I'm|I am|im|my name is|name's|this is|it's)|\b(?:son|daughter|wife|husband|brother|sister|mother|"
    r"father|mom|dad|roommate|friend|grandmother|grandfather|grandson|granddaughter|teacher|child|boyfriend|"
    r"girlfriend|partner|uncle|aunt|cousin|nephew|niece)(?:,)?|\b(?:Mr|Ms|Mrs|Miss|Dr)\.?) "
    r"(?:(?:Mr|Ms|Mrs|Miss|Dr)\.? )?(?P<n>[A-Z][a-z]+(?:-[a-z]+)?(?: [A-Z][a-z]+(?:-[a-z]+)?){0,3})")
_EN_WORDS = frozenset({
    "I", "Im", "My", "Her", "His", "Our", "Their", "The", "A", "An", "Hello", "Hi", "Dear", "Sir", "Madam", "Thank",
    "Thanks", "Please", "Can", "Could", "Would", "Also", "We", "He", "She", "They", "It", "Is", "Are", "Was", "Email",
    "Tel", "Mobile", "Phone", "Address", "Line", "LINE", "ID", "Room", "Building", "Japanese", "English", "Japan",
    "Tokyo", "Osaka", "Reiwa", "Heisei", "Showa", "Good", "Evening", "Morning", "Sorry", "Philippines", "Korea",
    "Nepal", "Vietnam", "China", "Brazil", "Peru", "Thailand", "Indonesia", "India", "From", "And", "But", "So",
    "Mr", "Ms", "Mrs", "Dr", "Miss", "School", "High", "Elementary", "Junior", "Kitchen", "Home", "Care", "Co", "Ltd",
    "Foods", "Danchi", "Facebook", "Instagram", "TikTok", "Twitter", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December", "What", "How", "When", "Where", "Why", "Who",
    "Yes", "No", "Not", "Don't", "Teachers", "Teacher", "Commercial", "City", "Ward", "Prefecture", "Hospital",
    "Clinic", "University", "Company", "Seimitsu", "Minato", "Sunny", "Court",
})


def _english_names(t: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _EN_CUE.finditer(t):
        words = m.group("n").split(" ")
        kept: list[str] = []
        for w in words:
            if w in _EN_WORDS or w.lower() in ("from", "and", "the", "is"):
                break
            kept.append(w)
        if kept:
            s = m.start("n")
            out.append(("PERSON", s, s + len(" ".join(kept)), 0.75))
    # two to four capitalised words in a row, none of them an ordinary English word
    for m in re.finditer(r"(?<![A-Za-z.\-])[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){1,3}(?![A-Za-z])", t):
        words = re.split(r"[ \-]", m.group())
        if any(w in _EN_WORDS for w in words):
            continue
        before = t[max(0, m.start() - 2) : m.start()]
        if before.endswith(("at ", "in ")):
            continue
        out.append(("PERSON", m.start(), m.end(), 0.55))
    return out


# --------------------------------------------------------------------------------------------
# Presidio recognizers
# --------------------------------------------------------------------------------------------
class _JaRecognizer(EntityRecognizer):
    """Base class: runs one finder over :class:`SudachiArtifacts`."""

    ENTITIES: tuple[str, ...] = ()

    def __init__(self, finder: Callable[[SudachiArtifacts], Iterable[Hit]], name: str) -> None:
        self._finder = finder
        super().__init__(supported_entities=list(self.ENTITIES), name=name, supported_language="ja")

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if not isinstance(nlp_artifacts, SudachiArtifacts):
            raise TypeError("Japanese recognizers need SudachiArtifacts (use pii.analyzer)")
        return [RecognizerResult(etype, s, e, score) for etype, s, e, score in self._finder(nlp_artifacts)
                if etype in entities]


def _make(name: str, entities: tuple[str, ...], finder: Callable[[SudachiArtifacts], Iterable[Hit]]
          ) -> _JaRecognizer:
    cls = type(name, (_JaRecognizer,), {"ENTITIES": entities})
    rec: _JaRecognizer = cls(finder, name)
    return rec


def build_recognizers(engine: SudachiNlpEngine) -> list[EntityRecognizer]:
    return [
        _make("JaPhoneRecognizer", ("PHONE",), find_phones),
        _make("JaPostalCodeRecognizer", ("POSTAL_CODE",), find_postal),
        _make("JaMyNumberRecognizer", ("MY_NUMBER",), find_my_numbers),
        _make("JaAccountRecognizer", ("ACCOUNT",), find_accounts),
        _make("JaBirthDateRecognizer", ("BIRTH_DATE",), find_birth_dates),
        _make("JaEmailRecognizer", ("EMAIL",), find_emails),
        _make("JaUrlRecognizer", ("URL",), find_urls),
        _make("JaHandleRecognizer", ("LINE_ID",), find_handles),
        _make("JaAddressRecognizer", ("ADDRESS",), find_addresses),
        _make("JaOrgRecognizer", ("ORG",), find_orgs),
        _make("JaPersonRecognizer", ("PERSON",), lambda art: find_persons(art, engine)),
    ]


def _drop_leading_stopwords(t: str, s: int, e: int) -> tuple[int, list[str]]:
    """An English name match without its leading article/preposition words: (new start, words)."""
    words = t[s:e].split(" ")
    while words and words[0] in _EN_ORG_STOP:
        s += len(words[0]) + 1
        words = words[1:]
    return s, words
