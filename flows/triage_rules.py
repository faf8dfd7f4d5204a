"""The crisis-signal rules of `flows.triage`, as a table (DOMAIN.md §4, CRISIS.md).

Each `Rule` names one signal: an anchor pattern, what must be near it (`requires`), what
cancels it (`unless`) and what it becomes when negated, in the distant past, or over.
Rules are listed from most to least severe; within a level, the first listed wins a tie.
Patterns are written against the normalised text of `flows.triage.normalise_ja` (no spaces,
lower case, katakana read as hiragana); `rx` applies the same folding to the pattern, so
katakana may be written naturally. Patterns are generic vocabulary, never corpus sentences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F5)}  # ァ..ヴ; ヵ/ヶ stay (1ヶ月)


def rx(*alternatives: str) -> re.Pattern[str]:
    """Compile alternatives written naturally: katakana in a pattern is matched as hiragana."""
    body = "|".join(unicodedata.normalize("NFKC", a).translate(KATA_TO_HIRA) for a in alternatives)
    body = re.sub(r"(?<!\\)[A-Z]+", lambda m: m.group().lower(), body)  # text is lower-cased
    return re.compile(f"(?:{body})")


def en(*alternatives: str) -> re.Pattern[str]:
    """Compile English alternatives as whole words (text is lower-cased, apostrophes dropped)."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


# --------------------------------------------------------------------------- vocabulary
# Building blocks shared by rules, as regex source text. Katakana is fine (see `_rx`).

NUM = r"[0-9一二三四五六七八九十数何]+"
DURATION = (
    rf"(?:何日|なんにち|数日|ここ{NUM}日|{NUM}日(?:間)?|{NUM}週間|一週間|いっしゅうかん|しばらく"
    rf"|{NUM}(?:か|ヶ|ケ|カ)?月|ずっと|最近)"
)
PERSON = (
    r"(?:息子|むすこ|娘|むすめ|兄|弟|姉|妹|お?兄さん|お?姉さん|にいちゃん|ねえちゃん|おにいちゃん"
    r"|父|母|ちち|(?<!は)はは(?!は)|お父さん|お母さん|おとうさん|おかあさん|パパ|(?<![のこそあわがきや])ママ|親|両親|夫|妻|主人|旦那|だんな"
    r"|彼氏|彼女|友達|友だち|ともだち|友人|子供|子ども|こども|うちの子|この子|あの子|その子|上の子|下の子"
    r"|祖父|祖母|じいちゃん|ばあちゃん|じいさん|ばあさん|おじいさん|おばあさん|おじいちゃん|おばあちゃん"
    r"|義母|義父|孫|本人|家族|同居人|利用者|隣の人|叔父|叔母|伯父|伯母|おじ|おば|甥|姪|彼)"
    r"(?:さん|ちゃん|くん|君|たち)?(?:\(\d+\))?"
)
ELDER = (
    r"(?:祖父|祖母|じいちゃん|ばあちゃん|じいさん|ばあさん|おじいさん|おばあさん|おじいちゃん"
    r"|おばあちゃん|高齢|お年寄り|老人|義母|義父|親|父|母|[6-9][0-9]歳|[6-9][0-9]\)|施設|入所|利用者)"
)
SELF_WORD = r"(?:私|わたし|あたし|自分|じぶん|僕|ぼく|俺|おれ|うち)"
SELF = SELF_WORD + r"(?:は|も|が|って|、)"

