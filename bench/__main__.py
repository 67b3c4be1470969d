"""Run the benchmarks: ``python -m bench [--sizes S,L] [--databases sqlite,postgresql] [--keep]``.

For each database and size it builds the organisation with ``seed_demo`` in a database of its own,
then measures in a separate process (bench/measure.py) and prints one figure per line."""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {
    "S": ["--employees", "500", "--teams", "25", "--competencies", "80", "--requirements", "25"],
    "L": [
        "--employees", "10000", "--teams", "500", "--competencies", "300",
        "--assessed", "30", "--history", "3", "--requirements", "25",
    ],
}  # fmt: skip
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(database, size):
    if database == "sqlite":
        return f"sqlite:///{ROOT / 'bench-results' / f'bench_{size}.sqlite3'}"
    return f"{PG_ADMIN_URL}/servicelead_bench_{size.lower()}"


def prepare_postgres(size):
    name = f"servicelead_bench_{size.lower()}"
    subprocess.run(  # noqa: S603
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)  # noqa: S603


def manage(env, *args, capture=False):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )


def run(database, size, keep):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(database, size),
        "DJANGO_DEBUG": "false",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }
    env.pop("REDIS_URL", None)
    label = f"{database:<10} {size}"
    if not keep:
        (ROOT / "bench-results").mkdir(exist_ok=True)
        if database == "sqlite":
            Path(database_url(database, size).removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            prepare_postgres(size)
        manage(env, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        manage(env, "seed_demo", "--reset", "--seed", "1", *SIZES[size], capture=True)
        print(
            f"{label} seed_demo                          {time.perf_counter() - started:8.1f} s", flush=True
        )
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.measure", "--label", label],
        cwd=ROOT,
        env=env,
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,L")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="reuse the databases of an earlier run")
    args = parser.parse_args()
    for size in args.sizes.split(","):
        for database in args.databases.split(","):
            run(database, size, args.keep)


if __name__ == "__main__":
    main()
