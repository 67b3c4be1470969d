"""Time the ESCO import: ``python -m bench.esco [--skills 14000]``.

In the scratch database named by DATABASE_URL (default sqlite:////tmp/esco.sqlite3, overwritten) it
writes ESCO-shaped skills CSVs (English and German, ``--skills`` rows each, with commas, quotes and line
breaks inside fields and several alternative labels per skill), then prints how long it takes to read
them in the limited reader process and stage them, to read the same files again (nothing changes), to
adopt 500 skills, to read a newer version that renames 10 % of them, and to search the staged skills."""

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "sqlite:////tmp/esco.sqlite3"
HEADINGS = [
    "conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "hiddenLabels",
    "status", "modifiedDate", "scopeNote", "definition", "inScheme", "description",
]  # fmt: skip
WORDS_EN = ["operate", "maintain", "diagnose", "advise", "install", "document", "calibrate", "repair"]
OBJECTS_EN = [
    "heat pumps",
    "ticket systems",
    "customer complaints",
    "field devices",
    "spare parts",
    "routers",
]
WORDS_DE = ["bedienen", "warten", "diagnostizieren", "beraten", "installieren", "dokumentieren"]
OBJECTS_DE = ["Wärmepumpen", "Ticketsysteme", "Kundenbeschwerden", "Feldgeräte", "Ersatzteile", "Router"]


def skills_csv(count, *, language, renamed=0):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADINGS)
    words, objects = (WORDS_DE, OBJECTS_DE) if language == "de" else (WORDS_EN, OBJECTS_EN)
    for number in range(count):
        verb, thing = words[number % len(words)], objects[(number // len(words)) % len(objects)]
        label = f"{verb} {thing} {number:05d}"
        if number < renamed:
            label += " (rev.)"
        alternatives = "\n".join(f"{thing} {verb} variant {k}, {number}" for k in range(3))
        row = {
            "conceptType": "KnowledgeSkillCompetence",
            "conceptUri": f"http://data.europa.eu/esco/skill/{number:08d}",
            "skillType": "skill/competence",
            "reuseLevel": "sector-specific",
            "preferredLabel": label,
            "altLabels": alternatives,
            "status": "released",
            "description": f'The ability to {verb} "{thing}", safely;\nincluding documentation.',
        }
        writer.writerow([row.get(h, "") for h in HEADINGS])
    return out.getvalue().encode()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skills", type=int, default=14_000)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    database = os.environ["DATABASE_URL"]
    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite://")).unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from django.db import connection

    from competencies import esco
    from competencies.models import Category, EscoSkill, Scale

    files = {language: skills_csv(args.skills, language=language) for language in ("en", "de")}
    size = sum(len(data) for data in files.values()) / 1e6

    def run(data_by_language, version):
        started = time.perf_counter()
        read = [
            esco.read_file(data=data, filename=f"skills_{language}.csv", language=language)
            for language, data in data_by_language.items()
        ]
        parsed = time.perf_counter() - started
        report = esco.import_esco(files=read, version=version)
        return report, parsed, time.perf_counter() - started

    report, parsed, total = run(files, "v1.1.1")
    print(
        f"ESCO import {args.skills} skills × 2 languages ({size:.1f} MB, {connection.vendor}): "
        f"read {parsed:.1f} s, total {total:.1f} s ({report.created} new)",
        flush=True,
    )
    report, parsed, total = run(files, "v1.1.1")
    print(
        f"same files again: total {total:.1f} s ({report.created} new, {report.unchanged} unchanged)",
        flush=True,
    )
    scale = Scale.objects.create(name="0–4")
    category = Category.objects.create(name="ESCO", family=Category.Family.TECHNICAL)
    uris = list(EscoSkill.objects.order_by("uri").values_list("uri", flat=True)[:500])
    started = time.perf_counter()
    adopted = esco.adopt_skills(uris=uris, category=category, scale=scale)
    print(
        f"adopt 500 skills: {time.perf_counter() - started:.2f} s ({len(adopted.created)} created)",
        flush=True,
    )
    newer = {"en": skills_csv(args.skills, language="en", renamed=args.skills // 10), "de": files["de"]}
    report, parsed, total = run(newer, "v1.2.0")
    print(
        f"newer version, 10 % renamed: total {total:.1f} s ({report.updated} updated, "
        f"{len(report.changed)} adopted competencies renamed)",
        flush=True,
    )
    durations = []
    for query in ("wärmepumpe", "ticket systems 0123", "kundenbeschwerden beraten", "router variant 2"):
        started = time.perf_counter()
        list(esco.search_skills(query))
        durations.append((time.perf_counter() - started) * 1000)
    print(
        f"search {EscoSkill.objects.count()} staged skills: median {statistics.median(durations):.0f} ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
