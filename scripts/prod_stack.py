"""The production stack, natively on this machine: gunicorn, a Celery worker and beat with production settings
against the local PostgreSQL and Redis, started from the commands of scripts/prod_commands.py.

Used by ``make prod-smoke`` (scripts/prod_smoke.py) and ``make load`` (scripts/load.py). On its own,
``python -m scripts.prod_stack --database servicelead_demo`` prepares that database (fresh, with the demo
organisation) and serves it on 127.0.0.1 until Ctrl-C. Everything listens on and talks to loopback only;
every process is started with its own session and stopped by its PID (SIGTERM, then SIGKILL).
PostgreSQL and Redis are the local servers unless ``SERVICELEAD_PG_ADMIN_URL`` (a database to connect to for
creating and dropping others) or ``SERVICELEAD_REDIS_SERVER_URL`` say otherwise."""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import redis
from psycopg import sql

from scripts import prod_commands

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_ADMIN_URL = os.environ.get("SERVICELEAD_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_SERVER_URL = os.environ.get("SERVICELEAD_REDIS_SERVER_URL", "redis://127.0.0.1:6379")
STOP_SECONDS = 30
# Environment a developer's shell or CI may carry that must not leak into the production processes.
DROPPED_ENV = ("DJANGO_DEBUG", "REDIS_CACHE_URL", "CSRF_TRUSTED_ORIGINS", "SERVICELEAD_INPROCESS_JOBS")


class StackError(Exception):
    """A step of preparing, starting or checking the stack failed; the message says which and why."""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _database_name(name):
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise StackError(f"{name!r} is not a plain database name (lower-case letters, digits, _)")
    return name


def _admin_connection():
    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise StackError(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {error}") from error


def database_exists(name):
    with _admin_connection() as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [_database_name(name)]
        ).fetchone()
    return row is not None


def database_create(name):
    """A fresh, empty database ``name`` (an existing one is dropped first)."""
    database_drop(name)
    with _admin_connection() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_database_name(name))))


def database_drop(name):
    with _admin_connection() as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_database_name(name)))
        )


def redis_flush(redis_db):
    """Empty Redis database number ``redis_db``, the stack's own (the test suite uses another)."""
    client = redis.Redis.from_url(
        f"{REDIS_SERVER_URL}/{redis_db}", socket_connect_timeout=2, socket_timeout=5
    )
    try:
        client.flushdb()
    except redis.RedisError as error:
        raise StackError(f"Redis at {REDIS_SERVER_URL} is not reachable: {error}") from error
    finally:
        client.close()