# A wish to die or disappear (A). 死にたくない is deliberately absent: it is a wish to live.
DIE_WISH = (
    r"死に(?:たい|たかっ|たく(?!ない|はない|もない|ありません)|てえ|てぇ|てー|たー|たぁ)",
    r"しに(?:たい|たかっ|たく(?!ない|はない|もない|ありません))(?!して|する|すれ)|しにてえ|しにてぇ|しにてー",
    r"死ん(?:じゃ|でしま)いたい|しんじゃいたい|しんでしまいたい|死ねたら|死ねれば|しねたら",
    r"消え(?:たい|てしまいたい|ちゃいたい|てなくなりたい|たく(?!ない))|きえ(?:たい|てしまいたい|ちゃいたい)",
    r"い(?:なく|無く)なり(?:たい|てえ)|いなくなってしまいたい|居なくなりたい",
    r"(?:生き|いき)て(?:い|る)?(?:たく(?:も|は)?ない|たくありません)",
    r"(?:生き|いき)(?:る|てる|ている|ていく|てく)(?:の|こと)(?:が|も|に)?(?:つらい|辛い|しんどい|苦しい|くるしい|嫌|いや|面倒|めんどう|疲れ|つかれ|飽き|あき)",
    r"(?:生き|いき)(?:る|てる|ている|ていく|てる|て(?:い)?く)?(?:意味|理由|価値|いみ)(?:が|も|は|なんて)?(?:ない|無い|わからない|分からない|見つからない|ありません|わかりません|分かりません|見つかりません)",
    r"(?:何|なん)の(?:ため|為)に(?:生き|いき)(?:て(?:い)?る|る)(?:のか|んだろ|んだ|の)",
    r"いなくなっても(?:誰も|だれも)(?:困ら|こまら|悲しま|かなしま|気づか|気付か|きづか)",
    r"(?:生き|いき)て(?:い)?(?:て|る)?(?:も)?(?:仕方|しかた|しょうが|しょーが)(?:が)?(?:ない|無い)",
    r"終わりにしたい|おわりにしたい|終わらせたい|楽になりたい|らくになりたい",
    r"(?<!長)生きたく(?:ない|ありません)|長く生きたく(?:ない|ありません)",
    r"(?:いなく|居なく|消え|きえ|死ね|しね)(?:なっ)?たら(?:楽|らく)(?:に|になれ)",
    r"死んだ(?:ほう|方)が(?:まし|マシ|いい|楽)|しんだほうが(?:まし|いい|らく)",
    r"死ぬしか(?:ない|道|方法)|しぬしかない|死ねば(?:楽|いい)|死んだら楽|死ねたら楽",
    r"目が覚めなければ|目が覚めなきゃ|目覚めなければ|朝が来なければ|このまま目が覚めな",
    r"生まれてこなければ|生まれてこなきゃ|生まれてこなかったら|生まれてきたくなかった",
    r"この世から(?:消え|いなくな)|存在を消したい",
    r"いつでも(?:死ね|しね)る|もう(?:死ね|しね)る(?:準備|用意)",
    rf"{SELF_WORD}(?:は|も|が|なんか|なんて|さえ)+(?:いない(?:ほう|方)がいい|いなくなれば|いなくなったほうが|消えれば|いなければ|いなきゃ)",
)
DIE_INTENT = (
    r"死ぬ(?!ほど|かと|気で|まで|前|とき|時|程|ぐらい|くらい|のが|のは|のも|こと(?!に)|って(?:(?:ど|い)う|こと|感じ|話)|なよ|な[。!]|ん)",
    r"死にます|死のう|死んでやる|死んで(?:きます|くる)|しにます|しのう|しぬ(?:つもり|から|ね|こと(?:に))",
    r"自殺(?:する|します|しよう|しに)|じさつ(?:する|します)|命を絶|いのちをた",
    r"終わりにします|終わらせます|この世を去|逝きます",
    r"(?:もう|全部|ぜんぶ|すべて|全て|人生|何もかも|なにもかも|今日で|今夜で|これで)(?:を)?(?:終わりにする|おわりにする|終わらせる|おわらせる)(?!の|こと|か|まで|予定)",
)
TIME_STRONG = (
    r"今夜|こんや|今晩|こんばん|今日の夜|きょうのよる|今から|いまから|これから|このあと|この後"
    r"|明日の朝|あしたのあさ|次の電車|つぎのでんしゃ|今日中|きょうじゅう|今日で(?:最後|終わり)|もうすぐ"
)
TIME_ANY = TIME_STRONG + r"|明日|あした|明朝|週末|今日|きょう|夜が明けたら|朝になったら|誕生日に"
PREP = (
    r"遺書|いしょ|書き置き|かきおき|実行する|手紙を(?:書|か)い|決めた|きめた|決めました|ことにした"
    r"|準備(?:を|は|が|も)?(?:した|できた|して(?:ある|いる|る)|完了|万端)|用意(?:を|は|が|も)?(?:した|できた|して(?:ある|いる|る))"
    r"|ため(?:て|込んで|こんで)(?:ある|いる|る)|貯めて|溜めて|買って(?:きた|ある)|買った|かってきた"
    r"|さようなら|さよなら|今までありがとう|いままでありがとう|お世話になりました|最後に(?:誰か|伝え|言|一言|話)"
    r"|場所(?:も|を|は)?決め|方法(?:も|を|は)?決め|身辺整理"
)
PLAN_DENIAL = (
    r"(?:する|やる|実行する)?つもり(?:は|も)?(?:ない|ありません)|方法(?:とか|は|を|も)?(?:考えて(?:る|いる)?(?:わけ|訳)(?:じゃ|では)|調べて(?:は)?い?ない)"
    r"|何も(?:しない|しません)|実行(?:は|する)?(?:つもり|気)?(?:は)?(?:ない|ありません)|準備(?:とか|は)?(?:して(?:い)?ない|してる様子はない)"
)
MEDIA = (
    r"ドラマ|映画|えいが|漫画|まんが|マンガ|アニメ|小説|ニュース|記事|テレビ|番組|ゲーム|歌詞|曲で|シーン"
    r"|主人公|キャラ|登場人物|セリフ|せりふ|台詞|演技|俳優|芸能人|有名人|推し|報道|youtube|ユーチューブ|本で|作品"
)
FIGURE_SHAME = r"恥ずかし|はずかし|穴があったら|恥で|黒歴史|気まず"
# What someone still feels about a past event: 「今も後悔」「今でも思い出す」 is not the act going on.
REMEMBER = (
    r"後悔|こうかい|思い出|おもいだ|覚えて|おぼえて|忘れ|わすれ|夢に|夢で|ゆめ|引きず|ひきず|トラウマ"
    r"|フラッシュバック|根に持|恨|うら[みん]|許せ|ゆるせ|悔し|くやし|傷つ|心に残"
)
STILL = rf"(?:今|いま)も(?!.{{0,8}}(?:{REMEMBER}))"
NOW = (
    rf"(?<![0-9])今(?![はまで日週月年回後度朝夜晩更もの])|{STILL}|(?<![てでしいっにきみりびちぎじくすつぬふむゆるう])いま(?![すせしはでいち])"
    r"|現在|さっきから|たった今|助けて|たすけて|隠れ|かくれ|閉じこも|とじこも|逃げ(?:て|ら|込|こ)|にげ(?:て|ら|こ)"
    r"|鍵を?かけ|かぎを?かけ|声(?:を)?出せない|こえ(?:を)?だせない|110|警察呼|けいさつよ|(?:外|そと|家の外|車|近所)に(?:逃げ|にげ)"
)
HABITUAL = (
    r"毎日|まいにち|いつも|最近|さいきん|よく|時々|ときどき|たまに|毎回|毎晩|まいばん|毎週|たびに|度に|ことがあ|こともあ"
    r"|ようにな|ここ数|前から|昔|むかし|頃|酒を飲むと|機嫌が悪いと|年|ヶ月|か月|カ月|ずっと|繰り返"
)
ABSENT = r"今は.{0,8}(?:寝|仕事|いない|いません|出かけ|外出|落ち着|おさま|静か|大丈夫)|出て行った|出ていった|寝ています|寝てる"
SPECULATION = r"かもしれ|かも(?:。|$|…)|みたい|らしい|ようです|ようだ|っぽい|気がする|疑い|のでは|じゃないか|と思う|かどうか"
PAST_DISTANT = (
    r"昔(?!から)|むかし(?!から)|以前(?!から|より)|前は|子供の頃|子どもの頃|こどものころ|小さい頃|幼い頃|学生(?:の頃|時代)|若い頃"
    rf"|中学(?:の頃|生の頃|時代)|高校(?:の頃|生の頃|時代)|(?:{NUM}年前|去年|昨年|おととし)(?!.{{0,4}}(?:から|より|以来))|当時|かつて"
    rf"|(?:逃げ|にげ|離れ|はなれ|別れ|わかれ)て(?:から)?(?:もう)?{NUM}(?:年|か月|ヶ月|カ月)"
)
# The next sentence says when it was: 「２０年前のことです」「昔の話ですが」.
PAST_REF = rf"^(?:それは|これは|もう|ただ|でも)?(?:{PAST_DISTANT})(?:の|に)?(?:こと|話|出来事)"
PAST_AFTER = r"^.{0,12}(?:時期|頃|ころ)(?:も|が)?(?:あった|ありました)"
RESOLVED = (
    r"今は(?!.{0,6}(?:また|まだ|再び|ふたたび|時々|ときどき|たまに))|いまは|もう大丈夫|今では|乗り越え|亡くな(?:り|って|った|りました)|他界|離婚|別れ|縁を切"
    r"|おかげで|回復|リハビリ|退院|治った|なおった|落ち着いて(?:い)?ます|元気にやって"
)
ONGOING = (
    STILL
    + rf"|(?:今|いま)でも(?!.{{0,8}}(?:{REMEMBER}))|最近また|またやって|また(?:死|し)に|ぶり返|再発|まだ(?:続|時々|たまに)"
)
HYPO_BEFORE = (
    r"もし|万が一|万一|仮に|かりに|(?:死|亡くな|いなくな|倒れ|入院|入所|ぼけ|認知症にな)(?:ん|っ|し)?(?:だ|た)ら"
    r"|(?:死|亡くな|いなくな)(?:ん|っ)(?:だ|た)(?:あと|後)|親亡き後|親なきあと"
)
HYPO_AFTER = re.compile(
    r"^.{0,6}?(?:(?<![にてで])(?:た|だ)ら(?!れ)|れば|(?:ると|たりすると|ても)(?:困|大変|怖|こわ|心配|不安|どう)|(?:場合|とき|時)(?:は|に|の|って)"
    r"|る(?:のでは|んじゃ|かも|か(?:と|が)?(?:心配|不安|怖|こわ))|る(?:のでしょうか|んでしょうか|のかな|のか(?:心配|不安))"
    r"|(?:る|ない)?(?:ように|よう)(?:に)?(?:言われ|気をつけ|注意)|前に|ないか(?:心配|不安|と))|^.?(?:ない|ず)(?:ように|よう)"
    r"|^ら(?!れ)"
)
# A quoted word talked about, not said: 「死にたい」という言葉を…口にしたら.
MENTION_AFTER = re.compile(r"^[^」]{0,2}」(?:という|って)(?:言葉|ことば|単語|表現|セリフ|せりふ)")
NEG_AFTER = re.compile(
    r"^.{0,4}?(?:(?:わけ|訳)(?:じゃ|では|でも)?(?:ない|なく|ありません)|とは(?:思|おも)(?:わ|って(?:い)?)(?:ない|なく|ません)"
    r"|つもり(?:は|も|なんて|とか)?(?:ない|なく|ありません|ねえ)|(?:気|き)は(?:ない|ありません|全然|さらさら)"
    r"|とか(?:じゃ|では)(?:ない|なく)|なんて(?:思|おも)(?:わ|って)(?:ない|ません)|(?:こと|の)は(?:ない|ありません)"
    r"|たり(?:は|も|とか)?(?:して|され)?(?:い)?(?:ない|ません)|(?:れ)?たこと(?:は|も)(?:ない|ありません|一度も)"
    r"|(?:れ)?て(?:は|も)(?:い)?(?:ない|ません))"
)

VIOLENCE_VERB = (
    r"殴(?:る|り|ら|っ|ろ)|なぐ(?:る|り|ら|っ)|蹴(?:る|り|ら|っ|飛ば)|(?:(?<=[をにがも、])|(?<![ぁ-ゖ一-龯々]))け(?:られ|った|ってる|ってき)"
    r"|叩(?:く|き|か|い)|(?:(?<=[をにがも、])|(?<![ぁ-ゖ]))たた(?:く|き|かれ|いた|いて)|暴れ|あばれ|暴力|ぼうりょく|手を(?:上げ|あげ)"
    r"|首(?:を)?(?:絞め|しめ|締め)|首絞め|物を?(?:投げ|壊|こわ)|ものを(?:なげ|こわ)|投げつけ|突き飛ば|つきとば|引きずり"
    r"|髪を(?:引っ張|つかま|掴ま)|殺すぞ|ころすぞ|殺される|ころされる|ぶっ殺|ぶっころ|殺してやる|ころしてやる|襲(?:わ|っ|い)|胸ぐら"
    r"|(?:殺|ころ)す(?:から)?(?:」|と(?:言|い|叫|さけ|脅|おど|わめ|怒鳴|どな))"
    r"|(?:壁|かべ)に穴|(?:窓|まど|ガラス|ドア|扉|ふすま|襖|障子|家具|食器|テレビ)(?:を|も|まで)(?:蹴|け(?:っ|り)|殴|なぐ|叩き(?:割|壊)|ぶち|ぶっ|(?:割|わ|壊|こわ|破|やぶ)(?:っ|し|り)?たり)"
)
VIOLENCE_PROGRESSIVE = (
    r"(?:殴|なぐ|蹴|叩|たた|暴れ|あばれ|振り回|ふりまわ|首を?(?:絞|しめ|締)|(?:物|もの|窓|まど|ガラス|ドア|家具|食器)を(?:投げ|なげ|壊|こわ|割|わ)|投げつけ|襲)"
    r"(?:っ|い|し|られ|かれ|め|て)?(?:て|で)(?:る|いる|います|ます|て|いて|ん)"
)
WEAPON = r"包丁|ほうちょう|刃物|はもの|ナイフ|カッター|金属バット|バット|鎌|斧|ハンマー|ゴルフクラブ|木刀|ぼくとう|日本刀"
WEAPON_HELD = r"(?:を)?(?:持って|もって|持ち出|もちだ|振り回|ふりまわ|向け|むけ|突きつけ|つきつけ|握って|にぎって|構え)"
GAMES_SPORT = r"ゲーム|ボス|敵|ゾンビ|キャラ|チーム|試合|野球|サッカー|ボクシング|格闘|空手|柔道|部活|練習|スパーリング|サンドバッグ|漫画|アニメ|ドラマ|映画|ニュース"
TECH = r"wi-?fi|ワイファイ|ネット|回線|スマホ|パソコン|pc|サーバ|アプリ|ゲーム|チーム|打線|経済|財布|語彙|腹筋|表情筋|推し|部署|会社|株|エアコン|冷蔵庫|充電"
MONEY_CONTEXT = r"お金|おかね|金が|所持金|財布|さいふ|[0-9]+円|円しか|給料|年金が入|年金まで|生活保護|家賃|買えない|かえない|がまん|我慢|貯金|借金|無一文|一文無し|仕事(?:が|も)?(?:ない|なく)"
UTILITY = r"(?:電気|でんき|ガス|水道|すいどう|ライフライン)"
DRUG = r"薬|くすり|錠|睡眠薬|眠剤|市販薬|処方薬|ブロン|デパス|眠り薬|風邪薬|頭痛薬"
DRUG_AMOUNT = r"全部|ぜんぶ|大量|たいりょう|まとめて|あるだけ|一気に?|いっきに?|一度に|[0-9]+錠|[0-9]+シート|何十錠|何錠も|いっぱい|たくさん|一箱|ひと箱|1箱|1瓶|一瓶|[0-9一二三]+(?:箱|瓶)(?:まるごと|丸ごと|全部)?|まるごと|丸ごと"


