"""The real stack on loopback, for ``make check-hard``: a PostgreSQL and a Redis of its own
on spare ports (started from the servers installed on this machine, never the shared ones
on the standard ports), and gunicorn, a Celery worker and beat with the production
settings. Each piece can be stopped, killed and started again by the fault tests.
"""
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


FIGURES = ROOT / "tests" / "artifacts" / "check-hard.txt"


def figures(**values) -> None:
    """Record what a run measured (tests/artifacts/check-hard.txt; the README quotes it)."""
    FIGURES.parent.mkdir(exist_ok=True)
    with FIGURES.open("a", encoding="utf-8") as handle:
        for key, value in values.items():
            handle.write(f"{key} = {value}\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing(what: str):
    """A piece of the machine the suite needs is not there: fail, never skip."""
    pytest.fail(f"check-hard needs {what}", pytrace=False)


def wait_for(check, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception:  # noqa: BLE001 - not up yet
            result = None
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s")


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    command = args if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


class Postgres:
    """A PostgreSQL cluster of its own: initdb into a temporary folder, trust auth on loopback."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            missing("PostgreSQL's server programs (/usr/lib/postgresql/*/bin/pg_ctl)")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="xuchang-hard-pg-"))
        os.chmod(self.dir, 0o777)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        _as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8"])

    def url(self, database: str = "xuchang_hard") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
                      "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off", "start"])

    def stop(self, mode: str = "fast") -> None:
        _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def is_up(self) -> bool:
        return subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True).returncode == 0

    def psql(self, sql: str, database: str = "xuchang_hard") -> str:
        return subprocess.run(["psql", self.url(database), "-tAc", sql], check=True, capture_output=True,
                              text=True).stdout.strip()

    def remove(self) -> None:
        if self.is_up():
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def __init__(self):
        if not shutil.which("redis-server"):
            missing("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.is_up, timeout=10, what="Redis starting")

    def is_up(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class Processes:
    """gunicorn, the Celery worker and beat, with the production settings pointed at the stack."""

    def __init__(self, postgres: Postgres, redis: Redis):
        self.web_port = free_port()
        self.log_dir = Path(tempfile.mkdtemp(prefix="xuchang-hard-logs-"))
        from cryptography.fernet import Fernet

        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "xuchang_ecom.settings.production",
            "DJANGO_SECRET_KEY": "check-hard-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": postgres.url(),
            "REDIS_URL": redis.url,
            "EMAIL_URL": "consolemail://",
            "PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "PERSONAL_DATA_HASH_KEY": "check-hard-hash-key",
            "CONN_MAX_AGE": "60",
            "ROLLUP_DEBOUNCE_SECONDS": "2",
            # A roll-up whose worker was killed comes back after 15 s, not an hour.
            "CELERY_VISIBILITY_TIMEOUT": "15",
            # An import whose worker was killed is shown stopped after 10 s, not 2 minutes.
            "IMPORT_STALL_SECONDS": "10",
            "OPEN_DATA_RATE": "100000/min",
            "PRIVATE_MEDIA_ROOT": str(self.log_dir / "private"),
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("CI", None)
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None

    def manage(self, *args: str, env: dict | None = None, check: bool = True):
        """``manage.py`` with the stack's settings (and ``env`` on top); its output, or the
        completed process when ``check`` is off."""
        result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})},
                                capture_output=True, text=True, timeout=600)
        if not check:
            return result
        if result.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def start_web(self) -> None:
        self.web = self._spawn("gunicorn", [PYTHON, "-m", "gunicorn", "xuchang_ecom.wsgi", "--workers", "2",
                                            "--threads", "4", "--bind", f"127.0.0.1:{self.web_port}",
                                            "--timeout", "60", "--log-level", "warning"])  # as README's
        wait_for(lambda: Client(self.web_port).get("/healthz")[0] in (200, 503), timeout=30, what="gunicorn")

    def start_worker(self) -> None:
        self.worker = self._spawn("worker", [PYTHON, "-m", "celery", "-A", "xuchang_ecom", "worker",
                                             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip",
                                             "--without-mingle", "--pool", "prefork"])

    def start_beat(self) -> None:
        self.beat = self._spawn("beat", [PYTHON, "-m", "celery", "-A", "xuchang_ecom", "beat", "--loglevel",
                                         "WARNING", "--schedule", str(self.log_dir / "beat-schedule")])

    @staticmethod
    def stop(process: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for process in (self.beat, self.worker, self.web):
            self.stop(process)

    def remove(self) -> None:
        shutil.rmtree(self.log_dir, ignore_errors=True)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class Client:
    """A browser in miniature over http.client: keeps its own cookies (the production
    cookies are Secure, which cookie jars withhold over plain http on loopback), sends
    the CSRF token and an Origin like a browser's."""

    def __init__(self, port: int, *, timeout: float = 10):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        all_headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "zh-CN", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, data, response
        finally:
            connection.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict):
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}).encode()
        return self.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{self.port}",
            "Referer": f"http://127.0.0.1:{self.port}{path}"})

    def upload(self, path: str, data: dict, field: str, file_name: str, content: bytes):
        """POST ``data`` and one file as multipart/form-data, as a browser's upload form does."""
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        boundary = f"----check-hard-{os.urandom(8).hex()}"
        parts = []
        for name, value in {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{file_name}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": f"http://127.0.0.1:{self.port}",
            "Referer": f"http://127.0.0.1:{self.port}{path}"})

    def log_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        status, _body, response = self.post("/accounts/login/", {"username": username, "password": password})
        assert status == 302, f"log-in of {username} answered {status}"

    def json(self, path: str):
        status, body, _response = self.get(path)
        return status, json.loads(body) if body and status == 200 else None
