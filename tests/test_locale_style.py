"""The measurable parts of locales/README.md: message length, unfinished sentences, words to
avoid, やさしい日本語's rules, and one privacy story told in the same words everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from flows.questions import LANGUAGES
from flows.render import MESSAGE_LIMIT

REPO = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{[a-z_0-9]+\}")
# keys that are not sentences: buttons, labels, headings, date patterns, list items
NOT_SENTENCES = ("opt.", "label.", "section.", "fmt.", "summary.heading", "crisis.line")
ENDINGS = tuple("。？！.?!」）)：:")

AVOID_EVERYWHERE = (
    "頑張って",
    "がんばって",
    "甘え",
    "育て方",
    "働くべき",
    "外に出るべき",
    "keep going",
    "you should",
    "暗号化",
    "encrypt",
    "記録されます",
    "本人の同意がない",
)
AVOID_EASY = (
    "ぎむ",
    "義務",
    "きんきゅう",
    "緊急",
    "しゃっきん",
    "借金",
    "じどう",
    "プライバシー",
    "暗号",
)
DOUBLE_NEGATIVES = ("なければ", "ないわけ", "なくは ない", "ないと いけない")
PRIVACY = {
    "ja": (
        "名前や電話番号を書いても、保存する前に消します。",
        "連絡用の電話番号だけは、鍵をかけて残し",
    ),
    "ja-easy": (
        "名前や 電話番号を 書いても、ほぞんする 前に けします。",
        "れんらくの ための 電話番号だけは、かぎを かけて のこします。",
    ),
    "en": (
        "If you write a name or phone number, we erase it before anything is saved.",
        "A phone number for a call back is kept locked for your counselor only.",
    ),
}


def _load(locale: str) -> dict[str, str]:
    data = yaml.safe_load((REPO / "locales" / f"{locale}.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_line_fits_one_phone_message(locale: str) -> None:
    limit = MESSAGE_LIMIT[locale]
    long = {
        key: len(PLACEHOLDER.sub("x" * 20, line))
        for key, text in _load(locale).items()
        for line in text.split("\n")
        if len(PLACEHOLDER.sub("x" * 20, line)) > limit
    }
    assert long == {}, f"{locale}: lines over {limit} characters (placeholders count 20)"


def _ends(text: str) -> bool:
    # {next_staffed} is a whole sentence of its own (afterhours.*)
    return text.replace("{next_staffed}", "。").rstrip().endswith(ENDINGS)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_no_sentence_is_left_unfinished(locale: str) -> None:
    unfinished = [
        key
        for key, text in _load(locale).items()
        if not key.startswith(NOT_SENTENCES) and (not _ends(text) or "…" in text or "..." in text)
    ]
    assert unfinished == [], f"{locale}: sentences that stop half way"


@pytest.mark.parametrize("locale", LANGUAGES)
def test_no_word_to_avoid(locale: str) -> None:
    avoid = AVOID_EVERYWHERE + (AVOID_EASY + DOUBLE_NEGATIVES if locale == "ja-easy" else ())
    found = {
        key: word
        for key, text in _load(locale).items()
        for word in avoid
        if word.lower() in text.lower()
    }
    assert found == {}, f"{locale}: words the style guide rules out"


def test_easy_japanese_keeps_one_thing_to_a_sentence() -> None:
    long = {
        key: sentence
        for key, text in _load("ja-easy").items()
        for sentence in re.split(r"[。？！\n]", PLACEHOLDER.sub("x" * 8, text))
        if len(sentence) > 60
    }
    assert long == {}, "やさしい日本語: sentences over 60 characters"


def test_english_speaks_as_we_not_i() -> None:
    own = re.compile(r"\bI('ll|'ve|'m going| will| have| can| only)\b")
    mixed = [
        key
        for key, text in _load("en").items()
        if own.search(text) and not key.startswith(("opt.", "crisis.", "safety."))
    ]
    assert mixed == [], "the service's own sentences say 'we'"


@pytest.mark.parametrize("locale", LANGUAGES)
def test_one_privacy_story_in_intro_about_contact_and_consent(locale: str) -> None:
    catalog = _load(locale)
    erased, locked = PRIVACY[locale]
    for key in ("q.intro", "about.body", "consent.privacy"):
        assert erased in catalog[key], f"{locale}:{key} tells another story"
    for key in ("about.body", "q.contact_phone", "consent.privacy"):
        assert locked in catalog[key], f"{locale}:{key} tells another story"
