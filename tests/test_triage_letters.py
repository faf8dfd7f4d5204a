"""A long first letter is as sensitive as its most dangerous sentence: the 8050 letters where
the danger is one sentence among pensions and care insurance reach P0 (issue 12)."""

from __future__ import annotations

import pytest

from flows.triage import assess

LETTERS = {
    "a farewell note from the son, in a letter about pensions": (
        "はじめて相談します。八十四歳の母親です。五十三歳の息子と二人暮らしで、年金は私の分だけです。"
        "息子は三十代で会社を辞めてから家にいます。国民年金の免除の手続きを去年しましたが、"
        "今年も同じようにできるのか分かりません。最近、私の膝が悪くなり、買い物も大変です。"
        "今朝、息子の机の上に「今までありがとう。もう終わりにします」と書いた紙が置いてありました。"
        "息子は今、部屋にいますが返事をしません。市役所の窓口は何曜日に開いていますか。"
    ),
    "a father preparing to take his daughter's life and his own, among care insurance": (
        "妻を亡くして五年、八十二歳の父親です。介護保険の認定を受けて、週に二回ヘルパーさんに"
        "来てもらっています。四十九歳の娘は二十年以上家から出ておりません。私がいなくなったら娘は"
        "どうなるのかと毎晩考えます。貯金もほとんど残っておりません。それで、娘を連れて一緒に死のうと"
        "決めました。睡眠薬はもう用意してあります。ケアマネさんには何も言っておりません。"
        "月曜日の訪問の前にと考えております。"
    ),
    "a son's violence that broke his mother's ribs, in a letter about 親亡きあと": (
        "親亡きあとのことでご相談です。私は七十八歳、息子は五十一歳です。成年後見制度や障害年金の"
        "ことを調べていますが、よく分かりません。息子は気に入らないことがあると物を投げます。"
        "先週、息子に突き飛ばされて肋骨が折れ、いまも胸が痛くて横になれません。息子は今夜も隣の部屋で"
        "怒鳴っていて、また殴られるのではと怖いです。遺族年金の手続きも残っています。"
    ),
}


@pytest.mark.parametrize("letter", LETTERS.values(), ids=LETTERS.keys())
def test_a_danger_sentence_buried_in_a_long_letter_reaches_p0(letter: str) -> None:
    assert len(letter) > 150
    assessment = assess(letter)
    assert assessment.level == "P0"
    assert assessment.category is not None


def test_the_same_letter_without_its_danger_sentence_stays_calm() -> None:
    letter = LETTERS["a farewell note from the son, in a letter about pensions"]
    calm = letter.replace(
        "今朝、息子の机の上に「今までありがとう。もう終わりにします」と書いた紙が置いてありました。",
        "",
    ).replace("息子は今、部屋にいますが返事をしません。", "")
    assessment = assess(calm)
    assert assessment.level not in ("P0", "P1")
