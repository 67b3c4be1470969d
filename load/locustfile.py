"""Locust scenario for ``make load``, run by scripts/load.py against the native production stack on 127.0.0.1.

Who does what, in proportion 6 : 3 : 1:
- leads open their team dashboard (the team page where the dashboard is not built), whose staffing hints
  the page then loads with htmx as a browser does, and call the gap-analysis API, now and then the team
  page;
- employees save their self-assessment as a draft (the page's own form, posted back), else record a self
  assessment through the API; now and then they look at their profile;
- HR start an export of the organisation's plans on the export page (a job for the workers) and look at
  its job page, now and then the organisation overview; they pause five times as long between clicks.

Every click is followed by a pause (the think time), the click that submits a form too; what a page loads
by itself (the dashboard's staffing hints, a redirect to the job page) follows at once.

Everything it needs comes from the JSON file named by ``LOAD_PLAN`` (logins, team and employee ids, URLs,
written by scripts/load.py, which also puts the project on PYTHONPATH); at the end it writes the figures
to ``LOAD_SUMMARY``. Only the host given on the command line is contacted, and scripts/load.py only ever
gives it 127.0.0.1."""

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.stats import RequestStats, StatsEntry

from scripts.html_forms import form_for

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read()) if os.environ.get("LOAD_PLAN") else {}  # noqa: SIM115
URLS = PLAN.get("urls", {})
# Seconds a person takes between two clicks (reading the page). HR read a whole organisation's figures
# and start exports now and then: they pause five times as long.
THINK_MIN = float(os.environ.get("LOAD_THINK_MIN", "1"))
THINK_MAX = float(os.environ.get("LOAD_THINK_MAX", "3"))
HR_PAUSE = 5
LOGIN_REQUESTS = ("login form", "login")
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX_HEADERS = {"HX-Request": "true"}
# The measured window: it starts once every person has logged in (the figures are reset then), lasts this
# long, and its start is written to LOAD_MEASURING for scripts/load.py to measure CPU over the same window.
MEASURED_SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
_next = {"lead": itertools.count(), "employee": itertools.count(), "hr": itertools.count()}
_logged_in = itertools.count(1)
_failed_logins = []
# The measured window's own figures: only requests issued in it count (one still waiting for its answer
# when the window opens belongs to the logins before it); with the slowest of them and when they started
# (seconds into the window), to tell a slow kind of request from a moment when everything was slow.
SLOW_KEPT = 15
_window = {}
_window_stats = RequestStats()
_slowest = []


def _logged_in_one(environment):
    """After the last login: reset the figures, mark the window's start, stop when the window ends."""
    if next(_logged_in) != environment.runner.target_user_count:
        return
    environment.runner.stats.reset_all()
    _window["start"] = time.time()
    if os.environ.get("LOAD_MEASURING"):
        with open(os.environ["LOAD_MEASURING"], "w") as stream:
            stream.write(str(time.time()))
    gevent.spawn_later(MEASURED_SECONDS, environment.runner.quit)


