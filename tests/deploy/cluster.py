"""Replicas of the service on one machine, behind Debian's HAProxy, sharing PostgreSQL and Redis.

Each replica is `uvicorn app.main:app` in its own process with its own data directory, as it
would be on its own host; only the environment ties them together: one database, one Redis,
one set of secret keys. HAProxy balances round-robin, checks `/readyz`, and names the replica
that answered in `X-Served-By`. tests/deploy/test_replicas.py and scripts/bench_replicas.py
use it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from tests.fake_server import free_port

REPO = Path(__file__).resolve().parents[2]
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/11"  # a database number no other test uses
# The exported ONNX model, shared by every replica and every run (the file name carries the
# model's fingerprint, so a stale one is never used).
ONNX_CACHE = REPO / ".cache" / "onnx"
SERVED_BY = "x-served-by"
START_TIMEOUT_S = 240.0  # the first start exports the model to ONNX (about 30 s, more when busy)


def haproxy_binary(*, install: bool = True) -> str | None:
    """Debian's haproxy; installed with apt when missing and we are root (as CI is)."""
    found = _which_haproxy()
    if found or not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "haproxy"], check=False, env=env, capture_output=True
    )
    return _which_haproxy()


def _which_haproxy() -> str | None:
    # /usr/sbin is not on a normal user's PATH.
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")


def onnx_model_cached() -> bool:
    """Whether the shipped model is already exported for the default runtime (onnx-int8)."""
    from app.model.base import fingerprint, onnx_file_name
    from app.model.head_specs import read_meta

    models = REPO / "models"
    version = str(read_meta(models).get("version", "unversioned"))
    return (ONNX_CACHE / onnx_file_name(version, fingerprint(models), int8=True)).exists()


@contextmanager
def scratch_database(prefix: str = "replicas") -> Iterator[str]:
    """A PostgreSQL database of its own, dropped afterwards: the shared `test` stays untouched."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@dataclass
class Replica:
    name: str
    port: int
    data_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    """`replicas` started with `env`, and the balancer in front of them, under `work`."""

    work: Path
    database_url: str
    size: int = 3
    env: Mapping[str, str] = field(default_factory=dict)
    replicas: list[Replica] = field(default_factory=list)
    balancer_port: int = 0
    _haproxy: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.balancer_port}"

    @property
    def balancer_pid(self) -> int | None:
        return self._haproxy.pid if self._haproxy is not None else None

    @property
    def stats_socket(self) -> Path:
        return self.work / "haproxy.sock"

    @property
    def balancer_log(self) -> Path:
        return self.work / "haproxy.log"

    def replica_env(self, replica: Replica) -> dict[str, str]:
        return {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TRIAGE_DATABASE_URL": self.database_url,
            "TRIAGE_REDIS_URL": REDIS_URL,
            "TRIAGE_DATA_DIR": str(replica.data_dir),
            "TRIAGE_LOG_LEVEL": "WARNING",
            **self.env,
        }

    def start(self, haproxy: str) -> Cluster:
        self.work.mkdir(parents=True, exist_ok=True)
        env = dict(self.env)
        # Every replica must open the helpdesk secrets any other one sealed: one key for all.
        env.setdefault("TRIAGE_SECRET_KEYS", Fernet.generate_key().decode())
        self.env = env
        ONNX_CACHE.mkdir(parents=True, exist_ok=True)
        for n in range(1, self.size + 1):
            data_dir = self.work / f"r{n}-data"
            data_dir.mkdir(parents=True, exist_ok=True)
            (data_dir / "onnx").symlink_to(ONNX_CACHE, target_is_directory=True)
            self.replicas.append(Replica(f"r{n}", free_port(), data_dir, self.work / f"r{n}.log"))
        if not onnx_model_cached():
            # One export, not one per replica: the others start once it is there.
            self.launch(self.replicas[0])
            self.wait_ready(self.replicas[0])
        # The rest start together on the empty database: their migrations take turns.
        for replica in self.replicas:
            if not replica.alive():
                self.launch(replica)
        for replica in self.replicas:
            self.wait_ready(replica)
        self.start_balancer(haproxy)
        return self

    def launch(self, replica: Replica) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(replica.port),
            "--no-access-log",
            # The balancer is the only trusted proxy: the client address (and so the rate
            # limit's bucket for keyless callers) is the caller's, not the balancer's.
            "--proxy-headers",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        with replica.log_path.open("ab") as log:
            replica.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=self.replica_env(replica),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, replica: Replica) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert replica.process is not None
            if replica.process.poll() is not None:
                raise RuntimeError(f"{replica.name} exited:\n{replica.log_path.read_text()}")
            try:
                if httpx.get(replica.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{replica.name} not ready:\n{replica.log_path.read_text()}")

    def haproxy_config(self) -> str:
        servers = "\n".join(f"    server {r.name} 127.0.0.1:{r.port} check" for r in self.replicas)
        return f"""\
