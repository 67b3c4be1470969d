"""``make prod-smoke``: the production stack, started natively and used over HTTP the way people use it.

A fresh PostgreSQL database (``servicelead_smoke``) and Redis database 14; migrate, collectstatic and the
demo organisation with production settings; gunicorn (2 workers), a Celery worker and beat started by
PID (scripts/prod_stack.py); then, on 127.0.0.1 only: the probes, static files, lead and HR log in and open
their pages, plan generation runs as a job on the worker and is followed to success, an export is
downloaded and read back. Everything started is stopped and the database dropped, whatever happens.
Exits non-zero naming the step that failed."""

import csv
import datetime
import http.cookiejar
import io
import json
import re
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import openpyxl

from scripts import prod_commands
from scripts.html_forms import form_for
from scripts.prod_stack import (
    Stack,
    StackError,
    database_create,
    database_drop,
    redis_flush,
    terminate_on_sigterm,
)

DATABASE = "servicelead_smoke"
REDIS_DB = 14
JOB_DEADLINE_SECONDS = 180
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Who the demo organisation (seed_demo) lets in, and what the smoke test asks about it. Printed as JSON.
FACTS = """
import json
from django.contrib.auth import get_user_model
from django.core.management import get_commands
from django.urls import NoReverseMatch, reverse
from qualification.demo import DEMO_PASSWORD

lead = get_user_model().objects.get(username="lead")
team = lead.led_teams.order_by("id").first()

def url(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None

print(json.dumps({
    "password": DEMO_PASSWORD,
    "team_id": team.pk,
    "team_name": team.name,
    "urls": {
        "team_detail": url("teams:team_detail", team_id=team.pk),
        "dashboard": url("teams:dashboard", team_id=team.pk),
        "organisation": url("teams:organisation"),
        "gap_api": url("api:team_gap_analysis", team_id=team.pk),
        "generate": url("qualification:generate"),
        "export": url("qualification:export"),
        "job_download": (url("qualification:job_download", job_id=7654321) or "").replace("7654321", "{}"),
    },
    "export_commands": sorted(name for name in get_commands() if name in ("export_plans", "export_matrix")),
}))
"""

# Plan generation requested the way a page does it: a Job row, enqueued on commit through Redis.
REQUEST_GENERATION = """
import json
from django.contrib.auth import get_user_model
from qualification.generation_jobs import plans_generate_job_create

job = plans_generate_job_create(
    team_ids=[{team_id}], period="{period}", owner=get_user_model().objects.get(username="lead")
)
print(json.dumps({{"job_id": job.pk}}))
"""


class Failed(Exception):
    """A check of the smoke test did not hold."""


class _StaticUrls(HTMLParser):
    """The static file URLs a page links."""

    def __init__(self):
        super().__init__()
        self.static_urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if (attrs.get(key) or "").startswith("/static/"):
                self.static_urls.append(attrs[key])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's HTTP session against the stack: cookies kept, redirects reported, not followed."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, method, path, data=None, headers=None, timeout=30):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base_url + path, data=body, method=method, headers=headers or {}
        )
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                status, response_headers, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, response_headers, content = error.code, error.headers, error.read()
        return Response(status, response_headers, content, (time.perf_counter() - started) * 1000)

    def get(self, path, expect=200):
        response = self.request("GET", path)
        if response.status != expect:
            raise Failed(f"GET {path} answered {response.status}, expected {expect}: {response.text[:300]}")
        return response

    def json(self, path):
        response = self.get(path)
        try:
            return json.loads(response.content)
        except ValueError as error:
            raise Failed(f"GET {path} did not answer JSON: {response.text[:300]}") from error

    def log_in(self, username, password):
        form = form_for(self.get("/login/").text, "/login/")
        if form is None or not dict(form.fields).get("csrfmiddlewaretoken"):
            raise Failed("the login page has no form with a CSRF token")
        response = self.request(
            "POST",
            "/login/",
            form.data({"username": username, "password": password}),
            headers={"Referer": self.base_url + "/login/"},
        )
        if response.status != 302:
            raise Failed(f"logging in as {username} answered {response.status}, not a redirect")
        if not any(cookie.name == "sessionid" for cookie in self.cookies):
            raise Failed(f"logging in as {username} set no session cookie")
        return response.headers.get("Location")


