"""Closed word lists shared by the recognizers (kin words, honorifics, ordinary words that are not names)."""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A closed word list written as whitespace-separated words."""
    return frozenset(text.split())


def ordered_words(text: str) -> tuple[str, ...]:
    """A word list whose order matters (longest-first alternations are built from it)."""
    return tuple(text.split())


HONORIFICS = ordered_words(
    """
    さん くん 君 ちゃん 様 さま 先生 氏 宛 あて 殿 せんせい ちゃま
    """
)

KIN = words(
    """
    母 父 お母 お父 母親 父親 ママ パパ 息子 娘 兄 姉 弟 妹 夫 妻 主人 家内 嫁 旦那 長男 次男
    三男 長女 次女 三女 孫 祖母 祖父 義母 義父 義弟 義妹 義兄 義姉 叔母 叔父 伯母 伯父 本人 私
    わたし わたくし 僕 ぼく 俺 おれ あたし 自分 記入者 氏名 名前 なまえ お名前 名 むすこ むすめ
    おっと つま はは ちち あに あね おとうと いもうと まご せがれ 子 子ども こども 長子 実母 実父 姑
    舅 甥 姪 いとこ 友達 友人 彼 彼女 相手 担当 担任 相談員 ケアマネ 利用者 被保険者 契約者 名義
    名義人 代表者 申込者 相談者 保護者 世帯主 入所者 旧姓 通称 ハンドルネーム 愛称 あだ名 あだな
    ニックネーム 兄貴 姉貴 おかん おとん じいちゃん ばあちゃん おばあちゃん おじいちゃん お兄ちゃん
    お姉ちゃん
    """
)

NOT_NAME = words(
    """
    お母 お父 母 父 息子 娘 兄 姉 弟 妹 ばあ じい おばあ おじい ばあば じいじ お兄 お姉 おば おじ
    お嬢 奥 赤 坊 皆 みな みんな お客 大家 店長 先輩 後輩 友達 お子 子 彼 彼女 相手 担任 担当
    相談員 ケアマネ ヘルパー 看護師 保健師 医師 お医者 司法書士 弁護士 役員 民生委員 会長 社長 部長
    課長 校長 教頭 主任 学年主任 お隣 隣 近所 ご近所 お巡り おまわり 運転手 自治会長 大屋 ママ パパ
    母ちゃん 父ちゃん 息子さん 娘さん おっかあ おかん おとん あんちゃん ねえちゃん にいちゃん お嫁 嫁 婿
    孫 叔母 伯母 叔父 伯父 義母 義父 スクールカウンセラー カウンセラー ソーシャルワーカー ワーカー
    ケースワーカー 事務 受付 お前 あなた 私 自分 僕 本人 ご本人 皆様 みなさま お客様 患者 利用者 家族
    学校 先生 こちら そちら あちら どちら 誰 だれ お店 お医者さん 主治医 担当医 昭和 平成 大正 令和
    明治 西暦 年 月 日 歳 才 笑 w
    """
)

KANA_STOP = words(
    """
    ひとり ふたり みんな いま ずっと まだ もう ここ そこ どこ なに だれ いつ ほんと たいへん げんき
    びょうき こと ため ほう ところ もの せい よう ほか でんわ じゅうしょ なまえ メール ライン ブログ
    まま はず わけ つもり とき
    インスタ パート バイト しごと がっこう いえ へや おかね ごはん せわ かいご びょういん ママ パパ
    おかあさん おとうさん ばあちゃん じいちゃん おばあちゃん おじいちゃん ちょっと すこし とても やっぱり
    なんか あと まず でも それ これ あれ どれ そう こう ああ はい いいえ すみません ありがとう
    よろしく おねがい ひきこもり ニート ヤングケアラー ケアマネ ヘルパー デイ ショートステイ サービス
    カード ローン スマホ ゲーム ネット アカウント ハンドルネーム LINE ID TEL FAX メモ コピー
    むすこ むすめ おっと つま こども まご はは ちち あに あね おとうと いもうと わたし ぼく あたし
    うち じぶん ほんにん
    """
)

ORG_GENERIC = words(
    """
    ホストクラブ キャバクラ A型作業所 B型作業所
    県立 市立 区立 町立 村立 都立 府立 私立 公立 国立 総合 大学 地元 近所 近く 同じ 別 前 今 元
    昔 精神 精神科 専門 看護 こども 子ども 小児 地域 市内 市 区 県 町 新しい 大きな 通信制 定時制
    高 中 小 第 本 支 各 某 学校 会社 ほか 他 次 一般 普通 近い 遠い 入院 通院 老人 介護 医療
    福祉 夜間 消費者 闇 ヤミ 街 サラ お ご この その あの どの うち 家 実家 近所の 行きつけ
    かかりつけ
    """
)

ADDR_LABELS = words(
    """
    住所 じゅうしょ 実家 義実家 自宅 住まい 家 所在地 現住所 ところ 地区 担当地区 連絡先 電話 携帯
    番号 でんわ TEL 郵便番号
    """
)

LEAD_STOP = words(
    """
    もともと ずっと 今 まだ もう 昔 実は たぶん やっぱり とても すごく 結構 ちょっと よく 前 毎日
    毎週 いつも 一度 最近 以前 現在 今度
    """
)

FAMILY = ordered_words(
    """
    息子 娘 孫 夫 妻 兄 姉 弟 妹 長男 次男 三男 長女 次女 三女 いとこ 甥 姪 主人 旦那 嫁 婿 子
    子ども こども 末っ子 上の子 下の子 むすこ むすめ
    """
)

PERSON_HAS = words(
    """
    部屋 将来 仕事 体調 様子 学校 病気 件 事 話 声 顔 体 心 身 頭 目 耳 手 足 歯 薬 服 車 家
    方 分 為 前 後 時 頃 世話 面倒 進路 成績 勉強 宿題 部活 友人 友達 担任 先生 学費 給料 年金
    収入 借金 口座 通帳 保険 手帳 携帯 電話 番号 名前 性格 態度 行動 言動 暴力 暴言 生活 障害 症状
    状態 具合 調子 気持ち 機嫌 食事 睡眠 問題 代わり 誕生日 年齢 学年 会社 職場 彼女 彼氏 家族 荷物
    金 財布 貯金 小遣い 昼 夜 朝 日 手当 塾 悩み 不安 希望 夢 趣味 好物 癖 嘘 髪 肌 熱 咳 傷
    怪我 命 人生 友 仲間 上司 同僚 妻 夫 子 嫁 孫 親 母 父 兄 姉 弟 妹 代 世代 中 ほう 所 側
    隣 上 下 外 内 写真 動画 字 絵 歌 机 靴 鞄 鍵 席 番 順番 年 月 歳 才 頭痛 腹痛 気 気分
    元気 住所 実家 自宅 連絡先 主治医 担当 相手 施設 職業 学歴 身長 体重 血圧 血液 酒 米 犬 猫 鳥
    魚 畑 田 庭 墓 傘 喉 胸 腰 腕 鼻 口 首 肩 腹 指 爪 骨 血 尿 便 息 背 膝 肺 胃 腸 肝
    脳 皮 毛 眉 尻 部屋着 布団 食欲 体力 視力 聴力 記憶 意識 意見 意思 考え 言葉 返事
    """
)

EN_WORDS = words(
    """
    I Im My Her His Our Their The A An Hello Hi Dear Sir
    Madam Thank Thanks Please Can Could Would Also We He She
    They It Is Are Was Email Tel Mobile Phone Address Line
    LINE ID Room Building Japanese English Japan Tokyo Osaka
    Reiwa Heisei Showa Good Evening Morning Sorry
    Philippines Korea Nepal Vietnam China Brazil Peru
    Thailand Indonesia India From And But So Mr Ms Mrs Dr
    Miss School High Elementary Junior Kitchen Home Care Co
    Ltd Foods Danchi Facebook Instagram TikTok Twitter
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August
    September October November December What How When Where
    Why Who Yes No Not Don't Teachers Teacher Commercial
    City Ward Prefecture Hospital Clinic University Company
    Seimitsu Minato Sunny Court
    """
)

EN_ORG_STOP = words(
    """
    I My Our The A An Hi Hello Dear We He She His Her At In
    To From Also And But So Japanese English
    """
)

BANKISH = re.compile(
    r"銀行|信用金庫|信金|信用組合|労働金庫|労金|ゆうちょ|郵便局|農協|JA|役所|役場|事務所|法テラス"
    r"|保健所|児童相談所|警察|交番|消防|ハローワーク|家族会|社会福祉協議会|社協|包括支援"
)
FAMILY_ALT = "|".join(sorted(FAMILY, key=len, reverse=True))
KIN_ALT = "|".join(sorted((re.escape(k) for k in KIN if len(k) >= 1), key=len, reverse=True))


def kana_ok(s: str) -> bool:
    if s in KANA_STOP or s.endswith(("です", "ます", "した", "ない")):
        return False
    return not s.startswith(
        ("こと", "もの", "ため", "ところ", "ほう", "よう", "せい", "ぶん", "かわり")
    )