global
    maxconn 2000
    stats socket {self.stats_socket} mode 600 level admin
    log stdout format raw local0

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A connection a replica refuses (it just died, before the health check noticed) is
    # tried again on another replica: the request never reached the first one. Nothing
    # else is retried: a POST a replica received may have stored its turn.
    retries 3
    retry-on conn-failure
    option redispatch 1
    option forwardfor

frontend triage
    bind 127.0.0.1:{self.balancer_port}
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
    http-after-response set-header X-Served-By %[srv_name]
{servers}
"""

    def start_balancer(self, haproxy: str) -> None:
        self.balancer_port = free_port()
        config = self.work / "haproxy.cfg"
        config.write_text(self.haproxy_config())
        checked = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True)
        if checked.returncode != 0:
            raise RuntimeError(f"haproxy refused its config: {checked.stderr.decode()}")
        with self.balancer_log.open("ab") as log:
            self._haproxy = subprocess.Popen(
                [haproxy, "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while self.server_states() != {r.name: "UP" for r in self.replicas}:
            if self._haproxy.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"haproxy not up:\n{self.balancer_log.read_text()}")
            time.sleep(0.1)

    def serve_with(self, count: int) -> None:
        """Send traffic to the first `count` replicas only; the others idle in maintenance."""
        for n, replica in enumerate(self.replicas):
            verb = "enable" if n < count else "disable"
            self._admin(f"{verb} server replicas/{replica.name}")
        deadline = time.monotonic() + 30
        wanted = {r.name: "UP" if n < count else "MAINT" for n, r in enumerate(self.replicas)}
        while self.server_states() != wanted:
            if time.monotonic() > deadline:
                raise RuntimeError(f"balancer never got to {wanted}: {self.server_states()}")
            time.sleep(0.1)

    def _admin(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.stats_socket))
            sock.sendall(command.encode() + b"\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        return answer.decode()

    def server_states(self) -> dict[str, str]:
        """Each replica's state as the balancer sees it: UP, DOWN, ... (from `show stat`)."""
        return {name: row["status"].split(" ")[0] for name, row in self.server_stats().items()}

    def server_stats(self) -> dict[str, dict[str, str]]:
        """The balancer's counters for each replica (HAProxy's `show stat` columns)."""
        try:
            lines = self._admin("show stat").splitlines()
        except OSError:
            return {}
        if not lines:
            return {}
        header = lines[0].lstrip("# ").split(",")
        stats = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "replicas" and row.get("svname") not in ("BACKEND", None):
                stats[row["svname"]] = row
        return stats

    def kill(self, replica: Replica) -> None:
        """SIGKILL: no draining, no lifespan shutdown, as a crash or an OOM kill."""
        assert replica.process is not None
        replica.process.send_signal(signal.SIGKILL)
        replica.process.wait(timeout=10)

    def stop(self) -> None:
        if self._haproxy is not None and self._haproxy.poll() is None:
            self._haproxy.terminate()
            self._haproxy.wait(timeout=10)
        for replica in self.replicas:
            if replica.alive():
                assert replica.process is not None
                replica.process.terminate()
        for replica in self.replicas:
            if replica.process is not None:
                try:
                    replica.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    replica.process.kill()
                    replica.process.wait(timeout=10)


@contextmanager
def running_cluster(
    work: Path, haproxy: str, *, size: int = 3, env: Mapping[str, str] | None = None
) -> Iterator[Cluster]:
    """`size` replicas on a scratch database behind HAProxy; all stopped and dropped after."""
    with scratch_database() as database_url:
        cluster = Cluster(work, database_url, size=size, env=dict(env or {}))
        try:
            yield cluster.start(haproxy)
        finally:
            cluster.stop()