# --------------------------------------------------------------------------- rules

DROP: tuple[str | None, str | None] = (None, None)
KEEP: tuple[str | None, str | None] = ("keep", "keep")
Outcome = tuple[str | None, str | None]


@dataclass(frozen=True)
class Rule:
    """One named signal. `pattern` is the anchor; the rest is read around it.

    requires: each must match within `scope` sentences either side of the anchor.
    unless:   any match within `scope` sentences cancels the hit.
    negated / past / resolved: what the hit becomes when a negation follows the anchor,
        when a distant-past marker precedes it in its sentence, or when, on top of that,
        the message says it is over. KEEP leaves the hit as it is; DROP cancels it.
    softened_by: any match within `scope` sentences is read as a negation (a denied plan).
    who: third-party reading: "subject" (the sentence's subject is someone else),
        "victim" (someone else is on the receiving end), "always" or "never".
    hypothetical: what the hit becomes when it is only a condition or a worry about the
        future (倒れたら, 止まったらどうしよう, もし…, 私が死んだら…): KEEP where a conditional is
        itself a signal (飛び降りたら楽になれる), as for suicide and harm to others.
    distant_resolved: with `past_markers` set, what the hit becomes when a distant-past marker
        (去年, 昔) precedes it and the message says it is over; None follows `resolved`.
    """

    id: str
    level: str
    category: str
    pattern: re.Pattern[str]
    requires: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()
    scope: int = 0
    lang: str = "ja"
    negated: Outcome = ("P2", "despair")
    past: Outcome = ("P2", "despair")
    resolved: Outcome = DROP
    past_markers: re.Pattern[str] | None = field(default=None)
    who: str = "subject"
    media_check: bool = True
    extra_flags: tuple[str, ...] = ()
    softened_by: tuple[re.Pattern[str], ...] = ()
    hypothetical: Outcome = KEEP
    distant_resolved: Outcome | None = None


def any_of(*alternatives: str) -> tuple[re.Pattern[str], ...]:
    """One `unless`/`requires` entry from alternatives."""
    return (rx(*alternatives),)


PAST_RECENT = rx(
    r"昨日|きのう|昨夜|ゆうべ|おととい|一昨日|先週|この前|前に|以前|昔|むかし|去年|[0-9]+日前|年前"
)

