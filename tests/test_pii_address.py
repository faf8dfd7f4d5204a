"""ADDRESS: from the town down to building and room, in any script and order; bare cities stay."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "川崎市川崎区大島4-17-2 グリーンハイツ大島305号室 です",
            "川崎市川崎区大島4-17-2 グリーンハイツ大島305号室",
        ),
        (
            "横浜市旭区二俣川2丁目50番地 県営二俣川団地7-402",
            "横浜市旭区二俣川2丁目50番地 県営二俣川団地7-402",
        ),
        ("佐渡市両津湊二百十五番地", "佐渡市両津湊二百十五番地"),
        ("青森市浪岡大字浪岡字稲村101-8 です", "青森市浪岡大字浪岡字稲村101-8"),
        ("ひばりが丘団地12号棟に住んでいる", "ひばりが丘団地12号棟"),
        ("若葉台2丁目の内田さん", "若葉台2丁目"),
        (
            "かわぐちし さかえちょう 2-8-5 ハイツさくら 102",
            "かわぐちし さかえちょう 2-8-5 ハイツさくら 102",
        ),
        (
            "Room 203, 1-4-6 Tsunashima-higashi, Kohoku-ku, Yokohama",
            "Room 203, 1-4-6 Tsunashima-higashi, Kohoku-ku, Yokohama",
        ),
        ("柏市豊四季に住んでいます", "柏市豊四季"),
        ("北区赤羽台です", "北区赤羽台"),
        ("くすのき団地に住んでいます", "くすのき団地"),
        ("しらとりだいだんちに すんで います", "しらとりだいだんち"),
        (
            "I live at 5-chome-8-14 Nishikasai, Edogawa City, Tokyo.",
            "5-chome-8-14 Nishikasai, Edogawa City, Tokyo",
        ),
        ("Kamiikedai 4-chome 12-banchi 7-go, Ota-ku", "Kamiikedai 4-chome 12-banchi 7-go, Ota-ku"),
        ("成田市加良部3-7-2 サンハイツ加良部 A-104", "成田市加良部3-7-2 サンハイツ加良部 A-104"),
        ("霞町1丁目10-1 霞ハイツ 5階 501 です", "霞町1丁目10-1 霞ハイツ 5階 501"),
    ],
)
def test_address_is_found(text: str, value: str) -> None:
    assert ("ADDRESS", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "東京都に住んでいます",
        "相模大野駅の近く",
        "3号館の2階",
        "隣町に引っ越した",
        "Sagamihara in Kanagawa",
        "川崎市中原区に住んでいます",
        "横浜市在住です",
        "うちの団地は古い",
        "ふるい団地で",
        "Meeting on Monday 2024-05-12 at Kawasaki",
        "I have 3-4 kids, Tokyo is big",
    ],
)
def test_address_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "ADDRESS"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "うちは おおさかし きたく てんじんばし 2ちょうめ 4ばん 7ごう",
            "おおさかし きたく てんじんばし 2ちょうめ 4ばん 7ごう",
        ),
        ("ｻｶｴﾁｮｳ2-8-5 ﾊｲﾂｻｸﾗ102", "ｻｶｴﾁｮｳ2-8-5 ﾊｲﾂｻｸﾗ102"),
        (
            "住所は 3-5-2 Higashi-Urawa, Midori-ku, Saitama です",
            "3-5-2 Higashi-Urawa, Midori-ku, Saitama",
        ),
        ("2-chome 5-3 Sakae-cho, Kawaguchi", "2-chome 5-3 Sakae-cho, Kawaguchi"),
        ("西区さかえ町二丁目", "さかえ町二丁目"),
        (
            "住所は さいたま市 みどり区 ひがしうらわ 3-5-2 です",
            "さいたま市 みどり区 ひがしうらわ 3-5-2",
        ),
    ],
)
def test_address_grammar_covers_the_town_in_any_script(text: str, value: str) -> None:
    spans = [v for t, v in found(text) if t == "ADDRESS"]
    assert any(value in v for v in spans), spans


@pytest.mark.parametrize("text", ["いちばん好き", "2ばんめの子が", "1ばん線のホームで待つ"])
def test_kana_counters_alone_are_not_addresses(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a lot number after 丁目 is the address's, not an account number after 郵便番号
        ("郵便番号 350-1124 住所 川越市新宿町3丁目2-15-301 です", "川越市新宿町3丁目2-15-301"),
    ],
)
def test_the_whole_lot_number_stays_in_the_address(text: str, value: str) -> None:
    assert ("ADDRESS", value) in found(text)


def test_a_correction_is_not_read_as_a_building_name() -> None:
    text = "本町2丁目じゃなくて栄町2丁目でした"
    assert ("ADDRESS", "本町2丁目じゃなくて栄町2") not in found(text)
    assert not any("じゃなくて" in v for _, v in found(text))


def covered(text: str, part: str) -> bool:
    """Every non-space character of ``part`` is inside a redacted span."""
    i = text.index(part)
    spans = [(e.start, e.end) for e in redact(text).entities]
    return all(
        any(s <= k < e for s, e in spans) for k in range(i, i + len(part)) if not text[k].isspace()
    )


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("住所は ひがしまち 3の5の2 です", "ひがしまち 3の5の2"),
        ("住所は ﾐﾅﾐﾏﾁ 88ﾊﾞﾝﾁ です", "ﾐﾅﾐﾏﾁ 88ﾊﾞﾝﾁ"),
        ("実家は かなやちょう 12の4 にあります", "かなやちょう 12の4"),
        ("住所は たかはし市 さくらまち 2ちょうめ 5-3", "さくらまち 2ちょうめ 5-3"),
        ("北見市端野町字三区の家", "端野町字三区"),
        ("豊見城市字翁長 854 に住んでます", "字翁長 854"),
        ("実家は岩手県遠野市附馬牛町第3地割 12番地", "附馬牛町第3地割 12番地"),
        ("住所は川口市芝新町 4-8-2\nグリーンハイツ 303", "グリーンハイツ 303"),
        ("今は八王子市大和田町 5-2-1\nコーポ桜 2階", "コーポ桜 2階"),
        ("うちは 宇部市 かみまち です", "かみまち"),
        ("番地は\n7の12\nです", "7の12"),
        ("住所は柏市豊四季 12-3 で、番地の続きは\n405号室", "405号室"),
        ("住んでるのは ときわ荘 201 です", "ときわ荘 201"),
        ("住所は 西区 ときわまち ４－２－１１ ときわそう １０２", "ときわそう １０２"),
    ],
)
def test_address_from_the_town_down_in_pieces(text: str, part: str) -> None:
    assert covered(text, part)


@pytest.mark.parametrize(
    "text",
    [
        "叔母が一人で団地に住んでいます",
        "若者向けのシェアハウスを探しています",
        "相続の相談は法テラスでしました",
        "住所は川口市です。数字が苦手で 3-4 回まちがえた",
        "兄は山の手の方のアパートにいます",
    ],
)
def test_address_words_without_an_address_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "ADDRESS" and not v.endswith("市")] == []


@pytest.mark.parametrize(
    ("text", "part"),
    [
        (
            "Address: Maple House 3F, 1-2-3 Honcho, Naka-ku, Yokohama",
            "Maple House 3F, 1-2-3 Honcho",
        ),
        ("住所は弘前市大字常盤坂字下川原 です", "大字常盤坂字下川原"),
    ],
)
def test_floor_and_chained_aza(text: str, part: str) -> None:
    assert covered(text, part)


def test_romaji_town_with_a_bare_number() -> None:
    text = "実家 Kyoto-shi Sakyo-ku Shimogamo Izumigawa-cho 25 (parents)"
    assert covered(text, "Shimogamo Izumigawa-cho 25")


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("兄は佐世保市俵町のアパートに一人で住んでいます", "佐世保市俵町"),
        ("年賀状の住所は奄美市名瀬入舟町になってたので", "奄美市名瀬入舟町"),
        ("うちは若松町の、ひまわり荘っていうアパート", "若松町"),
        ("番地まで言うと、緑が丘の二十一番地です。", "緑が丘の二十一番地"),
    ],
)
def test_towns_over_tokens_with_their_municipality(text: str, part: str) -> None:
    assert covered(text, part)


@pytest.mark.parametrize("text", ["この町が好きです", "下町の雰囲気がいい", "城下町を歩いた"])
def test_town_words_alone_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "ADDRESS"] == []
