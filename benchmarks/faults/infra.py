"""The processes a fault run needs, all on loopback and all private to the run: a PostgreSQL
cluster and a Redis that can be stopped and started without touching anyone else's, the fake LINE
platform, and tobira workers (each its own uvicorn process) that can be killed, stopped and
started again. CPU time is read from /proc (no psutil here)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SECRET = "faults-channel-secret-0123456789ab"
TOKEN = "faults-channel-access-token"
SECRET_KEY = "faults-secret-key-0123456789abcdef"
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "5439"))
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6391"))
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 120, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU of a process (and of its reaped children, with ``children``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    used = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        used += int(fields[13]) + int(fields[14])  # cutime, cstime
    return used / TICK


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


class Postgres:
    """A throwaway cluster (initdb as the postgres user, trust auth) on ``PG_PORT``."""

    def __init__(self, port: int = PG_PORT) -> None:
        self.port = port
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.data = Path(tempfile.mkdtemp(prefix="tobira-pgfault-"))
        shutil.chown(self.data, "postgres", "postgres")
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )
        self.start()

    def _as_postgres(self, *cmd: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *cmd],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/tobira"

    def start(self) -> None:
        opts = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-l",
            str(self.data / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def fresh_database(self) -> str:
        import psycopg

        admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS tobira WITH (FORCE)")
            conn.execute("CREATE DATABASE tobira")
        return self.url

    def cpu(self) -> float:
        """CPU of the postmaster, its live backends and those already gone."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        return cpu_seconds(pid, children=True) + sum(cpu_seconds(c) for c in _children(pid))

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.data, ignore_errors=True)


class Redis:
    """redis-server on ``REDIS_PORT`` without persistence, as a child we can stop and start."""

    def __init__(self, port: int = REDIS_PORT) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid) if self.proc is not None else 0.0


class FakeLinePlatform:
    """``python -m tests.fakeline`` in its own process."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.fakeline",
                "--port",
                str(self.port),
                "--token",
                TOKEN,
                "--secret",
                SECRET,
            ],
            cwd=REPO,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        wait_http(f"{self.url}/__fake/calls", 30, self.proc)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@dataclass
class Worker:
    """One tobira process (uvicorn, one worker) on its own port."""

    name: str
    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    cpu_before_restarts: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> None:
        log = (self.log_dir / f"{self.name}.log").open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "bot.app:app_from_env",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if wait:
            wait_http(f"{self.url}/readyz", 180, self.proc)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.cpu_before_restarts += cpu_seconds(self.proc.pid)
            self.proc.send_signal(sig)

    def wait(self, timeout: float = 60) -> int | None:
        if self.proc is None:
            return None
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.alive:
            self.signal(signal.SIGTERM)
            try:
                self.wait(60)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.wait(10)

    def cpu(self) -> float:
        now = cpu_seconds(self.proc.pid) if self.alive and self.proc is not None else 0.0
        return self.cpu_before_restarts + now


def worker_env(db_url: str, redis_url: str | None, line_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TOBIRA_DATABASE_URL": db_url,
            "TOBIRA_SECRET_KEY": SECRET_KEY,
            "TOBIRA_LINE_API_BASE": line_url,
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "TOBIRA_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        }
    )
    if redis_url:
        env["TOBIRA_REDIS_URL"] = redis_url
    else:
        env.pop("TOBIRA_REDIS_URL", None)
    return env
