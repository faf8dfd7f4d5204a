"""What an operator meets: the city YAML, settings, the CLI, the HTTP health endpoints."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from bot.city import MunicipalityError, load_municipality
from bot.settings import DEMO_CITY, Settings

REPO = Path(__file__).resolve().parents[1]
TOBIRA = str(Path(sys.executable).parent / "tobira")


def test_the_demo_city_loads_with_holidays_and_after_hours() -> None:
    import datetime as dt

    from flows.municipality import JST

    city = load_municipality(DEMO_CITY)
    assert not city.staffed_at(dt.datetime(2026, 11, 23, 10, 0, tzinfo=JST))  # 勤労感謝の日
    assert city.staffed_at(dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST))
    assert not city.staffed_at(dt.datetime(2026, 12, 30, 10, 0, tzinfo=JST))  # 年末年始
    assert city.next_staffed(dt.datetime(2026, 12, 28, 20, 0, tzinfo=JST)) == dt.datetime(
        2027, 1, 4, 8, 30, tzinfo=JST
    )


@pytest.mark.parametrize(
    ("break_it", "named"),
    [
        (lambda d: d["hotlines"][2].pop("verified_at"), "hotlines.2.verified_at"),
        (
            lambda d: d["agencies"][0]["office_hours"].update(mon=["nine", "five"]),
            "agencies.0.office_hours.mon",
        ),
        (lambda d: d.update(code="12"), "code"),
        (lambda d: d.update(retention_days=0), "retention_days"),
    ],
)
def test_a_broken_city_yaml_stops_start_up_naming_the_field(
    tmp_path: Path, break_it, named: str
) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEMO_CITY.read_text(encoding="utf-8"))
    break_it(data)
    path = tmp_path / "city.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MunicipalityError) as caught:
        load_municipality(path)
    assert named in str(caught.value)


def test_more_than_one_worker_without_redis_is_refused() -> None:
    with pytest.raises(ValueError, match="TOBIRA_REDIS_URL"):
        Settings(workers=2, secret_key="x" * 32)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOBIRA_", "LINE_"))}
    env.update(
        {"TOBIRA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "TOBIRA_SECRET_KEY": "k" * 32}
    )
    env.update(extra)
    return env


MOTHER_INPUT = "\n".join(
    [
        "話してみる", "子どものこと", "母", "家から出られない・不登校", "収入・生活費", "介護のこと",
        "これで全部", "家から出られない・不登校", "特にない", "自室からほとんど出ない", "10年以上",
        "知らない", "わからない", "母", "これで全部", "50代", "80代以上", "通院している", "年金",
        "これで全部", "特にない", "自分も通院中", "窓口の人と話したい", "これで全部",
    ]
)  # fmt: skip


def test_tobira_chat_walks_the_mother_through_the_whole_intake(tmp_path: Path) -> None:
    done = subprocess.run(
        [TOBIRA, "chat"], input=MOTHER_INPUT + "\n1\n", capture_output=True, text=True, timeout=120,
        env=_env(tmp_path), cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "【まとめ】" in out and "◎家から出られない・不登校" in out and "○介護のこと" in out
    assert "引き継いでもよいですか" in out  # [1] = これでよい leads to the consent text
    assert "Traceback" not in done.stderr


def test_staff_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    env = _env(tmp_path)
    ok = subprocess.run([TOBIRA, "staff", "add", "sato", "--role", "supervisor", "--password-stdin"],
                        input="a-long-password-2026\n", capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    again = subprocess.run([TOBIRA, "staff", "add", "sato", "--password-stdin"],
                           input="a-long-password-2026\n", capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert again.returncode != 0 and "sato" in again.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_health_readiness_and_metrics(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen([TOBIRA, "serve", "--port", str(port)], env=_env(tmp_path), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "the server never came up"
                time.sleep(0.3)
        assert ready.status_code == 200 and ready.json()["database"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
        assert "tobira_turns_total" in httpx.get(f"http://127.0.0.1:{port}/metrics").text
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_without_a_secret_key_stops_with_a_message_naming_it(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env.pop("TOBIRA_SECRET_KEY")
    done = subprocess.run([TOBIRA, "serve", "--port", str(_free_port())], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)  # fmt: skip
    assert done.returncode != 0 and "TOBIRA_SECRET_KEY" in done.stderr


def test_the_two_readme_commands_are_its_first_lines() -> None:
    head = (REPO / "README.md").read_text(encoding="utf-8").splitlines()[:12]
    assert any("./scripts/demo" in line for line in head) and any(
        "./scripts/test" in line for line in head
    )
    assert "./scripts/test" in (REPO / ".ci" / "run").read_text() and shutil.which("bash")
