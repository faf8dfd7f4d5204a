"""Replies fit LINE's limits without losing words: 5 bubbles, 5,000 UTF-16 units, 13 quick
replies, 20-character labels."""

from __future__ import annotations

from bot.channels.line_render import MAX_TEXT, pack, render, split_text, utf16_len
from bot.messages import Option, Reply


def test_long_text_is_split_at_sentence_ends_within_5000_utf16_units() -> None:
    sentence = "息子が部屋から出てこなくなって十年になります。"
    text = sentence * 600  # 13,800 characters
    pieces = split_text(text)
    assert "".join(pieces) == text
    assert all(utf16_len(p) <= MAX_TEXT for p in pieces)
    assert all(p.endswith("。") for p in pieces)


def test_splitting_never_breaks_a_surrogate_pair() -> None:
    text = "😢" * 3000  # 6,000 UTF-16 units, no natural break
    pieces = split_text(text)
    assert "".join(pieces) == text
    assert all(utf16_len(p) <= MAX_TEXT for p in pieces)


def test_more_than_five_bubbles_are_merged_not_dropped() -> None:
    texts = [f"メッセージ{i}" for i in range(8)]
    packed = pack(texts)
    assert len(packed) == 5
    assert "\n\n".join(packed).split("\n\n") == texts


def test_a_reply_renders_as_at_most_five_messages_per_call_with_quick_replies_last() -> None:
    reply = Reply(
        messages=["あ" * 4000] * 7, options=[Option("a:x:1", "はい"), Option("a:x:2", "いいえ")]
    )
    rendered = render(reply)
    assert all(1 <= len(batch) <= 5 for batch in rendered.batches)
    flat = [m for batch in rendered.batches for m in batch]
    assert "".join(m.text for m in flat).replace("\n", "") == "あ" * 28000
    assert all(m.quick_reply is None for m in flat[:-1])
    assert flat[-1].quick_reply is not None
    assert [i.action.data for i in flat[-1].quick_reply.items] == ["a:x:1", "a:x:2"]


def test_a_label_over_20_characters_gets_a_numbered_button_and_keeps_its_words() -> None:
    long = "家族のことで、まず話だけ聞いてほしいです"  # 20 characters: fits
    longer = "相談員に直接つないでほしい（平日の日中のみ）です"  # over 20
    rendered = render(
        Reply(messages=["どうしますか。"], options=[Option("a:1", long), Option("a:2", longer)])
    )
    message = rendered.batches[-1][-1]
    labels = [i.action.label for i in message.quick_reply.items]
    assert labels == [long, "②"]
    assert message.quick_reply.items[1].action.display_text == longer
    assert f"② {longer}" in message.text
    assert rendered.numbered_options == 1


def test_at_most_13_quick_replies() -> None:
    options = [Option(f"a:q:{i}", f"選択肢{i}") for i in range(15)]
    rendered = render(Reply(messages=["選んでください。"], options=options))
    items = rendered.batches[-1][-1].quick_reply.items
    assert len(items) == 13
    assert rendered.dropped_options == 2