class Stack:
    """The processes of one stack on a database of its own: ``prepare()``, ``start()``, ``stop()``."""

    def __init__(self, *, database, redis_db, web_workers=4, worker_concurrency=2, static_root=None):
        self.database = _database_name(database)
        self.redis_db = redis_db
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="servicelead-stack-"))
        self.static_root = Path(static_root) if static_root else self.workdir / "static"
        self.processes = {}
        self.env = self._environment(web_workers, worker_concurrency)

    def _environment(self, web_workers, worker_concurrency):
        env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
        # The commands' programs (python, gunicorn, celery) come from the virtualenv running this script.
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env.update(
            DJANGO_SETTINGS_MODULE=prod_commands.SETTINGS_MODULE,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS=f"{HOST},localhost",
            DATABASE_URL=f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{self.database}",
            REDIS_URL=f"{REDIS_SERVER_URL}/{self.redis_db}",
            # Plain HTTP on loopback only: no redirect to HTTPS, cookies without the Secure flag.
            # A real deployment keeps both on (their defaults); see README, "Production".
            SECURE_SSL_REDIRECT="false",
            SECURE_COOKIES="false",
            STATIC_ROOT=str(self.static_root),
            MEDIA_ROOT=str(self.workdir / "media"),
            WEB_CONCURRENCY=str(web_workers),
            CELERY_CONCURRENCY=str(worker_concurrency),
            PYTHONUNBUFFERED="1",
        )
        return env

    def argv(self, command):
        """``command`` with its program resolved on the stack's PATH (the virtualenv first)."""
        program = shutil.which(command[0], path=self.env["PATH"])
        if program is None:
            raise StackError(f"{command[0]} is not installed in {Path(sys.executable).parent}")
        return [program, *command[1:]]

    def run(self, command, *, timeout=600):
        """Run a one-off command to completion; its output, or StackError with the output's end."""
        try:
            done = subprocess.run(  # noqa: S603 - our own fixed commands
                self.argv(command), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as error:
            raise StackError(f"{' '.join(command)} did not finish within {timeout} s") from error
        if done.returncode != 0:
            raise StackError(
                f"{' '.join(command)} exited with {done.returncode}:\n{_tail(done.stdout + done.stderr)}"
            )
        return done.stdout

    def manage(self, *args, timeout=600):
        return self.run(["python", "manage.py", *args], timeout=timeout)

    def shell_json(self, code, *, timeout=120):
        """Run ``code`` in ``manage.py shell`` with the stack's settings; it prints one JSON line last."""
        output = self.manage("shell", "--no-startup", "-c", code, timeout=timeout)
        lines = [line for line in output.splitlines() if line.startswith(("{", "["))]
        if not lines:
            raise StackError(f"manage.py shell printed no JSON:\n{_tail(output)}")
        return json.loads(lines[-1])

    def prepare(self, *, collect_static=True):
        """Apply migrations and collect static files, as the compose file's migrate service and image do."""
        self.run(prod_commands.MIGRATE)
        if collect_static:
            self.run(prod_commands.COLLECTSTATIC)
        manifest = self.static_root / "staticfiles.json"
        if not manifest.exists():
            raise StackError(f"collectstatic wrote no manifest at {manifest}")

    def start(self):
        """Start worker, beat and web (in that order), each in a session of its own; returns their PIDs."""
        bind = f"{HOST}:{self.port}"
        for service in ("worker", "beat", "web"):
            log = open(self.log_path(service), "wb")  # noqa: SIM115 - closed with the process in stop()
            process = subprocess.Popen(  # noqa: S603 - our own fixed commands
                self.argv(prod_commands.command(service, bind=bind)),
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.processes[service] = (process, log)
        return {service: process.pid for service, (process, _log) in self.processes.items()}

    def log_path(self, service):
        return self.workdir / f"{service}.log"

    def log_tail(self, service, lines=25):
        path = self.log_path(service)
        return _tail(path.read_text(errors="replace"), lines) if path.exists() else "(no log)"

    def check_alive(self):
        for service, (process, _log) in self.processes.items():
            if process.poll() is not None:
                status = f"{service} (pid {process.pid}) exited with {process.returncode}"
                raise StackError(f"{status}:\n{self.log_tail(service)}")

    def get(self, path, timeout=5):
        """(status, parsed JSON or text) of a plain GET, without cookies: for the probes."""
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as response:  # noqa: S310 - our own http://127.0.0.1 stack  # nosec B310
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body.decode(errors="replace")

    def wait_ready(self, deadline_seconds=60):
        """Poll /readyz until it answers 200; StackError when a process dies or the deadline passes."""
        deadline = time.monotonic() + deadline_seconds
        last = "no answer"
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                status, body = self.get(prod_commands.READY_PATH)
            except (OSError, urllib.error.URLError) as error:
                last = str(error)
            else:
                if status == 200:
                    return body
                last = f"{status} {body}"
            time.sleep(0.2)
        raise StackError(f"{prod_commands.READY_PATH} not ready within {deadline_seconds} s: {last}")

    def stop(self):
        """SIGTERM each process by PID (web first), SIGKILL its process group after STOP_SECONDS."""
        stopped = []
        for service in ("web", "beat", "worker"):
            if service not in self.processes:
                continue
            process, log = self.processes.pop(service)
            stopped.append(f"{service} (pid {process.pid}): {_stop(process)}")
            log.close()
        return stopped

    def cleanup(self, *, keep_logs=False):
        if not keep_logs:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _stop(process):
    """Stop ``process`` and whatever it started in its session; says how it ended."""
    outcome = "already exited"
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
            outcome = "stopped by SIGTERM"
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait(timeout=10)
            outcome = f"killed (SIGKILL) after {STOP_SECONDS} s"
    # Children it left behind (a pool process) share its session, whose id is its PID.
    if _group_alive(process.pid):
        _kill_group(process.pid)
        outcome += ", leftover children killed"
    return outcome


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _tail(text, lines=25):
    return "\n".join(text.rstrip().splitlines()[-lines:])


def terminate_on_sigterm():
    """Turn SIGTERM into SystemExit, so ``finally`` blocks stop the stack when make or CI is stopped."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="servicelead_demo")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="serve the database as it is (no reset, no seed)")
    parser.add_argument("--web-workers", type=int, default=4)
    args = parser.parse_args()
    terminate_on_sigterm()
    stack = Stack(database=args.database, redis_db=args.redis_db, web_workers=args.web_workers)
    try:
        if not args.keep:
            database_create(args.database)
            redis_flush(args.redis_db)
        stack.prepare()
        if not args.keep:
            stack.manage("seed_demo", "--force")
        pids = stack.start()
        stack.wait_ready()
        print(f"serving {stack.base_url} (pids {pids}); logs in {stack.workdir}; Ctrl-C stops", flush=True)
        while True:
            stack.check_alive()
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for line in stack.stop():
            print(line)


if __name__ == "__main__":
    try:
        main()
    except StackError as error:
        sys.exit(f"prod_stack: {error}")