# geventhttpclient rather than requests: locust shares the machine's cores with the stack it measures.
class Person(FastHttpUser):
    abstract = True
    wait_time = between(THINK_MIN, THINK_MAX)
    role = ""

    def on_start(self):
        logins = PLAN[f"{self.role}s"]
        self.login = logins[next(_next[self.role]) % len(logins)]
        page = self.client.get("/login/", name="login form")
        form = form_for(page.text, "/login/")
        token = dict(form.fields).get("csrfmiddlewaretoken", "") if form else ""
        with self.client.post(
            "/login/",
            data=urlencode(
                {
                    "username": self.login["username"],
                    "password": PLAN["password"],
                    "csrfmiddlewaretoken": token,
                }
            ),
            headers=FORM_HEADERS,
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {self.login['username']} answered {response.status_code}")
                _failed_logins.append(self.login["username"])
        _logged_in_one(self.environment)

    def page(self, url, name, headers=None):
        with self.client.get(
            url, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response

    def post_form(self, url, data, name):
        """A form posted as a browser posts it (urlencoded, with the page as referrer)."""
        return self.client.post(
            url,
            data=urlencode(data),
            headers={**FORM_HEADERS, "Referer": self.host + url},
            allow_redirects=False,
            name=name,
            catch_response=True,
        )

    def csrf_headers(self):
        token = next((cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken"), "")
        return {"X-CSRFToken": token, "Referer": self.host + "/"}


class Lead(Person):
    weight = 6
    role = "lead"

    def on_start(self):
        super().on_start()
        self.team_id = self.login["team_id"]

    @task(3)
    def dashboard(self):
        if not URLS.get("dashboard"):
            self.page(URLS["team"].format(team_id=self.team_id), "team page")
            return
        page = self.page(URLS["dashboard"].format(team_id=self.team_id), "team dashboard")
        if page.status_code == 200 and URLS.get("staffing_hints"):
            # The dashboard asks for its staffing hints as soon as it has loaded (hx-trigger="load").
            self.page(
                URLS["staffing_hints"].format(team_id=self.team_id),
                "staffing hints (htmx)",
                headers=HTMX_HEADERS,
            )

    @task(3)
    def gap_analysis(self):
        self.page(URLS["gap_api"].format(team_id=self.team_id), "gap-analysis API")

    @task(1)
    def team_page(self):
        self.page(URLS["team"].format(team_id=self.team_id), "team page")


class Employee(Person):
    weight = 3
    role = "employee"

    @task(3)
    def save_self_assessment(self):
        if URLS.get("self_assessment"):
            with self.client.get(
                URLS["self_assessment"],
                name="self-assessment page",
                allow_redirects=False,
                catch_response=True,
            ) as page:
                form = form_for(page.text, URLS["self_assessment"]) if page.status_code == 200 else None
                if form is None:
                    page.failure(f"{page.status_code}, no form to save")
                    return
            # Saving is a click like any other: the person reads and fills in the form first.
            self.wait()
            with self.post_form(
                URLS["self_assessment"], form.data({"action": "draft"}), "self-assessment save"
            ) as response:
                if response.status_code != 302:
                    alert = re.search(
                        r'class="[^"]*(?:alert|invalid-feedback)[^"]*"[^>]*>\s*([^<]+)', response.text or ""
                    )
                    reason = alert.group(1).strip() if alert else (response.text or "")[:200]
                    response.failure(f"saving the draft answered {response.status_code}: {reason}")
            return
        with self.client.post(
            "/api/v1/assessments/",
            json={
                "employee": self.login["employee_id"],
                "competency": random.choice(self.login["competencies"]),  # noqa: S311 - load mix, not security
                "level": random.randint(1, 3),  # noqa: S311
                "source": "self",
            },
            headers=self.csrf_headers(),
            name="self-assessment API",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} {(response.text or '')[:200]}")

    @task(1)
    def profile(self):
        self.page(URLS["profile"].format(employee_id=self.login["employee_id"]), "own profile")


class Hr(Person):
    weight = 1
    role = "hr"
    wait_time = between(HR_PAUSE * THINK_MIN, HR_PAUSE * THINK_MAX)

    @task(2)
    def start_export(self):
        """The organisation's plans as xlsx: an export job for the workers (the page redirects to it)."""
        if not URLS.get("export"):
            self.page("/api/v1/jobs/", "jobs API")
            return
        page = self.page(URLS["export"], "export page")
        form = form_for(page.text, URLS["export"]) if page.status_code == 200 else None
        if form is None:
            return
        self.wait()
        with self.post_form(
            URLS["export"], form.data({"scope": "all", "file_format": "xlsx", "period": ""}), "export start"
        ) as response:
            if response.status_code != 302:
                response.failure(f"starting the export answered {response.status_code}")
                return
        self.page(response.headers["Location"], "job page")

    @task(1)
    def organisation(self):
        self.page(URLS["organisation"], "organisation overview")


@events.request.add_listener
def count_in_window(
    request_type, name, response_time, response_length, exception=None, start_time=None, **kw
):
    started = start_time or time.time()
    if "start" not in _window or started < _window["start"]:
        return
    _window_stats.log_request(request_type, name, response_time, response_length or 0)
    if exception is not None:
        _window_stats.log_error(request_type, name, exception)
    if name not in LOGIN_REQUESTS:
        _slowest.append((response_time, started - _window["start"], f"{request_type} {name}"))
        _slowest.sort(reverse=True)
        del _slowest[SLOW_KEPT:]


@events.quitting.add_listener
def write_summary(environment, **kwargs):
    """The figures of the measured window as JSON for scripts/load.py: in total, without the logins (none
    should fall in the window) and per request kind."""
    path = os.environ.get("LOAD_SUMMARY")
    if not path or "start" not in _window:
        return
    stats = _window_stats
    seconds = max(time.time() - _window["start"], 1e-9)

    def figures(entry):
        return {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": round(entry.num_requests / seconds, 2),
            "median_ms": entry.median_response_time,
            "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else 0,
            "max_ms": round(entry.max_response_time or 0),
        }

    working = StatsEntry(stats, "without logins", "")
    for entry in stats.entries.values():
        if entry.name not in LOGIN_REQUESTS:
            working.extend(entry)
    summary = {
        "working": figures(working),
        "login_failures": len(_failed_logins),
        "endpoints": {f"{entry.method} {entry.name}": figures(entry) for entry in stats.entries.values()},
        "errors": [
            {"request": f"{error.method} {error.name}", "error": str(error.error), "count": error.occurrences}
            for error in stats.errors.values()
        ],
        "exceptions": [str(exception["msg"]) for exception in environment.runner.exceptions.values()],
        "slowest": [
            {"ms": round(ms), "at_s": round(at, 1), "request": request} for ms, at, request in _slowest
        ],
    }
    with open(path, "w") as stream:
        json.dump(summary, stream, indent=1)
