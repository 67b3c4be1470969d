"""Run the benchmarks: ``python -m bench [--sizes S,L,XL] [--databases sqlite,postgresql] [--keep]``.

For each size and database it builds the organisation with ``seed_demo`` in a database of its own
(``bench_<size>``), then measures in a separate process (bench/measure.py), which prints one figure per
line; at the end a table per database shows each figure per size and its growth, L/S and XL/L.

XL (50,000 people, 2,500 teams, 300 competencies, about 4.5 million assessments) runs on PostgreSQL only:
SQLite is skipped with the reason printed. seed_demo writes the bulk of it with COPY, in a few minutes
on a busy machine, so its database is kept after the run and reused while its fingerprint (seed_demo's
arguments, the demo generator's source and the migrations, stored as the database's comment) matches; any
change to them, or an interrupted seeding, makes the next run build it afresh."""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SIZES = {
    "S": ["--employees", "500", "--teams", "25", "--competencies", "80", "--requirements", "25"],
    "L": [
        "--employees", "10000", "--teams", "500", "--competencies", "300",
        "--assessed", "30", "--history", "3", "--requirements", "25",
    ],
    "XL": [
        "--employees", "50000", "--teams", "2500", "--competencies", "300",
        "--assessed", "30", "--history", "3", "--requirements", "25",
    ],
}  # fmt: skip
POSTGRESQL_ONLY = {"XL"}
REUSED = {"XL"}  # kept between runs while the fingerprint matches
SEED = "1"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
FINGERPRINT_PREFIX = "servicelead bench "
# What the fingerprint of a kept database covers besides seed_demo's arguments.
FINGERPRINTED = ["qualification/demo/*.py", "*/migrations/*.py"]


def database_name(size):
    return f"bench_{size.lower()}"


def database_url(database, size):
    if database == "sqlite":
        return f"sqlite:///{ROOT / 'bench-results' / f'{database_name(size)}.sqlite3'}"
    return f"{PG_ADMIN_URL}/{database_name(size)}"


def postgres(sql, *params):
    """Run ``sql`` on the server's maintenance database (outside a transaction); returns the rows."""
    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as connection:
        cursor = connection.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def fingerprint(size):
    digest = hashlib.sha256(" ".join([*SIZES[size], "--seed", SEED]).encode())
    for pattern in FINGERPRINTED:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def kept_seed_seconds(size):
    """The seeding time recorded on a kept database whose fingerprint matches, else None."""
    rows = postgres(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        database_name(size),
    )
    comment = (rows[0][0] if rows else None) or ""
    expected = f"{FINGERPRINT_PREFIX}{fingerprint(size)} seeded in "
    if not comment.startswith(expected):
        return None
    return float(comment.removeprefix(expected).removesuffix(" s"))


def prepare_postgres(size):
    name = sql.Identifier(database_name(size))
    postgres(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    postgres(sql.SQL("CREATE DATABASE {}").format(name))


def mark_seeded(size, seconds):
    comment = f"{FINGERPRINT_PREFIX}{fingerprint(size)} seeded in {seconds:.1f} s"
    postgres(
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(database_name(size)), sql.Literal(comment)
        )
    )


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
    """Build (or reuse) the database of ``size`` and measure it; returns {figure: (value, unit)}."""
    label = f"{database:<10} {size}"
    if database != "postgresql" and size in POSTGRESQL_ONLY:
        print(f"{label} skipped: PostgreSQL only (SQLite has no COPY to load it in minutes)", flush=True)
        return {}
    env = {
        **os.environ,
        "DATABASE_URL": database_url(database, size),
        "DJANGO_DEBUG": "false",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }
    env.pop("REDIS_URL", None)
    figures = {}
    kept_seconds = kept_seed_seconds(size) if size in REUSED and database == "postgresql" else None
    if kept_seconds is not None:
        print(f"{label} seed_demo: {database_name(size)} kept, its fingerprint matches", flush=True)
        figures["seed_demo"] = (kept_seconds, "s")
    elif not keep:
        (ROOT / "bench-results").mkdir(exist_ok=True)
        if database == "sqlite":
            Path(database_url(database, size).removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            prepare_postgres(size)
        manage(env, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        manage(env, "seed_demo", "--reset", "--seed", SEED, *SIZES[size], capture=True)
        seconds = time.perf_counter() - started
        print(f"{label} seed_demo                          {seconds:8.1f} s", flush=True)
        figures["seed_demo"] = (seconds, "s")
        if size in REUSED and database == "postgresql":
            mark_seeded(size, seconds)
    with tempfile.NamedTemporaryFile(suffix=".json") as results:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.measure", "--label", label, "--results", results.name],
            cwd=ROOT,
            env=env,
            check=True,
        )
        return figures | {figure: tuple(value) for figure, value in json.load(results).items()}


def ratio(numerator, denominator):
    if numerator is None or denominator is None or not denominator[0]:
        return ""
    return f"{numerator[0] / denominator[0]:.1f}"


def print_growth(database, by_size):
    """One row per figure: its value for each size, then L/S and XL/L."""
    sizes = [size for size in by_size if by_size[size]]
    if len(sizes) < 2:
        return
    figures = list(dict.fromkeys(figure for size in sizes for figure in by_size[size]))
    width = max(len(figure) for figure in figures) + 6
    growth = [(a, b) for a, b in (("S", "L"), ("L", "XL")) if a in sizes and b in sizes]
    print(f"\n{database}: growth of cost with size", flush=True)
    header = f"{'figure':<{width}}" + "".join(f"{size:>10}" for size in sizes)
    print(header + "".join(f"{f'{b}/{a}':>7}" for a, b in growth))
    for figure in figures:
        values = [by_size[size].get(figure) for size in sizes]
        unit = next(value[1] for value in values if value is not None)
        name = f"{figure} ({unit})" if unit else figure
        cells = "".join(f"{value[0]:>10.4g}" if value else f"{'—':>10}" for value in values)
        ratios = "".join(f"{ratio(by_size[b].get(figure), by_size[a].get(figure)):>7}" for a, b in growth)
        print(f"{name:<{width}}{cells}{ratios}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,L,XL", help="comma- or space-separated, of S, L, XL")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="reuse the databases of an earlier run")
    args = parser.parse_args()
    sizes = args.sizes.replace(",", " ").split()
    unknown = set(sizes) - set(SIZES)
    if unknown:
        parser.error(f"unknown sizes {', '.join(sorted(unknown))}; choose from {', '.join(SIZES)}")
    databases = args.databases.replace(",", " ").split()
    results = {database: {} for database in databases}
    started = time.perf_counter()
    for size in sizes:
        for database in databases:
            size_started = time.perf_counter()
            results[database][size] = run(database, size, args.keep)
            print(f"{database:<10} {size} took {time.perf_counter() - size_started:.0f} s in all", flush=True)
    for database in databases:
        print_growth(database, results[database])
    print(f"\nbench: {time.perf_counter() - started:.0f} s in all", flush=True)


if __name__ == "__main__":
    main()