RULES: tuple[Rule, ...] = (
    # ---- P0 harm to others / joint suicide (H) -------------------------------------------
    Rule(
        "H.joint_suicide",
        "P0",
        "harm_others",
        rx(
            r"一緒に(?:死(?!ぬほど|ぬかと|ぬまで|んだ)|しの|しぬ(?!ほど)|しん(?:で|じゃ)|消え|きえ|逝)",
            r"いっしょに(?:しの|しぬ(?!ほど)|しんで)|道連れ|みちづれ",
            r"(?:一緒に|いっしょに)(?:終わりに|おわりに)(?:しよう|する|します|したい)",
            r"(?<!ご)(?:無理|一家|親子|母子|父子|介護|老老|老々)?心中(?!お?察|をお?察|お?さっし|を?お?さっし|は?穏やか|は?おだやか|は?複雑|いかば|を思|を推|を想|は察|を察|察し)",
            r"しんじゅう(?!おさっし)",
            rf"(?:殺|ころ)して(?:から)?{SELF_WORD}も(?:死|しぬ|しにます|しの|消え)",
        ),
        unless=any_of(
            GAMES_SPORT,
            r"曽根崎|近松|心中天網島|心中物|ドラマ|映画|小説|漫画|アニメ|ニュース|事件|報道|シーン|作品|歌舞伎|文楽",
            r"察し|お察し",
        ),
        negated=("P1", "violence_home"),
        past=("P2", "despair"),
        who="always",
    ),
    Rule(
        "H.intent_to_kill",
        "P0",
        "harm_others",
        rx(
            r"(?:殺|ころ)(?:して(?:しまい|しまう|しまった|しまいそう|しまうかも|やりたい|やる(?!ぞ)|やろう)|したい|しそう|すしかない|そう(?:と|か)|さないと|すつもり|す気(?!か))",
            r"(?:刺|さ)(?:す|し)(?:しかない|たい|てやる|そう(?:で|に|に))|刺してしまい|刺しちゃいそう|刺して(?:やりたい|やろう|やる(?!ぞ))",
            r"手(?:に|を)かけ(?:て(?:しま|しまう|しまい)|ちゃ|そう|たい|る(?:しか|かも))|手にかけて",
            r"危害を加え",
            r"(?:全員|みんな|皆|あいつら?|やつら?|奴ら?|お前|おまえ)(?:を|も)?(?:刺|さ|殺|ころ)す」?(?:って|と|ぞ)",
        ),
        unless=any_of(
            r"虫|蚊|か(?:に|が)刺|蜂|はち|ゴキブリ|ハエ|ねずみ|害虫|雑草|時間を|息を|声を|気配|感情を|自分を|自分の心",
            GAMES_SPORT,
            r"刺身|さしみ|注射|針|刺繍|刺しゅう|串|とげ|トゲ|釘",
        ),
        negated=("P1", "violence_home"),
        past=("P2", "despair"),
        who="always",
    ),
    # ---- P0 medical emergency (F) ---------------------------------------------------------
    Rule(
        "F.unconscious",
        "P0",
        "medical_emergency",
        rx(
            r"意識(?:が|は)?(?:ない|無い|なく|ありません|もうろう|朦朧|戻らない|もどらない)|いしき(?:が)?(?:ない|なく)|意識不明|気を失って(?:る|いる|いて|います)",
            r"(?:呼んでも|よんでも|呼びかけても|声を?かけても|ゆすっても|揺すっても|揺さぶっても|叩いても|たたいても)(?:起きない|おきない|起きません|目を(?:覚まさ|さまさ)ない|へんじ(?:が)?(?:ない|しない|なし|ありません)|返事(?:が)?(?:ない|しない|なし|ありません)|反応(?:が)?(?:ない|しない|なし|ありません))",
        ),
        unless=any_of(r"部屋|ドア|扉|ふすま|物音|ものおと|引きこも", r"意識が(?:高|低)"),
        negated=DROP,
        past=DROP,
        who="patient",
        hypothetical=DROP,
    ),
    Rule(
        "F.breathing",
        "P0",
        "medical_emergency",
        rx(
            r"息を?(?:して(?:い)?ない|してません|していません|しない|止め?て(?:る|いる)?ない)",
            r"いき(?:を)?して(?:い)?ない|息(?:が|を)?(?:止まっ|とまっ|できない|できてない)|息が(?:苦し|くるし|おかし|変|荒|弱)",
            r"呼吸(?:が|を)?(?:して(?:い)?ない|止ま|とま|おかしい|苦し|くるし|できない|荒い|弱い|変)|いびきみたいな(?:息|呼吸)|変な(?:息|呼吸)",
            r"(?:呼吸|息)(?:が)?(?:浅|あさ|弱|よわ)(?:く|い)(?:て)?(?:弱|よわ|浅|あさ|速|早|はや|苦し|くるし)?",
            r"(?:唇|くちびる|顔|顔色)(?:が|の色が)(?:紫|むらさき|青紫|土気色)",
            r"息が(?:なんか|なにか|ちょっと|すごく|急に)(?:変|へん|おかし)|ぜーぜー|ぜいぜい|ひゅーひゅー",
        ),
        unless=any_of(
            TECH, r"ほど|くらい笑|笑いすぎ|息抜き|息をのむ|息を呑|息苦しい|過呼吸になりそう|マスク"
        ),
        negated=DROP,
        past=DROP,
        who="patient",
        hypothetical=DROP,
    ),
    Rule(
        "F.collapsed_still",
        "P0",
        "medical_emergency",
        rx(
            r"(?:倒れ|たおれ)(?:て|た)?.{0,12}?(?:動かな|動きません|動けな|動かず|うごかな|うごきません|起きな|起きません|おきな|起き上が(?:れ|らな)|立てな|返事|へんじ|反応(?:が)?(?:ない|しない)|意識|息を?して)",
            r"倒れたまま|たおれたまま|たおれて(?:うご|おき|へんじ)",
            r"(?:頭を|頭から|あたまを)(?:強く)?(?:打|うっ|ぶつけ).{0,8}?(?:動かな|動けな|動きません|動けません|うごかな|うごけな|起きな|起き上が(?:れ|らな)|意識(?:が|も)?(?:ない|なく|もうろう|朦朧)|返事(?:が)?(?:ない|しない|ありません)|反応(?:が)?(?:ない|しない))",
            r"(?:落ち|おち|転落|転倒|転ん|ころん)(?:て|で|し).{0,8}?(?:動かな|動きません|うごかな|意識(?:が|も)?(?:ない|なく|もうろう|朦朧)|返事(?:が)?(?:ない|しない|ありません)|反応(?:が)?(?:ない|しない))",
        ),
        negated=DROP,
        past=DROP,
        who="patient",
        hypothetical=DROP,
    ),
    Rule(
        "F.collapsed",
        "P0",
        "medical_emergency",
        rx(
            r"(?:倒れ|たおれ)(?:た|てる|ている|ています|ました|ちゃった|てしまった)(?!ら|り|そう|こと|あと|後|時|とき|場合|んですが|けど|ので|から)"
        ),
        requires=(rx(PERSON, r"人|ひと|誰か"),),
        unless=any_of(
            r"入院|搬送|運ばれ|手術|リハビリ|退院|検査|通院|病院で|大丈夫|自転車|棚|木が|看板|内閣|会社|倒れそう",
            r"(?:と|かと)思ったら|だけだった|寝てた(?:だけ)?|寝ていた|爆睡|居眠り|うたた寝",
        ),
        scope=1,
        negated=DROP,
        past=DROP,
        who="patient",
        hypothetical=DROP,
    ),
    Rule(
        "F.ambulance",
        "P0",
        "medical_emergency",
        rx(
            r"救急車(?:を)?(?:呼(?:ぶ|んだ|んで|べき|ぼう|んだほう|んだ方|びます)|よ(?:ぶ|んだ|んで|ぼう))|119(?:番)?(?:に)?(?:電話|かけ|した|する|すべき)"
        ),
        unless=any_of(
            r"運ばれ|入院|退院|リハビリ|呼ばれ|呼ぶほど|ではない|じゃない|相談|#7119|7119|予約"
        ),
        negated=DROP,
        past=DROP,
        who="patient",
        hypothetical=DROP,
    ),
    Rule(
        "F.seizure",
        "P0",
        "medical_emergency",
        rx(r"けいれん|痙攣|ひきつけ|引きつけ|ひきつって"),
        requires=(
            rx(
                r"して(?:る|いる|います)|起こし|おこし|止まらない|とまらない|おさまらない|始ま|はじま|始め|はじめ|急に|きゅうに|泡|白目|全身|倒れ"
            ),
        ),
        unless=any_of(r"まぶた|瞼|目の下|顔の|筋肉|こむら|足がつ|持病で"),
        negated=DROP,
        past=DROP,
        who="patient",
        hypothetical=DROP,
    ),
    Rule(
        "F.bleeding",
        "P0",
        "medical_emergency",
        rx(
            r"血が(?:止まらない|とまらない|止まりません|とまりません|止まんない|とまんない|どくどく|たくさん|いっぱい|大量|すごい|噴き|ふき)",
            r"出血(?:が)?(?:ひどい|止まらない|とまらない|多い|大量|すごい)|大量(?:に)?出血|血だらけ|血まみれ|ちまみれ|血の海",
            r"(?:血|ち)が(?:出て|でて|流れて|ながれて)(?:い)?(?:て)?、?(?:止まらない|とまらない|止まりません|とまりません|止まんない)",
        ),
        unless=any_of(r"鼻血|はなぢ|生理|歯茎|ドラマ|映画|ゲーム|ホラー"),
        negated=DROP,
        past=DROP,
        who="patient",
        extra_flags=("B",),
        hypothetical=DROP,
    ),
    Rule(
        "F.chest_pain",
        "P0",
        "medical_emergency",
        rx(
            r"胸が(?:痛|いた|苦し|くるし|締め付け|しめつけ|圧迫)|胸の(?:痛み|激痛)|胸痛|心臓が(?:痛|いた|苦し)",
            r"胸を(?:押さえ|おさえ|かきむし|抱え)(?:て|ながら)",
        ),
        unless=any_of(
            r"思うと|考えると|聞くと|聞いて|見ると|見て|話|ニュース|気持ち|想像|切な|せつな|罪悪感|後悔|不安|悲し|かなし|寂し|さみし"
            r"|胸が痛みます|胸が痛む|胸がいっぱい|胸が痛いです(?:ね|よ)|親として|申し訳",
        ),
        negated=DROP,
        past=DROP,
        who="patient",
        hypothetical=DROP,
    ),
    Rule(
        "F.overdose_taken",
        "P0",
        "medical_emergency",
        rx(
            rf"(?:{DRUG_AMOUNT}).{{0,6}}(?:飲んだ|のんだ|飲みました|のみました|飲んじゃ|のんじゃ|飲んでしまっ|のんでしまっ|飲み込んだ|(?:飲|の)んで(?:き|ね|起き|おき|意識|ぐったり|寝て|倒れ|動か|返事|ふらふら))",
            r"(?<![a-z])od(?:した|しちゃ|してしまっ|った|っちゃ)|オーバードーズ(?:した|しちゃ)|大量服薬(?:した)?|過量服薬",
        ),
        requires=(rx(DRUG, r"(?<![a-z])od|オーバードーズ|服薬"),),
        past_markers=PAST_RECENT,
        negated=("P1", "self_harm"),
        past=("P1", "self_harm"),
        resolved=("P1", "self_harm"),
        unless=any_of(r"サプリ|ビタミン|ジュース|お酒を全部|水を"),
        distant_resolved=DROP,
        who="patient",
        extra_flags=("A+", "B"),
        hypothetical=DROP,
    ),
    # ---- P0 imminent suicide: plan, means, timing (A+) ------------------------------------
    Rule(
        "A+.hanging",
        "P0",
        "suicide_imminent",
        rx(
            r"首(?:を)?(?:吊|つ)(?:る|り|ろう|った|ります|れる|って)|首吊|首つり|くびつり|くびをつ|くびつる|首くくり|首をくく"
        ),
        unless=any_of(r"ニュース|報道|事件|ドラマ|映画"),
        negated=("P1", "suicidal_ideation"),
        past=("P1", "self_harm"),
        resolved=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.leap",
        "P0",
        "suicide_imminent",
        rx(r"飛び降り|とびおり|飛びおり|とび降り|身を投げ|投身"),
        unless=any_of(
            r"ベッド|階段|段差|遊具|木から|塀|スカイダイビング|バンジー|プール|飛び降りた(?:猫|犬)|ニュース|事件|報道"
        ),
        negated=("P1", "suicidal_ideation"),
        past=("P1", "self_harm"),
        resolved=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.train",
        "P0",
        "suicide_imminent",
        rx(
            r"(?:飛び|とび)(?:込|こ)(?:む|み|も|ん)|線路に(?:入|はい|立|降)|電車に(?:ひかれ|轢かれ)(?:たい|よう|る)"
        ),
        requires=(
            rx(
                r"電車|でんしゃ|線路|せんろ|ホーム|駅|えき|踏切|ふみきり|車に|トラック|快速|特急|新幹線|橋|はし|川|かわ|崖|がけ|ビル|屋上|ダム|海に"
            ),
        ),
        scope=1,
        unless=any_of(
            r"プール|川遊び|海に飛び込んで遊|駆け込み乗車|かけこみ|泳|海水浴|水遊び|飛び込み営業|飛び込みで|飛び込み(?:参加|相談)"
        ),
        negated=("P1", "suicidal_ideation"),
        past=("P1", "self_harm"),
        resolved=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.means",
        "P0",
        "suicide_imminent",
        rx(r"練炭|れんたん|硫化水素|樹海|じゅかい|一酸化炭素|ガス栓を?開け|首を切|手首を深く"),
        unless=any_of(r"バーベキュー|BBQ|七輪で焼|焼肉|炭火|さんま|料理|キャンプ|ニュース|事件"),
        negated=("P1", "suicidal_ideation"),
        past=("P1", "self_harm"),
        resolved=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.rope",
        "P0",
        "suicide_imminent",
        rx(r"ロープ|ひも(?!じ)|紐|(?<!沖)縄|延長コード|ベルト"),
        requires=(
            rx(
                r"首|吊|鴨居|かもい|ドアノブ|どあのぶ|輪っか|わっか|死|しに|しぬ|自殺|遺書|用意|準備|結んで(?:ある|あった|あり|い)|かけて(?:ある|あった|あり|い)|結べ|むすべ|結ぶ|ぶら下が|ぶらさが|クローゼット|梁|はり|(?:強度|重さ)を試",
                *DIE_WISH,
                *DIE_INTENT,
            ),
        ),
        unless=any_of(
            r"キャンプ|テント|登山|クライミング|引っ越し|荷造り|縄跳び|なわとび|犬|散歩|ボート|釣り|工作|DIY|充電|靴ひも|靴紐|くつひも|ズボン|着物の帯"
        ),
        scope=1,
        negated=("P1", "suicidal_ideation"),
        past=("P1", "self_harm"),
        resolved=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.overdose_plan",
        "P0",
        "suicide_imminent",
        rx(
            rf"(?:{DRUG_AMOUNT}).{{0,4}}(?:飲む|のむ|飲みます|のみます|飲もう|のもう|飲んでやる|飲んで死|のんでしぬ|飲んだら死)"
        ),
        requires=(rx(DRUG),),
        scope=1,
        negated=("P1", "suicidal_ideation"),
        past=("P1", "self_harm"),
        resolved=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.place",
        "P0",
        "suicide_imminent",
        rx(
            r"(?:屋上|おくじょう|ビルの上|(?<![本石京板])橋|はしのうえ|鉄橋|崖|がけ|線路|せんろ|踏切|ふみきり|ホームの(?:端|はし)|樹海|じゅかい|ダム)"
            r"(?:の(?:近く|ちかく|そば|前|まえ|上|うえ|端|はし))?(?:に|まで|から|で)(?:い(?:る|ます)|来|き(?:た|て|まし)|行|い(?:く|き)|上が|あが|立|た(?:っ|ち)|向か|むか)"
        ),
        requires=(
            rx(
                *DIE_WISH,
                *DIE_INTENT,
                r"さようなら|さよなら|ありがとう|ごめん|最後|さいご|飛び|とび|楽になれ|らくになれ|終わり|おわり"
                r"|もう(?:疲れ|つかれ|無理|むり|いい|限界|帰らない|かえらない)|限界|遺書",
            ),
        ),
        unless=any_of(
            r"点検|工事|仕事で|バイト|散歩|景色|夜景|花火|写真|撮影|ランチ|お弁当|遊び|観光|ドラマ|映画"
        ),
        scope=2,
        negated=("P1", "suicidal_ideation"),
        past=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.method_search",
        "P0",
        "suicide_imminent",
        rx(
            r"死に方|しにかた|死ぬ方法|しぬほうほう|死ねる方法|しねるほうほう|自殺(?:の)?方法|楽に死ね|らくにしね|確実に死ね|苦しまずに死"
        ),
        unless=any_of(
            r"亡くな|だった|でした|ドラマ|映画|小説|ニュース|父の死に方|母の死に方|祖.{0,2}の死に方"
        ),
        negated=("P1", "suicidal_ideation"),
        past=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.note",
        "P0",
        "suicide_imminent",
        rx(r"遺書|いしょ(?:を|も|は)?(?:書|か)|書き置き(?:を|が|も)?(?:書|残|あ)"),
        unless=any_of(
            r"遺言|ワークショップ|終活|エンディングノート|ドラマ|映画|小説|ニュース|事件|報道|授業|宿題|作文"
        ),
        negated=("P1", "suicidal_ideation"),
        past=("P1", "self_harm"),
        resolved=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.farewell",
        "P0",
        "suicide_imminent",
        rx(
            r"さようなら|さよなら|今までありがとう|いままでありがとう|今までお世話になりました|みんなごめん|最後のメッセージ|生まれてきてごめん"
        ),
        requires=(
            rx(
                r"決め|きめ|最後|さいご|遺書|もう終わ|終わりに|死|しに|しぬ|消え|きえ|楽になれ|いなくなり|もう会えない|ごめん"
            ),
        ),
        unless=any_of(
            r"また(?:来週|明日|今度|ね|ご連絡)|退院|引っ越|卒業|転勤|退職|異動|閉店|担当|面談|次回|お店|最終回|ドラマ|映画|ゲーム|推し"
        ),
        scope=1,
        negated=("P1", "suicidal_ideation"),
        past=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.intent_with_timing",
        "P0",
        "suicide_imminent",
        rx(*DIE_INTENT),
        requires=(rx(TIME_ANY, PREP, rf"(?:{WEAPON}|ロープ|練炭)(?:を)?.{{0,6}}{WEAPON_HELD}"),),
        unless=any_of(r"いつか死ぬ|誰でもいつか|人はいつか"),
        softened_by=any_of(PLAN_DENIAL),
        scope=1,
        negated=("P1", "suicidal_ideation"),
        past=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A+.wish_with_plan",
        "P0",
        "suicide_imminent",
        rx(*DIE_WISH),
        requires=(
            rx(
                TIME_STRONG,
                r"遺書|いしょを|書き置き|さようなら|今までありがとう|いままでありがとう|場所(?:も|を|は)?決め|方法(?:も|を|は)?決め|準備(?:を|は|が|も)?(?:した|できた|して(?:ある|いる|る))|用意(?:を|は|が|も)?(?:した|できた|して(?:ある|いる|る))|ため(?:て|込んで|こんで)(?:ある|いる|る)|もう決め",
            ),
        ),
        unless=any_of(FIGURE_SHAME),
        softened_by=any_of(PLAN_DENIAL),
        scope=1,
        negated=("P1", "suicidal_ideation"),
        past=("P2", "despair"),
        who="subject",
    ),
    # ---- P0 violence happening now (C now) -------------------------------------------------
    Rule(
        "C.weapon_now",
        "P0",
        "violence_now",
        rx(
            rf"(?:{WEAPON}){WEAPON_HELD}",
            rf"(?:{WEAPON})で(?:.{{0,6}})(?:殴|なぐ|叩|たた|割|わっ|わり|壊|こわ|襲|脅|おど|刺)",
        ),
        requires=(
            rx(
                r"て(?:る|いる|います|ます)|で(?:る|いる)|暴れ|あばれ|振り回|ふりまわ|追いかけ|向かって|迫って|殺|刺"
                r"|(?:来|く|き)(?:る|ます|た)|近づ|ちかづ|寄って",
                NOW,
            ),
        ),
        unless=any_of(
            r"料理|りょうり|研|切れ味|買|教室|さばき|キャンプ|果物|野菜|りんご|ドラマ|映画|ゲーム",
            ABSENT,
            SPECULATION,
        ),
        scope=1,
        negated=("P1", "violence_home"),
        past=("P1", "violence_home"),
        resolved=("P2", "despair"),
        who="victim",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "C.threat_weapon",
        "P0",
        "violence_now",
        rx(
            r"(?:殺|ころ)(?:す|してやる|すぞ)(?:から)?(?:」|と(?:言|い|叫|さけ|脅|おど|わめ|怒鳴|どな)|って(?:言|い|叫|脅))|ぶっ殺|ぶっころ|殺すぞ|ころすぞ"
        ),
        requires=(rx(WEAPON),),
        unless=any_of(GAMES_SPORT, ABSENT, r"料理|りょうり|冗談|じょうだん|笑|www"),
        scope=1,
        negated=("P1", "violence_home"),
        past=("P1", "violence_home"),
        resolved=("P2", "despair"),
        who="victim",
    ),
    Rule(
        "C.assault_now",
        "P0",
        "violence_now",
        rx(VIOLENCE_VERB),
        requires=(rx(NOW),),
        unless=any_of(
            GAMES_SPORT,
            ABSENT,
            r"肩を?(?:叩|たた)|肩たたき|ドアを叩|手を叩|布団|キーボード|太鼓|暴れん坊|暴れ馬",
        ),
        scope=1,
        negated=("P1", "violence_home"),
        past=("P2", "despair"),
        who="victim",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "C.assault_ongoing",
        "P0",
        "violence_now",
        rx(VIOLENCE_PROGRESSIVE),
        unless=any_of(
            GAMES_SPORT,
            HABITUAL,
            ABSENT,
            SPECULATION,
            r"肩を?(?:叩|たた)|ドアを叩|手を叩|布団|キーボード|太鼓|暴れん坊|暴力を(?:振る|ふる)",
        ),
        negated=("P1", "violence_home"),
        past=("P2", "despair"),
        who="victim",
        hypothetical=("P2", "despair"),
    ),
    # ---- P1 suicidal ideation (A) -----------------------------------------------------------
    Rule(
        "A.wish",
        "P1",
        "suicidal_ideation",
        rx(*DIE_WISH),
        unless=any_of(FIGURE_SHAME),
        negated=KEEP,
        past=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "A.suicide_thoughts",
        "P1",
        "suicidal_ideation",
        rx(
            r"(?:自殺|じさつ|自死)(?:を|も|が|まで|なんて|について)?(?:考え|かんがえ|したい|しよう|しそう|願望|念慮|するかも|しかけ|が頭|思い|おもい|がよぎ|をよぎ)",
            r"死のうと(?:思|おも|考)|(?:死|し)ぬこと(?:を|ばかり|ばっかり)?(?:考え|かんがえ|思|おも)|死ぬことばかり|死ぬことしか|死ぬ事ばかり|死にたいと(?:言|口)",
            r"死にたく(?:なる|なった|なります|なって)",
        ),
        unless=any_of(
            r"防止|予防|対策|統計|件数|報道|ニュース|有名人|芸能人|相談窓口|ダイヤル|ホットライン|週間|月間",
            FIGURE_SHAME,
        ),
        negated=KEEP,
        past=("P2", "despair"),
        who="subject",
    ),
    # ---- P1 self-harm (B) ---------------------------------------------------------------------
    Rule(
        "B.past_attempt",
        "P1",
        "self_harm",
        rx(
            r"自殺未遂|じさつみすい|(?:死|し)のうとした|首を?吊ろうとした|飛び降りようとした|飛び込もうとした|未遂"
        ),
        past=KEEP,
        negated=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "B.cutting",
        "P1",
        "self_harm",
        rx(
            r"リスカ|リストカット|アムカ|レグカ|自傷|自分を傷つけ|じぶんをきずつけ|根性焼",
            r"(?:腕|手首|太もも|ふともも|うで|てくび|足|脚|お腹|おなか)(?:を|に|も)?.{0,8}?(?:切(?:る|っ|り|ら|れ)|きっ|きる|傷つけ|きずつけ|刺)",
            r"(?:カッター|かみそり|カミソリ|剃刀|ハサミ|はさみ)で(?:自分|腕|手首|太もも|足|うで|てくび)",
            r"切り傷|きりきず|ためらい傷|切った(?:跡|あと)|(?:腕|手首|うで)に(?:無数の|たくさんの|何本も)?(?:線|傷跡|きずあと|傷)(?:が)?(?:たくさん|いっぱい|何本|無数)",
            r"自分の(?:腕|手|体|からだ|頭|顔)(?:を)?.{0,8}?(?:かん|噛|殴|なぐ|叩|たた|傷|引っか|ひっか)|(?:壁|床|柱)に頭(?:を)?(?:ぶつけ|打ち|うち)|頭を(?:壁|床)に",
            r"髪を(?:抜いて|抜く|抜きすぎ)|抜毛",
        ),
        unless=any_of(r"料理|包丁で指|紙で|野菜|髪を切|ドラマ|映画"),
        negated=("P2", "despair"),
        past=("P2", "despair"),
        who="subject",
    ),
    Rule(
        "B.overdose_word",
        "P1",
        "self_harm",
        rx(
            r"(?<![a-z])od(?![a-z])|オーバードーズ|大量服薬|過量服薬|市販薬を(?:大量|たくさん|いっぱい|まとめて)"
        ),
        negated=("P2", "despair"),
        past=("P2", "despair"),
        who="subject",
    ),
    # ---- P1 elder abuse (D) -----------------------------------------------------------------
    Rule(
        "D.money_taken",
        "P1",
        "elder_abuse",
        rx(
            r"(?:年金|ねんきん|通帳|つうちょう|キャッシュカード|カード|貯金|預金|お金|財産)(?:を|も|まで)?.{0,6}(?:取り上げ|とりあげ|使い込|つかいこ|勝手に|奪|うば|巻き上げ|まきあげ|持ち出|取られ|とられ|盗|使われ|渡さない|わたさない|渡してくれない|握られ)",
            r"(?:年金|ねんきん)(?:で|を).{0,6}?(?:パチンコ|ギャンブル|競馬|競輪|酒|遊|ゲーム|課金|好き勝手|自分の)",
            r"(?:一円も|1円も|お金を|小遣いも|生活費も)(?:渡さ|わたさ|渡して(?:くれ)?)(?:ない|ず)|(?:勝手に|自分の(?:趣味|遊び|ため)に)(?:使|つか)",
            r"(?:お金|おかね|生活費|小遣い|年金)(?:を|も)(?:一円も|1円も|全然|まったく)?(?:渡し|わたし|くれ|渡してくれ)(?:ません|ない)(?!ように|よう|方|ほう)",
        ),
        requires=(rx(ELDER), rx(r"年金|ねんきん|通帳|つうちょう|カード|貯金|預金|お金|財産")),
        unless=any_of(
            r"管理してくれ|管理してもら|助かって|詐欺のニュース|自分の(?:年金|お金|貯金)"
        ),
        scope=1,
        who="always",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "D.neglect_by_carer",
        "P1",
        "elder_abuse",
        rx(
            r"おむつのまま|オムツのまま|放置|放って(?:おい|お|る)|ほうって(?:おい|お)|ほったらかし|ほっとか|介護(?:を)?(?:せず|しない|放棄)",
            r"(?:食事|ご飯|ごはん|食べ物)(?:を|も).{0,4}?(?:与え|あたえ|あげ|出さ|出し|させ|作ら|食べさせ)(?:て)?(?:い)?(?:ない|ず|ません|てもらえ|てもらって(?:い)?ない)",
            r"寝たきりのまま|風呂に(?:入れ|いれ)(?:て)?(?:ない|もらえ)|閉じ込め|とじこめ|縛(?:って|られ|り付け)|しばって|部屋に鍵",
        ),
        requires=(rx(ELDER),),
        unless=any_of(
            r"既読|自転車|駐車|車を放置|ゴミ|洗濯|メール|LINE|返信|メッセージ|仕事を|宿題|課題|ほっといて|ほっとい|放置ゲー|放っておいて(?:ほしい|欲しい)"
            r"|後ろめた|うしろめた|罪悪感|負い目|気が引け|みたいで申し訳",
        ),
        scope=1,
        who="always",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "D.mistreated",
        "P1",
        "elder_abuse",
        rx(
            r"(?:怒鳴|どな)られ|(?:叩|たた)かれ|殴られ|蹴られ|つねられ|乱暴|暴言|虐待|ぎゃくたい|あざ(?![とやす])|痣|傷が",
        ),
        requires=(
            rx(
                r"祖父|祖母|じいちゃん|ばあちゃん|じいさん|ばあさん|おじいさん|おばあさん|おじいちゃん|おばあちゃん|高齢|お年寄り|老人|施設|職員|ヘルパー|介護士|入所|デイサービス|デイケア|[6-9][0-9]歳|認知症"
            ),
        ),
        unless=any_of(GAMES_SPORT, r"虐待(?:の)?(?:通報先|窓口|とは|防止)"),
        scope=1,
        who="always",
        hypothetical=("P2", "despair"),
    ),
    # ---- P1 violence in the home, not ongoing (C) -------------------------------------------
    Rule(
        "C.violence",
        "P1",
        "violence_home",
        rx(
            VIOLENCE_VERB,
            rf"(?:{WEAPON})(?:を)?(?:持ち出|もちだ|振り回|ふりまわ|向け|むけ|突きつけ|つきつけ)",
            r"怖くて家に(?:いられ|帰れ|かえれ)|家に帰るのが(?:怖|こわ)|身の危険",
            r"(?<![a-z])dv(?:を|に)?(?:受け|され|がひどい|が続|がある|です|被害|夫|彼氏)|虐待(?:されて|して(?:る|いる)|を受け|かも|では)",
        ),
        unless=any_of(
            GAMES_SPORT,
            r"肩を?(?:叩|たた)|肩たたき|ドアを(?:叩|たた)|手を叩|布団を叩|キーボード|太鼓|暴れん坊|暴れ馬|胃腸|お腹が暴れ"
            r"|ノック|ボールを蹴|石を蹴|ゴミ箱を蹴",
        ),
        past=("P2", "despair"),
        who="victim",
        hypothetical=("P2", "despair"),
    ),
    # ---- P1 lifeline crisis (G) ----------------------------------------------------------------
    Rule(
        "G.no_food",
        "P1",
        "lifeline",
        rx(
            r"(?:食べる|たべる)?(?:もの|物|食べ物|たべもの|食料|食糧|米|お米|ご飯|ごはん)(?:が|も)(?:ない|無い|なにもない|何もない|ありません|底をつ|尽き|買えない|かえない)",
            r"食べ(?:る|られる)(?:もの|物)が(?:ない|無い|ありません)|何も食べられない生活",
        ),
        unless=any_of(
            r"冷蔵庫(?:に)?(?:は)?(?:ほとんど|あまり)?(?:何も)?(?:ない)", r"好きな|食べたい|食欲"
        ),
        who="subject",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "G.food_ran_out",
        "P1",
        "lifeline",
        rx(
            r"(?:食べ物|たべもの|食料|食糧|米|お米|おこめ|ご飯|ごはん)(?:が|も)(?:もう)?(?:なくなり|なくなっ|無くなっ|無くなり|切れ|尽き|つき)"
        ),
        requires=(
            rx(
                MONEY_CONTEXT,
                r"(?:入る|はいる|出る|でる|給料日|支給日)まで|お金が(?:ない|なくて|無い)",
            ),
        ),
        unless=any_of(r"買いに|かいに|買って|かって|届|注文|ネットで"),
        scope=1,
        who="subject",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "G.no_food_days",
        "P1",
        "lifeline",
        rx(
            rf"{DURATION}.{{0,15}}(?:何も|なにも|ほとんど|まともに)?(?:食べて|たべて|食べ)(?:い)?(?:ない|ません|ません|なく)"
        ),
        requires=(rx(MONEY_CONTEXT),),
        scope=1,
        who="subject",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "G.money_zero",
        "P1",
        "lifeline",
        rx(
            r"所持金(?:が|は|も)?(?:ない|無い|ゼロ|0円|[0-9]+円|わずか|ほとんど|底)|財布に(?:[0-9]+円|ほとんど|もう)|残高(?:が|は)?(?:0|ゼロ|[0-9]+円)",
            r"(?<![0-9])(?:[0-9]{1,3})円しか(?:ない|ありません|なくて)|無一文|一文無し|お金が(?:一円も|1円も|全く|まったく)(?:ない|なくて)",
        ),
        who="subject",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "G.utilities_cut",
        "P1",
        "lifeline",
        rx(
            rf"{UTILITY}(?:(?:と|や|も|、|・)?{UTILITY})*(?:が|も|を)?(?:止ま(?:っ|り|る)|とま(?:っ|り|る)|止め(?:られ|るって|ると)|とめ(?:られ|るって)|止められ|供給停止|切られ|きられ)",
        ),
        unless=any_of(
            r"かと思|払えた|払った|間に合|だけ(?:でした|だった|です)|勘違い|元栓|もとせん|停電|工事|点検|復旧|直った|なおった|地震|台風|代が|料金が高|ブレーカー|止まらない"
        ),
        scope=1,
        who="subject",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "G.no_shelter",
        "P1",
        "lifeline",
        rx(
            r"(?:寝る|ねる|泊まる|とまる|住む|すむ|帰る|かえる|行く|いく)(?:場所|ところ|所|とこ|家|いえ)(?:が|も)(?:ない|無い|ありません|なくな)",
            r"追い出され|おいだされ|追い出す(?:と|って)|出ていけ(?:と|って)|立ち退き|退去(?:させ|しろ|を求め|命令)",
            r"野宿|のじゅく|路上(?:で|生活)|ホームレス(?:に|状態|です)|ネットカフェ(?:で|に)(?:寝|泊|暮ら)|車(?:で|中)(?:寝|泊|生活)",
        ),
        unless=any_of(r"ゲーム|ドラマ|映画|ニュース"),
        who="subject",
        hypothetical=("P2", "despair"),
    ),
    # ---- P1 neglect / welfare check (E) ---------------------------------------------------------
    Rule(
        "E.not_eating",
        "P1",
        "neglect",
        rx(
            rf"{DURATION}.{{0,15}}(?:何も|なにも|ほとんど|まともに|ご飯を|ごはんを|食事を)?(?:食べて|たべて|食事をとって|食事して)(?:い)?(?:ない|ません|なく)|水も(?:飲ま|のま)(?:ない|なく)",
            rf"{DURATION}.{{0,15}}(?:何も|なにも|ほとんど)(?:食べ|たべ|口にし|くちにし)(?:ず|ない|ません)",
            r"(?:水|水分)(?:も|を)(?:ほとんど|全然|まったく|あまり)?(?:(?:飲んで|のんで|とって|取って)(?:い)?(?:ない|ません)|(?:飲|の)(?:ま(?:ない|ず)|みません))",
        ),
        unless=any_of(
            r"ダイエット|断食|ファスティング|朝ご?飯|朝食|昼ご?飯|昼食|お菓子|外食|甘いもの"
        ),
        scope=0,
        who="patient",
        hypothetical=("P2", "despair"),
    ),
    Rule(
        "E.no_response",
        "P1",
        "neglect",
        rx(
            rf"{DURATION}.{{0,15}}(?:返事|へんじ|連絡|応答|反応|既読)(?:が|も)?(?:ない|無い|なし|しない|しません|ありません|つかない|つきません|取れない|とれない|取れません|とれません|がない)",
            rf"{DURATION}.{{0,15}}電話に(?:出ない|でない|出ません)|{DURATION}.{{0,15}}(?:姿|顔)(?:を|も)?(?:見て(?:い)?ない|見てません|見ていません|みてない|見かけない|見せない)",
            rf"(?:姿|顔)(?:を|も)?(?:見て(?:い)?ない|見てません|見かけない).{{0,10}}{DURATION}",
            rf"(?:姿|顔)(?:を|も)?.{{0,8}}{DURATION}.{{0,4}}(?:見て(?:い)?ない|見ていません|見てません|見かけ(?:ない|ません|てない))",
            r"部屋から(?:返事|へんじ|反応)(?:が)?(?:ない|しない)|物音(?:が|も|ひとつ|一つ)?(?:しない|しません|全くしない|聞こえない|聞こえません|きこえない)|新聞(?:が)?(?:たま|溜ま)|郵便(?:物)?(?:が)?(?:たま|溜ま)|安否(?:確認|が心配|がわから)",
            r"ゴミ屋敷|ごみ屋敷|風呂に(?:何|[0-9一二三四五六七八九十数]+)(?:日|週間|ヶ月|か月)も?(?:入って|入れて)(?:い)?ない",
        ),
        unless=any_of(r"担当|窓口|役所|スタッフ|先生|事務所|会社|業者|面談|予約|お店|相談員"),
        who="always",
        hypothetical=("P2", "despair"),
    ),
    # ---- P2 despair / strain (I) --------------------------------------------------------------------
    Rule(
        "I.after_me",
        "P2",
        "despair",
        rx(
            r"(?:私|わたし|親|自分)が(?:死んだ|しんだ|亡くなった|いなくなった|死んで)(?:ら|あと|後)|親亡き後|親なきあと"
        ),
        negated=KEEP,
        past=KEEP,
        media_check=False,
        who="never",
    ),
    Rule(
        "I.despair",
        "P2",
        "despair",
        rx(
            r"もう(?:無理|むり|だめ|ダメ|いや|嫌|やだ|疲れ|つかれ)|無理(?:です|だ|。)|むりすぎ|限界|げんかい|もう(?:ギリギリ|ぎりぎり)|ギリギリ|ぎりぎり",
            r"誰にも(?:頼れ|たよれ|相談でき|言えない|いえない|わかってもらえ|分かってもらえ|助けて)|だれにも(?:たよれ|いえない|そうだん)|誰も(?:わかって|分かって|助けて|たすけて|頼れ|理解して)(?:くれない|もらえない)|(?:頼れる|たよれる)人が(?:いない|いません)",
            r"疲れ(?:た|ました|果て|きった|ちゃった)|つかれ(?:た|ました|はて|ちゃった)|しんど|辛い|つらい|つらすぎ|苦しい|くるしい",
            r"心が(?:折れ|おれ|もたない|壊れ|こわれ|限界)|(?:体|からだ)が(?:もたない|持たない|限界)|もたない",
            r"どうでもいい|どうでもよく|何も変わらない|なにもかわらない|絶望|ぜつぼう|希望が(?:ない|持てない)|お先真っ暗|真っ暗|先が見えない",
            r"身辺整理|持ち物を(?:あげ|譲|ゆず|処分)|休みたい|やすみたい|泣いて(?:る|います|ます|ばかり)|毎日泣|泣きたい|涙が(?:止まらない|出る)",
            r"眠れ(?:ない|ません|なくて)|ねむれ(?:ない|ません)|孤独|ひとりぼっち|独りぼっち|どうしたら(?:いい|よい)(?:の)?か(?:わから|分から)",
            r"どうしろと|笑うしかない|まいって|参って|追い詰め|追いつめ|逃げたい|にげたい|何のために|なんのために|たらい回し|心細|不安で",
            r"将来が(?:不安|こわい|怖い|見えない)|生活が(?:苦しい|できない)|払えない|もう(?:やめたい|やだ)",
        ),
        unless=any_of(
            r"前進|嬉し|うれし|楽しかった|たのしかった|充実|達成|合格|できた|よかった|良かった|おかげで|ありがとう|笑った"
        ),
        negated=DROP,
        past=KEEP,
        media_check=False,
        who="subject",
    ),
    # ---- P3 questions about services --------------------------------------------------------------
    Rule(
        "P3.service_question",
        "P3",
        "info",
        rx(
            r"ですか|ますか|ませんか|でしょうか|ありますか|できますか|教えて|知りたい|聞きたい|相談したい|でしたっけ|\?"
        ),
        requires=(
            rx(
                r"相談|窓口|申請|サービス|支援|制度|予約|面談|集まり|家族会|デイ|介護保険|生活保護|手続|書類|補助|助成|後見|施設|居場所"
                r"|病院|訪問|通訳|日程|時間|場所|土曜|日曜|対象|参加|利用|使え|配食|見守り|認定|ケアマネ|送迎|就労|ハローワーク|やって"
                r"|方法|再発行|支払|料金|届け|年金|保険|給付|手当",
            ),
        ),
        negated=KEEP,
        past=KEEP,
        media_check=False,
        who="never",
    ),
    # ---- English ----------------------------------------------------------------------------------
    Rule(
        "EN.H.harm_others",
        "P0",
        "harm_others",
        en(
            r"(?:going to|gonna|want to|wanna|will|might|could|about to|afraid i(?:ll| will| might)?) (?:kill|hurt|stab|strangle|shoot) (?:him|her|them|my \w+|everyone|someone|the kids?)",
            r"kill (?:him|her|them|my \w+) and (?:then )?(?:myself|me)",
            r"take (?:him|her|them|my \w+|the kids) with me",
            r"die together",
            r"murder[- ]suicide",
        ),
        lang="en",
        unless=(en("game", "boss", "level", "joke", "lol", "lmao"),),
        who="always",
        negated=("P1", "violence_home"),
    ),
    Rule(
        "EN.F.medical",
        "P0",
        "medical_emergency",
        en(
            r"(?:wont|will not|cant|can not|cannot|doesnt|does not|isnt|is not) (?:wake up|waking up|breathe|breathing|respond|responding|move|moving)",
            r"not breathing",
            r"unconscious",
            r"unresponsive",
            r"passed out",
            r"collapsed",
            r"seizure",
            r"having a fit",
            r"bleeding (?:wont|will not|doesnt) stop",
            r"(?:cant|can not) stop the bleeding",
            r"chest pains?",
            r"(?:took|swallowed|taken|has taken|have taken) (?:all|a lot|a bunch|too many|\d+|the whole|an entire)(?: of)? (?:his|her|my|the|their)? ?(?:\w+ )?(?:pills|tablets|meds|medication|bottle)",
            r"overdosed",
            r"took an overdose",
        ),
        lang="en",
        unless=(
            en(
                "yesterday",
                "last week",
                "years ago",
                "last year",
                "wifi",
                "wi-fi",
                "phone",
                "laptop",
                "game",
            ),
        ),
        who="subject",
        negated=DROP,
        past=DROP,
    ),
    Rule(
        "EN.A+.plan",
        "P0",
        "suicide_imminent",
        en(
            r"rope",
            r"noose",
            r"hang myself",
            r"jump (?:off|from|in front)",
            r"pills saved",
            r"(?:pills|tablets|meds) (?:ready|saved|collected|lined up)",
            r"(?:take|swallow) (?:them all|all (?:of )?(?:them|my|the|these|those|his|her)\b)",
            r"stockpil\w+",
            r"a gun",
            r"kill myself",
            r"end (?:it|my life|it all)",
            r"(?:going|gonna|want|wanna|ready) to die",
            r"suicide",
        ),
        requires=(
            en(
                r"tonight",
                r"today",
                r"right now",
                r"tomorrow",
                r"the night",
                r"goodbye",
                r"note",
                r"bought",
                r"ready",
                r"decided",
                r"planned",
                r"plan to",
                r"before i",
                r"in an hour",
                r"this is it",
            ),
        ),
        unless=(
            en(
                r"camping",
                r"climbing",
                r"jump rope",
                r"skipping",
                r"tow",
                r"boat",
                r"dog",
                r"could die",
                r"so happy",
                r"die laughing",
            ),
            en(r"not going to do", r"no plan", r"wont do anything"),
        ),
        scope=2,
        lang="en",
        who="subject",
        negated=("P1", "suicidal_ideation"),
    ),
    Rule(
        "EN.C.violence_now",
        "P0",
        "violence_now",
        en(
            r"(?:is|are|keeps|keep) (?:hitting|beating|punching|kicking|choking|strangling|attacking|hurting|threatening)",
            r"(?:has|have|got) a knife",
            r"with a knife",
            r"(?:hiding|locked myself) in",
            r"breaking down the door",
        ),
        requires=(
            en(
                r"now",
                r"right now",
                r"help",
                r"hiding",
                r"locked",
                r"please",
                r"door",
                r"threaten\w*",
                r"kill",
            ),
        ),
        scope=1,
        lang="en",
        who="victim",
        negated=("P1", "violence_home"),
    ),
    Rule(
        "EN.A.ideation",
        "P1",
        "suicidal_ideation",
        en(
            r"(?:want|wants|wanted|wanting|wanna|wish|wishes|wished|going) to die",
            r"kill myself",
            r"end (?:it all|my life)",
            r"(?:everyone|everybody|they|people|the world) (?:would|will|d) be better off (?:without me|if i (?:wasnt|werent|was not|were not) (?:here|around|alive))",
            r"(?:dont|do not|didnt) want to (?:live|exist|be alive|be here|wake up)",
            r"wish i (?:was|were) (?:dead|never born|gone)",
            r"better off (?:dead|without me)",
            r"suicid\w*",
            r"no reason to live",
            r"killing myself",
            r"thinking (?:about|of) (?:suicide|dying|ending it|ending my life)",
            r"want to disappear",
            r"cant go on",
            r"not want to (?:live|exist)",
            r"wish i (?:wasnt|werent|was not|were not) (?:alive|here|born|around)",
        ),
        lang="en",
        who="subject",
        negated=KEEP,
    ),
    Rule(
        "EN.B.self_harm",
        "P1",
        "self_harm",
        en(
            r"cut(?:ting)? myself",
            r"self[- ]?harm\w*",
            r"hurt(?:ing)? myself",
            r"burn(?:ing|ed)? myself",
            r"cut(?:ting|s)? (?:my|his|her) (?:arms?|wrists?|legs?|thighs?)",
            r"(?:cuts|scars) on (?:my|his|her) (?:arms?|wrists?|legs?)",
            r"overdosed (?:yesterday|last)",
        ),
        lang="en",
        who="subject",
    ),
    Rule(
        "EN.D.elder_abuse",
        "P1",
        "elder_abuse",
        en(
            r"(?:takes|took|taking|steals|stole|stealing|uses|using|spends|spent|spending|keeps) (?:all )?(?:of )?(?:my |her |his |our )?(?:mom|mum|mother|dad|father|grandma|grandmother|grandpa|grandfather|parent)s? (?:pension|money|savings|bank card)",
            r"(?:takes|took|taking|steals|stole|stealing) (?:all )?(?:of )?(?:her|his) (?:pension|savings|bank card)",
            r"elder abuse",
            r"(?:leaves|left|leaving) (?:her|him|grandma|grandpa) (?:alone )?(?:in (?:a )?dirty|without food)",
            r"(?:hit|hits|hitting|beat|beats|beating|abus\w*|slap\w*|push\w*|yell\w* at) (?:my )?(?:grandma|grandpa|grandmother|grandfather|elderly \w+)",
        ),
        lang="en",
        who="always",
    ),
    Rule(
        "EN.C.violence_home",
        "P1",
        "violence_home",
        en(
            r"(?:hit|hits|hitting|beat|beats|beating|punch\w*|kick\w*|chok\w*|strangl\w*|slap\w*|push\w*|shov\w*|grabb\w*|threw|throws) (?:me|her|him|us|my \w+)",
            r"domestic (?:violence|abuse)",
            r"(?:afraid|scared) to go home",
            r"threaten(?:ed|s)? to kill",
        ),
        lang="en",
        unless=(en("game", "boss", "ball", "lol"),),
        who="victim",
    ),
    Rule(
        "EN.G.lifeline",
        "P1",
        "lifeline",
        en(
            r"nothing to eat",
            r"no food",
            r"no money (?:for|to buy) (?:food|anything to eat)",
            r"(?:power|electricity|gas|water) (?:has been |was |got |is |will be )?(?:cut|shut|turned) off",
            r"nowhere to (?:sleep|stay|go)",
            r"kicked (?:me |us )?out",
            r"evicted",
            r"homeless",
            r"sleeping (?:rough|outside|in my car)",
            r"no money (?:left|at all)",
            r"(?:havent|have not|didnt) eaten in (?:\d+|two|three|four|five|several|a few) days",
        ),
        lang="en",
        who="subject",
    ),
    Rule(
        "EN.E.neglect",
        "P1",
        "neglect",
        en(
            r"(?:hasnt|has not|havent|have not|didnt|not) (?:answered|replied|responded|picked up|called back|been seen|eaten|come out|heard from)\b.{0,40}\b(?:in|for) (?:\d+|a few|few|several|many|two|three|four|five|six|a) (?:days|weeks|week)",
            r"(?:no one|nobody) has (?:seen|heard from) (?:her|him)",
            r"for days",
            r"welfare check",
            r"check on (?:her|him)",
        ),
        lang="en",
        who="subject",
    ),
    Rule(
        "EN.I.despair",
        "P2",
        "despair",
        en(
            r"so done",
            r"im done",
            r"exhausted",
            r"cant (?:take|do) (?:it|this) anymore",
            r"cant cope",
            r"overwhelmed",
            r"(?:nobody|no one) (?:helps|cares|understands|to turn to)",
            r"hopeless",
            r"burn(?:ed|t) out",
            r"at my (?:limit|wits end)",
            r"give up",
            r"falling apart",
            r"so tired",
            r"worn out",
            r"breaking point",
            r"too much for me",
        ),
        lang="en",
        who="subject",
        negated=DROP,
        past=KEEP,
        media_check=False,
    ),
    Rule(
        "EN.P3.service_question",
        "P3",
        "info",
        en(
            r"where can",
            r"how (?:do|can) i",
            r"is there",
            r"can i",
            r"what (?:is|are)",
            r"when is",
            r"do you (?:have|offer)",
            r"anyone who can help",
        ),
        requires=(
            en(
                r"support",
                r"services?",
                r"groups?",
                r"care",
                r"help",
                r"consult\w*",
                r"appointment",
                r"office",
                r"english",
                r"apply",
            ),
        ),
        lang="en",
        who="never",
        negated=KEEP,
        past=KEEP,
        media_check=False,
    ),
)