class Response:
    def __init__(self, status, headers, content, ms):
        self.status, self.headers, self.content, self.ms = status, headers, content, ms

    @property
    def text(self):
        return self.content.decode(errors="replace")


def _page_errors(html):
    """The error messages a re-rendered form shows, for the failure report."""
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>\s*([^<]+)', html)
    return "; ".join(text.strip() for text in found[:5]) or html[:200]


def _next_quarter(today):
    quarter = (today.month - 1) // 3 + 1
    return f"{today.year + 1}-Q1" if quarter == 4 else f"{today.year}-Q{quarter + 1}"


def _rows_in(content, content_type):
    """The data rows (header excluded) of an xlsx or csv file."""
    if XLSX in content_type or content[:2] == b"PK":
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        sheet = workbook.worksheets[0]
        rows = [row for row in sheet.iter_rows(values_only=True) if any(cell is not None for cell in row)]
        return sheet.title, rows[1:]
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;")
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(row)]
    return "csv", rows[1:]


class Smoke:
    def __init__(self):
        self.stack = Stack(database=DATABASE, redis_db=REDIS_DB, web_workers=2, worker_concurrency=2)
        self.passed = []
        self.notes = []
        self.facts = {}
        self.lead = Browser(self.stack.base_url)
        self.hr = Browser(self.stack.base_url)

    def step(self, name, check):
        started = time.perf_counter()
        noted = len(self.notes)
        try:
            detail = check()
        except (Failed, StackError) as error:
            print(f"-- {name} ... FAILED", flush=True)
            raise Failed(f"{name}: {error}") from error
        except Exception as error:
            print(f"-- {name} ... FAILED", flush=True)
            raise Failed(f"{name}: {type(error).__name__}: {error}\n{traceback.format_exc()}") from error
        seconds = time.perf_counter() - started
        print(f"-- {name} ... ok ({seconds:.1f} s){f' - {detail}' if detail else ''}", flush=True)
        for text in self.notes[noted:]:
            print(f"   note: {text}", flush=True)
        self.passed.append(name)

    def note(self, text):
        self.notes.append(text)

    def run(self):
        self.step("fresh database and Redis db", self.fresh)
        self.step("migrate and collectstatic (production settings)", self.stack.prepare)
        self.step("seed_demo --force", self.seed)
        self.step("facts about the demo organisation", self.read_facts)
        self.step("start gunicorn, Celery worker and beat", self.start)
        self.step("/healthz and /readyz", self.probes)
        self.step("static files through whitenoise", self.static_files)
        self.step("lead logs in, opens home and team pages", self.lead_pages)
        self.step("gap-analysis API", self.gap_api)
        self.step("HR logs in, opens home and organisation overview", self.hr_pages)
        self.step("plan generation job on the worker", self.plan_generation)
        self.step("export downloaded and read back", self.export)
        self.step("beat scheduled the periodic sweep", self.beat)
        self.step("structured JSON logs", self.json_logs)
        self.step("every process still running", self.stack.check_alive)

    def fresh(self):
        database_create(DATABASE)
        redis_flush(REDIS_DB)
        return f"{DATABASE}, redis db {REDIS_DB}"

    def seed(self):
        output = self.stack.manage("seed_demo", "--force")
        return next((line.strip() for line in output.splitlines() if "employees" in line), None)

    def read_facts(self):
        self.facts = self.stack.shell_json(FACTS)
        return f"lead's team #{self.facts['team_id']} {self.facts['team_name']}"

    def start(self):
        pids = self.stack.start()
        return ", ".join(f"{service} pid {pid}" for service, pid in pids.items()) + f"; {self.stack.base_url}"

    def probes(self):
        body = self.stack.wait_ready()
        checks = body.get("checks", {})
        missing = {"database", "migrations", "broker"} - set(checks)
        if missing or not all(check["ok"] for check in checks.values()):
            raise Failed(f"readyz: {body}")
        status, health = self.stack.get(prod_commands.HEALTH_PATH)
        if status != 200 or health.get("status") != "ok":
            raise Failed(f"healthz answered {status} {health}")
        return " ".join(f"{name} {check['ms']} ms" for name, check in checks.items())

    def static_files(self):
        page = _StaticUrls()
        page.feed(self.lead.get("/login/").text)
        hashed = [url for url in page.static_urls if re.search(r"\.[0-9a-f]{12}\.(css|js)$", url)]
        if not hashed:
            raise Failed(f"the login page links no hashed static files: {page.static_urls[:5]}")
        response = self.lead.request("GET", hashed[0], headers={"Accept-Encoding": "gzip"})
        if response.status != 200:
            raise Failed(f"GET {hashed[0]} answered {response.status}")
        if "max-age" not in (response.headers.get("Cache-Control") or ""):
            raise Failed(f"{hashed[0]} is served without a long cache lifetime")
        return f"{hashed[0]} ({response.headers.get('Content-Encoding') or 'identity'})"

    def lead_pages(self):
        self.lead.log_in("lead", self.facts["password"])
        timings = [f"home {self.lead.get('/').ms:.0f} ms"]
        urls = self.facts["urls"]
        timings.append(f"team {self.lead.get(urls['team_detail']).ms:.0f} ms")
        if urls["dashboard"]:
            timings.append(f"dashboard {self.lead.get(urls['dashboard']).ms:.0f} ms")
        else:
            self.note("teams:dashboard does not resolve yet; team dashboard skipped")
        return ", ".join(timings)

    def gap_api(self):
        report = self.lead.json(self.facts["urls"]["gap_api"])
        if report.get("team", {}).get("id") != self.facts["team_id"] or "coverage" not in report:
            raise Failed(f"unexpected gap analysis: {str(report)[:300]}")
        return f"coverage {report['coverage']}, {len(report['requirements'])} requirements"

    def hr_pages(self):
        self.hr.log_in("hr", self.facts["password"])
        timings = [f"home {self.hr.get('/').ms:.0f} ms"]
        if self.facts["urls"]["organisation"]:
            timings.append(f"organisation {self.hr.get(self.facts['urls']['organisation']).ms:.0f} ms")
        else:
            self.note("teams:organisation does not resolve yet; organisation overview skipped")
        return ", ".join(timings)

    def plan_generation(self):
        team_id = self.facts["team_id"]
        generate = self.facts["urls"]["generate"]
        if generate:
            job_id, period = self._submit(
                self.lead, f"{generate}?team={team_id}", {"scope": f"team-{team_id}"}
            )
            how = "generation page"
        else:
            self.note("the plan generation page does not resolve yet; job requested in manage.py shell")
            period = _next_quarter(datetime.date.today())  # noqa: DTZ011 - a quarter; same zone as the server
            code = REQUEST_GENERATION.format(team_id=team_id, period=period)
            job_id, how = self.stack.shell_json(code)["job_id"], "plans_generate_job_create"
        job = self._follow_job(self.lead, job_id)
        plans = self.lead.json(f"/api/v1/plans/?period={period}")
        count = plans.get("count", len(plans.get("results", [])))
        if not count:
            raise Failed(
                f"job {job_id} succeeded but the lead sees no plans for {period}: {job.get('result')}"
            )
        return f"job #{job_id} via {how}, {period}: {job.get('message')} ({count} plans via API)"

    def _submit(self, browser, page_url, changes):
        """Post the form of ``page_url`` with ``changes``: the id of the job it starts, and its period."""
        path = page_url.split("?")[0]
        form = form_for(browser.get(page_url).text, path)
        if form is None:
            raise Failed(f"{page_url} has no form")
        data = form.data(changes)
        response = browser.request("POST", path, data, headers={"Referer": browser.base_url + page_url})
        location = response.headers.get("Location") or ""
        found = re.search(r"/jobs/(\d+)/", location)
        if response.status != 302 or not found:
            raise Failed(f"POST {path} answered {response.status} {location}: {_page_errors(response.text)}")
        browser.get(location)  # the job page with its progress bar
        return int(found.group(1)), dict(data).get("period")

    def _follow_job(self, browser, job_id):
        deadline = time.monotonic() + JOB_DEADLINE_SECONDS
        seen = []
        while time.monotonic() < deadline:
            self.stack.check_alive()
            job = browser.json(f"/api/v1/jobs/{job_id}/")
            state = (job["status"], job.get("progress"))
            if not seen or seen[-1] != state:
                seen.append(state)
            if job["status"] == "succeeded":
                return job
            if job["status"] in ("failed", "cancelled"):
                raise Failed(f"job {job_id} {job['status']}: {job.get('message')}")
            time.sleep(0.25)
        raise Failed(f"job {job_id} not done within {JOB_DEADLINE_SECONDS} s; states seen {seen}")

    def export(self):
        urls = self.facts["urls"]
        if urls["export"] and urls["job_download"]:
            changes = {"scope": "all", "file_format": "xlsx", "period": ""}
            job_id, _period = self._submit(self.hr, urls["export"], changes)
            self._follow_job(self.hr, job_id)
            response = self.hr.get(urls["job_download"].format(job_id))
            sheet, rows = _rows_in(response.content, response.headers.get("Content-Type") or "")
            if not rows:
                raise Failed(f"the export of job {job_id} has no data rows")
            return f"HR export job #{job_id} downloaded: {len(rows)} rows in sheet {sheet!r}"
        self.note("the export page does not resolve yet; reading an export back from a management command")
        commands = self.facts["export_commands"]
        if not commands:
            raise Failed("no export page and no export_plans/export_matrix command")
        command = "export_plans" if "export_plans" in commands else "export_matrix"
        output = self.stack.workdir / "export.xlsx"
        scope = ["--all"] if command == "export_plans" else ["--team", str(self.facts["team_id"])]
        self.stack.manage(command, "--format", "xlsx", *scope, "--output", str(output))
        sheet, rows = _rows_in(output.read_bytes(), XLSX)
        if not rows:
            raise Failed(f"{command} wrote no data rows")
        return f"manage.py {command}: {len(rows)} rows in sheet {sheet!r}"

    def beat(self):
        tasks = self.stack.shell_json(
            "import json; from django_celery_beat.models import PeriodicTask; "
            "print(json.dumps(list(PeriodicTask.objects.values_list('name', flat=True))))"
        )
        if "requeue-waiting-jobs" not in tasks:
            raise Failed(
                f"beat did not register the sweep; periodic tasks: {tasks}\n{self.stack.log_tail('beat')}"
            )
        return f"periodic tasks {tasks}"

    def json_logs(self):
        counts = {}
        for service in ("web", "worker", "beat"):
            lines = self.stack.log_path(service).read_text(errors="replace").splitlines()
            counts[service] = sum(1 for line in lines if _is_json(line))
        if not counts["worker"]:
            raise Failed(f"the worker logged no JSON line:\n{self.stack.log_tail('worker')}")
        return ", ".join(f"{service} {count} JSON lines" for service, count in counts.items())


def _is_json(line):
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def main():
    terminate_on_sigterm()
    smoke = Smoke()
    failure = None
    print(f"prod-smoke: production stack on {smoke.stack.base_url}, database {DATABASE}, redis db {REDIS_DB}")
    try:
        smoke.run()
    except Failed as error:
        failure = error
    except KeyboardInterrupt:
        failure = Failed("interrupted")
    finally:
        for line in smoke.stack.stop():
            print(f"-- stop {line}")
        if failure is not None:
            for service in ("web", "worker", "beat"):
                print(f"---- {service} log (end) ----\n{smoke.stack.log_tail(service)}")
        try:
            database_drop(DATABASE)
            redis_flush(REDIS_DB)
            print(f"-- dropped {DATABASE}, flushed redis db {REDIS_DB}")
        except StackError as error:
            print(f"-- cleanup: {error}")
        smoke.stack.cleanup()
    if failure is not None:
        print(f"prod-smoke FAILED at {failure}")
        return 1
    print(f"prod-smoke: all {len(smoke.passed)} steps passed ({len(smoke.notes)} notes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
