"""The learned name/organisation tagger: traceable to its data, retrainable by one command, and
never a reason to redact loanwords, technical terms or dates that are not birth dates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pii import redact
from pii.model import MODEL_PATH, NameModel, has_candidate
from pii.nlp import SudachiNlpEngine
from pii.normalize import normalize
from pii.train import data_hash, default_files, file_label

REPO = Path(__file__).resolve().parents[1]


def test_shipped_model_names_its_training_data() -> None:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert raw["version"] >= 1 and raw["labels"][0] == "O"
    assert len(raw["data_sha256"]) == 64
    assert "cross_validation" in raw and "threshold" in raw
    files = default_files()
    if [file_label(f) for f in files] == raw["files"]:
        # stale when the corpora changed since training: rerun python -m pii.train
        assert data_hash(files) == raw["data_sha256"]


def test_one_command_trains_a_model(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pii.train",
            str(REPO / "tests/data/pii_fresh.jsonl"),
            "--out",
            str(out),
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    model = NameModel.load(out)
    assert model is not None and model.weights


def test_tagger_reads_names_from_context() -> None:
    model = NameModel.load()
    assert model is not None
    nlp = SudachiNlpEngine()
    text = "担任の佐々木先生と、息子の友達の翔太くんに会いました。"
    norm = normalize(text)
    spans = {
        (t, norm.text[s:e]) for t, s, e, _ in model.spans(nlp.artifacts(norm.text, norm.digits))
    }
    assert ("PERSON", "佐々木") in spans and ("PERSON", "翔太") in spans


@pytest.mark.parametrize(
    "text",
    [
        "パソコンのメモリとCPUを交換した。",
        "スマホのアプリでゲームばかりしています。",
        "ケアマネとヘルパーが週2回来ます。",
        "グループホームの見学に行った。",
        "テレワークでZoom会議に出ています。",
        "プログラミングとデータベースの勉強をしている。",
        "令和5年4月1日から入院しています。",
        "10月3日に面談があります。",
        "インスリンとロキソニンを飲んでいる。",
        "薬を飲み忘れて机の上に置きっぱなし（笑）",
        "母はデイサービスに通っています。",
    ],
)
def test_loanwords_terms_and_dates_stay(text: str) -> None:
    assert redact(text).entities == []


def test_the_tagger_only_scores_near_a_name_like_token() -> None:
    """Speed: a message made of verbs, particles and ordinary words is not scored at all, and
    where a name-like word stands the tagger still finds the name next to it."""
    model = NameModel.load()
    assert model is not None
    nlp = SudachiNlpEngine()
    for text, name in (
        ("昨日からずっと眠れなくて、食欲もないです。", None),
        ("仕事を辞めてから家にいることが多くなりました。", None),
        ("担任の佐々木先生と、息子の友達の翔太くんに会いました。", "翔太"),
    ):
        norm = normalize(text)
        art = nlp.artifacts(norm.text, norm.digits)
        near = {(t, norm.text[s:e]) for t, s, e, _ in model.spans(art, near=True)}
        if name is None:
            assert not has_candidate(art) and near == set()
        else:
            assert has_candidate(art) and ("PERSON", name) in near


@pytest.mark.parametrize(
    "text",
    [
        "Wi-Fiのパスワードが分からない",
        "マイナンバーカードの更新に行きました。",
        "ハローワークで職業訓練の説明を聞いた。",
        "2024年4月1日に面談があります。",
    ],
)
def test_more_terms_stay(text: str) -> None:
    assert redact(text).entities == []


@pytest.mark.parametrize(
    "text",
    [
        "父はパーキンソン病で通院中です",
        "母が長谷川式のテストを受けた",
        "アルツハイマー型認知症と言われた",
        "I got off at Kawasaki Station",
    ],
)
def test_a_name_heading_a_term_is_not_a_person(text: str) -> None:
    assert [e for e in redact(text).entities if e.type == "PERSON"] == []


def test_the_same_surname_as_a_person_is_still_redacted() -> None:
    assert "長谷川" not in redact("長谷川さんが来た").text


@pytest.mark.parametrize(
    "text",
    [
        "息子がB型作業所に週4日通っています",
        "ホストクラブにはまってしまった",
        "名前は分かるけど、何をどうしたらいいか",
        "施設に入っても祖父のままです。",
    ],
)
def test_kinds_of_place_and_ordinary_phrases_stay(text: str) -> None:
    assert redact(text).entities == []


def test_the_dev_split_the_threshold_is_chosen_on_is_never_trained_on(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pii.train",
            str(REPO / "tests/data/pii_blind/dev.jsonl"),
            "--out",
            str(tmp_path / "m.json"),
        ],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode != 0 and not (tmp_path / "m.json").exists()


def test_synthetic_training_data_is_reproducible_and_has_negatives() -> None:
    from pii.synth import OUT, generate

    rows = generate(600)
    shipped = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]
    assert rows == shipped
    assert sum(not r["entities"] for r in rows) >= 150
