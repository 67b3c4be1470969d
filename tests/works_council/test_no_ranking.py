"""No ranking of persons (#17 item 2): every page and every API list, walked in works-council mode, lists
people by name — never by a level, a fit, a progress or a difference.

Five people join team A. Their names sort Alma < Bruno < Carla < Dirk < Ella, and every score of theirs
(confirmed levels, self-view minus confirmed level, plan progress, interests) follows one order: the
names' order (``direction`` 1) or its reverse (-1). A list sorted by any of those scores, either way up,
therefore shows the names in reverse alphabetical order in one of the two directions. The walk reads the
five names in the order each answer (HTML or JSON) shows them and fails on three or more in a row in
reverse alphabetical order; two lists one after the other can give two, never three."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from competencies.models import Assessment
from tests import factories
from tests.test_permission_matrix import EXPECTATIONS

NAMES = ["Alma Ahrens", "Bruno Brandt", "Carla Claus", "Dirk Dorn", "Ella Engel"]
PATTERN = re.compile("|".join(re.escape(name) for name in NAMES))
READERS = ("admin", "lead_a")


def ranked_run(text: str) -> list[str]:
    """The longest run of the five names, in the order ``text`` shows them, in reverse alphabetical order
    (one name repeated in a row counts once)."""
    shown = [match.group(0) for match in PATTERN.finditer(text)]
    shown = [name for i, name in enumerate(shown) if i == 0 or shown[i - 1] != name]
    best: list[str] = []
    run: list[str] = []
    for name in shown:
        run = [*run, name] if run and NAMES.index(name) < NAMES.index(run[-1]) else [name]
        best = max(best, run, key=len)
    return best


@pytest.fixture
def ranked_team(org):
    """The five people in team A, with scores in the names' order (``direction`` 1) or its reverse."""

    def build(direction):
        competencies = [factories.CompetencyFactory(name=f"Walk skill {i}") for i in range(3)]
        for competency in competencies:
            factories.TeamRequirementFactory(
                team=org.team_a, competency=competency, required_level=2, min_people=2
            )
        today = timezone.localdate()
        for index, name in enumerate(NAMES):
            rank = index if direction == 1 else len(NAMES) - 1 - index
            employee = factories.EmployeeFactory(name=name)
            factories.MembershipFactory(employee=employee, team=org.team_a)
            plan = factories.QualificationPlanFactory(employee=employee)
            for competency in competencies:
                # Self-view first, confirmed later: the difference (4 - rank) orders them too.
                factories.AssessmentFactory(
                    employee=employee,
                    competency=competency,
                    level=4,
                    source=Assessment.Source.SELF,
                    assessed_on=today - timedelta(days=40),
                )
                confirmed_on = today - timedelta(days=30)
                factories.AssessmentFactory(
                    employee=employee, competency=competency, level=rank, assessed_on=confirmed_on
                )
                factories.PlanItemFactory(
                    plan=plan,
                    competency=competency,
                    current_level=max(rank - 1, 0),
                    target_level=4,
                    progress=rank * 20,
                )
                factories.InterestFactory(employee=employee, competency=competency)

    return build


class _Undo(Exception):
    """Raised to roll back what one case created, so that the next case starts from the same data."""


def walk(org, readers=READERS):
    """({page: the reverse run}, the pages that showed at least three of the five) for every GET of the
    permission matrix that a reader can open."""
    found = {}
    seen = set()
    without_purpose = set()
    clients = {}
    for reader in readers:
        clients[reader] = Client()
        clients[reader].force_login(org.users[reader])
    for name, cases in EXPECTATIONS.items():
        for case in cases:
            readable = [reader for reader in readers if case.status.get(reader) == 200]
            if case.method != "get" or not readable:
                continue
            try:
                with transaction.atomic():
                    path = reverse(name, kwargs=case.kwargs(org))
                    for reader in readable:
                        text = _text(clients[reader].get(path))
                        if len(set(PATTERN.findall(text))) >= 3:
                            seen.add(f"{path} as {reader}")
                            if "<html" in text and "data-purpose" not in text:
                                without_purpose.add(path)
                        run = ranked_run(text)
                        if len(run) >= 3:
                            found[f"{path} as {reader}"] = run
                    raise _Undo
            except _Undo:
                pass
    walk.without_purpose = sorted(without_purpose)
    return found, seen


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    if response.status_code != 200 or not ("html" in kind or "json" in kind):
        return ""
    return b"".join(response).decode() if response.streaming else response.content.decode()


def test_the_reading_finds_a_ranking_and_passes_lists_by_name():
    assert ranked_run("Ella Engel, Dirk Dorn, Carla Claus") == ["Ella Engel", "Dirk Dorn", "Carla Claus"]
    # Two lists by name one after the other; a name repeated in a row (link and label) counts once.
    assert len(ranked_run("Carla Claus Dirk Dorn Dirk Dorn Ella Engel | Alma Ahrens Ella Engel")) == 2


@pytest.mark.parametrize("direction", [1, -1])
@override_settings(SERVICELEAD_WORKS_COUNCIL_MODE=True)
def test_no_page_or_api_list_ranks_people_in_works_council_mode(org, ranked_team, direction):
    ranked_team(direction)
    found, seen = walk(org)
    assert found == {}
    # The walk read the people lists it is about (it cannot pass by finding no one).
    team = {"team_id": org.team_a.pk}
    for name, kwargs in [
        ("teams:team_detail", team),
        ("teams:matrix", team),
        ("teams:review_calibration", team),
        ("api:employee_list", {}),
    ]:
        page = reverse(name, kwargs=kwargs)
        assert any(shown.startswith(f"{page} as") for shown in seen), (page, sorted(seen))
    print(len(seen), "pages and API lists showed the people:", sorted(seen))
    # Item 3: each page that shows these people's data states its purpose in one line.
    assert walk.without_purpose == [], walk.without_purpose


@override_settings(SERVICELEAD_WORKS_COUNCIL_MODE=False)
def test_the_walk_fails_on_a_ranking(org, ranked_team):
    """Outside works-council mode the calibration page lists differences largest first — a ranking that the
    walk must find, or it could not fail."""
    ranked_team(-1)
    found, _seen = walk(org, readers=("lead_a",))
    assert any("/calibration/" in page for page in found), found


@pytest.mark.parametrize(
    ("route", "ordering"), [("api:assessment_list", "-level"), ("api:plan_item_list", "progress")]
)
def test_the_api_refuses_ordering_people_by_a_score_in_works_council_mode(org, client_for, route, ordering):
    client = client_for("admin")
    path = reverse(route)
    assert client.get(path, {"ordering": ordering}).status_code == 200
    with override_settings(SERVICELEAD_WORKS_COUNCIL_MODE=True):
        response = client.get(path, {"ordering": ordering})
        assert response.status_code == 400
        assert "works-council mode" in response.json()["ordering"][0]
        # Ordering by the person or the date stays.
        assert client.get(path, {"ordering": "id"}).status_code == 200
    with override_settings(SERVICELEAD_WORKS_COUNCIL_MODE=True, SERVICELEAD_WC_NO_RANKING=False):
        assert client.get(path, {"ordering": ordering}).status_code == 200
