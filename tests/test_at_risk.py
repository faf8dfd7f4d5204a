"""Who is at risk decides which lines the bot offers (flows.at_risk, the hotlines' `for:`)."""

from __future__ import annotations

import pytest

from flows.at_risk import at_risk
from flows.triage import assess

CASES = [
    ("40代の息子が暴れて、母親の私に手を上げます", "elder"),
    ("長男に突き飛ばされて、父が骨を折りました", "elder"),
    ("母の年金を兄が全部使ってしまい、食事も与えていないようです", "elder"),
    ("夫に毎日殴られています", "partner"),
    ("彼氏に蹴られて怖い", "partner"),
    ("夫が小学生の娘を毎日叩いています", "child"),
    ("もう消えたい。生きていても意味がない", "self"),
    ("娘が「死にたい」と泣いています", "family"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_who_is_at_risk(text: str, expected: str) -> None:
    a = assess(text)
    assert a.level in ("P0", "P1"), (text, a)
    assert at_risk(text, a.category, third_party=a.third_party) == expected
